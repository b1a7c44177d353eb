"""Conformance cases of the queue service."""

from __future__ import annotations

from taskcluster_typed import from_now, slugid

from ..world import World, task_definition
from .table import Invoke, call, case

# queue --------------------------------------------------------------------------------------

_WORKER = {"workerGroup": "typed-group", "workerId": "typed-worker"}


@case("queue.task")
def _task(w: World) -> Invoke:
    task_id = w.task()
    return call(task_id, check=lambda r: r.task_group_id == w.group_id and r.priority == "lowest")


@case("queue.tasks")
def _tasks(w: World) -> Invoke:
    ids = [w.task(), w.task()]
    return call({"taskIds": ids}, check=lambda r: sorted(t.task_id for t in r.tasks) == sorted(ids))


@case("queue.statuses")
def _statuses(w: World) -> Invoke:
    ids = [w.task(), w.task()]
    return call(
        {"taskIds": ids},
        check=lambda r: (
            sorted(s.task_id for s in r.statuses) == sorted(ids)
            and {s.status.state for s in r.statuses} == {"pending"}
        ),
    )


@case("queue.status")
def _status(w: World) -> Invoke:
    task_id = w.task()
    return call(
        task_id, check=lambda r: r.status.state == "pending" and r.status.runs[0].run_id == 0
    )


@case("queue.list_task_group")
def _list_task_group(w: World) -> Invoke:
    group_id = slugid()
    w.task(taskGroupId=group_id)
    w.task(taskGroupId=group_id)
    return call(
        group_id, limit=1, check=lambda r: len(r.tasks) == 1 and r.continuation_token is not None
    )


@case("queue.cancel_task_group")
def _cancel_task_group(w: World) -> Invoke:
    group_id = slugid()
    ids = [w.task(taskGroupId=group_id), w.task(taskGroupId=group_id)]
    w.queue.seal_task_group(group_id)
    return call(
        group_id,
        check=lambda r: (
            r.task_group_id == group_id
            and r.cancelled_count == 2
            and sorted(r.task_ids) == sorted(ids)
        ),
    )


@case("queue.get_task_group")
def _get_task_group(w: World) -> Invoke:
    group_id = slugid()
    w.task(taskGroupId=group_id)
    return call(group_id, check=lambda r: r.task_group_id == group_id and r.sealed is None)


@case("queue.seal_task_group")
def _seal(w: World) -> Invoke:
    group_id = slugid()
    w.task(taskGroupId=group_id)
    return call(group_id, check=lambda r: r.sealed is not None)


@case("queue.list_dependent_tasks")
def _dependents(w: World) -> Invoke:
    first = w.task()
    second = w.task(dependencies=[first])
    return call(first, check=lambda r: [t.status.task_id for t in r.tasks] == [second])


@case("queue.create_task")
def _create_task(w: World) -> Invoke:
    task_id = slugid()
    definition = task_definition(w.task_queue(), w.group_id, routes=["index.typed.created"])
    return call(task_id, definition, check=lambda r: r.status.task_id == task_id)


@case("queue.schedule_task")
def _schedule(w: World) -> Invoke:
    blocker = w.task()
    task_id = w.task(dependencies=[blocker])
    return call(task_id, check=lambda r: r.status.state == "pending")


@case("queue.rerun_task")
def _rerun(w: World) -> Invoke:
    task_id = w.completed()
    return call(
        task_id, check=lambda r: [run.state for run in r.status.runs] == ["completed", "pending"]
    )


@case("queue.cancel_task")
def _cancel(w: World) -> Invoke:
    task_id = w.task()
    return call(task_id, check=lambda r: r.status.state == "exception")


@case("queue.change_task_priority")
def _priority(w: World) -> Invoke:
    task_id = w.task()
    return call(
        task_id,
        {"newPriority": "low"},
        check=lambda r: r.status.task_id == task_id and w.queue.task(task_id).priority == "low",
    )


@case("queue.change_task_group_priority")
def _group_priority(w: World) -> Invoke:
    group_id = slugid()
    task_id = w.task(taskGroupId=group_id)
    return call(
        group_id,
        {"newPriority": "low"},
        check=lambda r: (
            [t.task_id for t in r.affected_tasks] == [task_id]
            if hasattr(r, "affected_tasks")
            else bool(r)
        ),
    )


