"""The SDK against hostile loopback servers, on every transport.

Each test drives a real client (sync on urllib3 and httpx's transport, async on aiohttp and
httpx's transport) against a `ScriptedServer` that misbehaves in one way, and checks what was
sent and what the caller got. Servers run on 127.0.0.1, with bounded waits, stopped by the
test.
"""

from __future__ import annotations

import functools
import math
import os
import time
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest

from taskcluster_typed import (
    AsyncClient,
    AsyncQueue,
    ConfigurationError,
    InputTooLarge,
    Queue,
    RequestTimeoutError,
    RequestValidationError,
    ResponseValidationError,
    SyncClient,
    TransportError,
)
from taskcluster_typed._core.client import _ClientBase  # pyright: ignore[reportPrivateUsage]

from .scripted_server import Action, Received, reply, scripted

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
SYNC = [("sync", "urllib3"), ("sync", "httpx")]
ASYNC = [("async", "aiohttp"), ("async", "httpx")]
EVERY = SYNC + ASYNC
ids = [f"{kind}-{name}" for kind, name in EVERY]


@pytest.fixture(autouse=True)
def no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


async def _no_sleep(_: float) -> None:
    return None


def run(
    kind: str,
    transport: str,
    url: str,
    call: Callable[[Any], Any],
    *,
    cls: type[_ClientBase[Any, Any]] | None = None,
    **options: Any,
) -> Any:
    """`call(client)` on a fresh client of `kind` on `transport` (no waits between retries)."""
    if kind == "sync":
        sync_cls: Any = cls or SyncClient
        extra = {} if cls else {"service": "queue"}
        with sync_cls(url, transport=transport, **extra, **options) as client:
            client._sleep = lambda _: None
            return call(client)

    async def main() -> Any:
        async_cls: Any = cls or AsyncClient
        extra = {} if cls else {"service": "queue"}
        try:
            async with async_cls(url, transport=transport, **extra, **options) as client:
                client._sleep = _no_sleep
                result = call(client)
                return await result if isinstance(result, Awaitable) else result
        finally:
            # A socket closed with data still buffered (an early reply during an upload) ends
            # its close on the loop's next iterations: let them run before this loop ends, or
            # its asyncio transport is reported unclosed when collected, in a later test.
            await anyio.sleep(0.05)

    return anyio.run(main, backend="asyncio")


def queue_cls(kind: str) -> Any:
    return Queue if kind == "sync" else AsyncQueue


def ok(_: Received) -> Action:
    return Action(reply(b'{"ok":true}'))


# Retry safety --------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_a_post_whose_reply_is_slow_is_sent_once(kind: str, transport: str) -> None:
    with scripted(lambda r: Action(reply(), wait=1.0)) as server:
        with pytest.raises(RequestTimeoutError, match="not idempotent"):
            run(kind, transport, server.url, lambda c: c.request("POST", "x", json={}), timeout=0.3)
        with pytest.raises(RequestTimeoutError, match="not idempotent"):  # claimWork is a POST
            run(
                kind,
                transport,
                server.url,
                lambda c: c.report_completed("abc", 0),
                cls=queue_cls(kind),
                timeout=0.3,
            )
    assert [r.method for r in server.received] == ["POST", "POST"]


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_a_post_the_server_dropped_after_reading_is_not_resent(kind: str, transport: str) -> None:
    with scripted(lambda r: Action(then="close")) as server, pytest.raises(TransportError):
        run(kind, transport, server.url, lambda c: c.request("POST", "x", json={}))
    assert len(server.received) == 1


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_idempotent_calls_are_retried_after_a_timeout_or_a_drop(kind: str, transport: str) -> None:
    # A GET, and a POST the reference documents as idempotent (cancelTask), are resent.
    with scripted(lambda r: Action(then="close")) as server:
        with pytest.raises(TransportError):
            run(kind, transport, server.url, lambda c: c.request("GET", "x"), max_retries=2)
        with pytest.raises(TransportError):
            run(
                kind,
                transport,
                server.url,
                lambda c: c.cancel_task("abc"),
                cls=queue_cls(kind),
                max_retries=2,
            )
    # Exactly one send per attempt: no retry inside the engine on top of the SDK's.
    assert [r.method for r in server.received] == ["GET"] * 3 + ["POST"] * 3


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_connect_errors_are_retried_for_every_method(kind: str, transport: str) -> None:
    with scripted(ok) as server:
        url = server.url  # nothing listens there once stopped
    started = time.monotonic()
    with pytest.raises(TransportError) as info:
        run(kind, transport, url, lambda c: c.request("POST", "x", json={}), max_retries=2)
    assert info.value.attempts == 3 and time.monotonic() - started < 10


