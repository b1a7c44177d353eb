"""An httpx async transport over an aiohttp `ClientSession` (the ``aiohttp`` extra).

The default transport of the async clients under asyncio when aiohttp is installed (see
`selection`): with many concurrent calls httpx's own async pool (httpcore) spends
several times the CPU of aiohttp's connector (issue #9 measured 7x at 50 concurrent calls).

The request is sent exactly as httpx built it and as it was signed: the URL is handed to
aiohttp as already encoded (``yarl.URL(..., encoded=True)``; otherwise yarl would re-quote the
path and the Hawk signature would no longer match), and aiohttp adds no header that httpx did
not set (``skip_auto_headers``). aiohttp's errors are raised as httpx's exceptions so that the
pipeline's retries work as with httpx's transport.

One retry policy: aiohttp would send an idempotent request again by itself when a reused
connection fails; a client middleware turns that failure into one aiohttp does not retry, so
the SDK's policy alone decides. Reply header lines and fields may be 64 KiB long, as on the
other transports. Proxy variables (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``,
``NO_PROXY``) are read once, when the transport is built, and the proxy of each host given to
aiohttp (``trust_env=True`` would read the environment and ``~/.netrc`` on every request).
"""

from __future__ import annotations

import asyncio
import functools
import io
import ssl
import urllib.request
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
import yarl

from .._core.pipeline import ATTEMPT_TIMEOUT

__all__ = ["AiohttpTransport"]

# aiohttp adds these when missing; httpx already set what it sends and Hawk signed it.
_SKIP_AUTO_HEADERS = frozenset({"Content-Type", "User-Agent", "Accept", "Accept-Encoding"})
# Replies up to this size (with a Content-Length) are read before the response is returned.
_EAGER_LIMIT = 256 * 1024
# The longest reply status line / header field accepted (as urllib3's and httpx's engines).
MAX_LINE = 64 * 1024


class _NotRetried(aiohttp.ClientError):
    """A failure on a (reused) connection, carried past aiohttp's own retry of it."""

    def __init__(self, original: Exception) -> None:
        super().__init__(str(original))
        self.original = original


async def _no_aiohttp_retry(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    """A client middleware: the failures aiohttp would resend an idempotent request after are
    raised as `_NotRetried`, which it passes on (the SDK's retry policy decides)."""
    try:
        return await handler(request)
    except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError) as exc:
        raise _NotRetried(exc) from exc


