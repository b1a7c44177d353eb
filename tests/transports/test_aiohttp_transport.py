"""`AiohttpTransport` under asyncio against scripted loopback servers."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator

import httpx
import pytest
import trustme

from taskcluster_typed import AsyncClient
from taskcluster_typed.transports.aiohttp_transport import AiohttpTransport

from .scripted_server import Action, Received, chunked_reply, reply, scripted
from .test_urllib3_transport import ODD_TARGET, ok

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_connections_are_kept_alive_and_reused() -> None:
    with scripted(ok) as server:
        async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
            for _ in range(5):
                assert (await client.get(f"{server.url}/x")).json() == {"ok": True}
    assert server.connections == 1


async def test_the_request_target_and_headers_are_sent_as_built() -> None:
    with scripted(ok) as server:
        async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
            request = client.build_request(
                "PUT",
                f"{server.url}{ODD_TARGET.decode()}",
                content=b'{"a":1}',
                headers={"Authorization": "Hawk id=1", "Content-Type": "application/json"},
            )
            await client.send(request)
    (received,) = server.received
    assert received.target == ODD_TARGET
    assert received.body == b'{"a":1}'
    names = {name.lower() for name, _ in received.headers}
    # Nothing aiohttp would add on its own beyond what httpx built.
    assert names <= {name.lower() for name in request.headers} | {"content-length"}


async def test_chunked_and_large_replies() -> None:
    chunks = [b"a" * 10, b"b" * 100_000]
    big = b"z" * (3 * 2**20)

    def handler(r: Received) -> Action:
        if r.target == b"/chunked":
            return Action(chunked_reply(chunks))
        return Action(reply(big, headers=()))

    with scripted(handler) as server:
        async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
            assert (await client.get(f"{server.url}/chunked")).content == b"".join(chunks)
            async with client.stream("GET", f"{server.url}/big") as response:
                pieces = [piece async for piece in response.aiter_raw()]
            assert len(pieces) > 1 and b"".join(pieces) == big


async def test_streamed_request_bodies() -> None:
    async def parts() -> AsyncIterator[bytes]:
        yield b"one,"
        yield b"two"

    with scripted(ok) as server:
        async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
            await client.put(f"{server.url}/up", content=parts())
    assert server.received[0].body == b"one,two"


async def test_a_read_timeout_is_httpx_read_timeout() -> None:
    with scripted(lambda r: Action(reply(), wait=2.0)) as server:
        async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
            with pytest.raises(httpx.ReadTimeout):
                await client.get(f"{server.url}/slow", timeout=httpx.Timeout(5.0, read=0.2))


async def test_a_refused_connection_is_httpx_connect_error() -> None:
    with scripted(ok) as server:
        url = server.url
    async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"{url}/gone")


async def test_a_reply_cut_short_is_a_protocol_error() -> None:
    cut = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"
    with scripted(lambda r: Action(cut, then="close")) as server:
        async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get(f"{server.url}/cut")


async def test_a_reset_connection_is_retried_by_the_sdk() -> None:
    def handler(r: Received) -> Action:
        if r.connection == 0:
            return Action(then="reset")
        return Action(reply(b'{"pong":1}'))

    with scripted(handler) as server:
        async with AsyncClient(server.url, service="queue", transport="aiohttp") as client:
            reply_ = await client.request("GET", "ping")
    assert reply_.json() == {"pong": 1}
    assert server.connections == 2


async def test_a_given_session_is_used_and_left_open() -> None:
    import aiohttp

    with scripted(ok) as server:
        async with aiohttp.ClientSession() as session:
            transport = AiohttpTransport(session)
            async with httpx.AsyncClient(transport=transport) as client:
                await client.get(f"{server.url}/x")
            assert not session.closed


async def test_tls_with_a_verified_certificate_and_host_check() -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    wrong_name = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("other.example").configure_cert(wrong_name)
    transport = AiohttpTransport(ssl_context=client_context)
    async with httpx.AsyncClient(transport=transport) as client:
        with scripted(ok, tls=server_context) as server:
            assert (await client.get(f"{server.url}/secure")).json() == {"ok": True}
        with scripted(ok, tls=wrong_name) as server, pytest.raises(httpx.ConnectError):
            await client.get(f"{server.url}/secure")
