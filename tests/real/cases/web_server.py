"""Conformance cases of the web-server service."""

from __future__ import annotations

from taskcluster_typed import slugid
from taskcluster_typed._core import errors as tce

from ..world import World
from .table import Invoke, call, case

# web-server ---------------------------------------------------------------------------------


# The web-server reads the queue unsigned: its scopes are the `anonymous` role's.


@case("web_server.task_group_profile")
def _group_profile(w: World) -> Invoke:
    group_id = slugid()
    w.task(taskGroupId=group_id)
    w.grant_anonymous([f"queue:list-task-group:{group_id}"])
    return call(group_id, check=lambda r: r is None)


@case(
    "web_server.task_profile",
    expect=tce.ResourceNotFound,
    code="ResourceNotFound",
    not_local="the web-server fetches the task's log unsigned, which needs the anonymous role "
    "to hold queue:get-artifact:public/logs/* (production's does); the suite does not widen "
    "the anonymous role of a deployment other tests share, so the service answers its "
    "documented 404 'Could not fetch task log'",
)
def _task_profile(w: World) -> Invoke:
    task_id = w.resolved.task_id
    w.grant_anonymous([f"queue:get-task:{task_id}", f"queue:status:{task_id}"])
    return call(task_id)
