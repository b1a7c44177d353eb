"""The queue's task methods: creation (with the queue's checks, in its order), scheduling,
reruns, cancellation, priorities, and reading tasks back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pydantic

from ..._core.endpoint import validation_errors
from ...models.queue import CreateTaskRequest
from .auth_state import iso, now
from .context import Context, Handler
from .failures import Failure, conflict, input_error
from .paging import page
from .queue_state import (
    MAX_RUNS,
    NOT_A_TASK,
    PRIORITIES,
    TaskGroup,
    TaskRecord,
    add_run,
    find_task,
    get_task,
    parse_time,
    publish,
    queue_state,
    ready,
    resolve_run,
    status_reply,
)

_DRIFT = timedelta(minutes=15)
MAX_DEADLINE = timedelta(days=5)


def _task_queue(given: dict[str, Any]) -> str:
    """``taskQueueId`` from either form of the definition (the queue accepts both)."""
    provisioner, worker_type, queue = (
        given.get("provisionerId"),
        given.get("workerType"),
        given.get("taskQueueId"),
    )
    if provisioner and worker_type:
        joined = f"{provisioner}/{worker_type}"
        if queue and queue != joined:
            raise input_error('taskQueueId must match "provisionerId/workerType"')
        return joined
    if queue:
        return str(queue)
    raise input_error(
        'at least a provisionerId and a workerType or a taskQueueId must be provided"'
    )


def _normalized(given: dict[str, Any]) -> dict[str, Any]:
    try:
        model = CreateTaskRequest.model_validate(given)
    except pydantic.ValidationError as error:
        lines = "\n".join(f"{loc}: {msg}" for loc, msg in validation_errors("task", error))
        raise Failure(
            400, "InputValidationError", f"Task definition is not valid:\n{lines}"
        ) from None
    definition = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    queue = _task_queue(definition)
    provisioner_id, _, worker_type = queue.partition("/")
    defaults: dict[str, Any] = {
        "schedulerId": "-",
        "projectId": "none",
        "dependencies": [],
        "requires": "all-completed",
        "routes": [],
        "scopes": [],
        "retries": 5,
        "tags": {},
        "extra": {},
        "priority": "lowest",
    }
    for key, value in defaults.items():
        definition.setdefault(key, value)
    definition.update(provisionerId=provisioner_id, workerType=worker_type, taskQueueId=queue)
    return definition


def _check_dates(definition: dict[str, Any]) -> None:
    """The queue's date checks (``patchAndValidateTaskDef``), with its messages."""
    created, deadline = parse_time(definition["created"]), parse_time(definition["deadline"])
    if created < now() - _DRIFT:
        raise input_error("`created` cannot be in the past (max 15min drift)")
    if created > now() + _DRIFT:
        raise input_error("`created` cannot be in the future (max 15min drift)")
    if created > deadline:
        raise input_error("`deadline` cannot be later than `created`")
    if deadline < now():
        raise input_error("`deadline` cannot be in the past")
    if deadline - now() > MAX_DEADLINE + _DRIFT:
        raise input_error("`deadline` cannot be more than 5 days into the future")
    if "expires" not in definition:
        definition["expires"] = iso(deadline.replace(year=deadline.year + 1))
    if deadline > parse_time(definition["expires"]):
        raise input_error("`expires` cannot be before `deadline`")
    for key in ("created", "deadline", "expires"):
        definition[key] = iso(parse_time(definition[key]))


def create_task(ctx: Context) -> Any:
    return insert_task(ctx, ctx.params["taskId"], ctx.body, authorize=True)


