"""Every API method of every service on the default transports (urllib3 for the sync clients,
aiohttp for the async ones), against a loopback server: respx only intercepts httpx's own
transport, so `test_every_method` alone would not exercise what most users run on.

The server answers each request with the reply the test planned, and records what arrived:
the exact target (path and query as signed), the method, the body and the Hawk header.
"""

from __future__ import annotations

import inspect
import json
import threading
from collections.abc import Iterator
from typing import Any

import pydantic
import pytest

from codegen.naming import snake_case
from taskcluster_typed import Credentials, Reply
from tests.support.normalize import normalize
from tests.transports.scripted_server import Action, Received, ScriptedServer, reply, scripted

from .test_every_method import (
    ENTRIES,
    ROOT,
    Entry,
    client_classes,
    deprecation_expected,
    plan,
    reply_for,
)


class Planned:
    """The reply the server gives next (set by each test)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.raw = reply(b"{}")

    def __call__(self, _: Received) -> Action:
        with self.lock:
            return Action(self.raw)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[ScriptedServer, Planned]]:
    planned = Planned()
    with scripted(planned) as running:
        yield running, planned


def _prepare(entry: Entry, server: ScriptedServer, planned: Planned) -> tuple[Any, ...]:
    kwargs, url, query = plan(entry)
    response, body = reply_for(entry)
    status = f"{response.status_code} {response.reason_phrase}"
    headers = (("Content-Type", "application/json"),) if response.content else ()
    planned.raw = reply(response.content, status, headers)
    target = url[len(ROOT) :].encode() + (b"?" + query if query else b"")
    server.received.clear()
    return kwargs, target, body


def _check(
    entry: Entry,
    server: ScriptedServer,
    kwargs: dict[str, Any],
    target: bytes,
    result: Any,
    body: Any,
) -> None:
    (received,) = server.received
    assert received.method == entry.method
    assert received.target == target
    assert (received.header("authorization") or "").startswith("Hawk ")
    if entry.input is not None:
        assert normalize(json.loads(received.body)) == normalize(kwargs["payload"])
    else:
        assert received.body == b""
    if isinstance(result, Reply) or entry.output is None:
        assert result is None or isinstance(result, Reply)
        return
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(
        type(result) if isinstance(result, pydantic.BaseModel) else Any
    )
    dumped = adapter.dump_python(result, mode="json", by_alias=True, exclude_unset=True)
    assert normalize(dumped) == normalize(body)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_sync_method_on_urllib3(entry: Entry, server: tuple[ScriptedServer, Planned]) -> None:
    running, planned = server
    sync_cls, _ = client_classes(entry.service)
    kwargs, target, body = _prepare(entry, running, planned)
    credentials = Credentials("tester", "secret-token")
    with sync_cls(running.url, credentials=credentials, transport="urllib3") as client:
        method = getattr(client, snake_case(entry.name))
        with deprecation_expected(entry):
            result = method(**kwargs)
    _check(entry, running, kwargs, target, result, body)


@pytest.mark.anyio
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
async def test_async_method_on_aiohttp(
    entry: Entry, server: tuple[ScriptedServer, Planned]
) -> None:
    running, planned = server
    _, async_cls = client_classes(entry.service)
    kwargs, target, body = _prepare(entry, running, planned)
    credentials = Credentials("tester", "secret-token")
    async with async_cls(running.url, credentials=credentials, transport="aiohttp") as client:
        method = getattr(client, snake_case(entry.name))
        assert inspect.iscoroutinefunction(method)
        with deprecation_expected(entry):
            result = await method(**kwargs)
    _check(entry, running, kwargs, target, result, body)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
