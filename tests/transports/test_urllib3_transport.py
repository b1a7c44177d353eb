"""`Urllib3Transport` against scripted loopback servers: keep-alive, reconnects, bodies,
timeouts, TLS, the exact request target, and errors mapped to httpx's exceptions."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import trustme

from taskcluster_typed import SyncClient
from taskcluster_typed.transports.urllib3_transport import Urllib3Transport

from .scripted_server import (
    Action,
    Received,
    ScriptedServer,
    chunked_reply,
    reply,
    scripted,
    wait_for,
)

# An artifact name with every character Taskcluster clients must keep percent-encoded.
ODD_TARGET = (
    b"/api/queue/v1/task/abc/artifacts/public%2Flogs%2Flive%20backing%20%281%29~%27%21%2A"
    b"%2B%26%3D%40%3A%3B%2C%24.log?x=%2F%20"
)


def ok(_: Received) -> Action:
    return Action(reply(b'{"ok":true}'))


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(transport=Urllib3Transport()) as http:
        yield http


def test_connections_are_kept_alive_and_reused(client: httpx.Client) -> None:
    with scripted(ok) as server:
        for _ in range(5):
            assert client.get(f"{server.url}/x").json() == {"ok": True}
    assert server.connections == 1
    assert [r.index for r in server.received] == [0, 1, 2, 3, 4]


def _closed(server: ScriptedServer, count: int) -> Callable[[], bool]:
    return lambda: server.closed == count


def test_a_connection_the_server_closed_while_idle_is_replaced(client: httpx.Client) -> None:
    with scripted(lambda r: Action(reply(), then="close")) as server:
        for n in range(1, 4):
            assert client.get(f"{server.url}/x").status_code == 200
            wait_for(_closed(server, n))  # noticed before reuse, once closed
    assert server.connections == 3


def test_a_post_never_goes_on_a_connection_the_server_closed_while_idle(
    client: httpx.Client,
) -> None:
    # Not resent if it failed (POST): the closed connection must be noticed before use.
    with scripted(lambda r: Action(reply(), then="close")) as server:
        client.post(f"{server.url}/x", content=b"{}")
        wait_for(lambda: server.closed == 1)
        assert client.post(f"{server.url}/x", content=b"{}").status_code == 200
    assert server.connections == 2 and len(server.received) == 2


def test_connection_close_from_the_server_is_honoured(client: httpx.Client) -> None:
    def close_header(_: Received) -> Action:
        return Action(reply(headers=(("Connection", "close"),)))

    with scripted(close_header) as server:
        client.get(f"{server.url}/a")
        client.get(f"{server.url}/b")
    assert server.connections == 2


def test_a_get_on_a_reused_connection_closed_before_the_reply_is_sent_again() -> None:
    # The second request on the first connection meets a server that closes it unanswered
    # (as one does when its idle timeout and the request cross): the SDK resends a GET.
    def handler(r: Received) -> Action:
        if r.connection == 0 and r.index == 1:
            return Action(then="close")
        return Action(reply(b'{"n":1}'))

    with scripted(handler) as server, _sdk_client(server.url) as client:
        client.request("GET", "first")
        assert client.request("GET", "second").json() == {"n": 1}
    assert [(r.connection, r.target) for r in server.received] == [
        (0, b"/api/queue/v1/first"),
        (0, b"/api/queue/v1/second"),
        (1, b"/api/queue/v1/second"),
    ]


def _sdk_client(url: str, **options: object) -> SyncClient:
    client = SyncClient(url, service="queue", transport="urllib3", **options)  # type: ignore[arg-type]
    client._sleep = lambda seconds: None
    return client


def test_a_post_is_not_resent_by_the_transport(client: httpx.Client) -> None:
    def handler(r: Received) -> Action:
        if r.index == 1:
            return Action(then="close")
        return Action(reply())

    with scripted(handler) as server:
        client.post(f"{server.url}/first", content=b"{}")
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(f"{server.url}/second", content=b"{}")
    assert len(server.received) == 2


def test_chunked_replies_with_extensions_and_trailers(client: httpx.Client) -> None:
    chunks = [b"hello ", b"chunked ", b"world" * 1000]

    def handler(_: Received) -> Action:
        return Action(chunked_reply(chunks, trailers=b"X-Checksum: 1\r\n"))

    with scripted(handler) as server:
        for _ in range(2):  # the connection stays usable after a chunked body
            assert client.get(f"{server.url}/c").content == b"".join(chunks)
    assert server.connections == 1


def test_large_bodies_are_streamed(client: httpx.Client) -> None:
    body = bytes(range(256)) * (6 * 4096)  # 6 MiB

    with scripted(lambda r: Action(reply(body, headers=()))) as server:
        with client.stream("GET", f"{server.url}/big") as response:
            pieces = list(response.iter_raw())
        assert len(pieces) > 1 and max(map(len, pieces)) <= 65536
        assert b"".join(pieces) == body
        assert client.get(f"{server.url}/big").content == body
    assert server.connections == 1


def test_a_body_delimited_by_the_connection_closing(client: httpx.Client) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
    with scripted(lambda r: Action(head + b"until the end", then="close")) as server:
        assert client.get(f"{server.url}/eof").content == b"until the end"
        assert client.get(f"{server.url}/eof").content == b"until the end"
    assert server.connections == 2


def test_interim_replies_are_skipped_and_head_has_no_body(client: httpx.Client) -> None:
    def handler(r: Received) -> Action:
        if r.method == "HEAD":
            return Action(b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n")
        return Action(b"HTTP/1.1 100 Continue\r\n\r\n" + reply(b"after"))

    with scripted(handler) as server:
        assert client.get(f"{server.url}/x").content == b"after"
        head = client.head(f"{server.url}/x")
        assert head.status_code == 200 and head.content == b""
        assert client.get(f"{server.url}/x").content == b"after"
    assert server.connections == 1


def test_streamed_request_bodies_are_sent_chunked(client: httpx.Client) -> None:
    def parts() -> Iterator[bytes]:
        yield b"one,"
        yield b""
        yield b"two"

    with scripted(ok) as server:
        client.put(f"{server.url}/up", content=parts())
    (received,) = server.received
    assert received.header("transfer-encoding") == "chunked"
    assert received.body == b"one,two"


def test_the_request_target_is_sent_exactly_as_built() -> None:
    with scripted(ok) as server, httpx.Client(transport=Urllib3Transport()) as client:
        request = client.build_request("GET", f"{server.url}{ODD_TARGET.decode()}")
        assert request.url.raw_path == ODD_TARGET
        client.send(request)
    assert server.received[0].target == ODD_TARGET


def test_a_read_timeout_is_httpx_read_timeout(client: httpx.Client) -> None:
    with scripted(lambda r: Action(reply(), wait=2.0)) as server, pytest.raises(httpx.ReadTimeout):
        client.get(f"{server.url}/slow", timeout=httpx.Timeout(5.0, read=0.2))


def test_a_refused_connection_is_httpx_connect_error(client: httpx.Client) -> None:
    with scripted(ok) as server:
        url = server.url
    with pytest.raises(httpx.ConnectError):
        client.get(f"{url}/gone")


def test_a_reply_cut_short_is_a_protocol_error(client: httpx.Client) -> None:
    cut = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"
    server = scripted(lambda r: Action(cut, then="close"))
    with server as running, pytest.raises(httpx.RemoteProtocolError):
        client.get(f"{running.url}/cut")


def test_a_garbled_status_line_is_a_protocol_error(client: httpx.Client) -> None:
    server = scripted(lambda r: Action(b"NONSENSE\r\n\r\n", then="close"))
    with server as running, pytest.raises(httpx.RemoteProtocolError):
        client.get(f"{running.url}/x")


def test_unsupported_schemes_are_refused(client: httpx.Client) -> None:
    with pytest.raises(httpx.UnsupportedProtocol):
        client.get("ftp://127.0.0.1/x")


def test_a_reset_connection_is_retried_by_the_sdk() -> None:
    # The pipeline retries network errors: a reset surfaces as an httpx error it knows.
    def handler(r: Received) -> Action:
        if r.connection == 0:
            return Action(then="reset")
        return Action(reply(b'{"pong":1}'))

    with scripted(handler) as server:
        client = SyncClient(server.url, service="queue", transport="urllib3")
        client._sleep = lambda seconds: None
        with client:
            assert client.request("GET", "ping").json() == {"pong": 1}
    assert server.connections == 2


def test_one_transport_shared_by_threads(client: httpx.Client) -> None:
    def echo(r: Received) -> Action:
        return Action(reply(r.target))

    def worker(n: int) -> list[bytes]:
        return [client.get(f"{server.url}/{n}/{i}").content for i in range(20)]

    with scripted(echo) as server, ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(worker, range(6)))
    for n, bodies in enumerate(results):
        assert bodies == [f"/{n}/{i}".encode() for i in range(20)]
    assert server.connections <= 6 and len(server.received) == 120


def test_close_closes_idle_connections() -> None:
    transport = Urllib3Transport()
    with scripted(ok) as server:
        with httpx.Client(transport=transport) as client:
            client.get(f"{server.url}/x")
        with pytest.raises(RuntimeError):
            transport.handle_request(httpx.Request("GET", f"{server.url}/x"))


# TLS ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


def _server_context(authority: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(*names).configure_cert(context)
    return context


def _client_context(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    authority.configure_trust(context)
    return context


def test_tls_with_a_verified_certificate(authority: trustme.CA) -> None:
    transport = Urllib3Transport(ssl_context=_client_context(authority))
    tls = _server_context(authority, "127.0.0.1")
    with scripted(ok, tls=tls) as server, httpx.Client(transport=transport) as client:
        for _ in range(3):
            assert client.get(f"{server.url}/secure").json() == {"ok": True}
    assert server.url.startswith("https://") and server.connections == 1


def test_tls_checks_the_host_name(authority: trustme.CA) -> None:
    transport = Urllib3Transport(ssl_context=_client_context(authority))
    tls = _server_context(authority, "other.example")
    with (
        scripted(ok, tls=tls) as server,
        httpx.Client(transport=transport) as client,
        pytest.raises(httpx.ConnectError),
    ):
        client.get(f"{server.url}/secure")


def test_tls_refuses_an_unknown_authority(authority: trustme.CA) -> None:
    tls = _server_context(authority, "127.0.0.1")
    with (
        scripted(ok, tls=tls) as server,
        httpx.Client(transport=Urllib3Transport()) as client,  # the system's trust
        pytest.raises(httpx.ConnectError),
    ):
        client.get(f"{server.url}/secure")


def test_a_get_on_a_reused_tls_connection_closed_before_the_reply_is_sent_again(
    authority: trustme.CA,
) -> None:
    def handler(r: Received) -> Action:
        if r.connection == 0 and r.index == 1:
            return Action(then="close")
        return Action(reply(b'{"n":2}'))

    transport = Urllib3Transport(ssl_context=_client_context(authority))
    tls = _server_context(authority, "127.0.0.1")
    with scripted(handler, tls=tls) as server:
        client = SyncClient(
            server.url, service="queue", http_client=httpx.Client(transport=transport)
        )
        client._sleep = lambda seconds: None
        client.request("GET", "first")
        assert client.request("GET", "second").json() == {"n": 2}
        client._http.client().close()
    assert server.connections == 2


def test_a_connection_idle_past_the_keepalive_expiry_is_not_reused(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from taskcluster_typed.transports import urllib3_transport

    monkeypatch.setattr(urllib3_transport, "KEEPALIVE_EXPIRY", 0.2)
    with scripted(ok) as server:
        client.get(f"{server.url}/a")
        client.get(f"{server.url}/b")  # reused: not idle long
        time.sleep(0.3)
        client.get(f"{server.url}/c")
    assert [r.connection for r in server.received] == [0, 0, 1]
