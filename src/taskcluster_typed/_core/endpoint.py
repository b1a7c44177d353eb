"""The static description of one API method, and how its payload and reply are (de)coded.

Generated service modules hold one `Endpoint` per method. The input and output types may be
given as ``"module:Name"`` strings, imported on first use, and pydantic adapters are built on
first use too, so importing a service module imports no model and builds no validator.
"""

from __future__ import annotations

import importlib
import json
import warnings
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .errors import RequestValidationError, ResponseValidationError
from .pipeline import find_non_finite
from .urls import route_params

if TYPE_CHECKING:
    import pydantic

OutT = TypeVar("OutT")

#: The HTTP methods whose requests may be sent again (RFC 9110, 9.2.2).
SAFE_TO_REPEAT = frozenset({"GET", "HEAD", "PUT", "DELETE"})


def _location(root: str, loc: tuple[int | str, ...]) -> str:
    path = root
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _resolve(ref: str) -> Any:
    """A type given as ``"module:Name"``, imported."""
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def _adapter(type_: Any) -> pydantic.TypeAdapter[Any]:
    import pydantic  # first use imports it, not the module

    return pydantic.TypeAdapter(type_)


_UNKNOWN_VALUE_BRANCH = "_only_unknown_values"


def validation_errors(root: str, error: pydantic.ValidationError) -> list[tuple[str, str]]:
    """pydantic's errors as ``(dotted.path, message)`` pairs rooted at `root`.

    An enum is ``Literal[...] | UnknownValue`` (see `model_base.UnknownValue`): the error of
    its `UnknownValue` branch, which refuses every value given, says nothing, and the
    branch's label (``literal['a','b']``) is not part of the path."""
    found: list[tuple[str, str]] = []
    for e in error.errors(include_url=False):
        loc = tuple(e["loc"])
        if any(isinstance(p, str) and _UNKNOWN_VALUE_BRANCH in p for p in loc):
            continue
        path = tuple(p for p in loc if not (isinstance(p, str) and p.startswith("literal[")))
        found.append((_location(root, path), e["msg"]))
    return found


class Endpoint(Generic[OutT]):
    """One API method: its route, query options, input and output types."""

    __slots__ = (
        "_input_adapter",
        "_input_ref",
        "_output_adapter",
        "_output_ref",
        "idempotent",
        "method",
        "name",
        "params",
        "query",
        "route",
        "service",
        "stability",
    )

    def __init__(
        self,
        *,
        service: str,
        name: str,
        method: str,
        route: str,
        query: tuple[str, ...] = (),
        input_type: Any = None,
        output_type: Any = None,
        stability: str = "stable",
        idempotent: bool | None = None,
    ) -> None:
        self.service = service
        self.name = name
        self.method = method.upper()
        #: Safe to send again after it may have reached the server: GET, HEAD, PUT, DELETE,
        #: and the POST methods the generator marks (``[tool.codegen.idempotent_posts]``).
        self.idempotent = self.method in SAFE_TO_REPEAT if idempotent is None else idempotent
        self.route = route
        self.params = route_params(route)
        self.query = query
        self._input_ref = input_type
        self._output_ref = output_type
        self.stability = stability
        self._input_adapter: pydantic.TypeAdapter[Any] | None = None
        self._output_adapter: pydantic.TypeAdapter[Any] | None = None

    @property
    def input_type(self) -> Any:
        """The payload type (None when the method takes none), imported on first access."""
        ref = self._input_ref
        if isinstance(ref, str):
            ref = self._input_ref = _resolve(ref)
        return ref

    @property
    def output_type(self) -> Any:
        """The reply type (None when the reply is not decoded), imported on first access."""
        ref = self._output_ref
        if isinstance(ref, str):
            ref = self._output_ref = _resolve(ref)
        return ref

    def __repr__(self) -> str:
        return f"Endpoint({self.service}.{self.name}: {self.method} {self.route})"

    def warn_if_deprecated(self) -> None:
        if self.stability == "deprecated":
            warnings.warn(
                f"{self.service}.{self.name} is deprecated", DeprecationWarning, stacklevel=5
            )

    def encode_payload(self, payload: object) -> bytes:
        """Validate `payload` (a model or a dict) and return the JSON bytes to send."""
        if self.input_type is None:
            raise TypeError(f"{self.name} takes no payload")
        import pydantic  # first use imports it, not the module

        adapter = self._input_adapter
        if adapter is None:
            adapter = self._input_adapter = _adapter(self.input_type)
        try:
            value = adapter.validate_python(payload)
        except pydantic.ValidationError as error:
            raise RequestValidationError(self.name, validation_errors("payload", error)) from None
        import pydantic_core

        try:
            if isinstance(value, pydantic.BaseModel) and type(value) is not self.input_type:
                # A parameterized model (`CreateTaskRequest[DockerWorkerPayload]`) is dumped by
                # its own class: the plain class's serializer knows only an open-dict payload.
                data = value.model_dump_json(by_alias=True, exclude_unset=True).encode("utf-8")
            else:
                data = adapter.dump_json(value, by_alias=True, exclude_unset=True)
        except pydantic_core.PydanticSerializationError as error:
            raise RequestValidationError(
                self.name, [("payload", f"cannot be sent: {error}")]
            ) from None
        if (b"null" in data or b"NaN" in data or b"Infinity" in data) and (
            where := find_non_finite(value, "payload")
        ):
            raise RequestValidationError(
                self.name, [(where, "NaN and Infinity are not valid JSON")]
            )
        return data

    def _output(self) -> pydantic.TypeAdapter[Any]:
        """The reply type's adapter, built on first use."""
        adapter = self._output_adapter
        if adapter is None:
            adapter = self._output_adapter = _adapter(self.output_type)
        return adapter

    def decode_output(self, data: Any, url: str) -> OutT:
        """The reply's JSON as the output type: unknown fields and enum values are kept."""
        if self.output_type is None:
            return None  # type: ignore[return-value]
        import pydantic  # first use imports it, not the module

        from .lenient import validate_leniently

        try:
            return validate_leniently(self._output(), data)  # type: ignore[no-any-return]
        except pydantic.ValidationError as error:
            detail = "; ".join(f"{loc}: {msg}" for loc, msg in validation_errors("reply", error))
            raise ResponseValidationError(self.name, url, detail, data) from None

    def decode_json(self, content: bytes, url: str) -> OutT:
        """The reply body (JSON bytes) as the output type, as `decode_output` would give it.

        One pass first: pydantic parses and validates the bytes together. A reply that does
        not validate that way (e.g. an enum value newer than this package) goes through the
        lenient path, `decode_output` over the parsed JSON, which keeps such values or raises.
        """
        if self.output_type is None:
            return None  # type: ignore[return-value]
        import pydantic  # first use imports it, not the module

        try:
            return self._output().validate_json(content, extra="allow")  # type: ignore[no-any-return]
        except pydantic.ValidationError:
            pass
        try:
            data = json.loads(content)
        except ValueError as error:
            raise ResponseValidationError(
                self.name, url, f"the reply is not JSON: {error}", content
            ) from error
        return self.decode_output(data, url)
