"""The queue's state and the transitions of a task's runs, as the queue's database functions
make them (``schedule_task``, ``resolve_task``, ``rerun_task``, ``cancel_task``), plus the
work of its background resolvers done lazily: a claim past its ``takenUntil`` is resolved
``claim-expired`` (and retried), a task past its deadline (plus `QueueState.deadline_delay`)
``deadline-exceeded``, whenever the task is next looked at."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .auth_state import iso, now
from .context import Context
from .failures import Failure, not_found
from .pulse import routing_values

PRIORITIES = ["lowest", "very-low", "low", "medium", "high", "very-high", "highest"]
MAX_RUNS = 50
RETRY_REASONS = {"worker-shutdown": "retry", "intermittent-task": "task-retry"}


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass
class Artifact:
    storage_type: str
    name: str
    expires: str
    content_type: str
    url: str | None = None
    reason: str | None = None
    message: str | None = None
    link: str | None = None  # the target of a ``link`` artifact
    blob: str | None = None  # where an s3 artifact's bytes live on the local server


@dataclass
class TaskRecord:
    task_id: str
    definition: dict[str, Any]
    status: dict[str, Any]
    created: int  # creation order
    artifacts: dict[int, dict[str, Artifact]] = field(default_factory=lambda: {})

    @property
    def deadline(self) -> datetime:
        return parse_time(self.definition["deadline"])

    def past_deadline(self) -> bool:
        return self.deadline <= now()


@dataclass
class TaskGroup:
    task_group_id: str
    scheduler_id: str
    expires: str
    sealed: str | None = None


@dataclass
class Worker:
    task_queue_id: str
    worker_group: str
    worker_id: str
    first_claim: str
    last_date_active: str
    expires: str
    quarantine_until: str | None = None
    quarantine_details: list[dict[str, Any]] = field(default_factory=lambda: [])
    recent_tasks: list[dict[str, Any]] = field(default_factory=lambda: [])


class QueueState:
    def __init__(
        self,
        *,
        claim_timeout: timedelta = timedelta(minutes=20),
        deadline_delay: timedelta = timedelta(0),
    ) -> None:
        self.lock = threading.RLock()
        self.tasks: dict[str, TaskRecord] = {}
        self.groups: dict[str, TaskGroup] = {}
        self.blobs: dict[str, tuple[str, bytes]] = {}  # token -> (content type, bytes)
        self.workers: dict[tuple[str, str, str], Worker] = {}
        self.queues: dict[str, dict[str, Any]] = {}  # taskQueueId -> last seen, expires...
        self.claim_timeout = claim_timeout
        self.deadline_delay = deadline_delay


def queue_state(ctx: Context) -> QueueState:
    return ctx.server.queue


def find_task(ctx: Context, task_id: str) -> TaskRecord | None:
    record = queue_state(ctx).tasks.get(task_id)
    if record is not None:
        refresh(ctx, record)
    return record


NOT_CREATED = "Task `{}` not found. Are you sure it was created?"
NOT_A_TASK = "`{}` does not correspond to a task that exists."


def get_task(ctx: Context, task_id: str | None = None, *, message: str = NOT_CREATED) -> TaskRecord:
    """The task (`task_id`, or the request's ``taskId``), else 404 with `message` (a template
    for the task id: the queue's methods word it differently)."""
    task_id = task_id or ctx.params["taskId"]
    record = find_task(ctx, task_id)
    if record is None:
        raise Failure(404, "ResourceNotFound", message.format(task_id))
    return record


def get_run(record: TaskRecord, run_id: int) -> dict[str, Any]:
    runs: list[dict[str, Any]] = record.status["runs"]
    if run_id < 0 or run_id >= len(runs):
        raise not_found(f"Run {run_id} not found on task `{record.task_id}`.")
    return runs[run_id]


def status_reply(record: TaskRecord) -> dict[str, Any]:
    return {"status": record.status}


def publish(
    ctx: Context,
    method: str,
    record: TaskRecord,
    run: dict[str, Any] | None,
    **fields: Any,
) -> None:
    """Publish the queue exchange message `method` (``task_completed``, ...) for `record`."""
    body: dict[str, Any] = {"status": record.status, "version": 1, **fields}
    if run is not None:
        body["runId"] = run["runId"]
        if method not in ("task_pending", "task_defined") and "workerGroup" in run:
            body.update(workerGroup=run["workerGroup"], workerId=run["workerId"])
    ctx.server.pulse.publish(
        method, routing_values(record.status, run), body, record.definition["routes"]
    )


def add_run(ctx: Context, record: TaskRecord, reason: str) -> dict[str, Any]:
    """A new pending run (``task-pending`` published)."""
    runs = record.status["runs"]
    run = {"runId": len(runs), "state": "pending", "reasonCreated": reason, "scheduled": iso(now())}
    runs.append(run)
    record.status["state"] = "pending"
    if not record.past_deadline():  # the queue publishes no pending message past the deadline
        publish(ctx, "task_pending", record, run, task={"tags": record.definition["tags"]})
    return run


def resolve_run(
    ctx: Context, record: TaskRecord, state: str, reason: str, *, retry: str | None = None
) -> None:
    """Resolve the last run `state`/`reason`; retry it (a new run created `retry`) while
    retries are left; else the task is resolved and its dependents may be scheduled."""
    run = record.status["runs"][-1]
    run.update(state=state, reasonResolved=reason, resolved=iso(now()))
    record.status["state"] = state
    publish(ctx, f"task_{state}", record, run, task={"tags": record.definition["tags"]})
    if retry is not None and record.status["retriesLeft"] > 0:
        record.status["retriesLeft"] -= 1
        add_run(ctx, record, retry)
    else:
        schedule_dependents(ctx, record)


def ready(ctx: Context, definition: dict[str, Any]) -> bool:
    resolved = {"completed", "failed", "exception"}
    wanted = {"completed"} if definition["requires"] == "all-completed" else resolved
    tasks = queue_state(ctx).tasks
    return all(
        d in tasks and tasks[d].status["state"] in wanted for d in definition["dependencies"]
    )


def schedule_dependents(ctx: Context, done: TaskRecord) -> None:
    for record in queue_state(ctx).tasks.values():
        if (
            done.task_id in record.definition["dependencies"]
            and record.status["state"] == "unscheduled"
            and not record.past_deadline()
            and ready(ctx, record.definition)
        ):
            add_run(ctx, record, "scheduled")


def refresh(ctx: Context, record: TaskRecord) -> None:
    """What the claim and deadline resolvers would have done to `record` by now."""
    state = queue_state(ctx)
    runs: list[dict[str, Any]] = record.status["runs"]
    last = runs[-1] if runs else None
    if (
        last is not None
        and last["state"] == "running"
        and parse_time(last["takenUntil"]) < now()
        and not record.past_deadline()
    ):
        resolve_run(ctx, record, "exception", "claim-expired", retry="retry")
        last = runs[-1]
    if record.status["state"] in ("completed", "failed", "exception"):
        return
    if record.deadline + state.deadline_delay > now():
        return
    if last is None or last["state"] not in ("pending", "running"):
        runs.append(
            {
                "runId": len(runs),
                "state": "pending",
                "reasonCreated": "exception",
                "scheduled": iso(now()),
            }
        )
    resolve_run(ctx, record, "exception", "deadline-exceeded")


def refresh_all(ctx: Context) -> None:
    for record in list(queue_state(ctx).tasks.values()):
        refresh(ctx, record)
