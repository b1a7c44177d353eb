"""Schema-valid queue messages for the offline Pulse tests."""

from __future__ import annotations

import copy
from typing import Any

from taskcluster_typed import QueueEvents
from taskcluster_typed.testing import FakeMessage, fake_message
from tests.support.examples import example

EVENTS = QueueEvents()
GROUP = "fN1KfmYJRXGdBPCrJbPbBg"


def routing(task_id: str, run_id: int = 0, group: str = GROUP) -> dict[str, object]:
    return {
        "task_id": task_id,
        "run_id": run_id,
        "worker_group": "wg",
        "worker_id": "wi",
        "provisioner_id": "proj",
        "worker_type": "ci",
        "scheduler_id": "-",
        "task_group_id": group,
    }


def completed_body(task_id: str) -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(example("queue", "v1/task-completed-message.json#"))
    body["status"]["taskId"] = task_id
    return body


def completed(task_id: str, *, group: str = GROUP, routes: tuple[str, ...] = ()) -> FakeMessage:
    return fake_message(
        EVENTS.task_completed(),
        completed_body(task_id),
        routing=routing(task_id, group=group),
        routes=routes,
    )


def failed(task_id: str) -> FakeMessage:
    body: dict[str, Any] = copy.deepcopy(example("queue", "v1/task-failed-message.json#"))
    body["status"]["taskId"] = task_id
    return fake_message(EVENTS.task_failed(), body, routing=routing(task_id))
