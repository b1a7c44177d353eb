"""``with_raw_response`` as the type checkers see it.

Type-checked by `make typecheck`, never run.
"""

from __future__ import annotations

import httpx
from typing_extensions import assert_type

from taskcluster_typed import AsyncQueue, Index, Queue, RawResponse, Reply
from taskcluster_typed.models.queue import GetArtifactResponse, TaskStatusResponse


def sync_raw(queue: Queue, index: Index) -> None:
    raw = queue.with_raw_response.get_artifact("abc", 0, "public/build.tar", timeout=5)
    assert_type(raw, RawResponse[GetArtifactResponse])
    assert_type(raw.status_code, int)
    assert_type(raw.headers, httpx.Headers)
    assert_type(raw.parse(), GetArtifactResponse)
    assert_type(queue.with_raw_response.ping(), RawResponse[None])
    redirect = index.with_raw_response.find_artifact_from_task("a.b", "public/x")
    assert_type(redirect.parse(), Reply)


async def async_raw(queue: AsyncQueue) -> None:
    raw = await queue.with_raw_response.status("abc")
    assert_type(raw, RawResponse[TaskStatusResponse])
    assert_type(raw.parse().status.task_id, str)
