"""``with_raw_response`` keeps the methods' signatures (see tests/typing/test_typing.py)."""

from __future__ import annotations

from taskcluster_typed import AsyncQueue, Queue


def wrong_arguments(queue: Queue) -> object:
    queue.with_raw_response.status(1)  # E: arg-type
    queue.with_raw_response.get_artifact("abc", 0)  # E: call-arg
    return queue.with_raw_response.status("abc").parse().stauts  # E: attr-defined


async def awaited(queue: AsyncQueue) -> object:
    return (await queue.with_raw_response.status("abc")).parse().status.tsk  # E: attr-defined