@case("queue.claim_work")
def _claim_work(w: World) -> Invoke:
    queue_id = w.task_queue("claim")
    task_id = w.task(queue_id)
    return call(
        queue_id,
        {**_WORKER, "tasks": 2},
        check=lambda r: (
            [t.status.task_id for t in r.tasks] == [task_id]
            and r.tasks[0].credentials.client_id.startswith("task-client/")
        ),
    )


@case("queue.claim_task")
def _claim_task(w: World) -> Invoke:
    task_id = w.task()
    return call(task_id, 0, _WORKER, check=lambda r: r.status.state == "running")


@case("queue.reclaim_task")
def _reclaim(w: World) -> Invoke:
    task_id, _, _ = w.claimed()
    return call(task_id, 0, check=lambda r: r.status.state == "running" and r.run_id == 0)


@case("queue.report_completed")
def _completed(w: World) -> Invoke:
    task_id, _, _ = w.claimed()
    return call(task_id, 0, check=lambda r: r.status.state == "completed")


@case("queue.report_failed")
def _failed(w: World) -> Invoke:
    task_id, _, _ = w.claimed()
    return call(task_id, 0, check=lambda r: r.status.state == "failed")


@case("queue.report_exception")
def _exception(w: World) -> Invoke:
    task_id, _, _ = w.claimed()
    return call(
        task_id,
        0,
        {"reason": "malformed-payload"},
        check=lambda r: r.status.runs[0].reason_resolved == "malformed-payload",
    )


@case("queue.create_artifact")
def _create_artifact(w: World) -> Invoke:
    task_id, _, _ = w.claimed()
    payload = {
        "storageType": "reference",
        "url": "https://example.com/built",
        "contentType": "text/plain",
        "expires": from_now("1 day"),
    }
    return call(task_id, 0, "public/ref", payload, check=lambda r: r.storage_type == "reference")


@case("queue.finish_artifact")
def _finish_artifact(w: World) -> Invoke:
    task_id, _, _ = w.claimed()
    upload_id = w.uploaded_object_artifact(task_id, "public/uploaded", b"uploaded")
    return call(
        task_id,
        0,
        "public/uploaded",
        {"uploadId": upload_id},
        check=lambda r: (
            r is None
            and w.queue.artifact_info(task_id, 0, "public/uploaded").storage_type == "object"
        ),
    )


@case("queue.get_artifact")
def _get_artifact(w: World) -> Invoke:
    done = w.resolved
    return call(
        done.task_id,
        0,
        "public/reference",
        check=lambda r: (r.storage_type, r.url) == ("reference", done.reference_url),
    )


@case("queue.get_latest_artifact")
def _get_latest_artifact(w: World) -> Invoke:
    done = w.resolved
    return call(
        done.task_id,
        "public/s3.txt",
        check=lambda r: r.storage_type == "s3" and "s3.txt" in r.url,
    )


_ARTIFACT_NAMES = [
    "public/error",
    "public/logs/live.log",
    "public/object.txt",
    "public/reference",
    "public/s3.txt",
]


@case("queue.list_artifacts")
def _list_artifacts(w: World) -> Invoke:
    done = w.resolved
    return call(
        done.task_id, 0, check=lambda r: sorted(a.name for a in r.artifacts) == _ARTIFACT_NAMES
    )


@case("queue.list_latest_artifacts")
def _list_latest_artifacts(w: World) -> Invoke:
    done = w.resolved
    return call(
        done.task_id,
        limit=2,
        check=lambda r: len(r.artifacts) == 2 and r.continuation_token is not None,
    )


@case("queue.artifact_info")
def _artifact_info(w: World) -> Invoke:
    done = w.resolved
    return call(
        done.task_id,
        0,
        "public/object.txt",
        check=lambda r: (r.storage_type, r.content_type) == ("object", "text/plain"),
    )


@case("queue.latest_artifact_info")
def _latest_artifact_info(w: World) -> Invoke:
    done = w.resolved
    return call(done.task_id, "public/error", check=lambda r: r.storage_type == "error")


@case("queue.artifact")
def _artifact(w: World) -> Invoke:
    done = w.resolved
    return call(
        done.task_id,
        0,
        "public/object.txt",
        check=lambda r: r.storage_type == "object" and r.name.endswith("object.txt"),
    )


