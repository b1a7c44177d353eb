"""Typed fakes: real service clients whose methods are answered by your functions.

`Fake(Queue, {"status": status})` builds a `Queue` (``fake.client``) that runs the whole
client pipeline (argument checks, payload validation, URL and query encoding, signing, error
mapping, reply validation) and hands the request, instead of sending it, to your function::

    def status(task_id: str) -> TaskStatusResponse | dict[str, Any]: ...

    fake = Fake(Queue, {"status": status})
    fake.client.status("fN1hTG2bQ8ipgvlpCs7hZA")      # a TaskStatusResponse
    fake.calls[0].method, fake.calls[0].params         # "status", {"taskId": "fN1h..."}

A handler takes the method's own arguments: URL parameters positionally in route order (str),
then the payload (validated, as the input model), and query options as keyword arguments
(snake_case, only those given). It returns the output model or a plain dict (validated against
the output schema like a real reply), or None for methods without output; raising an
`APIError` (e.g. `ResourceNotFound`) makes the client raise it as if the service had. A method
without a handler raises `FakeNotImplementedError` after the call is validated and recorded.
Async clients (`Fake(AsyncQueue, ...)`) accept plain or ``async def`` handlers.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx
import pydantic

from .._core.client import AsyncClient, SyncClient
from .._core.endpoint import Endpoint
from .._core.errors import APIError, TaskclusterError
from ..credentials import Credentials
from .routes import endpoints, match, python_name

__all__ = ["Fake", "FakeCall", "FakeNotImplementedError"]

C = TypeVar("C", bound=SyncClient | AsyncClient)
F = TypeVar("F", bound=Callable[..., Any])

FAKE_ROOT_URL = "https://taskcluster.fake.invalid"


class FakeNotImplementedError(TaskclusterError, NotImplementedError):
    """A faked client's method was called but has no implementation."""


@dataclass(frozen=True)
class FakeCall:
    """One call a fake received: its method (Python name), API name, URL parameters, payload
    (the validated input model, or None) and query options (wire names, as sent)."""

    method: str
    name: str
    params: dict[str, str]
    payload: Any = None
    query: dict[str, str] = field(default_factory=lambda: {})


_BOOLEAN_QUERY = frozenset({"quarantined", "includeArchived"})


def _query_kwargs(query: Mapping[str, str]) -> dict[str, Any]:
    """The query as the generated methods' keyword arguments."""
    kwargs: dict[str, Any] = {}
    for key, value in query.items():
        converted: Any = value
        if key == "limit" and value.isdigit():
            converted = int(value)
        elif key in _BOOLEAN_QUERY and value in ("true", "false"):
            converted = value == "true"
        kwargs[python_name(key)] = converted
    return kwargs


def _method_name(method: Callable[..., Any] | str) -> str:
    return method if isinstance(method, str) else method.__name__


def error_response(error: APIError) -> httpx.Response:
    body: dict[str, Any] = {
        "code": error.code or "UnknownError",
        "message": error.message,
        "requestInfo": {},
    }
    return httpx.Response(error.status_code, json=body)


def _encode_output(endpoint: Endpoint[Any], result: Any) -> httpx.Response:
    if endpoint.output_type is None or result is None:
        return httpx.Response(204)
    if isinstance(result, pydantic.BaseModel):
        content = result.model_dump_json(by_alias=True, exclude_unset=True).encode()
    else:
        content = pydantic.TypeAdapter(Any).dump_json(result)
    return httpx.Response(200, content=content, headers={"content-type": "application/json"})


class Fake(Generic[C]):
    """A `client_class` client answered by `handlers` (method name -> function)."""

    def __init__(
        self,
        client_class: type[C],
        handlers: Mapping[str, Callable[..., Any]] | None = None,
        *,
        root_url: str = FAKE_ROOT_URL,
        credentials: Credentials | None = None,
    ) -> None:
        self._service = client_class.service_name
        self._by_python = {python_name(n): e for n, e in endpoints(self._service).items()}
        self._handlers: dict[str, Callable[..., Any]] = {}
        self.calls: list[FakeCall] = []
        for name, handler in (handlers or {}).items():
            self.implement(name, handler)
        self.client: C
        if issubclass(client_class, AsyncClient):
            http: Any = httpx.AsyncClient(transport=httpx.MockTransport(self._handle_async))
        else:
            http = httpx.Client(transport=httpx.MockTransport(self._handle_sync))
        self.client = client_class(
            root_url, credentials=credentials, max_retries=0, http_client=http
        )

    def implement(self, method: Callable[..., Any] | str, handler: Callable[..., Any]) -> None:
        """Answer `method` (``"create_task"`` or ``Queue.create_task``) with `handler`."""
        name = _method_name(method)
        if name not in self._by_python:
            raise ValueError(f"{self._service} has no method {name!r}")
        self._handlers[name] = handler

    def on(self, method: Callable[..., Any] | str) -> Callable[[F], F]:
        """Decorator form of `implement`: ``@fake.on(Queue.status)``."""

        def register(handler: F) -> F:
            self.implement(method, handler)
            return handler

        return register

    def calls_to(self, method: Callable[..., Any] | str) -> list[FakeCall]:
        """The recorded calls of one method, in order."""
        name = _method_name(method)
        return [call for call in self.calls if call.method == name]

    # Dispatch ----------------------------------------------------------------

    def _dispatch(self, request: httpx.Request) -> tuple[Endpoint[Any], Callable[[], Any]]:
        prefix = f"/api/{self._service}/v1"
        raw_path = request.url.raw_path.decode("ascii").split("?", 1)[0]
        found = match(self._service, request.method, raw_path.removeprefix(prefix))
        if found is None:  # only `client.request()` can get here
            raise FakeNotImplementedError(
                f"no {self._service} method at {request.method} {raw_path}"
            )
        endpoint = found.endpoint
        payload = None
        if endpoint.input_type is not None:
            payload = pydantic.TypeAdapter(endpoint.input_type).validate_json(request.content)
        query = dict(request.url.params)
        name = python_name(endpoint.name)
        self.calls.append(FakeCall(name, endpoint.name, found.params, payload, query))
        handler = self._handlers.get(name)
        if handler is None:
            raise FakeNotImplementedError(
                f"Faked {self._service} object does not have an implementation of {name}"
            )
        args: list[Any] = [found.params[p] for p in endpoint.params]
        if endpoint.input_type is not None:
            args.append(payload)
        kwargs = _query_kwargs(query)
        return endpoint, lambda: handler(*args, **kwargs)

    def _handle_sync(self, request: httpx.Request) -> httpx.Response:
        endpoint, run = self._dispatch(request)
        try:
            return _encode_output(endpoint, run())
        except APIError as error:
            return error_response(error)

    async def _handle_async(self, request: httpx.Request) -> httpx.Response:
        endpoint, run = self._dispatch(request)
        try:
            result = run()
            if inspect.isawaitable(result):
                result = await result
            return _encode_output(endpoint, result)
        except APIError as error:
            return error_response(error)
