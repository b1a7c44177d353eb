"""The client classes every generated service client builds on.

`SyncClient` and `AsyncClient` hold the options, build each `Call` (shared code in
`_ClientBase`) and hand it to the pipeline through their driver. A client owns its httpx
client (created on first use, closed by `close()` or the context manager) unless one is
passed in. `with_options()` returns a copy that shares the connection pool.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from typing_extensions import Self

from ..credentials import Credentials
from ..env import from_env
from ..pagination import AsyncPaginator, ContinuationPage, Paginator
from ..scopes import Scopes
from ..transports.selection import TransportName, check_transport
from ..url_builders import UrlContext
from .drivers import anyio_sleep, run_async, run_sync
from .endpoint import SAFE_TO_REPEAT, Endpoint
from .errors import ConfigurationError, RequestValidationError, ResponseValidationError
from .http import AsyncHttp, SyncHttp
from .pipeline import Call, Reply, Signer, as_scopes, call_flow, encode_json
from .raw_response import RawResponse
from .retry import RetryPolicy
from .urls import check_header_value, check_root_url, expand_path, expand_route, method_url

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")
PageT = TypeVar("PageT", bound=ContinuationPage)
ItemT = TypeVar("ItemT")
H = TypeVar("H", "httpx.Client", "httpx.AsyncClient")
P = TypeVar("P", SyncHttp, AsyncHttp)

#: How a client finds the services: the root URL, or Kubernetes DNS names inside a cluster.
ServiceDiscovery = Literal["default", "k8s-dns"]

DEFAULT_TIMEOUT = 30.0
DEFAULT_DEADLINE = 120.0
DEFAULT_MAX_RETRIES = 5
# RFC 9110 token characters: what a method name may hold.
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


class NotGiven:
    """Not given: use the client's setting. (``timeout=None`` means no timeout.)"""

    _instance: ClassVar[NotGiven | None] = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

Timeout = float | None | NotGiven


