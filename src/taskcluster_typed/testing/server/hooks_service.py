"""The hooks service of the local Taskcluster: hook definitions and triggering.

A hook's task template is rendered with a small part of JSON-e: ``{"$fromNow": "1 hour"}``,
``{"$eval": "payload.x"}`` (also ``taskId``, ``firedBy``) and ``"${payload.x}"`` in strings.
The task is created as the hook's role would create it, without checking that role's scopes.
"""

from __future__ import annotations

import re
import threading
from typing import Any, cast

from ...dates import from_now
from ...slugids import slugid
from .auth_state import iso, now
from .context import Context, Handler
from .failures import Failure, conflict, not_found
from .queue_tasks import insert_task

_INTERPOLATION = re.compile(r"\$\{([^}]+)\}")


class HooksState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hooks: dict[tuple[str, str], dict[str, Any]] = {}
        self.fires: dict[tuple[str, str], list[dict[str, Any]]] = {}


def _lookup(context: dict[str, Any], path: str) -> Any:
    value: Any = context
    for part in path.strip().split("."):
        if not isinstance(value, dict) or part not in value:
            raise Failure(400, "InputError", f"JSON-e: {path} is not defined")
        value = cast("dict[str, Any]", value)[part]
    return value


def render(template: Any, context: dict[str, Any]) -> Any:
    """The part of JSON-e hook templates use most."""
    if isinstance(template, dict):
        node = cast("dict[str, Any]", template)
        if set(node) == {"$fromNow"}:
            return iso(from_now(str(node["$fromNow"])))
        if set(node) == {"$eval"}:
            return _lookup(context, str(node["$eval"]))
        return {k: render(v, context) for k, v in node.items()}
    if type(template) is list:
        items: list[Any] = template  # pyright: ignore[reportUnknownVariableType]
        return [render(v, context) for v in items]
    if isinstance(template, str):
        return _INTERPOLATION.sub(lambda m: str(_lookup(context, m.group(1))), template)
    return template


def _key(ctx: Context) -> tuple[str, str]:
    return ctx.params["hookGroupId"], ctx.params["hookId"]


def _hook(ctx: Context) -> dict[str, Any]:
    hook = ctx.server.hooks.hooks.get(_key(ctx))
    if hook is None:
        raise not_found(f"Hook {'/'.join(_key(ctx))}")
    return hook


def _definition(group: str, hook_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "hookGroupId": group,
        "hookId": hook_id,
        "metadata": body["metadata"],
        "task": body["task"],
        "schedule": body.get("schedule", []),
        "triggerSchema": body.get(
            "triggerSchema", {"type": "object", "additionalProperties": False}
        ),
        "bindings": body.get("bindings", []),
    }


def create_hook(ctx: Context) -> Any:
    group, hook_id = _key(ctx)
    with ctx.server.hooks.lock:
        if (group, hook_id) in ctx.server.hooks.hooks:
            raise conflict(f"Hook {group}/{hook_id} already exists")
        definition = _definition(group, hook_id, ctx.body)
        ctx.server.hooks.hooks[(group, hook_id)] = definition
        return definition


def update_hook(ctx: Context) -> Any:
    group, hook_id = _key(ctx)
    with ctx.server.hooks.lock:
        _hook(ctx)
        definition = _definition(group, hook_id, ctx.body)
        ctx.server.hooks.hooks[(group, hook_id)] = definition
        return definition


def hook(ctx: Context) -> Any:
    return _hook(ctx)


def list_hooks(ctx: Context) -> Any:
    group = ctx.params["hookGroupId"]
    hooks = [h for (g, _), h in sorted(ctx.server.hooks.hooks.items()) if g == group]
    if not hooks:
        raise not_found(f"Hook group {group}")
    return {"hooks": hooks}


def list_hook_groups(ctx: Context) -> Any:
    return {"groups": sorted({g for g, _ in ctx.server.hooks.hooks})}


def remove_hook(ctx: Context) -> Any:
    with ctx.server.hooks.lock:
        if ctx.server.hooks.hooks.pop(_key(ctx), None) is None:
            raise not_found(f"Hook {'/'.join(_key(ctx))}")


def trigger_hook(ctx: Context) -> Any:
    hook = _hook(ctx)
    task_id = slugid()
    context = {"payload": ctx.body, "firedBy": "triggerHook", "taskId": task_id}
    task = render(hook["task"], context)
    insert_task(ctx, task_id, task, authorize=False)
    ctx.server.hooks.fires.setdefault(_key(ctx), []).append(
        {
            "taskId": task_id,
            "firedBy": "triggerHook",
            "taskCreateTime": iso(now()),
            "result": "success",
            "error": "",
        }
    )
    return {"taskId": task_id, "status": {"taskId": task_id}}


def get_hook_status(ctx: Context) -> Any:
    _hook(ctx)
    fires = ctx.server.hooks.fires.get(_key(ctx), [])
    if not fires:
        return {"lastFire": {"result": "no-fire"}}
    last = fires[-1]
    return {
        "lastFire": {"result": "success", "taskId": last["taskId"], "time": last["taskCreateTime"]}
    }


HANDLERS: dict[str, Handler] = {
    "createHook": create_hook,
    "updateHook": update_hook,
    "hook": hook,
    "listHooks": list_hooks,
    "listHookGroups": list_hook_groups,
    "removeHook": remove_hook,
    "triggerHook": trigger_hook,
    "getHookStatus": get_hook_status,
}
