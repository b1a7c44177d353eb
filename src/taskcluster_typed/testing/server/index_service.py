"""The index of the local Taskcluster: namespaces of indexed tasks, as the index service keeps
them (a lower rank does not replace a higher one; an expired entry is not found; a namespace
lists the namespaces and tasks directly under it)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from ...url_builders import sign_url
from .auth_state import iso, now
from .context import Context, Handler, Redirect
from .failures import not_found
from .paging import page


class IndexState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[str, dict[str, Any]] = {}  # namespace -> indexed task


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _live(ctx: Context) -> dict[str, dict[str, Any]]:
    return {n: e for n, e in ctx.server.index.entries.items() if _time(e["expires"]) > now()}


def insert_task(ctx: Context) -> Any:
    namespace = ctx.params["namespace"]
    body: dict[str, Any] = ctx.body
    with ctx.server.index.lock:
        current = _live(ctx).get(namespace)
        if current is not None and current["rank"] > body["rank"]:
            return current
        entry = {
            "namespace": namespace,
            "taskId": body["taskId"],
            "rank": body["rank"],
            "data": body["data"],
            "expires": iso(_time(body["expires"])),
        }
        ctx.server.index.entries[namespace] = entry
        return entry


def delete_task(ctx: Context) -> Any:
    with ctx.server.index.lock:
        ctx.server.index.entries.pop(ctx.params["namespace"], None)


def _found(ctx: Context, path: str) -> dict[str, Any]:
    entry = _live(ctx).get(path)
    if entry is None:
        raise not_found("Indexed task not found")
    return entry


def find_task(ctx: Context) -> Any:
    return _found(ctx, ctx.params["indexPath"])


def find_tasks_at_index(ctx: Context) -> Any:
    indexes: list[str] = ctx.body["indexes"]
    ctx.authorize(indexPaths=indexes)
    live = _live(ctx)
    return page(ctx, [live[i] for i in dict.fromkeys(indexes) if i in live], "tasks")


def find_artifact_from_task(ctx: Context) -> Any:
    """A redirect to the queue's ``getLatestArtifact`` of the indexed task: signed, unless the
    anonymous role may read the artifact."""
    name = ctx.params["name"]
    ctx.authorize()
    entry = _found(ctx, ctx.params["indexPath"])
    queue_url = (
        f"{ctx.server.root_url}/api/queue/v1/task/{entry['taskId']}/artifacts/"
        f"{name.replace('/', '%2F')}"
    )
    if not ctx.server.auth.public_artifact(name):
        queue_url = sign_url(
            queue_url,
            ctx.server.root_credentials,
            expires_in=timedelta(minutes=15),
            authorized_scopes=[f"queue:get-artifact:{name}"],
        )
    return Redirect(303, queue_url, {})


def _children(ctx: Context) -> tuple[list[str], list[dict[str, Any]]]:
    prefix = ctx.params.get("namespace", "")
    prefix = f"{prefix}." if prefix else ""
    namespaces: set[str] = set()
    tasks: list[dict[str, Any]] = []
    with ctx.server.index.lock:
        for name, entry in sorted(_live(ctx).items()):
            if not name.startswith(prefix):
                continue
            rest = name[len(prefix) :]
            if "." in rest:
                namespaces.add(prefix + rest.split(".", 1)[0])
            else:
                tasks.append(entry)
    return sorted(namespaces), tasks


def list_namespaces(ctx: Context) -> Any:
    names, _ = _children(ctx)
    return page(
        ctx,
        names,
        "namespaces",
        lambda n: {"namespace": n, "name": n.rsplit(".", 1)[-1], "expires": _latest(ctx, n)},
    )


def _latest(ctx: Context, namespace: str) -> str:
    expiries: list[str] = [
        e["expires"] for n, e in _live(ctx).items() if n.startswith(namespace + ".")
    ]
    return max(expiries, key=_time)


def list_tasks(ctx: Context) -> Any:
    _, tasks = _children(ctx)
    return page(ctx, tasks, "tasks")


HANDLERS: dict[str, Handler] = {
    "insertTask": insert_task,
    "deleteTask": delete_task,
    "findTask": find_task,
    "findTasksAtIndex": find_tasks_at_index,
    "findArtifactFromTask": find_artifact_from_task,
    "listNamespaces": list_namespaces,
    "listTasks": list_tasks,
}
