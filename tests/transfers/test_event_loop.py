"""The sync API inside a running event loop (it starts no loop of its own), and the async API."""

from __future__ import annotations

import asyncio

import anyio
import anyio.to_thread

from taskcluster_typed import (
    AsyncObject,
    Object,
    async_download,
    async_upload,
    download,
    from_now,
    upload,
)

from .fake_service import FakeService
from .helpers import CREDENTIALS, FAST

BIG = b"x" * 100_000


def _sync_round_trip(root_url: str, name: str) -> bytes:
    with Object(root_url, credentials=CREDENTIALS) as objects:
        upload(objects, name, BIG, project_id="p", expires=from_now("1 day"), retry=FAST)
        return download(objects, name, retry=FAST).data


def test_sync_api_from_a_thread_inside_a_running_loop(service: FakeService) -> None:
    async def main() -> bytes:
        return await anyio.to_thread.run_sync(_sync_round_trip, service.root_url, "in-thread")

    assert asyncio.run(main()) == BIG


def test_sync_api_called_directly_in_the_loop_thread(service: FakeService) -> None:
    async def main() -> bytes:
        # Blocking, but it works: no nested event loop is started.
        return _sync_round_trip(service.root_url, "in-loop")

    assert asyncio.run(main()) == BIG


def test_async_api_inside_the_loop(service: FakeService) -> None:
    async def main() -> bytes:
        async with AsyncObject(service.root_url, credentials=CREDENTIALS) as objects:
            await async_upload(
                objects, "async", BIG, project_id="p", expires=from_now("1 day"), retry=FAST
            )
            return (await async_download(objects, "async", retry=FAST)).data

    assert asyncio.run(main()) == BIG


def test_concurrent_async_downloads(service: FakeService) -> None:
    for i in range(5):
        service.store(f"o{i}", bytes([i]) * 300_000)

    async def main() -> list[bytes]:
        results: list[bytes] = [b""] * 5
        async with AsyncObject(service.root_url, credentials=CREDENTIALS) as objects:

            async def one(i: int) -> None:
                results[i] = (await async_download(objects, f"o{i}", retry=FAST)).data

            async with anyio.create_task_group() as group:
                for i in range(5):
                    group.start_soon(one, i)
        return results

    assert anyio.run(main) == [bytes([i]) * 300_000 for i in range(5)]
