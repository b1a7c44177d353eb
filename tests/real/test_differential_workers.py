"""Workers, differentially: task queues and workers as the queue records them, counts and
listings, quarantine, claimTask, and what a claim's temporary credentials may do."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from taskcluster_typed import Credentials, Queue, from_now, slugid
from taskcluster_typed.models.queue import ClaimWorkRequestDict

from .conftest import RealTaskcluster
from .differential import (
    Backend,
    compare,
    local_backend,
    ok,
    queue_id,
    run_states,
    task_definition,
)


@pytest.fixture
def backends(real: RealTaskcluster) -> Iterator[tuple[Backend, Backend]]:
    with local_backend() as local:
        yield Backend("real", real.root_url, real.credentials), local


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
    b.call("the run resolves itself", lambda: as_run.report_completed(second, 0), run_states)
    queue.create_task(waiting, task_definition(qid, dependencies=[first]))
    b.call("scheduleTask forces a waiting task", lambda: queue.schedule_task(waiting), run_states)
    b.call("scheduleTask again", lambda: queue.schedule_task(waiting), run_states)
    b.call("rerun a pending task", lambda: queue.rerun_task(waiting), run_states)
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
