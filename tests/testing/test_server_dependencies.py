"""The local queue schedules a dependent task by its ``requires``: ``all-completed`` waits for
every dependency to complete, ``all-resolved`` for every one to resolve in any way; and the
local hooks service updates hooks."""

from __future__ import annotations

from typing import Literal

from taskcluster_typed import Hooks, Queue, ResourceNotFound, from_now, slugid
from taskcluster_typed.models.hooks import HookMetadataDict
from taskcluster_typed.models.queue import CreateTaskRequestDict
from taskcluster_typed.testing import LocalTaskcluster

QUEUE_ID = "proj-deps/workers"


def _task(
    deps: list[str], requires: Literal["all-completed", "all-resolved"]
) -> CreateTaskRequestDict:
    return {
        "taskQueueId": QUEUE_ID,
        "schedulerId": "sched",
        "taskGroupId": "fN1SbArXTPSVFNUvaOlinQ",
        "dependencies": deps,
        "requires": requires,
        "created": from_now("0 seconds"),
        "deadline": from_now("1 hour"),
        "expires": from_now("1 day"),
        "payload": {},
        "metadata": {
            "name": "t",
            "description": "d",
            "owner": "o@example.com",
            "source": "https://x",
        },
    }


def test_dependents_follow_requires(local_taskcluster: LocalTaskcluster) -> None:
    queue = local_taskcluster.client(Queue)
    first, second = slugid(), slugid()
    queue.create_task(first, _task([], "all-completed"))
    queue.create_task(second, _task([], "all-completed"))
    strict, lenient = slugid(), slugid()
    queue.create_task(strict, _task([first, second], "all-completed"))
    queue.create_task(lenient, _task([first, second], "all-resolved"))
    queue.claim_work(QUEUE_ID, {"workerGroup": "g", "workerId": "w", "tasks": 2})
    queue.report_failed(first, "0")
    assert queue.status(lenient).status.state == "unscheduled"  # second still running
    queue.report_completed(second, "0")
    assert queue.status(lenient).status.state == "pending"
    assert queue.status(strict).status.state == "unscheduled"
    cancelled, after = slugid(), slugid()
    queue.create_task(cancelled, _task([], "all-completed"))
    queue.create_task(after, _task([cancelled], "all-resolved"))
    queue.cancel_task(cancelled)
    assert queue.status(after).status.state == "pending"


def test_update_hook(local_taskcluster: LocalTaskcluster) -> None:
    hooks = local_taskcluster.client(Hooks)
    meta: HookMetadataDict = {
        "name": "h",
        "description": "d",
        "owner": "o@example.com",
        "emailOnError": False,
    }
    try:
        hooks.update_hook("g", "h", {"metadata": meta, "task": {}})
    except ResourceNotFound:
        pass
    else:
        raise AssertionError("updating a missing hook must fail")
    hooks.create_hook("g", "h", {"metadata": meta, "task": {"a": 1}})
    updated = hooks.update_hook("g", "h", {"metadata": meta, "task": {"a": 2}})
    assert updated.task == {"a": 2}
    assert hooks.hook("g", "h").task == {"a": 2}
