"""Which engine a client sends through: the ``transport=`` option, and building it.

- ``"auto"`` (the default): sync clients use `Urllib3Transport` (urllib3 2.x); async clients
  use `AiohttpTransport` when aiohttp is installed and the call runs under asyncio, else
  httpx's own transport (under trio, or without aiohttp). Every transport honours the proxy
  variables (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``, any case); a
  ``socks`` proxy needs the ``socks`` extra (else a `ConfigurationError` naming it).
- ``"urllib3"``, ``"aiohttp"``, ``"httpx"``: that one (``"urllib3"`` is sync only,
  ``"aiohttp"`` async only).

The urllib3 and aiohttp engines take the pipeline's requests (`_core.pipeline.Outgoing`) at
their ``send`` directly and give a `_core.pipeline.WireReply` back: no `httpx.Request` or
`httpx.Response` is built per call, and none of `httpx.Client.send`'s per-call work (auth,
cookies, redirects, event hooks) that the pipeline does not use is done. The `httpx.Client`
built around each engine carries the transfers' requests and closes the engine's pool. On
httpx's own transport, and through a user's ``http_client=``, each request is built as an
`httpx.Request` (`Outgoing.to_httpx`, with the target that was signed).

httpx's own transport (``"httpx"``, and async clients under trio or without aiohttp) keeps
no idle connection (httpcore would read bytes sent after a reply's body as the next reply),
and its sync attempts are bounded by the watchdog of `attempt_bound`, as urllib3's are.
Async sends that do not keep the attempt's bound themselves get a cancel scope around them
(`taskcluster_typed._core.http`).
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import httpx

from .._core.errors import ConfigurationError
from .._core.pipeline import Incoming, Outgoing
from .attempt_bound import Attempt, Watchdog
from .pool_settings import default_limits, shared_ssl_context

__all__ = [
    "TRANSPORTS",
    "AsyncEngine",
    "SyncEngine",
    "TransportName",
    "build_async",
    "build_sync",
    "check_transport",
    "proxy_configured",
]

TransportName = Literal["auto", "urllib3", "aiohttp", "httpx"]
TRANSPORTS: tuple[TransportName, ...] = ("auto", "urllib3", "aiohttp", "httpx")

SOCKS_EXTRA = "pip install 'taskcluster-typed[socks]'"

AsyncSend = Callable[[Outgoing], Awaitable[Incoming]]


@dataclass(frozen=True, slots=True)
class SyncEngine:
    """A built sync engine: the httpx client to close, how to send one request through it,
    and the attempt bound's watchdog of httpx's own transport (urllib3's has its own)."""

    http: httpx.Client
    send: Callable[[Outgoing], Incoming]
    watchdog: Watchdog | None = None


@dataclass(frozen=True, slots=True)
class AsyncEngine:
    """A built async engine for one event loop: the httpx client to close, how to send
    through it, and whether that send keeps the attempt's bound itself (aiohttp's total
    timeout) or needs a cancel scope around it."""

    http: httpx.AsyncClient
    send: AsyncSend
    keeps_bound: bool


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


def send_through(http: httpx.Client, request: Outgoing) -> Incoming:
    """Send through an httpx client (a user's): the request built as an `httpx.Request`."""
    return http.send(request.to_httpx(), follow_redirects=False)


async def send_through_async(http: httpx.AsyncClient, request: Outgoing) -> Incoming:
    """Send through an httpx async client (a user's, or one on httpx's own transport)."""
    return await http.send(request.to_httpx(), follow_redirects=False)


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


def build_sync(transport: TransportName) -> SyncEngine:
    """A new sync engine of the chosen transport."""
    if transport == "httpx":
        http_client = _httpx_client(is_async=False)
        watchdog = Watchdog()
        return SyncEngine(http_client, _bounded_httpx_send(http_client, watchdog), watchdog)
    import httpx  # at the first client built, not with the package

    from .urllib3_transport import Urllib3Transport

    raw = Urllib3Transport()
    # The client carries other requests (transfers); the pipeline's go to `raw.send`.
    http = httpx.Client(transport=raw, follow_redirects=False)
    return SyncEngine(http, raw.send)


def build_async(transport: TransportName) -> AsyncEngine:
    """A new async engine of the chosen transport for the running event loop."""
    if not (transport == "aiohttp" or (transport == "auto" and _aiohttp_fits())):
        http: httpx.AsyncClient = _httpx_client(is_async=True)
        return AsyncEngine(http, functools.partial(send_through_async, http), keeps_bound=False)
    if _running_library() != "asyncio":
        raise ConfigurationError('transport="aiohttp" runs under asyncio only')
    scheme = socks_proxy()
    if scheme is not None:
        raise ConfigurationError(
            f'a {scheme} proxy is set in the environment and transport="aiohttp" cannot use '
            f'it: use transport="httpx" with the socks extra ({SOCKS_EXTRA})'
        )
    import httpx

    from .aiohttp_transport import AiohttpTransport

    raw = AiohttpTransport(limit=default_limits().max_connections or 100)
    # The client carries other requests (transfers); the pipeline's go to `raw.send`.
    client = httpx.AsyncClient(transport=raw, follow_redirects=False)
    return AsyncEngine(client, raw.send, keeps_bound=True)


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
