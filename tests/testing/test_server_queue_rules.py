"""The local queue refuses what the real queue refuses, and accepts what it accepts (each case
here was found by the differential suite in tests/real, or read in the queue's source)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, Literal, cast

import httpx
import pytest

from taskcluster_typed import (
    APIError,
    Queue,
    RequestConflict,
    from_now,
    slugid,
)
from taskcluster_typed.models.queue import (
    ClaimWorkRequestDict,
    CreateTaskRequestDict,
    PostArtifactRequestDict,
)
from taskcluster_typed.testing import LocalTaskcluster

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # claimTask, workers
QUEUE_ID = "rules/linux"
WORKER: ClaimWorkRequestDict = {"workerGroup": "g", "workerId": "w", "tasks": 5}


def _task(**extra: Any) -> CreateTaskRequestDict:
    task: dict[str, Any] = {
        "taskQueueId": QUEUE_ID,
        "created": from_now("0 seconds"),
        "deadline": from_now("1 hour"),
        "payload": {},
        "metadata": {"name": "t", "description": "d", "owner": "a@b.c", "source": "https://x.y/"},
    }
    return cast("CreateTaskRequestDict", {**task, **extra})


def _error(raised: pytest.ExceptionInfo[APIError]) -> tuple[int, str | None]:
    return raised.value.status_code, raised.value.code


@pytest.fixture
def tc() -> Iterator[LocalTaskcluster]:
    with LocalTaskcluster() as local:
        yield local


@pytest.fixture
def queue(tc: LocalTaskcluster) -> Queue:
    return tc.client(Queue, max_retries=0)


def test_the_legacy_provisioner_and_worker_type_form(queue: Queue) -> None:
    legacy: dict[str, Any] = {**_task(), "provisionerId": "rules", "workerType": "linux"}
    del legacy["taskQueueId"]
    task_id = slugid()
    queue.create_task(task_id, cast("CreateTaskRequestDict", legacy))
    definition = queue.task(task_id)
    assert (definition.task_queue_id, definition.provisioner_id) == (QUEUE_ID, "rules")
    with pytest.raises(APIError) as raised:
        queue.create_task(slugid(), cast("CreateTaskRequestDict", {**legacy, "taskQueueId": "a/b"}))
    assert _error(raised) == (400, "InputError")


@pytest.mark.parametrize(
    "extra",
    [
        {"created": from_now("-1 hour")},
        {"created": from_now("1 hour"), "deadline": from_now("2 hours")},
        {"deadline": from_now("-1 minute"), "created": from_now("-2 minutes")},
        {"deadline": from_now("6 days")},
        {"expires": from_now("30 minutes")},
        {"scopes": ["secrets:get:x**"]},
        {"dependencies": ["Bb4mAPT7Q6a2DZY0cqnNRQ"]},
    ],
)
def test_task_definitions_the_queue_refuses(queue: Queue, extra: dict[str, Any]) -> None:
    with pytest.raises(APIError) as raised:
        queue.create_task(slugid(), _task(**extra))
    assert _error(raised) == (400, "InputError")


def test_resolutions_repeat_idempotently(queue: Queue) -> None:
    task_id = slugid()
    queue.create_task(task_id, _task(retries=0))
    queue.claim_work(QUEUE_ID, WORKER)
    queue.report_completed(task_id, 0)
    assert queue.report_completed(task_id, 0).status.state == "completed"
    with pytest.raises(RequestConflict):
        queue.report_exception(task_id, 0, {"reason": "malformed-payload"})
    rerun = queue.rerun_task(task_id).status
    assert [r.reason_created for r in rerun.runs] == ["scheduled", "rerun"]


def test_retries_are_named_after_the_reason(queue: Queue) -> None:
    task_id = slugid()
    queue.create_task(task_id, _task(retries=2))
    reasons: list[Literal["worker-shutdown", "intermittent-task"]] = [
        "worker-shutdown",
        "intermittent-task",
    ]
    for run_id, reason in enumerate(reasons):
        queue.claim_work(QUEUE_ID, WORKER)
        queue.report_exception(task_id, run_id, {"reason": reason})
    runs = queue.status(task_id).status.runs
    assert [r.reason_created for r in runs] == ["scheduled", "retry", "task-retry"]


def test_a_task_past_its_deadline_is_neither_claimed_nor_changed() -> None:
    with LocalTaskcluster(deadline_delay=timedelta(minutes=10)) as tc:
        queue = tc.client(Queue, max_retries=0)
        claimed, unclaimed, fresh = slugid(), slugid(), slugid()
        queue.create_task(claimed, _task(deadline=from_now("1 second")))
        queue.claim_work(QUEUE_ID, {**WORKER, "tasks": 1})
        queue.create_task(unclaimed, _task(deadline=from_now("1 second")))
        time.sleep(1.1)
        queue.create_task(fresh, _task())
        claims = queue.claim_work(QUEUE_ID, WORKER)
        assert [c.status.task_id for c in claims.tasks] == [fresh]
        refused: list[Callable[[], object]] = [
            lambda: queue.claim_task(unclaimed, 0, {"workerGroup": "g", "workerId": "w"}),
            lambda: queue.reclaim_task(claimed, 0),
            lambda: queue.cancel_task(unclaimed),
            lambda: queue.rerun_task(claimed),
            lambda: queue.change_task_priority(unclaimed, {"newPriority": "high"}),
        ]
        for call in refused:
            with pytest.raises(RequestConflict, match="past its deadline"):
                call()
        # until the deadline resolver acts, the running run can still be resolved
        assert queue.report_completed(claimed, 0).status.state == "completed"


def test_the_deadline_resolver_resolves_unfinished_tasks(queue: Queue) -> None:
    task_id = slugid()
    queue.create_task(task_id, _task(deadline=from_now("1 second")))
    time.sleep(1.1)
    run = queue.status(task_id).status.runs[-1]
    assert (run.state, run.reason_resolved) == ("exception", "deadline-exceeded")


def test_expired_claims_are_retried() -> None:
    with LocalTaskcluster(claim_timeout=timedelta(seconds=0.5)) as tc:
        queue = tc.client(Queue, max_retries=0)
        task_id = slugid()
        queue.create_task(task_id, _task())
        queue.claim_work(QUEUE_ID, WORKER)
        time.sleep(0.6)
        runs = queue.status(task_id).status.runs
        assert [(r.state, r.reason_resolved) for r in runs] == [
            ("exception", "claim-expired"),
            ("pending", None),
        ]


def test_sealed_groups_refuse_tasks_and_can_be_cancelled(queue: Queue) -> None:
    group, first, second = slugid(), slugid(), slugid()
    queue.create_task(first, _task(taskGroupId=group))
    queue.create_task(second, _task(taskGroupId=group, dependencies=[first]))
    with pytest.raises(RequestConflict):
        queue.cancel_task_group(group)
    assert queue.seal_task_group(group).sealed is not None
    with pytest.raises(RequestConflict):
        queue.create_task(slugid(), _task(taskGroupId=group))
    cancelled = queue.cancel_task_group(group)
    assert (cancelled.cancelled_count, cancelled.task_group_size) == (2, 2)
    listed = queue.list_task_group(group)
    assert listed.sealed is not None
    assert {t.status.state for t in listed.tasks} == {"exception"}
    assert [t.status.task_id for t in queue.list_dependent_tasks(first).tasks] == [second]


def test_priorities_change(queue: Queue) -> None:
    group, task_id = slugid(), slugid()
    queue.create_task(task_id, _task(taskGroupId=group))
    assert queue.change_task_priority(task_id, {"newPriority": "high"}).status.priority == "high"
    changed = queue.change_task_group_priority(group, {"newPriority": "low"})
    assert (changed.tasks_affected, changed.task_ids) == (1, [task_id])
    assert queue.task(task_id).priority == "low"


def test_workers_and_task_queues_are_recorded(queue: Queue) -> None:
    task_id = slugid()
    queue.create_task(task_id, _task())
    counts = queue.task_queue_counts(QUEUE_ID)
    assert (counts.pending_tasks, counts.claimed_tasks) == (1, 0)
    assert [t.task_id for t in queue.list_pending_tasks(QUEUE_ID).tasks] == [task_id]
    queue.claim_work(QUEUE_ID, WORKER)
    assert [t.task_id for t in queue.list_claimed_tasks(QUEUE_ID).tasks] == [task_id]
    assert queue.get_task_queue(QUEUE_ID).task_queue_id == QUEUE_ID
    assert [p.provisioner_id for p in queue.list_provisioners().provisioners] == ["rules"]
    assert queue.get_worker_type("rules", "linux").worker_type == "linux"
    worker = queue.get_worker("rules", "linux", "g", "w")
    assert [t.task_id for t in worker.recent_tasks] == [task_id]
    queue.quarantine_worker("rules", "linux", "g", "w", {"quarantineUntil": from_now("1 hour")})
    assert [
        w.worker_id for w in queue.list_workers("rules", "linux", quarantined=True).workers
    ] == ["w"]
    assert queue.claim_work(QUEUE_ID, WORKER).tasks == []
    declared = queue.declare_worker("rules", "linux", "g", "new", {"expires": from_now("1 day")})
    assert declared.worker_id == "new"


def test_artifact_rules(tc: LocalTaskcluster, queue: Queue) -> None:
    task_id = slugid()
    queue.create_task(task_id, _task(expires=from_now("2 hours")))
    queue.claim_work(QUEUE_ID, WORKER)
    with pytest.raises(APIError) as raised:  # an artifact may not outlive its task
        queue.create_artifact(
            task_id,
            0,
            "public/late",
            {
                "storageType": "error",
                "expires": from_now("3 hours"),
                "reason": "invalid-resource-on-worker",
                "message": "m",
            },
        )
    assert _error(raised) == (400, "InputError")
    expires = from_now("1 hour")
    queue.create_artifact(
        task_id,
        0,
        "public/ref",
        {
            "storageType": "reference",
            "expires": expires,
            "url": "https://e.x/a",
            "contentType": "text/plain",
        },
    )
    queue.create_artifact(
        task_id,
        0,
        "public/link",
        {"storageType": "link", "expires": expires, "artifact": "public/ref"},
    )
    queue.create_artifact(
        task_id,
        0,
        "public/err",
        {
            "storageType": "error",
            "expires": expires,
            "reason": "file-missing-on-worker",
            "message": "gone",
        },
    )
    tc.add_role("anonymous", ["queue:get-artifact:public/*"])
    assert queue.artifact(task_id, 0, "public/link").storage_type == "reference"
    raw_slashes = f"{tc.root_url}/api/queue/v1/task/{task_id}/artifacts/public/ref"
    assert httpx.get(raw_slashes).headers["location"] == "https://e.x/a"  # a {*name} route
    assert queue.artifact_info(task_id, 0, "public/link").storage_type == "link"
    assert queue.latest_artifact_info(task_id, "public/ref").name == "public/ref"
    url = f"{tc.root_url}/api/queue/v1/task/{task_id}/runs/0/artifacts/public%2Ferr"
    reply = httpx.get(url)
    assert reply.status_code == 424 and reply.json() == {
        "reason": "file-missing-on-worker",
        "message": "gone",
    }
    assert reply.headers["x-taskcluster-artifact-storage-type"] == "error"
    queue.report_completed(task_id, 0)
    with pytest.raises(RequestConflict):  # not after the run is resolved
        queue.create_artifact(
            task_id,
            0,
            "public/more",
            {
                "storageType": "reference",
                "expires": expires,
                "url": "https://e.x/b",
                "contentType": "text/plain",
            },
        )


def test_routes_answer_with_or_without_a_trailing_slash(tc: LocalTaskcluster) -> None:
    assert httpx.get(f"{tc.root_url}/api/queue/v1/ping/").status_code == 200
    anonymous = httpx.get(f"{tc.root_url}/api/auth/v1/clients")
    assert anonymous.status_code == 403  # routed (to listClients), then refused
    # the official clients call listNamespaces("") as /namespaces/ (an optional parameter)
    tc.add_role("anonymous", ["index:list-namespaces:", "index:list-tasks:"])
    for route in ("namespaces/", "tasks/"):
        reply = httpx.get(f"{tc.root_url}/api/index/v1/{route}")
        assert reply.status_code == 200, reply.text


def test_object_artifacts_are_a_known_limit(queue: Queue) -> None:
    """Listed in docs/testing.md: the fake answers 501 naming the object service."""
    task_id = slugid()
    queue.create_task(task_id, _task())
    queue.claim_work(QUEUE_ID, WORKER)
    request: PostArtifactRequestDict = {
        "storageType": "object",
        "expires": from_now("1 hour"),
        "contentType": "a/b",
    }
    with pytest.raises(APIError) as raised:
        queue.create_artifact(task_id, 0, "public/o", request)
    assert raised.value.status_code == 501 and "object service" in raised.value.message
