"""The queue's task-group methods: listing, sealing, cancelling and reprioritizing a group."""

from __future__ import annotations

from typing import Any

from .auth_state import iso, now
from .context import Context, Handler
from .failures import Failure, conflict
from .paging import page
from .queue_state import PRIORITIES, TaskGroup, TaskRecord, find_task, queue_state
from .queue_tasks import cancel


def _group(ctx: Context) -> TaskGroup:
    group_id = ctx.params["taskGroupId"]
    group = queue_state(ctx).groups.get(group_id)
    if group is None:
        raise Failure(404, "ResourceNotFound", f"No task-group with taskGroupId: `{group_id}`")
    return group


def _members(ctx: Context, group_id: str) -> list[TaskRecord]:
    members = sorted(
        (t for t in queue_state(ctx).tasks.values() if t.definition["taskGroupId"] == group_id),
        key=lambda t: t.task_id,  # the queue's order (task ids), so pages do not overlap
    )
    for member in members:
        find_task(ctx, member.task_id)
    return members


def _serialized(group: TaskGroup) -> dict[str, Any]:
    reply = {
        "taskGroupId": group.task_group_id,
        "schedulerId": group.scheduler_id,
        "expires": group.expires,
    }
    if group.sealed is not None:
        reply["sealed"] = group.sealed
    return reply


def list_task_group(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        group = _group(ctx)
        members = _members(ctx, group.task_group_id)
        listed = page(ctx, members, "tasks", lambda t: {"task": t.definition, "status": t.status})
        return {**_serialized(group), **listed}


def get_task_group(ctx: Context) -> Any:
    return _serialized(_group(ctx))


def seal_task_group(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        group = _group(ctx)
        ctx.authorize(schedulerId=group.scheduler_id)
        if group.sealed is None:
            group.sealed = iso(now())
        return _serialized(group)


def cancel_task_group(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        group = _group(ctx)
        if group.sealed is None:
            raise conflict(f"Cannot cancel unsealed task group: `{group.task_group_id}`")
        ctx.authorize(schedulerId=group.scheduler_id)
        members = _members(ctx, group.task_group_id)
        cancelled = [t.task_id for t in members if cancel(ctx, t)]
        return {
            "taskGroupId": group.task_group_id,
            "taskGroupSize": len(members),
            "cancelledCount": len(cancelled),
            "taskIds": cancelled,
        }


def change_task_group_priority(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        group = _group(ctx)
        ctx.authorize(schedulerId=group.scheduler_id)
        new = ctx.body["newPriority"]
        if new not in PRIORITIES:
            raise Failure(400, "InputError", f"Unknown priority `{new}`.")
        changed = [
            t
            for t in _members(ctx, group.task_group_id)
            if t.status["state"] in ("unscheduled", "pending", "running")
            and t.definition["priority"] != new
        ]
        for member in changed:
            member.definition["priority"] = member.status["priority"] = new
        return {
            "taskGroupId": group.task_group_id,
            "schedulerId": group.scheduler_id,
            "newPriority": new,
            "tasksAffected": len(changed),
            "taskIds": [t.task_id for t in changed],
        }


HANDLERS: dict[str, Handler] = {
    "listTaskGroup": list_task_group,
    "getTaskGroup": get_task_group,
    "sealTaskGroup": seal_task_group,
    "cancelTaskGroup": cancel_task_group,
    "changeTaskGroupPriority": change_task_group_priority,
}
