"""Enum fields of replies and an exhaustive ``match``.

Type-checked by `make typecheck`, never run.
"""

from __future__ import annotations

from typing_extensions import assert_never

from taskcluster_typed import Queue, UnknownValue


def describe(queue: Queue, task_id: str) -> str:
    state = queue.status(task_id).status.state
    match state:
        case "unscheduled" | "pending" | "running":
            return "not yet"
        case "completed":
            return "done"
        case "failed" | "exception":
            return "broken"
        case UnknownValue():  # a state newer than this package, kept as the server sent it
            return f"new state {state}"
        case _:
            assert_never(state)
