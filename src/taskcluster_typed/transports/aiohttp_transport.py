"""An httpx async transport over an aiohttp `ClientSession` (the ``aiohttp`` extra).

The default transport of the async clients under asyncio when aiohttp is installed (see
`selection`): with many concurrent calls httpx's own async pool (httpcore) spends
several times the CPU of aiohttp's connector (7x at 50 concurrent calls, measured when this
transport was chosen).

The pipeline's requests come to `AiohttpTransport.send` as they were signed (no httpx objects);
through the httpx interface (`handle_async_request`, used by transfers), the request is sent
exactly as httpx built it and as it was signed: the URL is handed to
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
from aiohttp.http_exceptions import ContentEncodingError

from .._core.pipeline import ATTEMPT_TIMEOUT, Outgoing, WireReply

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

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except Exception as exc:
            raise _map_error(exc) from exc

    async def aclose(self) -> None:
        self._response.release()


def _map_error(exc: BaseException) -> Exception:
    """The httpx exception for an aiohttp (or asyncio) failure."""
    if isinstance(exc, _NotRetried):
        exc = exc.original
    message = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message)
    if isinstance(exc, aiohttp.SocketTimeoutError):
        return httpx.ReadTimeout(message)
    if isinstance(exc, asyncio.TimeoutError):  # the total (attempt) timeout: maybe sent
        return httpx.ReadTimeout(message)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message)
    if isinstance(exc.__cause__, ContentEncodingError):  # a body that does not decode
        return httpx.DecodingError(message)
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return httpx.RemoteProtocolError(message)
    if isinstance(exc, aiohttp.ClientResponseError):
        return httpx.RemoteProtocolError(message)
    if isinstance(exc, aiohttp.ClientOSError | OSError):
        return httpx.ReadError(message)
    if isinstance(exc, aiohttp.ClientError):
        return httpx.TransportError(message)
    if isinstance(exc, ValueError):  # aiohttp refusing a header or URL: nothing was sent
        return httpx.LocalProtocolError(message)
    return exc if isinstance(exc, Exception) else RuntimeError(message)


@functools.lru_cache(maxsize=1024)
def _encoded_url(url: str) -> yarl.URL:
    """`url` for aiohttp as it is (already percent-encoded, as signed: not quoted again);
    kept for the URLs used most recently (a `yarl.URL` is immutable)."""
    return yarl.URL(url, encoded=True)


def _payload(data: bytes | None) -> Any:
    """A body for aiohttp: a large one as a file-like object (written in pieces, no warning)."""
    return io.BytesIO(data) if data is not None and len(data) > _EAGER_LIMIT else data


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
    shared verified context, built at the first https request (none for http://).
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

    def _ssl_for(self, scheme: str) -> ssl.SSLContext | bool:
        """The TLS context of a request: ours for https on a session we built (built on the
        first https request), else the session's own (True: its connector decides)."""
        if scheme != "https" or not self._owned:
            return True
        if self._ssl_context is None:
            from .pool_settings import shared_ssl_context

            self._ssl_context = shared_ssl_context()
        return self._ssl_context

    def _get_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._session
        if session is not None and (not self._owned or self._loop is loop):
            return session
        # TLS settings go with each https request (`_ssl_for`): none is built for http://.
        connector = aiohttp.TCPConnector(limit=self._limit)
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

    async def _request(
        self,
        method: str,
        url: yarl.URL,
        headers: Any,
        payload: Any,
        timeout: aiohttp.ClientTimeout,
        failed: list[BaseException] | None = None,
        *,
        decode: bool = False,
    ) -> aiohttp.ClientResponse:
        """Send a request and read the reply's head (its body is the caller's to read, its
        Content-Encoding undone if `decode`). `failed` collects an error raised by the
        request body's own iterator."""
        session = self._get_session()
        try:
            return await session.request(
                method,
                url,
                proxy=self._proxy_for(url.scheme, url.raw_host or ""),
                headers=headers,
                data=payload,
                allow_redirects=False,
                compress=None,
                skip_auto_headers=_SKIP_AUTO_HEADERS,
                timeout=timeout,
                auto_decompress=decode,
                ssl=self._ssl_for(url.scheme),
            )
        except Exception as exc:
            if failed:  # the body's own iterator failed: its error, not aiohttp's wrapping
                raise failed[0] from None
            raise _map_error(exc) from exc

    async def send(self, request: Outgoing) -> WireReply:
        """Send one of the SDK's requests and read its whole reply (the pipeline's path:
        no `httpx.Request` or `httpx.Response` is built)."""
        bound = request.timeout
        response = await self._request(
            request.method,
            _encoded_url(request.target.absolute),
            request.headers,
            _payload(request.content),
            _client_timeout(bound, bound, bound, bound),
            decode=True,
        )
        content = await _read_all(response)
        return WireReply(response.status, response.headers, content)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request`; a small reply's body is read before returning, a large one streamed."""
        timeout: Any = request.extensions.get("timeout") or {}
        try:
            data: bytes | None = request.content or None
        except httpx.RequestNotRead:
            data = None
        payload = _payload(data)
        headers = request.headers.multi_items()
        failed: list[BaseException] = []
        if data is None and not isinstance(request.stream, httpx.ByteStream):
            payload = _body_iterator(request, failed)
            # aiohttp frames a streamed body itself (chunked) and refuses the header.
            headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
        response = await self._request(
            request.method,
            _encoded_url(str(request.url)),
            headers,
            payload,
            _client_timeout(
                timeout.get("pool"),
                timeout.get("connect"),
                timeout.get("read"),
                request.extensions.get(ATTEMPT_TIMEOUT),
            ),
            failed,
        )
        extensions: dict[str, object] = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("ascii", "replace")
        length = response.content_length
        if length is not None and length <= _EAGER_LIMIT:
            content = await _read_all(response)
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
            stream=_ResponseStream(response),
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


async def _read_all(response: aiohttp.ClientResponse) -> bytes:
    """The whole body of a reply, its connection released (back to the pool when whole)."""
    try:
        return await response.read()
    except Exception as exc:
        raise _map_error(exc) from exc
    finally:
        response.release()


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
