"""The queue of the local Taskcluster: tasks, runs, claims, task groups and artifacts."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pydantic

from ...endpoint import validation_errors
from ...models.queue import CreateTaskRequest
from ...temporary_credentials import create_temporary_credentials
from .auth_state import iso, now
from .context import Context, Handler
from .failures import Failure, conflict, input_error, not_found
from .pulse import routing_values

PRIORITIES = ["lowest", "very-low", "low", "medium", "high", "very-high", "highest"]
CLAIM_SECONDS = 20 * 60
_RETRY_REASONS = {"worker-shutdown", "intermittent-task"}


@dataclass
class Artifact:
    storage_type: str
    name: str
    expires: str
    content_type: str
    url: str | None = None
    reason: str | None = None
    message: str | None = None
    blob: str | None = None  # where an s3 artifact's bytes live on the local server


@dataclass
class TaskRecord:
    task_id: str
    definition: dict[str, Any]
    status: dict[str, Any]
    created: int  # creation order
    artifacts: dict[int, dict[str, Artifact]] = field(default_factory=lambda: {})


class QueueState:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.tasks: dict[str, TaskRecord] = {}
        self.blobs: dict[str, tuple[str, bytes]] = {}  # token -> (content type, bytes)


def queue_state(ctx: Context) -> QueueState:
    return ctx.server.queue


def get_task(ctx: Context, task_id: str | None = None) -> TaskRecord:
    task_id = task_id or ctx.params["taskId"]
    record = queue_state(ctx).tasks.get(task_id)
    if record is None:
        raise not_found(f"Task {task_id}")
    return record


def _status(record: TaskRecord) -> dict[str, Any]:
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


def _new_run(ctx: Context, record: TaskRecord, reason: str) -> None:
    runs = record.status["runs"]
    run = {
        "runId": len(runs),
        "state": "pending",
        "reasonCreated": reason,
        "scheduled": iso(now()),
    }
    runs.append(run)
    record.status["state"] = "pending"
    publish(ctx, "task_pending", record, run)


def _resolve(ctx: Context, record: TaskRecord, state: str, reason: str) -> None:
    run = record.status["runs"][-1]
    run.update(state=state, reasonResolved=reason, resolved=iso(now()))
    record.status["state"] = state
    publish(ctx, f"task_{state}", record, run, task={"tags": record.definition["tags"]})
    if state == "exception" and reason in _RETRY_REASONS and record.status["retriesLeft"] > 0:
        record.status["retriesLeft"] -= 1
        _new_run(ctx, record, "retry")
    if record.status["state"] in ("completed", "failed", "exception"):  # not retried
        _schedule_dependents(ctx, record)


def _ready(ctx: Context, definition: dict[str, Any]) -> bool:
    wanted = (
        {"completed"}
        if definition["requires"] == "all-completed"
        else {
            "completed",
            "failed",
            "exception",
        }
    )
    tasks = queue_state(ctx).tasks
    return all(tasks[d].status["state"] in wanted for d in definition["dependencies"])


def _schedule_dependents(ctx: Context, done: TaskRecord) -> None:
    for record in queue_state(ctx).tasks.values():
        dependencies = record.definition["dependencies"]
        if (
            done.task_id in dependencies
            and record.status["state"] == "unscheduled"
            and _ready(ctx, record.definition)
        ):
            _new_run(ctx, record, "scheduled")


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def create_task(ctx: Context) -> Any:
    return insert_task(ctx, ctx.params["taskId"], ctx.body, authorize=True)


def insert_task(ctx: Context, task_id: str, given: dict[str, Any], *, authorize: bool) -> Any:
    """Create a task from its definition (as JSON); the scopes are checked if `authorize`."""
    try:
        model = CreateTaskRequest.model_validate(given)
    except pydantic.ValidationError as error:
        lines = "\n".join(f"{loc}: {msg}" for loc, msg in validation_errors("task", error))
        raise Failure(
            400, "InputValidationError", f"Task definition is not valid:\n{lines}"
        ) from None
    definition = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    provisioner_id, _, worker_type = definition["taskQueueId"].partition("/")
    definition.setdefault("taskGroupId", task_id)
    definition.setdefault("schedulerId", "-")
    definition.setdefault("projectId", "none")
    definition.setdefault("dependencies", [])
    definition.setdefault("requires", "all-completed")
    definition.setdefault("routes", [])
    definition.setdefault("scopes", [])
    definition.setdefault("retries", 5)
    definition.setdefault("tags", {})
    definition.setdefault("extra", {})
    definition.setdefault("priority", "lowest")
    definition.update(provisionerId=provisioner_id, workerType=worker_type)
    deadline = _time(definition["deadline"])
    if "expires" not in given:
        definition["expires"] = iso(deadline + timedelta(days=365))
    priority = definition["priority"]
    levels = PRIORITIES[PRIORITIES.index(priority) :] if priority in PRIORITIES else [priority]
    if authorize:
        _authorize_creation(ctx, definition, levels)
    return _store(ctx, task_id, definition)


def _authorize_creation(ctx: Context, definition: dict[str, Any], levels: list[str]) -> None:
    provisioner_id, worker_type = definition["provisionerId"], definition["workerType"]
    ctx.authorize(
        scopes=definition["scopes"],
        routes=definition["routes"],
        projectId=definition["projectId"],
        schedulerId=definition["schedulerId"],
        priorities=levels,
        provisionerId=provisioner_id,
        workerType=worker_type,
    )


def _store(ctx: Context, task_id: str, definition: dict[str, Any]) -> Any:
    deadline = _time(definition["deadline"])
    state = queue_state(ctx)
    with state.lock:
        existing = state.tasks.get(task_id)
        if existing is not None:
            if existing.definition != definition:
                raise conflict(f"taskId {task_id} already used by another task")
            return _status(existing)
        if deadline <= now():
            raise input_error("deadline must be in the future")
        if deadline > now() + timedelta(days=5, minutes=1):
            raise input_error("deadline cannot be more than 5 days into the future")
        if _time(definition["expires"]) < deadline:
            raise input_error("expires must be after the deadline")
        missing = [d for d in definition["dependencies"] if d not in state.tasks]
        if missing:
            raise input_error(f"dependencies do not exist: {', '.join(missing)}")
        group = [
            t
            for t in state.tasks.values()
            if t.definition["taskGroupId"] == definition["taskGroupId"]
        ]
        if group and group[0].definition["schedulerId"] != definition["schedulerId"]:
            raise conflict("all tasks in a task group must have the same schedulerId")
        status: dict[str, Any] = {
            "taskId": task_id,
            "provisionerId": definition["provisionerId"],
            "workerType": definition["workerType"],
            "taskQueueId": definition["taskQueueId"],
            "schedulerId": definition["schedulerId"],
            "projectId": definition["projectId"],
            "taskGroupId": definition["taskGroupId"],
            "deadline": definition["deadline"],
            "expires": definition["expires"],
            "retriesLeft": definition["retries"],
            "state": "unscheduled",
            "runs": [],
        }
        record = TaskRecord(task_id, definition, status, len(state.tasks))
        state.tasks[task_id] = record
        publish(ctx, "task_defined", record, None, task={"tags": definition["tags"]})
        if _ready(ctx, definition):
            _new_run(ctx, record, "scheduled")
        return _status(record)


def _authorize_scheduler(ctx: Context, record: TaskRecord) -> None:
    d = record.definition
    ctx.authorize(
        schedulerId=d["schedulerId"], taskGroupId=d["taskGroupId"], projectId=d["projectId"]
    )


def schedule_task(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        record = get_task(ctx)
        _authorize_scheduler(ctx, record)
        if record.status["state"] == "unscheduled":
            _new_run(ctx, record, "scheduled")
        return _status(record)


def cancel_task(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        record = get_task(ctx)
        _authorize_scheduler(ctx, record)
        state = record.status["state"]
        if state == "unscheduled":
            record.status["runs"].append(
                {
                    "runId": 0,
                    "state": "pending",
                    "reasonCreated": "exception",
                    "scheduled": iso(now()),
                }
            )
            state = "pending"
        if state in ("pending", "running"):
            _resolve(ctx, record, "exception", "canceled")
        return _status(record)


def task(ctx: Context) -> Any:
    return get_task(ctx).definition


def status(ctx: Context) -> Any:
    return _status(get_task(ctx))


def _credentials(
    ctx: Context, record: TaskRecord, run_id: int, worker: tuple[str, str], until: datetime
) -> dict[str, str]:
    name = (
        f"task-client/{record.task_id}/{run_id}/on/{worker[0]}/{worker[1]}"
        f"/until/{int(until.timestamp())}"
    )
    temporary = create_temporary_credentials(
        ctx.server.root_credentials,
        scopes=[
            *record.definition["scopes"],
            f"queue:reclaim-task:{record.task_id}/{run_id}",
            f"queue:resolve-task:{record.task_id}/{run_id}",
            f"queue:create-artifact:{record.task_id}/{run_id}",
        ],
        expiry=until + timedelta(minutes=5),
        start=now() - timedelta(minutes=1),
        name=name,
    )
    return {
        "clientId": temporary.client_id,
        "accessToken": temporary.access_token,
        "certificate": temporary.certificate_json or "",
    }


def claim_work(ctx: Context) -> Any:
    worker = (ctx.payload.worker_group, ctx.payload.worker_id)
    ctx.authorize(workerGroup=worker[0], workerId=worker[1])
    state = queue_state(ctx)
    claims: list[dict[str, Any]] = []
    with state.lock:
        pending = [
            t
            for t in state.tasks.values()
            if t.status["taskQueueId"] == ctx.params["taskQueueId"]
            and t.status["state"] == "pending"
        ]
        pending.sort(
            key=lambda t: (
                -PRIORITIES.index(t.definition["priority"])
                if t.definition["priority"] in PRIORITIES
                else 0,
                t.created,
            )
        )
        for record in pending[: ctx.payload.tasks]:
            until = now() + timedelta(seconds=CLAIM_SECONDS)
            run = record.status["runs"][-1]
            run.update(
                state="running",
                workerGroup=worker[0],
                workerId=worker[1],
                takenUntil=iso(until),
                started=iso(now()),
            )
            record.status["state"] = "running"
            publish(ctx, "task_running", record, run, takenUntil=iso(until))
            claims.append(
                {
                    "status": record.status,
                    "runId": run["runId"],
                    "workerGroup": worker[0],
                    "workerId": worker[1],
                    "takenUntil": iso(until),
                    "task": record.definition,
                    "credentials": _credentials(ctx, record, run["runId"], worker, until),
                }
            )
    return {"tasks": claims}


def running_run(ctx: Context, record: TaskRecord) -> dict[str, Any]:
    run_id = int(ctx.params["runId"])
    runs = record.status["runs"]
    if run_id >= len(runs):
        raise not_found(f"Run {run_id} of task {record.task_id}")
    run: dict[str, Any] = runs[run_id]
    if run["state"] != "running":
        raise conflict(
            f"Run {run_id} of task {record.task_id} is not running (it is {run['state']})"
        )
    return run


def reclaim_task(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        record = get_task(ctx)
        run = running_run(ctx, record)
        until = now() + timedelta(seconds=CLAIM_SECONDS)
        run["takenUntil"] = iso(until)
        worker = (run["workerGroup"], run["workerId"])
        return {
            "status": record.status,
            "runId": run["runId"],
            "workerGroup": worker[0],
            "workerId": worker[1],
            "takenUntil": iso(until),
            "credentials": _credentials(ctx, record, run["runId"], worker, until),
        }


def _report(state_name: str, reason: str | None = None) -> Handler:
    def report(ctx: Context) -> Any:
        with queue_state(ctx).lock:
            record = get_task(ctx)
            running_run(ctx, record)
            why = reason or str(
                ctx.payload.reason.value
                if hasattr(ctx.payload.reason, "value")
                else ctx.payload.reason
            )
            _resolve(ctx, record, state_name, why)
            return _status(record)

    return report


def list_task_group(ctx: Context) -> Any:
    group_id = ctx.params["taskGroupId"]
    with queue_state(ctx).lock:
        tasks = sorted(
            (t for t in queue_state(ctx).tasks.values() if t.definition["taskGroupId"] == group_id),
            key=lambda t: t.created,
        )
        if not tasks:
            raise not_found(f"Task group {group_id}")
        start = int(ctx.query.get("continuationToken", "0") or 0)
        limit = min(int(ctx.query.get("limit", "1000")), 1000) or 1000
        page = tasks[start : start + limit]
        reply: dict[str, Any] = {
            "taskGroupId": group_id,
            "schedulerId": tasks[0].definition["schedulerId"],
            "expires": max(t.definition["expires"] for t in tasks),
            "tasks": [{"task": t.definition, "status": t.status} for t in page],
        }
        if start + limit < len(tasks):
            reply["continuationToken"] = str(start + limit)
        return reply


HANDLERS: dict[str, Handler] = {
    "createTask": create_task,
    "defineTask": create_task,
    "scheduleTask": schedule_task,
    "cancelTask": cancel_task,
    "task": task,
    "status": status,
    "claimWork": claim_work,
    "reclaimTask": reclaim_task,
    "reportCompleted": _report("completed", "completed"),
    "reportFailed": _report("failed", "failed"),
    "reportException": _report("exception"),
    "listTaskGroup": list_task_group,
}
