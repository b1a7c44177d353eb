"""Alternative async transports for httpx, measured by run.py (prototypes, not part of src/).

`AiohttpTransport` exists because httpx's own async pool (httpcore) slows down sharply with many
concurrent requests, while aiohttp's connector does not (see bench/RESULTS.md). Unlike httpx-aiohttp
0.2.0's `AiohttpTransport`, which hands aiohttp ``str(request.url)`` and so lets yarl re-quote
the path (``%28`` becomes ``(``: the request no longer matches its Hawk signature), it sends
the URL exactly as httpx built it (``yarl.URL(..., encoded=True)``, as the official aio
client does), and it lets aiohttp add no header of its own that was not signed.

`ShardedTransport` stays within httpx: it spreads requests over several small httpcore pools,
since the cost of httpcore's pool bookkeeping grows with the square of its connections.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import aiohttp
import httpx
import yarl

# aiohttp adds these when they are missing; httpx already sets what it sends.
_SKIP_AUTO_HEADERS = frozenset({"Content-Type", "User-Agent", "Accept", "Accept-Encoding"})


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except aiohttp.ClientPayloadError as exc:
            raise httpx.ReadError(str(exc)) from exc
        except asyncio.TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc)) from exc

    async def aclose(self) -> None:
        self._response.release()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Send httpx requests through an aiohttp `ClientSession` (HTTP/1.1, keep-alive pool).

    ``AsyncQueue(root_url, http_client=httpx.AsyncClient(transport=AiohttpTransport()))``.
    The session is created on first use (inside the running loop) unless one is given.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession | None = None,
        *,
        limit: int = 100,
        verify: object = True,
    ) -> None:
        self._session = session
        self._owned = session is None
        self._limit = limit
        self._verify = verify

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            ssl_context = httpx.create_ssl_context() if self._verify is True else False
            connector = aiohttp.TCPConnector(limit=self._limit, ssl=ssl_context)
            self._session = aiohttp.ClientSession(
                connector=connector, auto_decompress=False, trust_env=False
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._get_session()
        timeout = request.extensions.get("timeout", {})
        try:
            data: bytes | None = request.content or None
        except httpx.RequestNotRead:
            raise NotImplementedError("streamed request bodies are not supported") from None
        try:
            response = await session.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),
                headers=request.headers.multi_items(),
                data=data,
                allow_redirects=False,
                compress=None,
                skip_auto_headers=_SKIP_AUTO_HEADERS,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            )
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        except aiohttp.ServerTimeoutError as exc:
            raise httpx.ReadTimeout(str(exc), request=request) from exc
        except asyncio.TimeoutError as exc:
            raise httpx.PoolTimeout(str(exc), request=request) from exc
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError) as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc
        except aiohttp.ClientOSError as exc:
            raise httpx.ReadError(str(exc), request=request) from exc
        extensions: dict[str, object] = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("ascii", "replace")
        return httpx.Response(
            status_code=response.status,
            headers=list(response.raw_headers),
            stream=_ResponseStream(response),
            request=request,
            extensions=extensions,
        )

    async def aclose(self) -> None:
        if self._owned and self._session is not None:
            await self._session.close()
            self._session = None


class ShardedTransport(httpx.AsyncBaseTransport):
    """Round-robin over `shards` httpx transports of `per_shard` connections each."""

    def __init__(self, shards: int, per_shard: int) -> None:
        limits = httpx.Limits(max_connections=per_shard, max_keepalive_connections=per_shard)
        self._shards = [httpx.AsyncHTTPTransport(limits=limits) for _ in range(shards)]
        self._next = itertools.cycle(self._shards)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await next(self._next).handle_async_request(request)

    async def aclose(self) -> None:
        for shard in self._shards:
            await shard.aclose()
