"""Conformance cases of the index service."""

from __future__ import annotations

from typing import Any

from taskcluster_typed import from_now
from taskcluster_typed._core import errors as tce

from ..world import World
from .table import Invoke, call, case, refused

# index --------------------------------------------------------------------------------------


def _indexed(w: World, namespace: str | None = None) -> tuple[str, str]:
    """A completed task inserted at a fresh index path: (path, task id)."""
    path = namespace or f"typed.{w.run}.{w.unique('ns').replace('-', '')}"
    task_id = w.resolved.task_id
    w.index.insert_task(
        path,
        {"taskId": task_id, "rank": 1, "data": {"k": "v"}, "expires": from_now("1 day")},
    )
    return path, task_id


@case("index.find_task")
def _find_task(w: World) -> Invoke:
    path, task_id = _indexed(w)
    return call(
        path, check=lambda r: (r.task_id, r.namespace, r.data) == (task_id, path, {"k": "v"})
    )


@case("index.find_tasks_at_index")
def _find_tasks_at_index(w: World) -> Invoke:
    path, task_id = _indexed(w)
    return call({"indexes": [path]}, check=lambda r: [t.task_id for t in r.tasks] == [task_id])


@case("index.list_namespaces")
def _list_namespaces(w: World) -> Invoke:
    path, _ = _indexed(w)
    # The task's namespace is the path without its last word; list that namespace's parent.
    namespace = path.rpartition(".")[0]
    parent, _, child = namespace.rpartition(".")
    return call(parent, check=lambda r: child in [n.name for n in r.namespaces])


@case("index.list_tasks")
def _list_tasks(w: World) -> Invoke:
    path, task_id = _indexed(w)
    parent, _, _ = path.rpartition(".")
    return call(parent, check=lambda r: task_id in [t.task_id for t in r.tasks])


@case("index.insert_task")
def _insert_task(w: World) -> Invoke:
    path = f"typed.{w.run}.inserted{w.unique('n').replace('-', '')}"
    task_id = w.resolved.task_id
    payload: dict[str, Any] = {
        "taskId": task_id,
        "rank": 3,
        "data": {},
        "expires": from_now("1 day"),
    }
    return call(path, payload, check=lambda r: (r.task_id, r.rank) == (task_id, 3))


@case("index.delete_task")
def _delete_task(w: World) -> Invoke:
    path, _ = _indexed(w)
    return call(
        path,
        check=lambda r: (
            r is None and refused(lambda: w.index.find_task(path), tce.ResourceNotFound)
        ),
    )


@case("index.find_artifact_from_task")
def _find_artifact(w: World) -> Invoke:
    # A 303 redirect to the queue's artifact URL, returned as it came (not followed).
    path, task_id = _indexed(w)
    return call(
        path,
        "public/reference",
        check=lambda r: (
            r.status_code == 303
            and f"/task/{task_id}/artifacts/public%2Freference?bewit=" in r.headers["location"]
        ),
    )