@case("queue.latest_artifact")
def _latest_artifact(w: World) -> Invoke:
    done = w.resolved
    return call(
        done.task_id,
        "public/error",
        check=lambda r: (r.storage_type, r.reason) == ("error", "file-missing-on-worker"),
    )


@case("queue.list_provisioners")
def _list_provisioners(w: World) -> Invoke:
    w.queue.declare_worker(
        w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")}
    )
    return call(
        limit=1000, check=lambda r: w.provisioner in [p.provisioner_id for p in r.provisioners]
    )


@case("queue.get_provisioner")
def _get_provisioner(w: World) -> Invoke:
    w.queue.declare_worker(
        w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")}
    )
    return call(w.provisioner, check=lambda r: r.provisioner_id == w.provisioner)


@case("queue.pending_tasks")
def _pending_tasks(w: World) -> Invoke:
    queue_id = w.task_queue()
    w.task(queue_id)
    return call(queue_id, check=lambda r: (r.task_queue_id, r.pending_tasks) == (queue_id, 1))


@case("queue.task_queue_counts")
def _counts(w: World) -> Invoke:
    queue_id = w.task_queue()
    w.task(queue_id)
    return call(queue_id, check=lambda r: (r.pending_tasks, r.claimed_tasks) == (1, 0))


@case("queue.list_pending_tasks")
def _list_pending(w: World) -> Invoke:
    queue_id = w.task_queue()
    task_id = w.task(queue_id)
    return call(queue_id, check=lambda r: [t.task_id for t in r.tasks] == [task_id])


@case("queue.list_claimed_tasks")
def _list_claimed(w: World) -> Invoke:
    task_id, _, _ = w.claimed()
    queue_id = w.queue.task(task_id).task_queue_id
    return call(queue_id, check=lambda r: [t.task_id for t in r.tasks] == [task_id])


@case("queue.list_worker_types")
def _list_worker_types(w: World) -> Invoke:
    w.queue.declare_worker(
        w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")}
    )
    return call(
        w.provisioner,
        limit=1000,
        check=lambda r: "declared" in [t.worker_type for t in r.worker_types],
    )


@case("queue.get_worker_type")
def _get_worker_type(w: World) -> Invoke:
    w.queue.declare_worker(
        w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")}
    )
    return call(w.provisioner, "declared", check=lambda r: r.worker_type == "declared")


@case("queue.list_task_queues")
def _list_task_queues(w: World) -> Invoke:
    w.queue.declare_worker(
        w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")}
    )
    return call(limit=2, check=lambda r: len(r.task_queues) == 2 and r.continuation_token)


@case("queue.get_task_queue")
def _get_task_queue(w: World) -> Invoke:
    w.queue.declare_worker(
        w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")}
    )
    queue_id = f"{w.provisioner}/declared"
    return call(queue_id, check=lambda r: r.task_queue_id == queue_id)


@case("queue.list_workers")
def _list_workers(w: World) -> Invoke:
    w.queue.declare_worker(
        w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")}
    )
    return call(w.provisioner, "declared", check=lambda r: "w1" in [x.worker_id for x in r.workers])


@case("queue.get_worker")
def _get_worker(w: World) -> Invoke:
    w.queue.declare_worker(
        w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")}
    )
    return call(w.provisioner, "declared", "typed-group", "w1", check=lambda r: r.worker_id == "w1")


@case("queue.quarantine_worker")
def _quarantine(w: World) -> Invoke:
    worker_id = w.unique("quarantined")
    w.queue.declare_worker(
        w.provisioner, "declared", "typed-group", worker_id, {"expires": from_now("1 day")}
    )
    return call(
        w.provisioner,
        "declared",
        "typed-group",
        worker_id,
        {"quarantineUntil": from_now("1 hour"), "quarantineInfo": "conformance"},
        check=lambda r: r.quarantine_until is not None,
    )


@case("queue.declare_worker")
def _declare(w: World) -> Invoke:
    worker_id = w.unique("declared")
    return call(
        w.provisioner,
        "declared",
        "typed-group",
        worker_id,
        {"expires": from_now("1 day")},
        check=lambda r: (r.worker_id, r.worker_group) == (worker_id, "typed-group"),
    )
