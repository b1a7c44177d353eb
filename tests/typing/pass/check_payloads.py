"""Typed worker payloads that mypy --strict and pyright (strict) must accept.

Type-checked by `make typecheck` and tests/typing, never run.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from typing_extensions import assert_type

from taskcluster_typed import AsyncQueue, Queue
from taskcluster_typed.models.queue import (
    CreateTaskRequest,
    CreateTaskRequestDict,
    TaskMetadata,
    TaskStatusResponse,
)
from taskcluster_typed.payloads import (
    DockerWorkerPayload,
    DockerWorkerPayloadDict,
    GenericWorkerInsecurePosixPayloadDict,
    GenericWorkerMultiuserPosixPayloadDict,
    GenericWorkerMultiuserWindowsPayload,
    GenericWorkerMultiuserWindowsPayloadDict,
)

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
METADATA = TaskMetadata(name="n", description="d", owner="o@example.com", source="https://x")


def typed_dicts(queue: Queue) -> None:
    docker: CreateTaskRequestDict[DockerWorkerPayloadDict] = {
        "created": NOW,
        "deadline": NOW,
        "metadata": {"name": "n", "description": "d", "owner": "o", "source": "https://x"},
        "payload": {
            "image": "ubuntu:24.04",
            "command": ["echo", "hello"],
            "maxRunTime": 600,
            "artifacts": {"public/out": {"type": "directory", "path": "/out"}},
        },
    }
    assert_type(queue.create_task("a", docker), TaskStatusResponse)
    posix: GenericWorkerMultiuserPosixPayloadDict = {"command": [["true"]], "maxRunTime": 60}
    insecure: GenericWorkerInsecurePosixPayloadDict = {"command": [["true"]], "maxRunTime": 60}
    windows: GenericWorkerMultiuserWindowsPayloadDict = {"command": ["dir"], "maxRunTime": 60}
    for payload in (posix, insecure, windows):
        other: CreateTaskRequestDict[Any] = {
            "created": NOW,
            "deadline": NOW,
            "metadata": {"name": "n", "description": "d", "owner": "o", "source": "https://x"},
            "payload": payload,
        }
        queue.create_task("b", other)


def untyped_payload_for_other_workers(queue: Queue) -> None:
    task: CreateTaskRequestDict = {
        "created": NOW,
        "deadline": NOW,
        "metadata": {"name": "n", "description": "d", "owner": "o", "source": "https://x"},
        "payload": {"script": "anything", "retries": "3"},
    }
    assert_type(task["payload"], dict[str, Any])
    queue.create_task("c", task)


async def models(queue: AsyncQueue) -> None:
    task = CreateTaskRequest[DockerWorkerPayload](
        created=NOW,
        deadline=NOW,
        metadata=METADATA,
        payload=DockerWorkerPayload(image="ubuntu:24.04", command=["true"], max_run_time=600),
    )
    assert_type(task.payload.max_run_time, int)
    assert_type(await queue.create_task("d", task), TaskStatusResponse)
    windows = CreateTaskRequest(
        created=NOW,
        deadline=NOW,
        metadata=METADATA,
        payload=GenericWorkerMultiuserWindowsPayload(command=["dir"], max_run_time=60),
    )
    assert_type(windows.payload, GenericWorkerMultiuserWindowsPayload)
    open_payload = CreateTaskRequest(
        created=NOW, deadline=NOW, metadata=METADATA, payload={"script": "anything"}
    )
    assert_type(open_payload.payload, dict[str, str])
    await queue.create_task("e", open_payload)
