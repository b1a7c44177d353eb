"""Submit a task graph: a task group built from typed task definitions, a build task and
three test tasks that depend on it. Reads only TASKCLUSTER_ROOT_URL, TASKCLUSTER_CLIENT_ID,
TASKCLUSTER_ACCESS_TOKEN (and TASKCLUSTER_CERTIFICATE) through ``Queue.from_env()``, so it runs
against a real deployment unchanged (the credentials need the queue scopes for ``proj-demo/*``
and ``assume:scheduler-id:taskcluster-typed-demo/*``).

python examples/submit_task_graph.py
"""

from __future__ import annotations

import uuid

from taskcluster_typed import Queue, from_now, slugid
from taskcluster_typed.models.queue import CreateTaskRequestDict
from taskcluster_typed.payloads import DockerWorkerPayloadDict

PROJECT = "proj-demo"


def task_definition(
    group_id: str, task_queue_id: str, name: str, depends_on: list[str]
) -> CreateTaskRequestDict[DockerWorkerPayloadDict]:
    """A task definition for a docker-worker: mypy and pyright check every key and value of
    this dict, the payload's included (``"maxRunTime": "600"`` would be a type error)."""
    return {
        "taskQueueId": task_queue_id,
        "taskGroupId": group_id,
        "schedulerId": "taskcluster-typed-demo",
        "projectId": PROJECT,
        "dependencies": depends_on,
        "created": from_now("0 seconds"),
        "deadline": from_now("1 hour"),
        "expires": from_now("1 day"),
        "payload": {"image": "ubuntu:24.04", "command": ["echo", name], "maxRunTime": 600},
        "metadata": {
            "name": name,
            "description": f"the {name} step of a taskcluster-typed example",
            "owner": "demo@example.com",
            "source": "https://github.com/taskcluster/taskcluster",
        },
        "priority": "high",
    }


def create_group(queue: Queue, task_queue_id: str) -> tuple[str, list[str]]:
    """A build task and three test tasks that wait for it; returns (group id, task ids)."""
    group_id = build_id = slugid()
    status = queue.create_task(build_id, task_definition(group_id, task_queue_id, "build", []))
    print(f"  created build {build_id}: {status.status.state}")
    task_ids = [build_id]
    for suite in ("unit", "integration", "lint"):
        task_id = slugid()
        definition = task_definition(group_id, task_queue_id, f"test-{suite}", [build_id])
        state = queue.create_task(task_id, definition).status.state
        print(f"  created test-{suite} {task_id}: {state} (waits for build)")
        task_ids.append(task_id)
    return group_id, task_ids


def new_task_queue_id() -> str:
    """A fresh task queue id under the example project (no other worker takes its tasks)."""
    return f"{PROJECT}/example-{uuid.uuid4().hex[:12]}"


def main() -> None:
    """Submit the graph to a new task queue and print the group id."""
    with Queue.from_env() as queue:
        task_queue_id = new_task_queue_id()
        group_id, _ = create_group(queue, task_queue_id)
        print(f"task group {group_id} on {task_queue_id}")


if __name__ == "__main__":
    main()
