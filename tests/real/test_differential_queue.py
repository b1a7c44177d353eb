"""The queue, differentially: task graphs, claims, resolutions, deadlines and refusals."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest

from taskcluster_typed import Queue, from_now, slugid
from taskcluster_typed.models.queue import (
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
    run_states,
    shape,
    task_definition,
    wait_for_state,
)


@pytest.fixture
def backends(real: RealTaskcluster) -> Iterator[tuple[Backend, Backend]]:
    with local_backend() as local:
        yield Backend("real", real.root_url, real.credentials), local


def task_graph(b: Backend) -> None:
    queue = b.client(Queue)
    qid = queue_id(b)
    first, second, third = slugid(), slugid(), slugid()
    group = first
    definition = task_definition(qid, taskGroupId=group, routes=["index.diff.x"], retries=1)
    # the routes need queue:route:* (root has it)
    b.call("create first", lambda: queue.create_task(first, definition), run_states)
    b.call(
        "create first again (idempotent)", lambda: queue.create_task(first, definition), run_states
    )
    changed: CreateTaskRequestDict = {**definition, "priority": "high"}
    b.call(
        "create first with another definition",
        lambda: queue.create_task(first, changed),
        run_states,
    )
    b.call(
        "create second (depends on first)",
        lambda: queue.create_task(
            second, task_definition(qid, taskGroupId=group, dependencies=[first], retries=1)
        ),
        run_states,
    )
    b.call(
        "create third (all-resolved)",
        lambda: queue.create_task(
            third,
            task_definition(
                qid, taskGroupId=group, dependencies=[first, second], requires="all-resolved"
            ),
        ),
        run_states,
    )
    b.call("task defaults", lambda: queue.task(second), shape)
    worker = {"workerGroup": "diff-group", "workerId": "diff-worker", "tasks": 4}
    claims = b.call("claim first", lambda: queue.claim_work(qid, worker), shape)  # type: ignore[arg-type]
    assert claims is not None
    b.call("reclaim first", lambda: queue.reclaim_task(first, 0), shape)
    b.call(
        "report first failed on run 1 (no such run)",
        lambda: queue.report_failed(first, 1),
        run_states,
    )
    b.call("report first completed", lambda: queue.report_completed(first, 0), run_states)
    b.call("report first completed again", lambda: queue.report_completed(first, 0), run_states)
    b.call("report first failed after completed", lambda: queue.report_failed(first, 0), run_states)
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
        run_states,
    )
    b.call(
        "claim second again",
        lambda: queue.claim_work(qid, worker),  # type: ignore[arg-type]
        lambda c: [(t.status.task_id == second, t.run_id) for t in c.tasks],
    )
    b.call(
        "second exception intermittent-task (no retries left)",
        lambda: queue.report_exception(second, 1, {"reason": "intermittent-task"}),
        run_states,
    )
    b.note("third pending", wait_for_state(queue, third, ["pending"]))
    b.call("cancel third", lambda: queue.cancel_task(third), run_states)
    b.call("cancel third again", lambda: queue.cancel_task(third), run_states)
    b.call("rerun first", lambda: queue.rerun_task(first), run_states)
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
        run_states,
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
        run_states,
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
        run_states,
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
        b.call(label, _creation(queue, task_definition(qid, **extra)), run_states)
    limited = b.client(
        Queue, credentials=b.new_client([f"queue:create-task:lowest:{qid}", "queue:scheduler-id:-"])
    )
    b.call(
        "without the project scope",
        lambda: limited.create_task(slugid(), task_definition(qid)),
        run_states,
    )
    b.call(
        "priority above the scope",
        lambda: limited.create_task(
            slugid(), task_definition(qid, priority="high", projectId="none")
        ),
        run_states,
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
        run_states,
    )
    b.call(
        "a route needs its scope",
        lambda: scoped.create_task(slugid(), task_definition(qid, routes=["r.x"])),
        run_states,
    )
    b.call(
        "task scopes the caller lacks",
        lambda: scoped.create_task(slugid(), task_definition(qid, scopes=["secrets:get:x"])),
        run_states,
    )
    group = slugid()
    b.call(
        "create in group",
        lambda: queue.create_task(slugid(), task_definition(qid, taskGroupId=group)),
        run_states,
    )
    b.call(
        "other schedulerId in the group",
        lambda: queue.create_task(
            slugid(), task_definition(qid, taskGroupId=group, schedulerId="other")
        ),
        run_states,
    )
    b.call("schedule a missing task", lambda: queue.schedule_task(slugid()), run_states)
    b.call("cancel a missing task", lambda: queue.cancel_task(slugid()), run_states)
    b.call("rerun a missing task", lambda: queue.rerun_task(slugid()), run_states)
    b.call("reclaim a missing task", lambda: queue.reclaim_task(slugid(), 0), ok)
    b.call("report a missing task", lambda: queue.report_completed(slugid(), 0), run_states)


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
        run_states,
    )
    worker = {"workerGroup": "g", "workerId": "w", "tasks": 1}
    b.call("claim it", lambda: queue.claim_work(qid, worker), lambda c: len(c.tasks))  # type: ignore[arg-type]
    b.call(
        "create unclaimed",
        lambda: queue.create_task(unclaimed, task_definition(qid, deadline=soon)),
        run_states,
    )
    time.sleep(3.5)
    b.call("create fresh", lambda: queue.create_task(fresh, task_definition(qid)), run_states)
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
    b.call("cancel past the deadline", lambda: queue.cancel_task(unclaimed), run_states)
    b.call("rerun past the deadline", lambda: queue.rerun_task(claimed), run_states)
    b.call(
        "change priority past the deadline",
        lambda: queue.change_task_priority(unclaimed, {"newPriority": "high"}),
        run_states,
    )
    b.call(
        "report completed past the deadline (still running)",
        lambda: queue.report_completed(claimed, 0),
        run_states,
    )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # claimTask
def test_deadlines(backends: tuple[Backend, Backend]) -> None:
    compare(deadlines, *backends)
