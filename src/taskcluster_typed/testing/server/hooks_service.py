"""The hooks service of the local Taskcluster: hook definitions, trigger tokens, last fires
(firing itself is in `hooks_firing`). Creating a hook needs ``assume:hook-id:<group>/<id>``,
an identical definition may be created again, and changes are written to the audit history.
Schedules are kept but not run (there is no scheduler), nor are Pulse bindings listened to."""

from __future__ import annotations

import threading
from typing import Any

from ...slugids import slugid
from .auth_state import iso, now
from .context import Context, Handler
from .failures import Failure, conflict, input_error, not_found
from .hooks_firing import Hook, check_trigger_schema, fire
from .paging import page
from .queue_state import find_task


class HooksState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hooks: dict[tuple[str, str], Hook] = {}


def _key(ctx: Context) -> tuple[str, str]:
    return ctx.params["hookGroupId"], ctx.params["hookId"]


def _hook(ctx: Context) -> Hook:
    hook = ctx.server.hooks.hooks.get(_key(ctx))
    if hook is None:
        raise not_found("No such hook")
    return hook


def _request(ctx: Context) -> dict[str, Any]:
    """The request as the service sees it: the schema's defaults filled in (``schedule``,
    ``triggerSchema``, ``metadata.emailOnError``) and the ids from the route."""
    body: dict[str, Any] = ctx.body
    group, hook_id = _key(ctx)
    if body.get("hookGroupId", group) != group:
        raise input_error("Hook Group Ids do not match")
    if body.get("hookId", hook_id) != hook_id:
        raise input_error("Hook Ids do not match")
    request = {
        **body,
        "metadata": {"emailOnError": True, **body["metadata"]},
        "schedule": body.get("schedule", []),
        "triggerSchema": body.get(
            "triggerSchema", {"type": "object", "additionalProperties": False}
        ),
        "hookGroupId": group,
        "hookId": hook_id,
    }
    return request


def _stored(request: dict[str, Any]) -> dict[str, Any]:
    """The hook definition kept (and answered by ``hook``): bindings default to none."""
    keys = ("hookGroupId", "hookId", "metadata", "task", "schedule", "triggerSchema")
    return {**{k: request[k] for k in keys}, "bindings": request.get("bindings", [])}


def _audit(ctx: Context, action: str) -> None:
    entity = "/".join(_key(ctx))
    ctx.server.auth.record("hook", entity, ctx.caller.client_id, action)


def create_hook(ctx: Context) -> Any:
    request = _request(ctx)
    ctx.authorize()
    check_trigger_schema(request["triggerSchema"])
    with ctx.server.hooks.lock:
        existing = ctx.server.hooks.hooks.get(_key(ctx))
        if existing is not None:
            # as the service: the request must equal the stored definition (bindings and all)
            if existing.definition != request:
                raise conflict(f"hook `{'/'.join(_key(ctx))}` already exists.")
        else:
            ctx.server.hooks.hooks[_key(ctx)] = Hook(_stored(request))
            _audit(ctx, "created")
    return request


def update_hook(ctx: Context) -> Any:
    request = _request(ctx)
    ctx.authorize()
    with ctx.server.hooks.lock:
        hook = _hook(ctx)
        check_trigger_schema(request["triggerSchema"])
        hook.definition = _stored(request)
    _audit(ctx, "updated")
    return hook.definition


def hook(ctx: Context) -> Any:
    return _hook(ctx).definition


def list_hooks(ctx: Context) -> Any:
    group = ctx.params["hookGroupId"]
    hooks = [h.definition for (g, _), h in sorted(ctx.server.hooks.hooks.items()) if g == group]
    if not hooks:
        raise not_found("No such group")
    return {"hooks": hooks}


def list_hook_groups(ctx: Context) -> Any:
    return {"groups": sorted({g for g, _ in ctx.server.hooks.hooks})}


def remove_hook(ctx: Context) -> Any:
    with ctx.server.hooks.lock:
        ctx.server.hooks.hooks.pop(_key(ctx), None)
    _audit(ctx, "deleted")


def trigger_hook(ctx: Context) -> Any:
    return fire(ctx, _hook(ctx), ctx.body, "triggerHook")


def trigger_hook_with_token(ctx: Context) -> Any:
    hook = _hook(ctx)
    if ctx.params["token"] != hook.token:
        raise Failure(401, "AuthenticationFailed", "invalid hook token")
    return fire(ctx, hook, ctx.body, "triggerHookWithToken")


def get_trigger_token(ctx: Context) -> Any:
    return {"token": _hook(ctx).token}


def reset_trigger_token(ctx: Context) -> Any:
    hook = _hook(ctx)
    hook.token = slugid()
    return {"token": hook.token}


def get_hook_status(ctx: Context) -> Any:
    hook = _hook(ctx)
    if not hook.fires:
        reply: dict[str, Any] = {"lastFire": {"result": "no-fire"}}
    else:
        last = hook.fires[-1]
        reply = {"lastFire": {"result": last["result"], "time": last["taskCreateTime"]}}
        if last["result"] == "success":
            reply["lastFire"]["taskId"] = last["taskId"]
        else:
            reply["lastFire"]["error"] = {"message": last["error"]}
    if hook.definition["schedule"]:
        reply["nextScheduledDate"] = iso(now())
    return reply


def list_last_fires(ctx: Context) -> Any:
    hook = ctx.server.hooks.hooks.get(_key(ctx))
    fires = [] if hook is None else list(reversed(hook.fires))
    if not fires:
        raise not_found("No such hook or never fired")

    def with_state(fire: dict[str, Any]) -> dict[str, Any]:
        task = find_task(ctx, fire["taskId"])
        return {**fire, "taskState": "unknown" if task is None else task.status["state"]}

    return page(ctx, fires, "lastFires", with_state)


HANDLERS: dict[str, Handler] = {
    "createHook": create_hook,
    "updateHook": update_hook,
    "hook": hook,
    "listHooks": list_hooks,
    "listHookGroups": list_hook_groups,
    "removeHook": remove_hook,
    "triggerHook": trigger_hook,
    "triggerHookWithToken": trigger_hook_with_token,
    "getTriggerToken": get_trigger_token,
    "resetTriggerToken": reset_trigger_token,
    "getHookStatus": get_hook_status,
    "listLastFires": list_last_fires,
}
