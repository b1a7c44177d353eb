"""An exhaustive ``match`` on a reply's enum must handle `UnknownValue`."""

from __future__ import annotations

from typing_extensions import assert_never

from taskcluster_typed import Queue


def describe(queue: Queue, task_id: str) -> str:
    state = queue.status(task_id).status.state
    match state:
        case "unscheduled" | "pending" | "running":
            return "not yet"
        case "completed" | "failed" | "exception":
            return "resolved"
        case _:
            assert_never(state)  # E: arg-type
