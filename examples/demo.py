"""`make demo`: typed, signed calls against a queue server that this program starts itself.

python examples/demo.py
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import slugid  # type: ignore[import-untyped]

from taskcluster_typed import AuthenticationFailed, Credentials, Queue, ValidationError
from taskcluster_typed.models.queue import CreateTaskRequestDict

sys.path.insert(0, str(Path(__file__).parent))
from demo_server import CLIENTS, serve


def main() -> None:
    now = datetime.now(timezone.utc)
    task: CreateTaskRequestDict = {
        "taskQueueId": "proj-demo/linux",
        "created": now,
        "deadline": now + timedelta(hours=1),
        "payload": {"image": "ubuntu:24.04", "command": ["echo", "hello"]},
        "metadata": {
            "name": "demo task",
            "description": "created by taskcluster-typed's make demo",
            "owner": "demo@example.com",
            "source": "https://github.com/taskcluster/taskcluster",
        },
        "priority": "high",
        "tags": {"purpose": "demo"},
    }
    credentials = Credentials("demo/client", CLIENTS["demo/client"])
    with serve() as root_url, Queue(root_url, credentials=credentials) as queue:
        print(f"local queue server at {root_url} (verifies every Hawk header with mohawk)")
        task_id = slugid.nice()
        status = queue.create_task(task_id, task)
        state, task_queue = status.status.state, status.status.task_queue_id
        print(f"created task {task_id}: state={state}, queue={task_queue}")
        fetched = queue.status(task_id)
        run = fetched.status.runs[0]
        print(f"status of {task_id}: run {run.run_id} {run.state} ({run.reason_created})")

        try:
            # mypy rejects this line too ("urgent" is no priority); the ignore lets the demo
            # show the run-time check that protects callers without a type checker.
            queue.create_task(slugid.nice(), {**task, "priority": "urgent"})  # type: ignore[arg-type]
        except ValidationError as error:
            print(f"refused before sending: {error}")

        intruder = queue.with_options(credentials=Credentials("demo/client", "not-the-right-token"))
        try:
            intruder.status(task_id)
        except AuthenticationFailed as error:
            print(f"wrong token: {error}")
        print(f"client repr never shows secrets: {intruder!r}")


if __name__ == "__main__":
    main()