class _ClientBase(Generic[H, P]):
    service_name: ClassVar[str] = ""
    api_version: ClassVar[str] = "v1"
    _is_async: ClassVar[bool] = False

    #: What sends, and whether this client owns it; shared with its copies.
    _http: P

    def __init__(
        self,
        root_url: str | None = None,
        *,
        credentials: Credentials | None = None,
        authorized_scopes: Scopes | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        deadline: float | None = DEFAULT_DEADLINE,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry: RetryPolicy | None = None,
        trace_id: str | None = None,
        http_client: H | None = None,
        service: str | None = None,
        transport: TransportName = "auto",
        service_discovery: ServiceDiscovery = "default",
    ) -> None:
        if not root_url:
            raise ConfigurationError(
                "root_url is required (for example https://tc.example.com); "
                "or build the client with from_env() from TASKCLUSTER_ROOT_URL"
            )
        if credentials is not None and not isinstance(credentials, Credentials):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ConfigurationError("credentials must be a taskcluster_typed.Credentials")
        if service is not None:
            self._service = service
        elif self.service_name:
            self._service = self.service_name
        else:
            raise ConfigurationError("service is required for a generic client")
        self._root_url = check_root_url(root_url)
        if service_discovery not in ("default", "k8s-dns"):
            raise ConfigurationError(
                f"service_discovery must be 'default' or 'k8s-dns', not {service_discovery!r}"
            )
        self._service_discovery: ServiceDiscovery = service_discovery
        self._timeout = _seconds("timeout", timeout)
        self._deadline = _seconds("deadline", deadline)
        self._retry = retry if retry is not None else RetryPolicy(max_retries=max_retries)
        self._signer = Signer(credentials, as_scopes(authorized_scopes), _trace_id(trace_id))
        choice = check_transport(transport, is_async=self._is_async)
        if http_client is not None and choice != "auto":
            raise ConfigurationError("pass either http_client or transport, not both")
        self._http = self._new_http(choice, http_client)

    def _new_http(self, transport: TransportName, http_client: H | None) -> P:
        raise NotImplementedError

    @classmethod
    def from_env(cls, *, use_proxy: bool = False, **options: Any) -> Self:
        """A client configured from ``TASKCLUSTER_*`` variables (see `taskcluster_typed.env`)."""
        kwargs: dict[str, Any] = {**from_env(use_proxy=use_proxy), **options}
        return cls(**kwargs)

    # Options -----------------------------------------------------------------

    @property
    def root_url(self) -> str:
        """The deployment's root URL, without trailing slashes."""
        return self._root_url

    @property
    def credentials(self) -> Credentials | None:
        """The credentials requests are signed with, or None (unsigned)."""
        return self._signer.credentials

    @property
    def authorized_scopes(self) -> tuple[str, ...] | None:
        """The scopes calls are restricted to, or None (not restricted)."""
        return self._signer.authorized_scopes

    @property
    def timeout(self) -> float | None:
        """Seconds per request (None: no timeout)."""
        return self._timeout

    @property
    def deadline(self) -> float | None:
        """Seconds a whole call may take, retries and waits included (None: no bound)."""
        return self._deadline

    @property
    def max_retries(self) -> int:
        """How many times a failed call is retried."""
        return self._retry.max_retries

    @property
    def trace_id(self) -> str | None:
        """The ``x-taskcluster-trace-id`` sent with every request, if any."""
        return self._signer.trace_id

    def with_options(
        self,
        *,
        root_url: str | NotGiven = NOT_GIVEN,
        credentials: Credentials | NotGiven | None = NOT_GIVEN,
        authorized_scopes: Scopes | NotGiven | None = NOT_GIVEN,
        timeout: Timeout = NOT_GIVEN,
        deadline: Timeout = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        trace_id: str | NotGiven | None = NOT_GIVEN,
    ) -> Self:
        """A copy with some options changed; it shares this client's connection pool."""
        copy = self._copy()
        signer = self._signer
        copy._signer = Signer(
            signer.credentials if isinstance(credentials, NotGiven) else credentials,
            signer.authorized_scopes
            if isinstance(authorized_scopes, NotGiven)
            else as_scopes(authorized_scopes),
            signer.trace_id if isinstance(trace_id, NotGiven) else _trace_id(trace_id),
        )
        if not isinstance(root_url, NotGiven):
            if not root_url:
                raise ConfigurationError("root_url must not be empty")
            copy._root_url = check_root_url(root_url)
        if not isinstance(timeout, NotGiven):
            copy._timeout = _seconds("timeout", timeout)
        if not isinstance(deadline, NotGiven):
            copy._deadline = _seconds("deadline", deadline)
        if not isinstance(max_retries, NotGiven):
            copy._retry = RetryPolicy(
                max_retries=max_retries,
                base_delay=self._retry.base_delay,
                jitter=self._retry.jitter,
                max_delay=self._retry.max_delay,
                random=self._retry.random,
                now=self._retry.now,
            )
        return copy

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(root_url={self._root_url!r}, "
            f"credentials={self._signer.credentials!r})"
        )

    # Raw replies (`raw_response.py`): a copy whose calls return a `RawResponse`.
    _raw_replies: ClassVar[bool] = False

    def _copy(self) -> Self:
        """A copy of this client sharing its connection pool (`with_options`, raw replies)."""
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        return copy

    def _with_raw_replies(self) -> Self:
        """A copy (sharing the connection pool) whose calls return `RawResponse`s."""
        copy = self._copy()
        copy.__dict__["_raw_replies"] = True
        return copy

    def _result(self, endpoint: Endpoint[T], reply: Reply) -> T:
        """What a call returns: the decoded reply, or with raw replies a `RawResponse`
        decoding it on demand (sync and async alike)."""
        if self._raw_replies:
            return RawResponse(reply, lambda r: _decode(endpoint, r))  # type: ignore[return-value]
        return _decode(endpoint, reply)

    def _result_as_is(self, reply: Reply) -> Reply:
        """What a call whose reply is not JSON returns: the reply, or a `RawResponse` of it."""
        if self._raw_replies:
            return RawResponse(reply, _as_is)  # type: ignore[return-value]
        return reply

    # Building calls ----------------------------------------------------------

    @property
    def service_discovery(self) -> ServiceDiscovery:
        """Where calls go: ``"default"`` (the root URL) or ``"k8s-dns"`` (inside a
        Kubernetes cluster, ``http://taskcluster-<service>``, as the JS client's
        ``serviceDiscoveryScheme``). URLs for others (`urls`, `signed_urls`) keep the root URL."""
        return self._service_discovery

    def _url(self, path: str, query: Mapping[str, object] | None) -> str:
        root = self._root_url
        if self._service_discovery == "k8s-dns":
            root = f"http://taskcluster-{self._service}"  # http: the cluster's own network
        return method_url(root, self._service, self.api_version, path, query)

    def _url_context(self) -> UrlContext:
        """What the generated URL builders (``client.urls``, ``client.signed_urls``) use."""
        signer = self._signer
        return UrlContext(
            self._root_url,
            self._service,
            self.api_version,
            signer.credentials,
            signer.authorized_scopes,
        )

    def _timeout_for(self, timeout: Timeout) -> float | None:
        if isinstance(timeout, NotGiven):
            return self._timeout
        return _seconds("timeout", timeout)

    def _deadline_for(self, deadline: Timeout) -> float | None:
        if isinstance(deadline, NotGiven):
            return self._deadline
        return _seconds("deadline", deadline)

    def _prepare(
        self,
        endpoint: Endpoint[Any],
        params: Mapping[str, object],
        payload: object,
        query: Mapping[str, object] | None,
        timeout: Timeout,
        deadline: Timeout = NOT_GIVEN,
    ) -> Call:
        path = expand_route(endpoint.name, endpoint.route, params)
        body = None if endpoint.input_type is None else endpoint.encode_payload(payload)
        endpoint.warn_if_deprecated()
        return Call(
            endpoint.name,
            endpoint.method,
            self._url(path, query),
            body,
            self._timeout_for(timeout),
            endpoint.idempotent,
            self._deadline_for(deadline),
        )

    def _page_calls(
        self,
        first: Call,
        endpoint: Endpoint[Any],
        params: Mapping[str, object],
        query: Mapping[str, object],
    ) -> Callable[[str | None], Call]:
        """The call for each page: `first` as prepared, then the same with another token."""
        path = expand_route(endpoint.name, endpoint.route, params)

        def call_for(token: str | None) -> Call:
            if token is None:
                return first
            return replace(first, url=self._url(path, {**query, "continuationToken": token}))

        return call_for

    def _prepare_raw(
        self,
        method: str,
        path: str,
        query: Mapping[str, object] | None,
        json: object,
        timeout: Timeout,
        params: Mapping[str, str | int] | None = None,
        deadline: Timeout = NOT_GIVEN,
    ) -> Call:
        name = f"{self._service}.request"
        if not isinstance(method, str) or not method or not _TOKEN.issuperset(method):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise RequestValidationError(name, [("method", f"is not an HTTP method: {method!r}")])
        body = None if json is None else encode_json(json, name)
        bad = next((c for c in path if (ord(c) < 0x21 and c != " ") or ord(c) == 0x7F), None)
        if bad is not None:
            raise RequestValidationError(
                name, [("path", f"must not contain control characters ({bad!r})")]
            )
        path = expand_path(name, path, params)
        method = method.upper()
        return Call(
            name,
            method,
            self._url(_upper_escapes(path), query),
            body,
            self._timeout_for(timeout),
            method in SAFE_TO_REPEAT,  # a POST through request() is never resent after sending
            self._deadline_for(deadline),
        )


