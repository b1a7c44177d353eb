"""Parse a reply so that what a newer server adds does not break an older client.

Unknown fields are kept (``extra="allow"``). A value outside a `Literal` (a state or kind
added after this package was generated) is kept as the string the server sent, an
`UnknownValue` (the generated enum fields are typed ``Literal[...] | UnknownValue``): the
reply is validated with an allowed value in its place, then the server's value is put back on
the parsed object. Any other validation error is raised.

Conformance checks (is this package's reading of the schemas what the service sends?) use two
helpers, neither on the hot path: inside ``with strict_replies():`` a reply or Pulse message
that needs the fallback raises instead (`ResponseValidationError` / `MessageParseError`, naming
the method and the field), and `unknown_fields(value)` lists the fields a parsed reply kept
that its model does not declare although its schema forbids extra fields.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Generator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

import pydantic
from pydantic_core import ErrorDetails

from .model_base import UnknownValue

_STRICT: ContextVar[bool] = ContextVar("taskcluster_typed_strict_replies", default=False)

_FIRST_EXPECTED = re.compile(r"^'((?:[^'\\]|\\.)*)'")


def _allowed_value(error: ErrorDetails) -> str | None:
    context: dict[str, Any] = error.get("ctx") or {}
    expected = context.get("expected")
    match = _FIRST_EXPECTED.match(expected) if isinstance(expected, str) else None
    return match.group(1) if match else None


def _data_path(data: Any, loc: tuple[Any, ...]) -> list[Any] | None:
    """The keys of `loc` that step through `data`; union branch names and tags are dropped."""
    path: list[Any] = []
    node: Any = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)  # pyright: ignore[reportUnknownArgumentType]
        if not (in_dict or in_list):
            continue
        node = cast(Any, node)[part]
        path.append(part)
    return path or None


def _step(node: Any, key: Any) -> Any:
    if isinstance(node, pydantic.BaseModel):
        return getattr(node, _field_name(node, key))
    return node[key]


def _assign(node: Any, key: Any, value: Any) -> None:
    if isinstance(node, pydantic.BaseModel):
        name = _field_name(node, key)
        if name in type(node).model_fields:
            setattr(node, name, value)
        elif node.model_extra is not None:
            node.model_extra[name] = value
    else:
        node[key] = value


def _field_name(model: pydantic.BaseModel, key: str) -> str:
    fields = type(model).model_fields
    if key in fields:
        return key
    for name, info in fields.items():
        if info.alias == key:
            return name
    return key


def _unknown_value_branch(error: ErrorDetails) -> bool:
    return error["type"] == "value_error" and any(
        isinstance(part, str) and "_only_unknown_values" in part for part in error["loc"]
    )


def validate_leniently(adapter: pydantic.TypeAdapter[Any], data: Any) -> Any:
    """`adapter.validate_python(data)`, keeping unknown fields and unknown Literal values."""
    try:
        return adapter.validate_python(data, extra="allow")
    except pydantic.ValidationError as error:
        # The `UnknownValue` branch of each enum refuses a plain str: that is its job.
        errors = [e for e in error.errors(include_url=False) if not _unknown_value_branch(e)]
        if _STRICT.get() or any(e["type"] != "literal_error" for e in errors):
            raise
        patched = copy.deepcopy(data)
        fixes: list[tuple[list[Any], Any]] = []
        for e in errors:
            path = _data_path(patched, tuple(e["loc"]))
            allowed = _allowed_value(e)
            if path is None or allowed is None:
                raise
            holder = patched
            for key in path[:-1]:
                holder = holder[key]
            fixes.append((path, UnknownValue(holder[path[-1]])))
            holder[path[-1]] = allowed
        parsed = adapter.validate_python(patched, extra="allow")
        for path, original in fixes:
            node = parsed
            for key in path[:-1]:
                node = _step(node, key)
            _assign(node, path[-1], original)
        return parsed


@contextmanager
def strict_replies() -> Generator[None]:
    """Within the block (this thread or task), replies and messages are decoded strictly.

    A value the generated model does not allow (an enum value newer than this package) raises
    the error that any other mismatch raises (`ResponseValidationError` for a reply,
    `MessageParseError` for a Pulse message), naming the field, instead of being kept.
    Unknown fields are still kept: check them with `unknown_fields`.
    """
    token = _STRICT.set(True)
    try:
        yield
    finally:
        _STRICT.reset(token)


def unknown_fields(value: object, root: str = "reply") -> list[str]:
    """The paths of fields kept in `value` (a parsed reply or message, or a list or dict of
    them) by a model whose schema forbids extra fields: what the model does not declare."""
    found: list[str] = []
    _collect_unknown(value, root, found)
    return found


def _collect_unknown(value: object, path: str, found: list[str]) -> None:
    if isinstance(value, pydantic.BaseModel):
        extra = value.model_extra or {}
        if type(value).model_config.get("extra") != "allow":
            found.extend(f"{path}.{key}" for key in extra)
        for name in type(value).model_fields:
            _collect_unknown(getattr(value, name), f"{path}.{name}", found)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(cast("list[object]", value)):
            _collect_unknown(item, f"{path}[{index}]", found)
    elif isinstance(value, dict):
        for key, item in cast("dict[object, object]", value).items():
            _collect_unknown(item, f"{path}.{key}", found)