class _ResponseStream(httpx.AsyncByteStream):
    """A large or unsized reply body, read as it is iterated."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except Exception as exc:
            raise _map_error(exc, self._request, reading=True) from exc

    async def aclose(self) -> None:
        self._response.release()


def _map_error(exc: BaseException, request: httpx.Request, *, reading: bool) -> Exception:
    """The httpx exception for an aiohttp (or asyncio) failure."""
    if isinstance(exc, _NotRetried):
        exc = exc.original
    message = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message, request=request)
    if isinstance(exc, aiohttp.SocketTimeoutError):
        return httpx.ReadTimeout(message, request=request)
    if isinstance(exc, asyncio.TimeoutError):  # the total (attempt) timeout: maybe sent
        return httpx.ReadTimeout(message, request=request)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message, request=request)
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return httpx.RemoteProtocolError(message, request=request)
    if isinstance(exc, aiohttp.ClientResponseError):
        return httpx.RemoteProtocolError(message, request=request)
    if isinstance(exc, aiohttp.ClientOSError | OSError):
        return httpx.ReadError(message, request=request)
    if isinstance(exc, aiohttp.ClientError):
        return httpx.TransportError(message, request=request)
    if isinstance(exc, ValueError):  # aiohttp refusing a header or URL: nothing was sent
        return httpx.LocalProtocolError(message, request=request)
    return exc if isinstance(exc, Exception) else RuntimeError(message)


@functools.lru_cache(maxsize=64)
def _client_timeout(
    pool: float | None, connect: float | None, read: float | None, total: float | None
) -> aiohttp.ClientTimeout:
    """`total`: the attempt's bound (`pipeline.ATTEMPT_TIMEOUT`), start to last byte."""
    return aiohttp.ClientTimeout(total=total, connect=pool, sock_connect=connect, sock_read=read)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Send httpx requests through an aiohttp `ClientSession` (HTTP/1.1, keep-alive pool).

    ``httpx.AsyncClient(transport=AiohttpTransport())`` or, in this SDK,
    ``AsyncQueue(root_url, transport="aiohttp")``. The session is created on first use, in the
    running event loop (again if a later call runs in another loop), unless one is given; a
    given session is used as it is and not closed. `ssl_context` defaults to the package's
    shared verified context.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession | None = None,
        *,
        limit: int = 100,
        ssl_context: ssl.SSLContext | None = None,
        trust_env: bool = True,
    ) -> None:
        self._session = session
        self._owned = session is None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._limit = limit
        self._ssl_context = ssl_context
        self._proxies = urllib.request.getproxies_environment() if trust_env else {}
        self._proxy_by_host: dict[tuple[str, str], str | None] = {}

    def _proxy_for(self, scheme: str, host: str) -> str | None:
        """The proxy the environment (read when this transport was built) gives for a host."""
        key = (scheme, host)
        if key not in self._proxy_by_host:
            proxies = self._proxies
            proxy = proxies.get(scheme) or proxies.get("all")
            if proxy and urllib.request.proxy_bypass(host):
                proxy = None
            self._proxy_by_host[key] = proxy or None
        return self._proxy_by_host[key]

    def _get_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._session
        if session is not None and (not self._owned or self._loop is loop):
            return session
        if self._ssl_context is None:
            from .pool_settings import shared_ssl_context

            self._ssl_context = shared_ssl_context()
        connector = aiohttp.TCPConnector(limit=self._limit, ssl=self._ssl_context)
        session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,
            trust_env=False,
            max_line_size=MAX_LINE,
            max_field_size=MAX_LINE,
            middlewares=(_no_aiohttp_retry,),
        )
        self._session, self._loop = session, loop
        return session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request`; a small reply's body is read before returning, a large one streamed."""
        session = self._get_session()
        timeout: Any = request.extensions.get("timeout") or {}
        try:
            data: bytes | None = request.content or None
        except httpx.RequestNotRead:
            data = None
        # A large body as a file-like object: aiohttp writes it in pieces (and does not warn).
        payload: Any = io.BytesIO(data) if data is not None and len(data) > _EAGER_LIMIT else data
        headers = request.headers.multi_items()
        failed: list[BaseException] = []
        if data is None and not isinstance(request.stream, httpx.ByteStream):
            payload = _body_iterator(request, failed)
            # aiohttp frames a streamed body itself (chunked) and refuses the header.
            headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
        try:
            response = await session.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),
                proxy=self._proxy_for(request.url.scheme, request.url.host),
                headers=headers,
                data=payload,
                allow_redirects=False,
                compress=None,
                skip_auto_headers=_SKIP_AUTO_HEADERS,
                timeout=_client_timeout(
                    timeout.get("pool"),
                    timeout.get("connect"),
                    timeout.get("read"),
                    request.extensions.get(ATTEMPT_TIMEOUT),
                ),
            )
        except Exception as exc:
            if failed:  # the body's own iterator failed: its error, not aiohttp's wrapping
                raise failed[0] from None
            raise _map_error(exc, request, reading=False) from exc
        extensions: dict[str, object] = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("ascii", "replace")
        length = response.content_length
        if length is not None and length <= _EAGER_LIMIT:
            try:
                content = await response.read()
            except Exception as exc:
                response.release()
                raise _map_error(exc, request, reading=True) from exc
            response.release()
            result = httpx.Response(
                status_code=response.status,
                headers=list(response.raw_headers),
                stream=httpx.ByteStream(content),
                request=request,
                extensions=extensions,
            )
            result.read()  # in memory already: no async iteration needed later
            return result
        return httpx.Response(
            status_code=response.status,
            headers=list(response.raw_headers),
            stream=_ResponseStream(response, request),
            request=request,
            extensions=extensions,
        )

    async def aclose(self) -> None:
        """Close the session, if this transport created it."""
        session, self._session = self._session, None
        if self._owned and session is not None:
            await session.close()
        elif not self._owned:
            self._session = session


async def _body_iterator(
    request: httpx.Request, failed: list[BaseException]
) -> AsyncIterator[bytes]:
    """The request body's chunks; an error of the body itself is noted in `failed`."""
    stream = request.stream
    if not isinstance(stream, httpx.AsyncByteStream):
        raise RuntimeError("a sync request body cannot be sent by an async transport")
    iterator = stream.__aiter__()
    while True:
        try:
            chunk = await iterator.__anext__()
        except StopAsyncIteration:
            return
        except Exception as exc:
            failed.append(exc)
            raise
        yield chunk
