"""The index of the local Taskcluster: namespaces of indexed tasks."""

from __future__ import annotations

import threading
from typing import Any

from .context import Context, Handler
from .failures import not_found
from .paging import page


class IndexState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[str, dict[str, Any]] = {}  # namespace -> indexed task


def insert_task(ctx: Context) -> Any:
    namespace = ctx.params["namespace"]
    body: dict[str, Any] = ctx.body
    with ctx.server.index.lock:
        current = ctx.server.index.entries.get(namespace)
        if current is not None and current["rank"] > body["rank"]:
            return current
        entry = {
            "namespace": namespace,
            **{k: body[k] for k in ("taskId", "rank", "data", "expires")},
        }
        ctx.server.index.entries[namespace] = entry
        return entry


def find_task(ctx: Context) -> Any:
    entry = ctx.server.index.entries.get(ctx.params["indexPath"])
    if entry is None:
        raise not_found(f"Indexed task {ctx.params['indexPath']}")
    return entry


def _children(ctx: Context) -> tuple[list[str], list[dict[str, Any]]]:
    prefix = ctx.params["namespace"]
    prefix = f"{prefix}." if prefix else ""
    namespaces: set[str] = set()
    tasks: list[dict[str, Any]] = []
    with ctx.server.index.lock:
        for name, entry in sorted(ctx.server.index.entries.items()):
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
        e["expires"] for n, e in ctx.server.index.entries.items() if n.startswith(namespace + ".")
    ]
    return max(expiries)


def list_tasks(ctx: Context) -> Any:
    _, tasks = _children(ctx)
    return page(ctx, tasks, "tasks")


HANDLERS: dict[str, Handler] = {
    "insertTask": insert_task,
    "findTask": find_task,
    "listNamespaces": list_namespaces,
    "listTasks": list_tasks,
}