def insert_task(ctx: Context, task_id: str, given: dict[str, Any], *, authorize: bool) -> Any:
    """Create a task from its definition (as JSON) as the queue does; its scopes are checked
    with the caller's scopes if `authorize`."""
    definition = _normalized(given)
    definition.setdefault("taskGroupId", task_id)
    if authorize:
        priority = definition["priority"]
        ctx.authorize(
            scopes=definition["scopes"],
            routes=definition["routes"],
            projectId=definition["projectId"],
            schedulerId=definition["schedulerId"],
            priorities=PRIORITIES[PRIORITIES.index(priority) :],
            provisionerId=definition["provisionerId"],
            workerType=definition["workerType"],
            taskQueueId=definition["taskQueueId"],
            taskGroupId=definition["taskGroupId"],
        )
    _check_dates(definition)
    if any(s.endswith("**") for s in definition["scopes"]):
        raise input_error("scopes must not end with `**`")
    return _store(ctx, task_id, definition)


def _ensure_group(ctx: Context, definition: dict[str, Any]) -> None:
    groups = queue_state(ctx).groups
    group_id, scheduler_id = definition["taskGroupId"], definition["schedulerId"]
    group = groups.get(group_id)
    if group is None:
        groups[group_id] = TaskGroup(group_id, scheduler_id, definition["expires"])
        return
    if group.scheduler_id != scheduler_id:
        raise conflict(
            f"Task group `{group_id}` contains tasks with a schedulerId other\nthan "
            f"`{scheduler_id}`. All tasks in the same task-group must have\nthe same schedulerId."
        )
    if parse_time(group.expires) < parse_time(definition["expires"]):
        group.expires = definition["expires"]
    if group.sealed is not None:
        raise conflict(f"Task group `{group_id}` is sealed and does not accept new tasks.")


def _store(ctx: Context, task_id: str, definition: dict[str, Any]) -> Any:
    state = queue_state(ctx)
    with state.lock:
        _ensure_group(ctx, definition)
        existing = state.tasks.get(task_id)
        if existing is not None:
            if existing.definition != definition:
                raise conflict(
                    f"taskId `{task_id}` already used by another task.\n"
                    "This could be the result of faulty idempotency!"
                )
            return status_reply(existing)
        missing = [d for d in definition["dependencies"] if d not in state.tasks]
        if missing:
            listed = "\n".join(f" * {d}" for d in missing)
            raise input_error(
                f"`task.dependencies` references non-existing tasks: \n{listed}\n"
                "All taskIds in `task.dependencies` **must** exist\nbefore the task is created."
            )
        expiring = [
            d
            for d in definition["dependencies"]
            if parse_time(state.tasks[d].definition["expires"]) < parse_time(definition["deadline"])
        ]
        if expiring:
            listed = "".join(f" * {d},\n" for d in expiring)
            raise input_error(
                "`task.dependencies` references tasks that expires\nbefore `task.deadline` "
                f"this is not allowed, see tasks: \n{listed}All taskIds in `task.dependencies` "
                "**must** have\n`task.expires` greater than the `deadline` for this task."
            )
        status: dict[str, Any] = {
            "taskId": task_id,
            **{
                k: definition[k]
                for k in (
                    "provisionerId",
                    "workerType",
                    "taskQueueId",
                    "schedulerId",
                    "projectId",
                    "taskGroupId",
                    "priority",
                    "deadline",
                    "expires",
                )
            },
            "retriesLeft": definition["retries"],
            "state": "unscheduled",
            "runs": [],
        }
        record = TaskRecord(task_id, definition, status, len(state.tasks))
        state.tasks[task_id] = record
        publish(ctx, "task_defined", record, None, task={"tags": definition["tags"]})
        if ready(ctx, definition):
            add_run(ctx, record, "scheduled")
        return status_reply(record)


def _authorize_scheduler(ctx: Context, record: TaskRecord) -> None:
    d = record.definition
    ctx.authorize(
        schedulerId=d["schedulerId"], taskGroupId=d["taskGroupId"], projectId=d["projectId"]
    )


def _past_deadline(record: TaskRecord, action: str) -> Failure:
    return conflict(
        f"Task `{record.task_id}` can't be {action} past its deadline of "
        f"{record.definition['deadline']}."
    )