# Timeouts ------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_a_trickling_server_cannot_hold_an_attempt(kind: str, transport: str) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
    with scripted(lambda r: Action(head, trickle=b"x" * 100, interval=0.2)) as server:
        started = time.monotonic()
        with pytest.raises(RequestTimeoutError):
            run(
                kind,
                transport,
                server.url,
                lambda c: c.request("GET", "x"),
                timeout=1.0,
                max_retries=0,
            )
        took = time.monotonic() - started
    assert took < 3.0


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_the_deadline_bounds_the_whole_call(kind: str, transport: str) -> None:
    with scripted(lambda r: Action(reply(), wait=5.0)) as server:
        started = time.monotonic()
        with pytest.raises(RequestTimeoutError, match="deadline"):
            run(
                kind,
                transport,
                server.url,
                lambda c: c.request("GET", "x", deadline=1.5),
                timeout=0.5,
                max_retries=10,
            )
        took = time.monotonic() - started
    assert 1.0 < took < 3.5
    assert 2 <= len(server.received) <= 4


# What goes on the wire -----------------------------------------------------------------


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_the_user_agent_and_the_exact_target(kind: str, transport: str) -> None:
    with scripted(ok) as server:
        run(kind, transport, server.url, lambda c: c.request("GET", "a%2fb/%28x%29~'!*"))
    (received,) = server.received
    assert received.target == b"/api/queue/v1/a%2Fb/%28x%29~'!*"
    agent = received.header("user-agent") or ""
    assert agent.startswith("taskcluster-typed/") and " python/" in agent


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_bad_input_is_refused_before_sending(kind: str, transport: str) -> None:
    with scripted(ok) as server:
        with pytest.raises(ConfigurationError, match="trace_id"):
            run(kind, transport, server.url, lambda c: None, trace_id="a\r\nX-Evil: 1")
        with pytest.raises(ConfigurationError, match="trace_id"):
            run(kind, transport, server.url, lambda c: None, trace_id="tracé")
        with pytest.raises(RequestValidationError, match="method"):
            run(kind, transport, server.url, lambda c: c.request("GET /x HTTP/1.1\r\n", "y"))
        with pytest.raises(RequestValidationError, match=r"json\.a\[1\]"):
            run(
                kind,
                transport,
                server.url,
                lambda c: c.request("POST", "y", json={"a": [1, math.nan]}),
            )
        with pytest.raises(RequestValidationError, match=r"payload\.payload\.x"):
            run(
                kind,
                transport,
                server.url,
                lambda c: c.create_task("abc", _task({"x": math.inf})),
                cls=queue_cls(kind),
            )
        with pytest.raises(RequestValidationError, match="payload"):
            run(
                kind,
                transport,
                server.url,
                lambda c: c.create_task("abc", _task({"x": object()})),
                cls=queue_cls(kind),
            )
    assert server.received == []


def _task(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "taskQueueId": "p/w",
        "created": "2030-01-01T00:00:00.000Z",
        "deadline": "2030-01-01T01:00:00.000Z",
        "payload": payload,
        "metadata": {
            "name": "t",
            "description": "d",
            "owner": "o@example.com",
            "source": "https://x.example",
        },
    }


def test_root_urls_that_would_change_the_target_or_leak_a_password() -> None:
    for bad in (
        "https://tc.example.com/?x=1",
        "https://tc.example.com#frag",
        "ftp://tc.example.com",
        "https://tc.example.com:99999",
        "https://tc.example.com/a b",
    ):
        with pytest.raises(ConfigurationError):
            Queue(bad)
    with pytest.raises(ConfigurationError) as info:
        Queue("https://user:hunter2@tc.example.com")
    assert "hunter2" not in str(info.value) and "hunter2" not in repr(info.value)


# Framing -------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_bytes_after_a_body_never_become_the_next_reply(kind: str, transport: str) -> None:
    smuggled = reply(b'{"smuggled":true}')

    def handler(r: Received) -> Action:
        if r.index == 0:
            return Action(reply(b'{"n":0}') + smuggled)
        return Action(reply(b'{"n":%d}' % r.index))

    def twice(client: Any) -> Any:
        if kind == "sync":
            return [client.request("GET", "a").json(), client.request("GET", "b").json()]

        async def both() -> list[Any]:
            return [
                (await client.request("GET", "a")).json(),
                (await client.request("GET", "b")).json(),
            ]

        return both()

    with scripted(handler) as server:
        try:
            first, second = run(kind, transport, server.url, twice)
        except TransportError:
            return  # refused: fine too
    assert first == {"n": 0} and second != {"smuggled": True}


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_conflicting_content_lengths_are_refused(kind: str, transport: str) -> None:
    bad = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 12\r\n\r\n{}{}{}{}{}{}"
    with scripted(lambda r: Action(bad, then="close")) as server, pytest.raises(TransportError):
        run(kind, transport, server.url, lambda c: c.request("GET", "x"), max_retries=0)


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_an_early_413_during_a_large_upload_is_reported_once(kind: str, transport: str) -> None:
    big = {"data": "x" * (20 * 2**20)}
    refusal = reply(
        b'{"code":"InputTooLarge","message":"too big"}',
        "413 Payload Too Large",
        (("Content-Type", "application/json"), ("Connection", "close")),
    )
    with scripted(ok, early=lambda r: Action(refusal)) as server, pytest.raises(InputTooLarge):
        run(kind, transport, server.url, lambda c: c.request("PUT", "x", json=big))
    assert len(server.received) == 1


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_replies_that_do_not_decode_are_taskcluster_errors(kind: str, transport: str) -> None:
    def handler(r: Received) -> Action:
        if r.target.endswith(b"/gzip"):
            headers = (("Content-Type", "application/json"), ("Content-Encoding", "gzip"))
            return Action(reply(b"not gzip at all", headers=headers))
        return Action(reply(b"{not json"))

    with scripted(handler) as server:
        with pytest.raises(TransportError) as info:
            run(kind, transport, server.url, lambda c: c.request("GET", "gzip"))
        assert info.value.__cause__ is not None
        assert len(server.received) == 1  # a body that does not decode is not asked again
        with pytest.raises(ResponseValidationError):
            run(kind, transport, server.url, lambda c: c.status("abc"), cls=queue_cls(kind))