def _upper_escapes(path: str) -> str:
    """Percent-escapes in upper case (``%2f`` -> ``%2F``), as every engine sends them, so that
    what is signed is what goes on the wire."""
    if "%" not in path:
        return path
    import re

    return re.sub(r"%[0-9a-fA-F]{2}", lambda m: m.group(0).upper(), path)


def _seconds(name: str, value: float | None) -> float | None:
    """A timeout or deadline: None, or a positive number of seconds."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ConfigurationError(
            f"{name} must be a positive number of seconds or None, not {value!r}"
        )
    if value == float("inf"):
        return None
    return float(value)


def _trace_id(trace_id: str | None) -> str | None:
    if trace_id is not None:
        check_header_value("trace_id", trace_id)
    return trace_id


def _decode(endpoint: Endpoint[T], reply: Reply) -> T:
    if endpoint.output_type is None:
        return None  # type: ignore[return-value]
    if not reply.is_json:
        raise ResponseValidationError(
            endpoint.name,
            reply.url,
            f"expected a JSON reply, got {reply.content_type or 'no content type'}",
            reply.content,
        )
    return endpoint.decode_json(reply.content, reply.url)


def _as_is(reply: Reply) -> Reply:
    return reply


class SyncClient(_ClientBase["httpx.Client", SyncHttp]):
    """A blocking client. Use it as a context manager, or call `close()`."""

    _sleep: Callable[[float], None] = staticmethod(time.sleep)

    def _new_http(self, transport: TransportName, http_client: httpx.Client | None) -> SyncHttp:
        return SyncHttp(transport, http_client)

    def _send(self, call: Call) -> Reply:
        flow = call_flow(call, self._signer, self._retry)
        return run_sync(flow, self._http.sender(), self._sleep)

    def _call(
        self,
        endpoint: Endpoint[T],
        params: Mapping[str, object],
        *,
        payload: object = None,
        query: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        deadline: Timeout = NOT_GIVEN,
    ) -> T:
        call = self._prepare(endpoint, params, payload, query, timeout, deadline)
        return self._result(endpoint, self._send(call))

    def _call_raw(
        self,
        endpoint: Endpoint[None],
        params: Mapping[str, object],
        *,
        payload: object = None,
        query: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        deadline: Timeout = NOT_GIVEN,
    ) -> Reply:
        """For methods whose reply is not JSON (a badge, a redirect): the reply as it came."""
        call = self._prepare(endpoint, params, payload, query, timeout, deadline)
        return self._result_as_is(self._send(call))

    def _paginate(
        self,
        endpoint: Endpoint[PageT],
        params: Mapping[str, object],
        *,
        payload: object = None,
        query: Mapping[str, object],
        timeout: Timeout = NOT_GIVEN,
        deadline: Timeout = NOT_GIVEN,
        items: Callable[[PageT], Sequence[ItemT]],
    ) -> Paginator[PageT, ItemT]:
        """The pages of a list method: checked now, fetched as they are iterated."""
        first = self._prepare(endpoint, params, payload, query, timeout, deadline)
        calls = self._page_calls(first, endpoint, params, query)

        def fetch(token: str | None) -> PageT:
            return _decode(endpoint, self._send(calls(token)))

        return Paginator(fetch, items)

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object] | None = None,
        json: object = None,
        timeout: Timeout = NOT_GIVEN,
        params: Mapping[str, str | int] | None = None,
        deadline: Timeout = NOT_GIVEN,
    ) -> Reply:
        """Call any route of this service: ``queue.request("GET", "task/abc/status")``, or
        with the route's parameters encoded as a generated method encodes them (``/`` ->
        ``%2F``): ``queue.request("GET", "task/<taskId>/status", params={"taskId": t})``.

        Signed, retried and mapped to errors like a generated method (a POST is not sent again
        once it may have reached the server); the reply is returned as it came
        (`Reply.json()`, `Reply.content`, `Reply.content_type`).
        """
        return self._send(self._prepare_raw(method, path, query, json, timeout, params, deadline))

    def close(self) -> None:
        """Close the connection pool, if this client created it."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncClient(_ClientBase["httpx.AsyncClient", AsyncHttp]):
    """An async client. Use it with ``async with``, or ``await client.close()``."""

    _sleep: Callable[[float], Awaitable[None]] = staticmethod(anyio_sleep)
    _is_async: ClassVar[bool] = True

    def _new_http(
        self, transport: TransportName, http_client: httpx.AsyncClient | None
    ) -> AsyncHttp:
        return AsyncHttp(transport, http_client)

    async def _send(self, call: Call) -> Reply:
        flow = call_flow(call, self._signer, self._retry)
        return await run_async(flow, self._http.send, self._sleep)

    async def _call(
        self,
        endpoint: Endpoint[T],
        params: Mapping[str, object],
        *,
        payload: object = None,
        query: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        deadline: Timeout = NOT_GIVEN,
    ) -> T:
        call = self._prepare(endpoint, params, payload, query, timeout, deadline)
        return self._result(endpoint, await self._send(call))

    async def _call_raw(
        self,
        endpoint: Endpoint[None],
        params: Mapping[str, object],
        *,
        payload: object = None,
        query: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        deadline: Timeout = NOT_GIVEN,
    ) -> Reply:
        """For methods whose reply is not JSON (a badge, a redirect): the reply as it came."""
        call = self._prepare(endpoint, params, payload, query, timeout, deadline)
        return self._result_as_is(await self._send(call))

    def _paginate(
        self,
        endpoint: Endpoint[PageT],
        params: Mapping[str, object],
        *,
        payload: object = None,
        query: Mapping[str, object],
        timeout: Timeout = NOT_GIVEN,
        deadline: Timeout = NOT_GIVEN,
        items: Callable[[PageT], Sequence[ItemT]],
    ) -> AsyncPaginator[PageT, ItemT]:
        """The pages of a list method: checked now, fetched as they are iterated."""
        first = self._prepare(endpoint, params, payload, query, timeout, deadline)
        calls = self._page_calls(first, endpoint, params, query)

        async def fetch(token: str | None) -> PageT:
            return _decode(endpoint, await self._send(calls(token)))

        return AsyncPaginator(fetch, items)

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object] | None = None,
        json: object = None,
        timeout: Timeout = NOT_GIVEN,
        params: Mapping[str, str | int] | None = None,
        deadline: Timeout = NOT_GIVEN,
    ) -> Reply:
        """Call any route of this service (see `SyncClient.request`)."""
        return await self._send(
            self._prepare_raw(method, path, query, json, timeout, params, deadline)
        )

    async def close(self) -> None:
        """Close the connection pool of the running event loop, if this client created it
        (a pool used in another event loop is closed when that loop shuts down)."""
        await self._http.close()

    aclose = close

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
