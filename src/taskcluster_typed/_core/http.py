"""Which transport a client sends through: the ``transport=`` option.

- ``"auto"`` (the default): sync clients use `Urllib3Transport` (urllib3 2.x); async clients
  use `AiohttpTransport` when aiohttp is installed and the call runs under asyncio, else
  httpx's own transport (under trio, or without aiohttp). Every transport honours the proxy
  variables (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``, any case); a
  ``socks`` proxy needs the ``socks`` extra (else a `ConfigurationError` naming it).
- ``"urllib3"``, ``"aiohttp"``, ``"httpx"``: that one (``"urllib3"`` is sync only,
  ``"aiohttp"`` async only).

A client built here hands the pipeline's requests (`pipeline.Outgoing`) to its urllib3 or
aiohttp transport's ``send`` directly, and gets a `pipeline.WireReply` back: no `httpx.Request`
or `httpx.Response` is built, and none of `httpx.Client.send`'s per-call work (auth, cookies,
redirects, event hooks) that the pipeline does not use is done. The httpx client it also
builds on that transport carries the transfers' requests. On httpx's own transport, and
through an ``http_client=`` passed by the user (used as it is, through its ``send``), each
request is built as an `httpx.Request` (`Outgoing.to_httpx`, with the target that was signed).

httpx's own transport (``"httpx"``, and async clients under trio or without aiohttp) keeps
no idle connection (httpcore would read bytes sent after a reply's body as the next reply),
and its sync attempts are bounded by the watchdog of `attempt_bound`, as urllib3's are.

Pools belong to a process and (async) to an event loop: a pipe used in a forked child is
replaced, never touching the parent's connections; an async pipe keeps one httpx client per
event loop, closed when that loop shuts down (``shutdown_asyncgens``, run by `asyncio.run`,
`anyio.run` and trio) or when the client closes.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import httpx

from ..transports.attempt_bound import Attempt, Watchdog
from .errors import ConfigurationError
from .pipeline import Incoming, Outgoing

__all__ = ["TRANSPORTS", "AsyncPipe", "SyncPipe", "TransportName", "proxy_configured"]

TransportName = Literal["auto", "urllib3", "aiohttp", "httpx"]
TRANSPORTS: tuple[TransportName, ...] = ("auto", "urllib3", "aiohttp", "httpx")

SOCKS_EXTRA = "pip install 'taskcluster-typed[socks]'"


def proxy_configured() -> bool:
    """True if a proxy variable is set (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``)."""
    import urllib.request  # at the first client built, not with the package

    proxies = urllib.request.getproxies_environment()
    return any(proxies.get(name) for name in ("http", "https", "all"))


def socks_proxy() -> str | None:
    """The scheme of a socks proxy variable, if one is set."""
    import urllib.request  # at the first client built, not with the package

    for url in urllib.request.getproxies_environment().values():
        scheme = url.split("://", 1)[0].lower()
        if scheme.startswith("socks"):
            return scheme
    return None


def check_transport(transport: str, *, is_async: bool) -> TransportName:
    """`transport` if it is a valid choice for a sync or async client."""
    if transport not in TRANSPORTS:
        raise ConfigurationError(
            f"transport must be one of {', '.join(TRANSPORTS)}, not {transport!r}"
        )
    if transport == "urllib3" and is_async:
        raise ConfigurationError('transport="urllib3" is for sync clients only')
    if transport == "aiohttp" and not is_async:
        raise ConfigurationError('transport="aiohttp" is for async clients only')
    if transport == "aiohttp" and importlib.util.find_spec("aiohttp") is None:
        raise ConfigurationError(
            "transport=\"aiohttp\" needs aiohttp: pip install 'taskcluster-typed[aiohttp]'"
        )
    return transport


def _check_httpx_socks() -> None:
    scheme = socks_proxy()
    if scheme is not None and importlib.util.find_spec("socksio") is None:
        raise ConfigurationError(
            f"a {scheme} proxy is set in the environment but socks support is not installed: "
            f"{SOCKS_EXTRA}"
        )


def _httpx_client(*, is_async: bool) -> Any:
    """An httpx client on httpx's own transport that keeps no idle connection: httpcore reads
    bytes a server sent after a reply's body (in h11's buffer) as the next reply on that
    connection, so every reply ends its connection (one connect per request, the cost of
    this transport's safety)."""
    import httpx  # at the first client built, not with the package

    from .drivers import default_limits, shared_ssl_context

    _check_httpx_socks()
    cls = httpx.AsyncClient if is_async else httpx.Client
    limits = httpx.Limits(
        max_connections=default_limits().max_connections, max_keepalive_connections=0
    )
    return cls(verify=shared_ssl_context(), limits=limits, follow_redirects=False)


# httpcore's trace events that hand over a new connection's network stream (public: the
# ``trace`` request extension; the stream's ``get_extra_info("socket")``).
_CONNECTED = frozenset(
    {"connection.connect_tcp.complete", "connection.connect_unix_socket.complete"}
)


def _bounded_httpx_send(http: httpx.Client, watchdog: Watchdog) -> Callable[[Outgoing], Incoming]:
    """Send through httpx's own sync transport within the attempt's bound.

    httpcore's timeouts bound each read; the attempt's socket is learnt from the ``trace``
    extension when its connection is made (every request gets a new one: no keep-alive, see
    `_httpx_client`), and the watchdog shuts it down once the attempt passes its bound.
    """
    import time

    import httpx

    def send(outgoing: Outgoing) -> Incoming:
        request = outgoing.to_httpx()
        bound = outgoing.timeout
        if bound is None:
            return http.send(request, follow_redirects=False)
        attempt = Attempt(time.monotonic() + bound)

        def trace(name: str, info: dict[str, Any]) -> None:
            if name in _CONNECTED:
                sock = info["return_value"].get_extra_info("socket")
                if sock is not None:
                    attempt.carried_by(sock)

        request.extensions["trace"] = trace
        watchdog.watch(attempt)
        try:
            return http.send(request, follow_redirects=False)
        except httpx.TransportError as exc:
            if attempt.expired:
                raise httpx.ReadTimeout(
                    f"the attempt's timeout of {bound:g} s passed", request=request
                ) from exc
            raise
        finally:
            watchdog.finish(attempt)

    return send


@dataclass(slots=True)
class SyncPipe:
    """The httpx client of a sync client, and how one request is sent through it."""

    http: httpx.Client
    send: Callable[[Outgoing], Incoming]
    owned: bool
    pid: int = field(default_factory=os.getpid)
    #: The attempt bound's watchdog of httpx's own transport (urllib3's has its own).
    watchdog: Watchdog | None = None

    @classmethod
    def given(cls, http: httpx.Client) -> SyncPipe:
        """A user's httpx client: requests go through its ``send``; it is not closed."""

        def send(request: Outgoing) -> Incoming:
            return http.send(request.to_httpx(), follow_redirects=False)

        return cls(http, send, owned=False)

    @classmethod
    def build(cls, transport: TransportName) -> SyncPipe:
        """A new httpx client on the chosen transport, sent through directly."""
        if transport == "httpx":
            http_client = _httpx_client(is_async=False)
            watchdog = Watchdog()
            bounded = _bounded_httpx_send(http_client, watchdog)
            return cls(http_client, bounded, owned=True, watchdog=watchdog)
        import httpx  # at the first client built, not with the package

        from ..transports.urllib3_transport import Urllib3Transport

        raw = Urllib3Transport()
        # The client carries other requests (transfers); the pipeline's go to `raw.send`.
        http = httpx.Client(transport=raw, follow_redirects=False)
        return cls(http, raw.send, owned=True)

    def forked(self) -> bool:
        """True in a process forked after this pipe was built (its pool is the parent's)."""
        return self.pid != os.getpid()

    def abandon(self) -> None:
        """In a forked child: close this process's copies of the parent's sockets (a close of
        the descriptors only: nothing is sent, no TLS close, no shutdown)."""
        if self.owned:
            self.http.close()

    def close(self) -> None:
        if self.owned and not self.forked():
            self.http.close()
            if self.watchdog is not None:
                self.watchdog.close()


AsyncSend = Callable[[Outgoing], Awaitable[Incoming]]
# An httpx client for one event loop, how to send through it, and whether that send keeps
# the attempt's bound itself (aiohttp's total timeout) or needs a cancel scope around it.
LoopClient = tuple["httpx.AsyncClient", AsyncSend, bool]


class AsyncPipe:
    """How an async client sends: through a user's httpx client, or through one httpx client
    per event loop that this pipe builds (see the module docstring)."""

    __slots__ = ("_clients", "_factory", "given_http", "owned", "pid")

    def __init__(
        self,
        factory: Callable[[], LoopClient] | None,
        given_http: httpx.AsyncClient | None = None,
    ) -> None:
        self._factory = factory
        self.given_http = given_http
        self.owned = given_http is None
        self.pid = os.getpid()
        self._clients: dict[object, tuple[LoopClient, AsyncGenerator[None, None]]] = {}

    @classmethod
    def given(cls, http: httpx.AsyncClient) -> AsyncPipe:
        """A user's httpx client: requests go through its ``send``; it is not closed."""
        return cls(None, http)

    @classmethod
    def build(cls, transport: TransportName) -> AsyncPipe:
        """A pipe building an httpx client on the chosen transport in each event loop (the
        transport is decided in the running loop)."""
        return cls(lambda: new_async_http(transport))

    def forked(self) -> bool:
        """True in a process forked after this pipe was built."""
        return self.pid != os.getpid()

    def abandon(self) -> None:
        """In a forked child: the parent's loops and sessions are neither used nor closed."""
        self._clients = {}

    async def _for_loop(self) -> LoopClient:
        """The httpx client for the running event loop, and how to send through it."""
        key = _loop_key()
        entry = self._clients.get(key)
        if entry is not None:
            return entry[0]
        assert self._factory is not None
        built = self._factory()
        closer = self._closer(key, built[0])
        await closer.asend(None)  # first iterated here: the loop finalizes it at shutdown
        self._clients[key] = (built, closer)
        return built

    async def http(self) -> httpx.AsyncClient:
        """The httpx client requests go through in the running event loop."""
        if self.given_http is not None:
            return self.given_http
        return (await self._for_loop())[0]

    async def _closer(self, key: object, client: httpx.AsyncClient) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            entry = self._clients.get(key)
            if entry is not None and entry[0][0] is client:
                del self._clients[key]
            await client.aclose()

    async def send(self, request: Outgoing) -> Incoming:
        """Send `request` within its attempt's bound (start to last byte)."""
        import anyio
        import httpx

        given = self.given_http
        bound = request.timeout
        if given is not None:
            send: AsyncSend = functools.partial(_send_given, given)
        else:
            _, send, keeps_bound = await self._for_loop()
            if keeps_bound or bound is None:
                return await send(request)
        with anyio.move_on_after(bound) as scope:
            return await send(request)
        assert scope.cancelled_caught
        raise httpx.ReadTimeout(f"the attempt's timeout of {bound:g} s passed")

    async def close(self) -> None:
        """Close the httpx client of the running loop (the others close with their loops)."""
        if not self.owned or self.forked():
            return
        entry = self._clients.pop(_loop_key(), None)
        if entry is not None:
            await entry[1].aclose()  # its `finally` closes the httpx client


def new_async_http(transport: TransportName) -> LoopClient:
    """A new httpx client on `transport` for the running event loop, and how to send."""
    if not (transport == "aiohttp" or (transport == "auto" and _aiohttp_fits())):
        http: httpx.AsyncClient = _httpx_client(is_async=True)

        return http, functools.partial(_send_given, http), False
    if _running_library() != "asyncio":
        raise ConfigurationError('transport="aiohttp" runs under asyncio only')
    scheme = socks_proxy()
    if scheme is not None:
        raise ConfigurationError(
            f'a {scheme} proxy is set in the environment and transport="aiohttp" cannot use '
            f'it: use transport="httpx" with the socks extra ({SOCKS_EXTRA})'
        )
    import httpx

    from ..transports.aiohttp_transport import AiohttpTransport
    from .drivers import default_limits

    raw = AiohttpTransport(limit=default_limits().max_connections or 100)
    # The client carries other requests (transfers); the pipeline's go to `raw.send`.
    client = httpx.AsyncClient(transport=raw, follow_redirects=False)
    return client, raw.send, True


async def _send_given(http: httpx.AsyncClient, request: Outgoing) -> Incoming:
    """Send through an httpx client (a user's, or one on httpx's own transport)."""
    return await http.send(request.to_httpx(), follow_redirects=False)


def _loop_key() -> object:
    """The running event loop (asyncio's loop, or trio's run token)."""
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        import trio

        return trio.lowlevel.current_trio_token()


def _running_library() -> str | None:
    """``"asyncio"``, ``"trio"``, ... (sniffio's answer), or None outside an event loop."""
    import sniffio

    try:
        return sniffio.current_async_library()
    except sniffio.AsyncLibraryNotFoundError:
        return None


def _aiohttp_fits() -> bool:
    """aiohttp is installed, no socks proxy is set, and the running loop is asyncio's."""
    if socks_proxy() is not None or _running_library() != "asyncio":
        return False
    return importlib.util.find_spec("aiohttp") is not None