def _get(client: Any, path: str) -> Any:
    return client.request("GET", path)


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_compressed_replies_are_decoded(kind: str, transport: str) -> None:
    import gzip
    import zlib

    body = b'{"taskId":"abc","status":{"state":"pending"}}'
    encoded = {"gzip": gzip.compress(body), "deflate": zlib.compress(body)}

    def handler(r: Received) -> Action:
        encoding = r.target.rsplit(b"/", 1)[1].decode()
        headers = (("Content-Type", "application/json"), ("Content-Encoding", encoding))
        return Action(reply(encoded[encoding], headers=headers))

    with scripted(handler) as server:
        for encoding in encoded:
            got = run(kind, transport, server.url, functools.partial(_get, path=encoding))
            assert got.json() == {"taskId": "abc", "status": {"state": "pending"}}


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_long_reply_headers_are_accepted(kind: str, transport: str) -> None:
    long = "v" * 40_000
    with scripted(lambda r: Action(reply(headers=(("X-Long", long),)))) as server:
        got = run(kind, transport, server.url, lambda c: c.request("GET", "x"))
    assert got.headers["x-long"] == long
    assert isinstance(got.headers, httpx.Headers)  # on every transport, as documented


# Proxies -------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_the_proxy_variables_are_honoured(
    kind: str, transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with scripted(ok) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        got = run(kind, transport, "http://tc.example.invalid", lambda c: c.request("GET", "ping"))
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        with scripted(ok) as direct:
            run(kind, transport, direct.url, lambda c: c.request("GET", "ping"))
    assert got.json() == {"ok": True}
    (via,) = proxy.received
    assert via.target == b"http://tc.example.invalid/api/queue/v1/ping"
    assert len(direct.received) == 1


@pytest.mark.parametrize(("kind", "transport"), EVERY, ids=ids)
def test_a_socks_proxy_without_the_extra_names_it(
    kind: str, transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    if importlib.util.find_spec("socks") and importlib.util.find_spec("socksio"):
        pytest.fail("this test runs without the socks extra installed")
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:9")
    with pytest.raises(ConfigurationError, match=r"taskcluster-typed\[socks\]"):
        run(kind, transport, "http://tc.example.invalid", lambda c: c.request("GET", "ping"))


# Processes and event loops -------------------------------------------------------------


@pytest.mark.parametrize(("kind", "transport"), SYNC, ids=ids[:2])
def test_a_forked_child_never_uses_the_parents_connections(kind: str, transport: str) -> None:
    def echo(r: Received) -> Action:
        return Action(reply(b'{"target":"%s"}' % r.target))

    with scripted(echo) as server:
        client = SyncClient(server.url, service="queue", transport=transport)  # type: ignore[arg-type]
        client.request("GET", "warm")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads running
            pid = os.fork()
        if pid == 0:  # the child: every reply must be its own
            code = 0
            try:
                for i in range(30):
                    got = client.request("GET", f"child/{i}").json()
                    code |= got != {"target": f"/api/queue/v1/child/{i}"}
            except BaseException:
                code = 2
            os._exit(int(code))
        mixed = 0
        for i in range(30):
            got = client.request("GET", f"parent/{i}").json()
            mixed += got != {"target": f"/api/queue/v1/parent/{i}"}
        _, status = os.waitpid(pid, 0)
        client.close()
    assert mixed == 0 and os.waitstatus_to_exitcode(status) == 0
    connections = {
        r.connection for r in server.received if r.target.startswith(b"/api/queue/v1/child")
    }
    parents = {
        r.connection for r in server.received if not r.target.startswith(b"/api/queue/v1/child")
    }
    assert connections and not connections & parents


@pytest.mark.parametrize(("kind", "transport"), ASYNC, ids=ids[2:])
def test_one_client_in_several_event_loops_leaves_nothing_open(kind: str, transport: str) -> None:
    import gc

    with scripted(ok) as server:
        client = AsyncClient(server.url, service="queue", transport=transport)  # type: ignore[arg-type]

        async def ping() -> None:
            await client.request("GET", "ping")

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(3):
                anyio.run(ping, backend="asyncio")  # not closed: the loop's end closes it
            gc.collect()
    assert [str(w.message) for w in caught] == []
    assert len(server.received) == 3
