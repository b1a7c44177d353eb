"""The queue, differentially: task graphs, claims, resolutions, deadlines and refusals."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest

from taskcluster_typed import Credentials, Queue, from_now, slugid
from taskcluster_typed.models.queue import (
    ClaimWorkRequestDict,
    CreateTaskRequestDict,
    TaskStatusResponse,
)

from .conftest import RealTaskcluster
from .differential import (
    Backend,
    compare,
    local_backend,
    ok,
    queue_id,
    shape,
    task_definition,
    wait_for_state,
)


@pytest.fixture
def backends(real: RealTaskcluster) -> Iterator[tuple[Backend, Backend]]:
    with local_backend() as local:
        yield Backend("real", real.root_url, real.credentials), local


def _state(reply: TaskStatusResponse) -> Any:
    status = reply.status
    return (
        status.state,
        [(r.state, r.reason_created, r.reason_resolved) for r in status.runs],
        status.retries_left,
    )


def task_graph(b: Backend) -> None:
    queue = b.client(Queue)
    qid = queue_id(b)
    first, second, third = slugid(), slugid(), slugid()
    group = first
    definition = task_definition(qid, taskGroupId=group, routes=["index.diff.x"], retries=1)
    # the routes need queue:route:* (root has it)
    b.call("create first", lambda: queue.create_task(first, definition), _state)
    b.call("create first again (idempotent)", lambda: queue.create_task(first, definition), _state)
    changed: CreateTaskRequestDict = {**definition, "priority": "high"}
    b.call(
        "create first with another definition", lambda: queue.create_task(first, changed), _state
    )
    b.call(
        "create second (depends on first)",
        lambda: queue.create_task(
            second, task_definition(qid, taskGroupId=group, dependencies=[first], retries=1)
        ),
        _state,
    )
    b.call(
        "create third (all-resolved)",
        lambda: queue.create_task(
            third,
            task_definition(
                qid, taskGroupId=group, dependencies=[first, second], requires="all-resolved"
            ),
        ),
        _state,
    )
    b.call("task defaults", lambda: queue.task(second), shape)
    worker = {"workerGroup": "diff-group", "workerId": "diff-worker", "tasks": 4}
    claims = b.call("claim first", lambda: queue.claim_work(qid, worker), shape)  # type: ignore[arg-type]
    assert claims is not None
    b.call("reclaim first", lambda: queue.reclaim_task(first, 0), shape)
    b.call(
        "report first failed on run 1 (no such run)", lambda: queue.report_failed(first, 1), _state
    )
    b.call("report first completed", lambda: queue.report_completed(first, 0), _state)
    b.call("report first completed again", lambda: queue.report_completed(first, 0), _state)
    b.call("report first failed after completed", lambda: queue.report_failed(first, 0), _state)
    b.call("reclaim resolved first", lambda: queue.reclaim_task(first, 0), ok)
    b.note("second pending", wait_for_state(queue, second, ["pending"]))
    b.call(
        "claim second",
        lambda: queue.claim_work(qid, worker),  # type: ignore[arg-type]
        lambda c: [t.status.task_id == second for t in c.tasks],
    )
    b.call(
        "second exception worker-shutdown (retried)",
        lambda: queue.report_exception(second, 0, {"reason": "worker-shutdown"}),
        _state,
    )
    b.call(
        "claim second again",
        lambda: queue.claim_work(qid, worker),  # type: ignore[arg-type]
        lambda c: [(t.status.task_id == second, t.run_id) for t in c.tasks],
    )
    b.call(
        "second exception intermittent-task (no retries left)",
        lambda: queue.report_exception(second, 1, {"reason": "intermittent-task"}),
        _state,
    )
    b.note("third pending", wait_for_state(queue, third, ["pending"]))
    b.call("cancel third", lambda: queue.cancel_task(third), _state)
    b.call("cancel third again", lambda: queue.cancel_task(third), _state)
    b.call("rerun first", lambda: queue.rerun_task(first), _state)
    b.call(
        "dependents of first",
        lambda: queue.list_dependent_tasks(first),
        lambda r: sorted(t.status.task_id == second or t.status.task_id == third for t in r.tasks),
    )
    b.call(
        "task group",
        lambda: queue.list_task_group(group),
        lambda r: sorted((t.status.task_id == first, t.status.state) for t in r.tasks),
    )
    b.call(
        "get task group",
        lambda: queue.get_task_group(group),
        shape,
    )
    b.call("cancel unsealed group", lambda: queue.cancel_task_group(group), ok)
    b.call("seal group", lambda: queue.seal_task_group(group), lambda r: r.sealed is not None)
    b.call("seal group again", lambda: queue.seal_task_group(group), lambda r: r.sealed is not None)
    b.call(
        "create in sealed group",
        lambda: queue.create_task(slugid(), task_definition(qid, taskGroupId=group)),
        _state,
    )
    b.call(
        "cancel sealed group",
        lambda: queue.cancel_task_group(group),
        lambda r: (r.cancelled_count, r.task_group_size),
    )
    b.call(
        "statuses",
        lambda: queue.statuses({"taskIds": [first, second, slugid()]}),
        lambda r: sorted(s.status.state for s in r.statuses),
    )
    b.call(
        "tasks",
        lambda: queue.tasks({"taskIds": [first, third]}),
        lambda r: sorted(t.task_id == first for t in r.tasks),
    )
    pages: list[list[bool]] = []
    token: str | None = None
    for _ in range(10):
        listed = queue.list_task_group(group, limit=2, continuation_token=token)
        pages.append([t.status.task_id == first for t in listed.tasks])
        token = listed.continuation_token
        if token is None:
            break
    b.note("task group in pages of 2", (len(pages), sorted(x for p in pages for x in p)))
    b.call("status of a missing task", lambda: queue.status(slugid()), ok)
    b.call("task of a missing task", lambda: queue.task(slugid()), ok)
    b.call("missing task group", lambda: queue.list_task_group(slugid()), ok)


def test_task_graph(backends: tuple[Backend, Backend]) -> None:
    compare(task_graph, *backends)


def _creation(queue: Queue, definition: CreateTaskRequestDict) -> Callable[[], TaskStatusResponse]:
    return lambda: queue.create_task(slugid(), definition)


def task_forms_and_refusals(b: Backend) -> None:
    queue = b.client(Queue)
    qid = queue_id(b)
    provisioner, worker_type = qid.split("/")
    legacy: dict[str, Any] = {
        **task_definition(qid),
        "provisionerId": provisioner,
        "workerType": worker_type,
    }
    del legacy["taskQueueId"]
    legacy_id = slugid()
    b.call(
        "legacy provisionerId/workerType form",
        lambda: queue.create_task(legacy_id, cast("CreateTaskRequestDict", legacy)),
        _state,
    )
    b.call(
        "legacy form read back",
        lambda: queue.task(legacy_id),
        lambda t: (t.task_queue_id == qid, t.provisioner_id == provisioner, t.worker_type),
    )
    mismatch = {**legacy, "taskQueueId": "other/queue"}
    b.call(
        "mismatched taskQueueId",
        lambda: queue.create_task(slugid(), cast("CreateTaskRequestDict", mismatch)),
        _state,
    )
    refusals: dict[str, dict[str, Any]] = {
        "deadline in the past": {
            "deadline": from_now("-1 minute"),
            "created": from_now("-2 minutes"),
        },
        "deadline too far": {"deadline": from_now("6 days")},
        "expires before deadline": {"expires": from_now("30 minutes")},
        "created in the past": {"created": from_now("-1 hour")},
        "created in the future": {"created": from_now("1 hour"), "deadline": from_now("2 hours")},
        "scopes ending in **": {"scopes": ["diff:x**"]},
        "missing dependency": {"dependencies": [slugid()]},
    }
    for label, extra in refusals.items():
        b.call(label, _creation(queue, task_definition(qid, **extra)), _state)
    limited = b.client(
        Queue, credentials=b.new_client([f"queue:create-task:lowest:{qid}", "queue:scheduler-id:-"])
    )
    b.call(
        "without the project scope",
        lambda: limited.create_task(slugid(), task_definition(qid)),
        _state,
    )
    b.call(
        "priority above the scope",
        lambda: limited.create_task(
            slugid(), task_definition(qid, priority="high", projectId="none")
        ),
        _state,
    )
    scoped = b.client(
        Queue,
        credentials=b.new_client(
            [
                f"queue:create-task:high:{qid}",
                "queue:scheduler-id:-",
                "queue:create-task:project:none",
            ]
        ),
    )
    b.call(
        "a lower priority is covered",
        lambda: scoped.create_task(slugid(), task_definition(qid, priority="low")),
        _state,
    )
    b.call(
        "a route needs its scope",
        lambda: scoped.create_task(slugid(), task_definition(qid, routes=["r.x"])),
        _state,
    )
    b.call(
        "task scopes the caller lacks",
        lambda: scoped.create_task(slugid(), task_definition(qid, scopes=["secrets:get:x"])),
        _state,
    )
    group = slugid()
    b.call(
        "create in group",
        lambda: queue.create_task(slugid(), task_definition(qid, taskGroupId=group)),
        _state,
    )
    b.call(
        "other schedulerId in the group",
        lambda: queue.create_task(
            slugid(), task_definition(qid, taskGroupId=group, schedulerId="other")
        ),
        _state,
    )
    b.call("schedule a missing task", lambda: queue.schedule_task(slugid()), _state)
    b.call("cancel a missing task", lambda: queue.cancel_task(slugid()), _state)
    b.call("rerun a missing task", lambda: queue.rerun_task(slugid()), _state)
    b.call("reclaim a missing task", lambda: queue.reclaim_task(slugid(), 0), ok)
    b.call("report a missing task", lambda: queue.report_completed(slugid(), 0), _state)


def test_task_forms_and_refusals(backends: tuple[Backend, Backend]) -> None:
    compare(task_forms_and_refusals, *backends)


def deadlines(b: Backend) -> None:
    """Tasks whose deadline passes: claims, reclaims, cancel, rerun are refused."""
    queue = b.client(Queue)
    qid = queue_id(b)
    soon = from_now("3 seconds")
    claimed, unclaimed, fresh = slugid(), slugid(), slugid()
    b.call(
        "create claimed",
        lambda: queue.create_task(claimed, task_definition(qid, deadline=soon)),
        _state,
    )
    worker = {"workerGroup": "g", "workerId": "w", "tasks": 1}
    b.call("claim it", lambda: queue.claim_work(qid, worker), lambda c: len(c.tasks))  # type: ignore[arg-type]
    b.call(
        "create unclaimed",
        lambda: queue.create_task(unclaimed, task_definition(qid, deadline=soon)),
        _state,
    )
    time.sleep(3.5)
    b.call("create fresh", lambda: queue.create_task(fresh, task_definition(qid)), _state)
    b.call(
        "claimWork skips the task past its deadline",
        lambda: queue.claim_work(qid, {**worker, "tasks": 2}),  # type: ignore[arg-type]
        lambda c: [t.status.task_id == fresh for t in c.tasks],
    )
    b.call(
        "claimTask past the deadline",
        lambda: queue.claim_task(unclaimed, 0, {"workerGroup": "g", "workerId": "w"}),
        ok,
    )
    b.call("reclaim past the deadline", lambda: queue.reclaim_task(claimed, 0), ok)
    b.call("cancel past the deadline", lambda: queue.cancel_task(unclaimed), _state)
    b.call("rerun past the deadline", lambda: queue.rerun_task(claimed), _state)
    b.call(
        "change priority past the deadline",
        lambda: queue.change_task_priority(unclaimed, {"newPriority": "high"}),
        _state,
    )
    b.call(
        "report completed past the deadline (still running)",
        lambda: queue.report_completed(claimed, 0),
        _state,
    )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # claimTask
def test_deadlines(backends: tuple[Backend, Backend]) -> None:
    compare(deadlines, *backends)


def workers(b: Backend) -> None:
    """Task queues and workers as the queue records them; counts and listings."""
    queue = b.client(Queue)
    qid = queue_id(b)
    provisioner, worker_type = qid.split("/")
    b.call("task queue before any worker", lambda: queue.get_task_queue(qid), ok)
    first, second = slugid(), slugid()
    queue.create_task(first, task_definition(qid))
    queue.create_task(second, task_definition(qid, priority="high"))
    b.call("task queue after tasks were created", lambda: queue.get_task_queue(qid), ok)
    b.call(
        "counts",
        lambda: queue.task_queue_counts(qid),
        lambda c: (c.pending_tasks, c.claimed_tasks, c.provisioner_id == provisioner),
    )
    b.call("pending count", lambda: queue.pending_tasks(qid), lambda c: c.pending_tasks)
    b.call(
        "pending list",
        lambda: queue.list_pending_tasks(qid),
        lambda r: [t.task_id == second for t in r.tasks],
    )
    worker: ClaimWorkRequestDict = {"workerGroup": "g", "workerId": "w1", "tasks": 1}
    b.call(
        "claim by priority",
        lambda: queue.claim_work(qid, worker),
        lambda c: [t.status.task_id == second for t in c.tasks],
    )
    b.call(
        "claimed list",
        lambda: queue.list_claimed_tasks(qid),
        lambda r: [(t.task_id == second, t.worker_id) for t in r.tasks],
    )
    b.call(
        "task queue",
        lambda: queue.get_task_queue(qid),
        lambda q: (q.task_queue_id, q.stability, q.description),
    )
    b.call(
        "provisioner",
        lambda: queue.get_provisioner(provisioner),
        lambda p: (p.provisioner_id, p.stability),
    )
    b.call(
        "worker types",
        lambda: queue.list_worker_types(provisioner),
        lambda r: [(w.worker_type, w.task_queue_id) for w in r.worker_types],
    )
    b.call(
        "worker",
        lambda: queue.get_worker(provisioner, worker_type, "g", "w1"),
        lambda w: (w.worker_id, [t.task_id == second for t in w.recent_tasks]),
    )
    b.call("missing worker", lambda: queue.get_worker(provisioner, worker_type, "g", "none"), ok)
    b.call(
        "quarantine",
        lambda: queue.quarantine_worker(
            provisioner, worker_type, "g", "w1", {"quarantineUntil": from_now("1 hour")}
        ),
        lambda w: [d.quarantine_info for d in w.quarantine_details or []],
    )
    b.call(
        "quarantine a missing worker",
        lambda: queue.quarantine_worker(
            provisioner, worker_type, "g", "none", {"quarantineUntil": from_now("1 hour")}
        ),
        ok,
    )
    b.call(
        "quarantined workers",
        lambda: queue.list_workers(provisioner, worker_type, quarantined=True),
        lambda r: [(w.worker_id, w.latest_task is not None) for w in r.workers],
    )
    b.call(
        "workers not quarantined",
        lambda: queue.list_workers(provisioner, worker_type, quarantined=False),
        lambda r: [w.worker_id for w in r.workers],
    )
    b.call(
        "declare a worker",
        lambda: queue.declare_worker(
            provisioner, worker_type, "g", "w2", {"expires": from_now("1 day")}
        ),
        lambda w: (w.worker_id, w.recent_tasks),
    )
    b.call(
        "all workers",
        lambda: queue.list_workers(provisioner, worker_type),
        lambda r: sorted(w.worker_id for w in r.workers),
    )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the worker-type methods
def test_workers(backends: tuple[Backend, Backend]) -> None:
    compare(workers, *backends)


def worker_credentials(b: Backend) -> None:
    """A claim's temporary credentials act on their run only; claimTask; scheduleTask."""
    queue = b.client(Queue)
    qid = queue_id(b)
    first, second, waiting = slugid(), slugid(), slugid()
    queue.create_task(first, task_definition(qid, scopes=["diff:task-scope"]))
    queue.create_task(second, task_definition(qid))
    b.call(
        "claimTask",
        lambda: queue.claim_task(first, 0, {"workerGroup": "g", "workerId": "w"}),
        lambda c: (c.run_id, c.status.state, c.worker_id),
    )
    b.call(
        "claimTask again by the same worker",
        lambda: queue.claim_task(first, 0, {"workerGroup": "g", "workerId": "w"}),
        lambda c: (c.run_id, c.worker_id),
    )
    b.call(
        "claimTask by another worker",
        lambda: queue.claim_task(first, 0, {"workerGroup": "g", "workerId": "other"}),
        ok,
    )
    b.call(
        "claimTask of a run that does not exist",
        lambda: queue.claim_task(second, 3, {"workerGroup": "g", "workerId": "w"}),
        ok,
    )
    claim = queue.claim_work(qid, {"workerGroup": "g", "workerId": "w", "tasks": 1}).tasks[0]
    cred = claim.credentials
    as_run = b.client(
        Queue, credentials=Credentials(cred.client_id, cred.access_token, cred.certificate)
    )
    b.call("the run reclaims itself", lambda: as_run.reclaim_task(second, 0), lambda r: r.run_id)
    b.call("but not another task", lambda: as_run.reclaim_task(first, 0), ok)
    b.call("nor reads other tasks", lambda: as_run.status(first), ok)
    b.call("the run resolves itself", lambda: as_run.report_completed(second, 0), _state)
    queue.create_task(waiting, task_definition(qid, dependencies=[first]))
    b.call("scheduleTask forces a waiting task", lambda: queue.schedule_task(waiting), _state)
    b.call("scheduleTask again", lambda: queue.schedule_task(waiting), _state)
    b.call("rerun a pending task", lambda: queue.rerun_task(waiting), _state)
    limited = b.client(Queue, credentials=b.new_client([]))
    b.call("status without scopes", lambda: limited.status(first), ok)
    b.call("cancel without scopes", lambda: limited.cancel_task(first), ok)
    b.call(
        "claimWork without scopes",
        lambda: limited.claim_work(qid, {"workerGroup": "g", "workerId": "w", "tasks": 1}),
        ok,
    )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # claimTask
def test_worker_credentials(backends: tuple[Backend, Backend]) -> None:
    compare(worker_credentials, *backends)
