"""Create a task group from typed task definitions, work on it as a worker would, and page
through it. Runs against any deployment: set TASKCLUSTER_ROOT_URL, TASKCLUSTER_CLIENT_ID and
TASKCLUSTER_ACCESS_TOKEN (the credentials need the queue scopes for ``proj-demo/*``).

python examples/task_group.py
"""

from __future__ import annotations

import httpx

from taskcluster_typed import Credentials, Queue, from_now, slugid
from taskcluster_typed.models.queue import CreateTaskRequestDict, S3ArtifactResponse

PROJECT = "proj-demo"


def task_definition(
    group_id: str, task_queue_id: str, name: str, depends_on: list[str]
) -> CreateTaskRequestDict:
    """A task definition: mypy checks every key and value of this dict."""
    return {
        "taskQueueId": task_queue_id,
        "taskGroupId": group_id,
        "schedulerId": "taskcluster-typed-demo",
        "projectId": PROJECT,
        "dependencies": depends_on,
        "created": from_now("0 seconds"),
        "deadline": from_now("1 hour"),
        "expires": from_now("1 day"),
        "payload": {"command": ["echo", name]},
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


def work(queue: Queue, task_queue_id: str) -> int:
    """Be a worker: claim pending tasks, upload a log artifact, report them completed."""
    done = 0
    while True:
        claims = queue.claim_work(
            task_queue_id, {"workerGroup": "demo", "workerId": "worker-1", "tasks": 4}
        )
        if not claims.tasks:
            return done
        for claim in claims.tasks:
            # The claim's temporary credentials can do what this run may do, and no more.
            cred = claim.credentials
            as_task = queue.with_options(
                credentials=Credentials(cred.client_id, cred.access_token, cred.certificate)
            )
            task_id, run_id = claim.status.task_id, str(claim.run_id)
            log = f"{claim.task.metadata.name}: ok\n".encode()
            created = as_task.create_artifact(
                task_id,
                run_id,
                "public/logs/live.log",
                {"storageType": "s3", "expires": from_now("1 day"), "contentType": "text/plain"},
            )
            if isinstance(created, S3ArtifactResponse):  # PUT the bytes where the queue says
                put = httpx.put(
                    created.put_url, content=log, headers={"content-type": "text/plain"}
                )
                put.raise_for_status()
            state = as_task.report_completed(task_id, run_id).status.state
            print(f"  worker: {claim.task.metadata.name} run {run_id} -> {state}")
            done += 1


def show_group(queue: Queue, group_id: str, page_size: int = 2) -> None:
    """Page through the group with continuation tokens, `page_size` tasks a page."""
    token: str | None = None
    page = 0
    while True:
        listing = queue.list_task_group(group_id, continuation_token=token, limit=page_size)
        page += 1
        for entry in listing.tasks:
            print(f"  page {page}: {entry.task.metadata.name:<18} {entry.status.state}")
        token = listing.continuation_token
        if token is None:
            return


def main() -> None:
    with Queue.from_env() as queue:
        task_queue_id = f"{PROJECT}/example-{slugid()[:8].lower().replace('_', '-')}"
        group_id, _ = create_group(queue, task_queue_id)
        while work(queue, task_queue_id):
            pass
        show_group(queue, group_id)


if __name__ == "__main__":
    main()
