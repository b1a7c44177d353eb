"""Calls that mypy --strict and pyright (strict) must accept, with the types they must infer.

Type-checked by `make typecheck`, never run.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from typing_extensions import assert_type

from taskcluster_typed import (
    AsyncQueue,
    Auth,
    Credentials,
    Hooks,
    Index,
    Queue,
    Reply,
    Secrets,
    UnknownValue,
)
from taskcluster_typed.models.auth import CreateClientResponse
from taskcluster_typed.models.hooks import TriggerHookResponse
from taskcluster_typed.models.queue import (
    CreateTaskRequest,
    CreateTaskRequestDict,
    ListTaskGroupResponse,
    ListWorkersResponse,
    PostArtifactResponse,
    TaskMetadata,
    TaskStatusResponse,
)
from taskcluster_typed.models.secrets import Secret

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def sync_calls(queue: Queue, auth: Auth, secrets: Secrets, hooks: Hooks, index: Index) -> None:
    task: CreateTaskRequestDict = {
        "provisionerId": "proj-ci",
        "workerType": "linux",
        "created": NOW,
        "deadline": "2026-01-01T01:00:00.000Z",
        "payload": {"image": "ubuntu", "command": ["true"]},
        "metadata": {
            "name": "example",
            "description": "typed",
            "owner": "me@example.com",
            "source": "https://example.com",
        },
        "priority": "high",
        "tags": {"kind": "test"},
    }
    status = queue.create_task("fN1SbArXTPSVFNUvaOlinQ", task)
    assert_type(status, TaskStatusResponse)
    state = status.status.state
    assert_type(
        state,
        Literal["unscheduled", "pending", "running", "completed", "failed", "exception"]
        | UnknownValue,
    )

    # An empty payload gives the type checker nothing to infer the payload type from: the
    # annotation says it is the open dict (the default).
    model: CreateTaskRequest = CreateTaskRequest(
        created=NOW,
        deadline=NOW,
        payload={},
        metadata=TaskMetadata(name="n", description="d", owner="o@example.com", source="https://x"),
        priority="low",
    )
    assert_type(queue.create_task("fN1SbArXTPSVFNUvaOlinQ", model, timeout=5.0), TaskStatusResponse)

    page = queue.list_task_group("fN1SbArXTPSVFNUvaOlinQ", limit=10, continuation_token=None)
    assert_type(page, ListTaskGroupResponse)
    assert_type(page.continuation_token, str | None)

    artifact = queue.create_artifact(
        "fN1SbArXTPSVFNUvaOlinQ",
        0,
        "public/log.txt",
        {"storageType": "s3", "contentType": "text/plain", "expires": NOW},
    )
    assert_type(artifact, PostArtifactResponse)
    assert_type(queue.ping(), None)
    assert_type(queue.request("GET", "ping"), Reply)

    client = auth.create_client(
        "project/x", {"scopes": ["a:b"], "expires": NOW, "description": "d"}
    )
    assert_type(client, CreateClientResponse)
    assert_type(secrets.set("project/x", {"secret": {"k": "v"}, "expires": NOW}), None)
    assert_type(secrets.get("project/x"), Secret)
    assert_type(hooks.trigger_hook("group", "hook", {"any": "context"}), TriggerHookResponse)
    assert_type(index.find_artifact_from_task("a.b.c", "public/x"), Reply)


async def async_calls(queue: AsyncQueue) -> None:
    status = await queue.status("fN1SbArXTPSVFNUvaOlinQ")
    assert_type(status, TaskStatusResponse)
    # Deprecated (PEP 702): pyright strict reports the call unless told it is deliberate.
    workers = await queue.list_workers("p", "w", quarantined=True, limit=5)  # pyright: ignore[reportDeprecated]
    assert_type(workers, ListWorkersResponse)


def construction() -> None:
    creds = Credentials("client", "token", certificate={"version": 1})
    with Queue(
        "https://tc.example.com", credentials=creds, authorized_scopes=[], timeout=None
    ) as queue:
        assert_type(queue.with_options(max_retries=0), Queue)
    assert_type(Queue.from_env(), Queue)