def schedule_task(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        record = get_task(ctx, message="taskId `{}` not found. Are you sure it exists?")
        _authorize_scheduler(ctx, record)
        if record.status["state"] == "unscheduled":
            if record.past_deadline():
                raise _past_deadline(record, "scheduled")
            add_run(ctx, record, "scheduled")
        return status_reply(record)


def rerun_task(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        record = get_task(ctx, message=NOT_A_TASK)
        _authorize_scheduler(ctx, record)
        if record.past_deadline():
            raise _past_deadline(record, "rescheduled")
        runs = record.status["runs"]
        if record.status["state"] in ("pending", "running"):
            return status_reply(record)
        if len(runs) >= MAX_RUNS:
            raise conflict(f"Maximum number of runs reached ({MAX_RUNS}).")
        record.status["retriesLeft"] = min(record.definition["retries"], MAX_RUNS - len(runs) - 1)
        add_run(ctx, record, "rerun")
        return status_reply(record)


def cancel_task(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        record = get_task(ctx)
        _authorize_scheduler(ctx, record)
        if record.past_deadline():
            raise _past_deadline(record, "canceled")
        cancel(ctx, record)
        return status_reply(record)


def cancel(ctx: Context, record: TaskRecord) -> bool:
    """Resolve the task ``exception``/``canceled`` if it is not resolved yet."""
    runs = record.status["runs"]
    if runs and runs[-1]["state"] not in ("pending", "running"):
        return False
    if not runs:
        runs.append(
            {"runId": 0, "state": "pending", "reasonCreated": "exception", "scheduled": iso(now())}
        )
    resolve_run(ctx, record, "exception", "canceled")
    return True


def change_task_priority(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        record = get_task(ctx)
        ctx.authorize(taskQueueId=record.definition["taskQueueId"])
        if record.past_deadline():
            raise _past_deadline(record, "reprioritized")
        if record.status["state"] in ("completed", "failed", "exception"):
            raise conflict(
                f"Task `{record.task_id}` is already resolved and cannot be reprioritized."
            )
        old, new = record.definition["priority"], ctx.body["newPriority"]
        record.definition["priority"] = record.status["priority"] = new
        publish(ctx, "task_priority_changed", record, None, oldPriority=old, newPriority=new)
        return status_reply(record)


def task(ctx: Context) -> Any:
    return get_task(ctx, message=NOT_A_TASK).definition


def status(ctx: Context) -> Any:
    return status_reply(get_task(ctx, message=NOT_A_TASK))


def _found(ctx: Context, task_ids: list[str]) -> list[TaskRecord]:
    with queue_state(ctx).lock:
        return [r for r in (find_task(ctx, t) for t in dict.fromkeys(task_ids)) if r is not None]


def tasks(ctx: Context) -> Any:
    ctx.authorize(taskIds=ctx.body["taskIds"])
    found = _found(ctx, ctx.body["taskIds"])
    return page(ctx, found, "tasks", lambda r: {"taskId": r.task_id, "task": r.definition})


def statuses(ctx: Context) -> Any:
    ctx.authorize(taskIds=ctx.body["taskIds"])
    found = _found(ctx, ctx.body["taskIds"])
    return page(ctx, found, "statuses", lambda r: {"taskId": r.task_id, "status": r.status})


def list_dependent_tasks(ctx: Context) -> Any:
    state = queue_state(ctx)
    with state.lock:
        record = get_task(ctx, message="Task with taskId: `{}` was not found")
        dependents = sorted(
            (t for t in state.tasks.values() if record.task_id in t.definition["dependencies"]),
            key=lambda t: t.task_id,  # the queue's order
        )
        for dependent in dependents:
            find_task(ctx, dependent.task_id)
        reply = page(ctx, dependents, "tasks", lambda t: {"status": t.status, "task": t.definition})
        return {"taskId": record.task_id, **reply}


HANDLERS: dict[str, Handler] = {
    "createTask": create_task,
    "scheduleTask": schedule_task,
    "rerunTask": rerun_task,
    "cancelTask": cancel_task,
    "changeTaskPriority": change_task_priority,
    "task": task,
    "status": status,
    "tasks": tasks,
    "statuses": statuses,
    "listDependentTasks": list_dependent_tasks,
}
