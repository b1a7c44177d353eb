"""The ``transport=`` option: which transport each client uses, and every transport carrying
Hawk-signed calls that the LocalTaskcluster verifies (including the odd artifact name)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest

from taskcluster_typed import AsyncQueue, ConfigurationError, Queue, from_now, slugid
from taskcluster_typed._core.errors import ResourceNotFound
from taskcluster_typed.testing import LocalTaskcluster
from taskcluster_typed.transports.aiohttp_transport import AiohttpTransport
from taskcluster_typed.transports.selection import TransportName
from taskcluster_typed.transports.urllib3_transport import Urllib3Transport

ODD_NAME = "public/logs/live backing (1)~'!*+&=@:;,$.log"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@pytest.fixture(autouse=True)
def no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def local() -> Iterator[LocalTaskcluster]:
    with LocalTaskcluster() as tc:
        yield tc


def _transport_of(http: httpx.Client | httpx.AsyncClient) -> Any:
    return http._transport  # pyright: ignore[reportPrivateUsage]


def _task() -> dict[str, Any]:
    return {
        "taskQueueId": "p/w",
        "created": from_now("0 seconds"),
        "deadline": from_now("1 hour"),
        "payload": {},
        "metadata": {
            "name": "t",
            "description": "d",
            "owner": "o@example.com",
            "source": "https://example.com/s",
        },
    }


def _round_trip(queue: Queue, task_id: str) -> None:
    """Signed calls with and without a body, and the artifact name that must stay encoded."""
    queue.create_task(task_id, _task())  # type: ignore[arg-type]
    assert queue.status(task_id).status.task_id == task_id
    with pytest.raises(ResourceNotFound):  # not AuthenticationFailed: the signature held
        queue.latest_artifact(task_id, ODD_NAME)


@pytest.mark.parametrize(
    ("transport", "expected"),
    [("auto", Urllib3Transport), ("urllib3", Urllib3Transport), ("httpx", httpx.HTTPTransport)],
)
def test_sync_transports_carry_verified_hawk_calls(
    local: LocalTaskcluster, transport: TransportName, expected: type
) -> None:
    with local.client(Queue, transport=transport) as queue:
        _round_trip(queue, slugid())
        assert isinstance(_transport_of(queue._http.client()), expected)


def test_a_passed_http_client_goes_through_its_send(local: LocalTaskcluster) -> None:
    sent: list[httpx.Request] = []
    mine = httpx.Client(event_hooks={"request": [sent.append]})
    with local.client(Queue, http_client=mine) as queue:
        queue.ping()
    assert len(sent) == 1 and not mine.is_closed
    mine.close()


def test_invalid_choices_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError):
        Queue("https://tc.example.com", transport="curl")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        Queue("https://tc.example.com", transport="aiohttp")
    with pytest.raises(ConfigurationError):
        AsyncQueue("https://tc.example.com", transport="urllib3")
    with pytest.raises(ConfigurationError):
        Queue("https://tc.example.com", transport="httpx", http_client=httpx.Client())


async def _async_round_trip(queue: AsyncQueue, task_id: str) -> None:
    await queue.create_task(task_id, _task())  # type: ignore[arg-type]
    assert (await queue.status(task_id)).status.task_id == task_id
    with pytest.raises(ResourceNotFound):  # not AuthenticationFailed: the signature held
        await queue.latest_artifact(task_id, ODD_NAME)


@pytest.mark.parametrize(
    ("transport", "expected"),
    [
        ("auto", AiohttpTransport),
        ("aiohttp", AiohttpTransport),
        ("httpx", httpx.AsyncHTTPTransport),
    ],
)
def test_async_transports_under_asyncio(
    local: LocalTaskcluster, transport: TransportName, expected: type
) -> None:
    async def main() -> None:
        async with local.client(AsyncQueue, transport=transport) as queue:
            await _async_round_trip(queue, slugid())
            assert isinstance(_transport_of(await queue._http.client()), expected)

    anyio.run(main, backend="asyncio")


def test_async_auto_falls_back_to_httpx_under_trio(local: LocalTaskcluster) -> None:
    async def main() -> None:
        async with local.client(AsyncQueue) as queue:
            await _async_round_trip(queue, slugid())
            assert isinstance(_transport_of(await queue._http.client()), httpx.AsyncHTTPTransport)

    anyio.run(main, backend="trio")


def test_async_auto_uses_httpx_without_aiohttp(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "aiohttp" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)

    async def main() -> None:
        async with AsyncQueue("https://tc.example.com") as queue:
            assert isinstance(_transport_of(await queue._http.client()), httpx.AsyncHTTPTransport)

    anyio.run(main, backend="asyncio")


def test_an_async_client_used_in_two_event_loops(local: LocalTaskcluster) -> None:
    queue = local.client(AsyncQueue)

    async def ping() -> None:
        await queue.ping()

    anyio.run(ping, backend="asyncio")
    anyio.run(ping, backend="asyncio")  # the session is rebuilt in the new loop
    anyio.run(queue.close, backend="asyncio")


def test_aiohttp_chosen_explicitly_needs_aiohttp_and_asyncio(
    local: LocalTaskcluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def main() -> None:
        async with local.client(AsyncQueue, transport="aiohttp") as queue:
            await queue.ping()

    with pytest.raises(ConfigurationError, match="asyncio only"):
        anyio.run(main, backend="trio")

    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "aiohttp" else real(name, *a)
    )
    with pytest.raises(ConfigurationError, match=r"taskcluster-typed\[aiohttp\]"):
        AsyncQueue("https://tc.example.com", transport="aiohttp")
