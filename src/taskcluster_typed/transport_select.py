"""Which transport a client sends through: the ``transport=`` option.

- ``"auto"`` (the default): sync clients use `StdlibTransport`; async clients use
  `AiohttpTransport` when aiohttp is installed and the call runs under asyncio, else httpx's
  own transport (under trio, or without aiohttp). When a proxy variable is set (``HTTP_PROXY``,
  ``HTTPS_PROXY``, ``ALL_PROXY``, any case) both use httpx's transport, which honours them.
- ``"stdlib"``, ``"aiohttp"``, ``"httpx"``: that one (``"stdlib"`` is sync only, ``"aiohttp"``
  async only).

A client built here sends through its transport directly (an `httpx.Request` in, the read
`httpx.Response` out), skipping `httpx.Client.send`'s per-call work (auth, cookies, redirect
and event-hook handling) that the pipeline does not use. An ``http_client=`` passed by the
user is used as it is, through its ``send``.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import httpx

from .errors import ConfigurationError

__all__ = ["TRANSPORTS", "AsyncPipe", "SyncPipe", "TransportName", "proxy_configured"]

TransportName = Literal["auto", "stdlib", "aiohttp", "httpx"]
TRANSPORTS: tuple[TransportName, ...] = ("auto", "stdlib", "aiohttp", "httpx")

_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


def proxy_configured() -> bool:
    """True if a proxy variable is set (then ``"auto"`` uses httpx's transport)."""
    return any(os.environ.get(name) or os.environ.get(name.lower()) for name in _PROXY_VARIABLES)


def check_transport(transport: str, *, is_async: bool) -> TransportName:
    """`transport` if it is a valid choice for a sync or async client."""
    if transport not in TRANSPORTS:
        raise ConfigurationError(
            f"transport must be one of {', '.join(TRANSPORTS)}, not {transport!r}"
        )
    if transport == "stdlib" and is_async:
        raise ConfigurationError('transport="stdlib" is for sync clients only')
    if transport == "aiohttp" and not is_async:
        raise ConfigurationError('transport="aiohttp" is for async clients only')
    if transport == "aiohttp" and importlib.util.find_spec("aiohttp") is None:
        raise ConfigurationError(
            "transport=\"aiohttp\" needs aiohttp: pip install 'taskcluster-typed[aiohttp]'"
        )
    return transport


@dataclass(slots=True)
class SyncPipe:
    """The httpx client of a sync client, and how one request is sent through it."""

    http: httpx.Client
    send: Callable[[httpx.Request], httpx.Response]
    owned: bool

    @classmethod
    def given(cls, http: httpx.Client) -> SyncPipe:
        """A user's httpx client: requests go through its ``send``; it is not closed."""

        def send(request: httpx.Request) -> httpx.Response:
            return http.send(request, follow_redirects=False)

        return cls(http, send, owned=False)

    @classmethod
    def build(cls, transport: TransportName) -> SyncPipe:
        """A new httpx client on the chosen transport, sent through directly."""
        import httpx  # at the first client built, not with the package

        from .transport import default_limits, shared_ssl_context

        if transport == "httpx" or (transport == "auto" and proxy_configured()):
            http = httpx.Client(
                verify=shared_ssl_context(), limits=default_limits(), follow_redirects=False
            )
            pipe = cls.given(http)
            pipe.owned = True
            return pipe
        from .stdlib_transport import StdlibTransport

        raw = StdlibTransport()
        http = httpx.Client(transport=raw, follow_redirects=False)

        def send(request: httpx.Request) -> httpx.Response:
            response = raw.handle_request(request)
            try:
                response.read()
            finally:
                response.close()
            return response

        return cls(http, send, owned=True)


@dataclass(slots=True)
class AsyncPipe:
    """The httpx client of an async client, and how one request is sent through it."""

    http: httpx.AsyncClient
    send: Callable[[httpx.Request], Awaitable[httpx.Response]]
    owned: bool

    @classmethod
    def given(cls, http: httpx.AsyncClient) -> AsyncPipe:
        """A user's httpx client: requests go through its ``send``; it is not closed."""

        async def send(request: httpx.Request) -> httpx.Response:
            return await http.send(request, follow_redirects=False)

        return cls(http, send, owned=False)

    @classmethod
    def build(cls, transport: TransportName) -> AsyncPipe:
        """A new httpx client on the chosen transport (decided in the running event loop)."""
        import httpx  # at the first client built, not with the package

        from .transport import default_limits, shared_ssl_context

        if not (transport == "aiohttp" or (transport == "auto" and _aiohttp_fits())):
            http = httpx.AsyncClient(
                verify=shared_ssl_context(), limits=default_limits(), follow_redirects=False
            )
            pipe = cls.given(http)
            pipe.owned = True
            return pipe
        if _running_library() != "asyncio":
            raise ConfigurationError('transport="aiohttp" runs under asyncio only')
        from .aiohttp_transport import AiohttpTransport

        raw = AiohttpTransport(limit=default_limits().max_connections or 100)
        http = httpx.AsyncClient(transport=raw, follow_redirects=False)

        async def send(request: httpx.Request) -> httpx.Response:
            response = await raw.handle_async_request(request)
            try:
                await response.aread()
            finally:
                await response.aclose()
            return response

        return cls(http, send, owned=True)


def _running_library() -> str | None:
    """``"asyncio"``, ``"trio"``, ... (sniffio's answer), or None outside an event loop."""
    import sniffio

    try:
        return sniffio.current_async_library()
    except sniffio.AsyncLibraryNotFoundError:
        return None


def _aiohttp_fits() -> bool:
    """aiohttp is installed, no proxy is set, and the running loop is asyncio's."""
    if proxy_configured() or _running_library() != "asyncio":
        return False
    return importlib.util.find_spec("aiohttp") is not None
