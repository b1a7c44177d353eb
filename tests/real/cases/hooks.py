"""Conformance cases of the hooks service."""

from __future__ import annotations

from taskcluster_typed._core import errors as tce

from ..world import World, hook_definition
from .table import Invoke, call, case, refused

# hooks --------------------------------------------------------------------------------------


@case("hooks.list_hook_groups")
def _hook_groups(w: World) -> Invoke:
    w.hook()
    return call(check=lambda r: w.hook_group in r.groups)


@case("hooks.list_hooks")
def _list_hooks(w: World) -> Invoke:
    hook_id = w.hook()
    return call(w.hook_group, check=lambda r: hook_id in [h.hook_id for h in r.hooks])


@case("hooks.hook")
def _hook(w: World) -> Invoke:
    hook_id = w.hook()
    return call(
        w.hook_group,
        hook_id,
        check=lambda r: (r.hook_id, r.metadata.name) == (hook_id, "conformance"),
    )


@case("hooks.get_hook_status")
def _hook_status(w: World) -> Invoke:
    hook_id = w.hook()
    return call(w.hook_group, hook_id, check=lambda r: r.last_fire.result == "no-fire")


@case("hooks.create_hook")
def _create_hook(w: World) -> Invoke:
    hook_id = w.unique("hook")
    definition = hook_definition(f"{w.provisioner}/hooked")
    return call(w.hook_group, hook_id, definition, check=lambda r: r.hook_id == hook_id)


@case("hooks.update_hook")
def _update_hook(w: World) -> Invoke:
    hook_id = w.hook()
    definition = hook_definition(f"{w.provisioner}/hooked", schedule=["0 0 0 1 1 *"])
    return call(w.hook_group, hook_id, definition, check=lambda r: r.schedule == ["0 0 0 1 1 *"])


@case("hooks.remove_hook")
def _remove_hook(w: World) -> Invoke:
    hook_id = w.hook()
    return call(
        w.hook_group,
        hook_id,
        check=lambda r: (
            r is None and refused(lambda: w.hooks.hook(w.hook_group, hook_id), tce.ResourceNotFound)
        ),
    )


@case("hooks.trigger_hook")
def _trigger(w: World) -> Invoke:
    hook_id = w.hook()
    return call(
        w.hook_group,
        hook_id,
        {"reason": "conformance"},
        check=lambda r: (
            r.status.task_id == r.task_id and w.queue.task(r.task_id).metadata.name == "hooked"
        ),
    )


@case("hooks.get_trigger_token")
def _get_token(w: World) -> Invoke:
    hook_id = w.hook()
    return call(w.hook_group, hook_id, check=lambda r: len(r.token) > 20)


@case("hooks.reset_trigger_token")
def _reset_token(w: World) -> Invoke:
    hook_id = w.hook()
    old = w.hooks.get_trigger_token(w.hook_group, hook_id).token
    return call(w.hook_group, hook_id, check=lambda r: r.token != old)


@case("hooks.trigger_hook_with_token")
def _trigger_with_token(w: World) -> Invoke:
    hook_id = w.hook()
    token = w.hooks.get_trigger_token(w.hook_group, hook_id).token
    return call(
        w.hook_group,
        hook_id,
        token,
        {"reason": "with a token"},
        credentials=None,
        check=lambda r: (
            r.status.task_id == r.task_id and w.queue.task(r.task_id).metadata.name == "hooked"
        ),
    )


@case("hooks.list_last_fires")
def _last_fires(w: World) -> Invoke:
    hook_id = w.hook()
    w.hooks.trigger_hook(w.hook_group, hook_id, {})
    return call(
        w.hook_group,
        hook_id,
        check=lambda r: [f.result for f in r.last_fires] == ["success"],
    )
