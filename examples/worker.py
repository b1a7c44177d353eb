"""Be a worker: claim tasks from a task queue (``claimWork``), upload a log artifact for each
run, and resolve the run with ``reportCompleted`` or ``reportFailed``. Reads only
TASKCLUSTER_ROOT_URL, TASKCLUSTER_CLIENT_ID, TASKCLUSTER_ACCESS_TOKEN (and
TASKCLUSTER_CERTIFICATE) through ``Queue.from_env()``, so it runs against a real deployment
unchanged (the credentials need ``queue:claim-work:<task queue>`` and
``queue:worker-id:<group>/<id>``). Each claimed run is then acted on with the run's own
temporary credentials, as a real worker does.

The log is stored as an ``s3`` artifact: ``createArtifact`` answers with a ``putUrl`` and the
bytes are PUT there. (``object`` artifacts go through the object service with
``taskcluster_typed.transfers.upload``; the local Taskcluster has no object service.)

python examples/worker.py <task-queue-id>
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime

import httpx

from taskcluster_typed import Credentials, Queue, from_now
from taskcluster_typed.models.queue import S3ArtifactResponse, TaskClaim

LOG_NAME = "public/logs/live.log"


def upload_log(queue: Queue, task_id: str, run_id: str, text: str, expires: datetime) -> None:
    """Store `text` as the run's ``public/logs/live.log`` artifact (s3 storage).

    An artifact may not outlive its task (the queue refuses it): `expires` is the task's.
    """
    created = queue.create_artifact(
        task_id,
        run_id,
        LOG_NAME,
        {"storageType": "s3", "expires": expires, "contentType": "text/plain"},
    )
    if isinstance(created, S3ArtifactResponse):  # PUT the bytes where the queue says
        put = httpx.put(
            created.put_url, content=text.encode(), headers={"content-type": "text/plain"}
        )
        put.raise_for_status()


def run_claim(queue: Queue, claim: TaskClaim, succeeds: Callable[[str], bool]) -> str:
    """Do the work of one claimed run and resolve it; returns the resolved state."""
    # The claim's temporary credentials can do what this run may do, and no more.
    cred = claim.credentials
    as_task = queue.with_options(
        credentials=Credentials(cred.client_id, cred.access_token, cred.certificate)
    )
    name = claim.task.metadata.name
    task_id, run_id = claim.status.task_id, str(claim.run_id)
    ok = succeeds(name)
    log = f"{name}: {'ok' if ok else 'FAILED'}\n"
    # The queue fills in `expires` (a year after the deadline) when the task's creator did not.
    upload_log(as_task, task_id, run_id, log, claim.task.expires or from_now("1 day"))
    if ok:
        state = as_task.report_completed(task_id, run_id).status.state
    else:
        state = as_task.report_failed(task_id, run_id).status.state
    print(f"  worker: {name} run {run_id} -> {state}")
    return state


def work(
    queue: Queue,
    task_queue_id: str,
    succeeds: Callable[[str], bool] = lambda name: True,
    *,
    worker_id: str = "worker-1",
    limit: int | None = None,
) -> int:
    """Claim and resolve pending tasks until none is left (or `limit` runs are resolved);
    returns how many were resolved.

    ``succeeds(task name)`` decides whether a run is reported completed or failed. A real
    queue holds ``claimWork`` open for a while (about 20 s) when nothing is pending, so a
    worker that knows how much work to expect passes `limit`.
    """
    done = 0
    while limit is None or done < limit:
        wanted = 4 if limit is None else min(4, limit - done)
        claims = queue.claim_work(
            task_queue_id, {"workerGroup": "demo", "workerId": worker_id, "tasks": wanted}
        )
        if not claims.tasks:
            break
        for claim in claims.tasks:
            run_claim(queue, claim, succeeds)
            done += 1
    return done


def main() -> None:
    """Work on the task queue given on the command line until it is empty."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("task_queue_id", metavar="task-queue-id")
    task_queue_id: str = parser.parse_args().task_queue_id
    with Queue.from_env() as queue:
        print(f"resolved {work(queue, task_queue_id)} runs")


if __name__ == "__main__":
    main()
