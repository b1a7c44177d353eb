"""Firing a hook as the hooks service does: the trigger payload checked against the hook's
``triggerSchema``, the task template rendered, and the task created with the scopes of the
role ``hook-id:<hookGroupId>/<hookId>`` (a role lacking the task's scopes makes the trigger
fail ``InsufficientScopes``); every fire is recorded in the hook's last fires.

The template is rendered with JSON-e (the ``json-e`` package: ``pip install
'taskcluster-typed[testing]'``), in the service's context: ``payload``, ``firedBy``,
``taskId``, ``now`` and, for ``triggerHook``, ``clientId``.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from types import ModuleType
from typing import Any, cast

from ...slugids import slugid
from ..routes import endpoints
from .auth_state import iso, now
from .context import Context
from .failures import Failure, input_error
from .hawk_check import Caller
from .queue_tasks import insert_task

_SLUGID = re.compile(
    r"^[A-Za-z0-9_-]{8}[Q-T][A-Za-z0-9_-][CGKOSWaeimquy26-][A-Za-z0-9_-]{10}[AQgw]$"
)


@dataclass
class Hook:
    definition: dict[str, Any]
    token: str = field(default_factory=slugid)
    fires: list[dict[str, Any]] = field(default_factory=lambda: [])


def _extra(module: str) -> ModuleType:
    """`module`, from the "testing" extra; a clear 501 without it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise Failure(
            501,
            "NotImplemented",
            "the local Taskcluster's hooks need jsonschema and json-e: "
            "pip install 'taskcluster-typed[testing]'",
        ) from None


def render(template: Any, context: dict[str, Any]) -> object:
    """`template` rendered with JSON-e, as the hooks service renders a hook's task."""
    jsone: Any = _extra("jsone")
    try:
        rendered: object = jsone.render(template, context)
    except jsone.JSONTemplateError as error:
        raise input_error(f"While firing hook:\n\n{error}") from None
    return rendered


def check_trigger_schema(schema: dict[str, Any]) -> None:
    """`schema` must be a valid JSON schema (as the service checks it when a hook is saved)."""
    jsonschema: Any = _extra("jsonschema")
    try:
        jsonschema.Draft7Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        raise input_error(
            f"triggerSchema is not a valid JSON schema:\n * {error.message}"
        ) from None


def _check_payload(schema: dict[str, Any], payload: Any) -> None:
    jsonschema: Any = _extra("jsonschema")
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(payload), key=str)
    if errors:
        raise input_error("; ".join(f"data{_path(e.absolute_path)} {e.message}" for e in errors))


def _path(parts: Any) -> str:
    return "".join(f"/{p}" for p in parts)


def _task_for_hook(hook: Hook, context: dict[str, Any]) -> dict[str, Any]:
    task = render(hook.definition["task"], context)
    if not isinstance(task, dict):
        raise input_error("While firing hook:\n\nthe task template did not render to an object")
    rendered = cast("dict[str, Any]", task)
    rendered.setdefault("created", iso(now()))
    rendered.setdefault("deadline", iso(now() + timedelta(days=1)))
    rendered.setdefault("expires", iso(now() + timedelta(days=30)))
    rendered.setdefault("taskGroupId", context["taskId"])
    return rendered


def fire(ctx: Context, hook: Hook, payload: Any, fired_by: str) -> dict[str, Any]:
    """Create the hook's task; the reply of triggerHook."""
    definition = hook.definition
    _check_payload(definition["triggerSchema"], payload)
    task_id = slugid()
    if isinstance(payload, dict) and "taskId" in payload:
        given = cast("dict[str, Any]", payload)["taskId"]
        if not isinstance(given, str) or not _SLUGID.match(given):
            raise input_error(f"Invalid taskId format: {given}")
        task_id = given
    context: dict[str, Any] = {
        "firedBy": fired_by,
        "payload": payload,
        "taskId": task_id,
        "now": iso(now()),
    }
    if ctx.caller.client_id is not None and fired_by == "triggerHook":
        context["clientId"] = ctx.caller.client_id
    role = f"hook-id:{definition['hookGroupId']}/{definition['hookId']}"
    last = {
        "hookGroupId": definition["hookGroupId"],
        "hookId": definition["hookId"],
        "firedBy": fired_by,
        "taskId": task_id,
        "taskCreateTime": iso(now()),
        "result": "error",
        "error": "",
    }
    try:
        task = _task_for_hook(hook, context)
    except Failure as failure:  # the template did not render
        last["error"] = failure.message.removeprefix("While firing hook:\n\n")
        hook.fires.append(last)
        raise
    try:
        insert_task(_as_role(ctx, role), task_id, task, authorize=True)
    except Failure as failure:
        last["error"] = json.dumps(  # as the service records a failed createTask
            {
                "name": "Error",
                "message": failure.message,
                "code": failure.code,
                "statusCode": failure.status,
                "body": {"code": failure.code, "message": failure.message},
            },
            indent=2,
        )
        hook.fires.append(last)
        if failure.code == "InsufficientScopes":
            raise Failure(
                403,
                "InsufficientScopes",
                f"The role `{role}` does not have sufficient scopes to create the task:\n\n"
                f"{failure.message}",
            ) from None
        raise input_error(
            f"While calling createTask: {failure.code}\n\n{failure.message}"
        ) from None
    last["result"] = "success"
    hook.fires.append(last)
    return {"taskId": task_id, "status": {"taskId": task_id}}


def _as_role(ctx: Context, role: str) -> Context:
    """`ctx` as the queue's ``createTask`` called with the scopes of `role` (the hooks service
    creates the task with ``authorizedScopes: ["assume:<role>"]``)."""
    caller = Caller("static/taskcluster/hooks", ctx.server.auth.expand([f"assume:{role}"]))
    create_task = endpoints("queue")["createTask"]
    return dataclasses.replace(
        ctx,
        endpoint=create_task,
        params={},
        authenticate=lambda: caller,
        _caller=caller,
        authorized=False,
    )
