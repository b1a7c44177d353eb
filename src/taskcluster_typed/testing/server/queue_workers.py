"""The queue's worker metadata: task queues (and the provisioners and worker types derived from
them) and workers, as the queue records them when workers claim work or declare themselves;
pending and claimed task listings and counts; quarantine."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .auth_state import iso, now
from .context import Context, Handler
from .failures import Failure
from .paging import page
from .queue_state import TaskRecord, Worker, parse_time, queue_state, refresh_all

_LONG_AGO = timedelta(days=3650)


def _task_queue_seen(ctx: Context, queue_id: str, expires: str) -> None:
    queues = queue_state(ctx).queues
    known = queues.get(queue_id)
    if known is None:
        queues[queue_id] = {
            "taskQueueId": queue_id,
            "expires": expires,
            "lastDateActive": iso(now()),
            "description": "",
            "stability": "experimental",
        }
        return
    known["lastDateActive"] = iso(now())
    if parse_time(known["expires"]) < parse_time(expires):
        known["expires"] = expires


def _worker_seen(ctx: Context, queue_id: str, worker: tuple[str, str], expires: str) -> Worker:
    workers = queue_state(ctx).workers
    key = (queue_id, *worker)
    found = workers.get(key)
    if found is None:
        found = workers[key] = Worker(
            queue_id,
            worker[0],
            worker[1],
            iso(now()),
            iso(now()),
            expires,
            quarantine_until=iso(now() - _LONG_AGO),
        )
    found.last_date_active = iso(now())
    if parse_time(found.expires) < parse_time(expires):
        found.expires = expires
    return found


def seen(ctx: Context, queue_id: str, worker: tuple[str, str] | None) -> None:
    """Record that a worker (or someone, when None) used the task queue (``workerInfo.seen``)."""
    expires = iso(now() + (timedelta(days=1) if worker else timedelta(days=5)))
    _task_queue_seen(ctx, queue_id, expires)
    if worker is not None:
        _worker_seen(ctx, queue_id, worker, expires)


def task_seen(ctx: Context, queue_id: str, worker: tuple[str, str], record: TaskRecord) -> None:
    found = queue_state(ctx).workers.get((queue_id, *worker))
    if found is not None:
        run = {"taskId": record.task_id, "runId": len(record.status["runs"]) - 1}
        found.recent_tasks = [*found.recent_tasks[-19:], run]


def quarantined(ctx: Context, queue_id: str, worker: tuple[str, str]) -> bool:
    found = queue_state(ctx).workers.get((queue_id, *worker))
    return found is not None and parse_time(found.quarantine_until or iso(now())) > now()


def _active(expires: str) -> bool:
    return parse_time(expires) >= now()


def _split(queue: dict[str, Any]) -> dict[str, Any]:
    provisioner, _, worker_type = queue["taskQueueId"].partition("/")
    return {**queue, "provisionerId": provisioner, "workerType": worker_type}


def _queues(ctx: Context) -> list[dict[str, Any]]:
    return [q for _, q in sorted(queue_state(ctx).queues.items()) if _active(q["expires"])]


def _provisioners(ctx: Context) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for queue in _queues(ctx):
        name = queue["taskQueueId"].partition("/")[0]
        known = found.setdefault(
            name,
            {
                "provisionerId": name,
                "expires": queue["expires"],
                "lastDateActive": queue["lastDateActive"],
                "description": "",
                "stability": "experimental",
            },
        )
        known["expires"] = max(known["expires"], queue["expires"], key=parse_time)
        known["lastDateActive"] = max(
            known["lastDateActive"], queue["lastDateActive"], key=parse_time
        )
    return found


def list_provisioners(ctx: Context) -> Any:
    return page(ctx, list(_provisioners(ctx).values()), "provisioners")


def get_provisioner(ctx: Context) -> Any:
    found = _provisioners(ctx).get(ctx.params["provisionerId"])
    if found is None:
        raise Failure(
            404,
            "ResourceNotFound",
            f"Provisioner `{ctx.params['provisionerId']}` not found. Are you sure it was created?",
        )
    return found


def list_worker_types(ctx: Context) -> Any:
    prefix = ctx.params["provisionerId"] + "/"
    queues = [_split(q) for q in _queues(ctx) if q["taskQueueId"].startswith(prefix)]
    return page(ctx, queues, "workerTypes")


def _task_queue(ctx: Context, queue_id: str, message: str) -> dict[str, Any]:
    found = queue_state(ctx).queues.get(queue_id)
    if found is None or not _active(found["expires"]):
        raise Failure(404, "ResourceNotFound", message)
    return found


def get_worker_type(ctx: Context) -> Any:
    p, w = ctx.params["provisionerId"], ctx.params["workerType"]
    message = f"Worker-type `{w}` with Provisioner `{p}` not found. Are you sure it was created?"
    return _split(_task_queue(ctx, f"{p}/{w}", message))


def list_task_queues(ctx: Context) -> Any:
    return page(ctx, _queues(ctx), "taskQueues")


def get_task_queue(ctx: Context) -> Any:
    queue_id = ctx.params["taskQueueId"]
    message = f"Task queue with `{queue_id}` not found. Are you sure it was created?"
    return _task_queue(ctx, queue_id, message)


def _in_state(ctx: Context, queue_id: str, state: str) -> list[TaskRecord]:
    refresh_all(ctx)
    return sorted(
        (
            t
            for t in queue_state(ctx).tasks.values()
            if t.definition["taskQueueId"] == queue_id
            and t.status["state"] == state
            and not t.past_deadline()
        ),
        key=lambda t: t.created,
    )


def _counts(ctx: Context) -> dict[str, Any]:
    queue_id = ctx.params["taskQueueId"]
    provisioner, _, worker_type = queue_id.partition("/")
    with queue_state(ctx).lock:
        return {
            "provisionerId": provisioner,
            "workerType": worker_type,
            "taskQueueId": queue_id,
            "pendingTasks": len(_in_state(ctx, queue_id, "pending")),
            "claimedTasks": len(_in_state(ctx, queue_id, "running")),
        }


def pending_tasks(ctx: Context) -> Any:
    counts = _counts(ctx)
    del counts["claimedTasks"]
    return counts


def task_queue_counts(ctx: Context) -> Any:
    return _counts(ctx)


def list_pending_tasks(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        tasks = _in_state(ctx, ctx.params["taskQueueId"], "pending")
        return page(
            ctx,
            tasks,
            "tasks",
            lambda t: {
                "taskId": t.task_id,
                "runId": t.status["runs"][-1]["runId"],
                "task": t.definition,
                "inserted": t.status["runs"][-1]["scheduled"],
            },
        )


def list_claimed_tasks(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        tasks = _in_state(ctx, ctx.params["taskQueueId"], "running")
        return page(
            ctx,
            tasks,
            "tasks",
            lambda t: {
                "taskId": t.task_id,
                "runId": t.status["runs"][-1]["runId"],
                "workerGroup": t.status["runs"][-1]["workerGroup"],
                "workerId": t.status["runs"][-1]["workerId"],
                "claimed": t.status["runs"][-1]["started"],
                "task": t.definition,
            },
        )


def _worker_json(worker: Worker) -> dict[str, Any]:
    provisioner, _, worker_type = worker.task_queue_id.partition("/")
    return {
        "taskQueueId": worker.task_queue_id,
        "provisionerId": provisioner,
        "workerType": worker_type,
        "workerGroup": worker.worker_group,
        "workerId": worker.worker_id,
        "quarantineUntil": worker.quarantine_until,
        "expires": worker.expires,
        "firstClaim": worker.first_claim,
        "recentTasks": worker.recent_tasks,
        "lastDateActive": worker.last_date_active,
    }  # (the queue keeps quarantine details, but its replies leave them out)


def list_workers(ctx: Context) -> Any:
    queue_id = f"{ctx.params['provisionerId']}/{ctx.params['workerType']}"
    wanted = ctx.query.get("quarantined")
    listed: list[dict[str, Any]] = []
    for key, worker in sorted(queue_state(ctx).workers.items()):
        until = parse_time(worker.quarantine_until or iso(now()))
        is_quarantined = until >= now()
        if key[0] != queue_id or ((wanted == "true") != is_quarantined and wanted is not None):
            continue
        if not (_active(worker.expires) or is_quarantined):
            continue
        entry: dict[str, Any] = {
            "workerGroup": worker.worker_group,
            "workerId": worker.worker_id,
            "firstClaim": worker.first_claim,
            "lastDateActive": worker.last_date_active,
        }
        if worker.recent_tasks:
            entry["latestTask"] = worker.recent_tasks[-1]
        if until > now():
            entry["quarantineUntil"] = worker.quarantine_until
        listed.append(entry)
    return page(ctx, listed, "workers")


def _worker(ctx: Context, *, sure: bool = True) -> Worker:
    p, w = ctx.params["provisionerId"], ctx.params["workerType"]
    group, worker_id = ctx.params["workerGroup"], ctx.params["workerId"]
    found = queue_state(ctx).workers.get((f"{p}/{w}", group, worker_id))
    if found is None:
        raise Failure(
            404,
            "ResourceNotFound",
            f"Worker with workerId `{worker_id}`, workerGroup `{group}`,worker-type `{w}` and "
            f"provisionerId `{p}` not found." + (" Are you sure it was created?" if sure else ""),
        )
    return found


def get_worker(ctx: Context) -> Any:
    worker = _worker(ctx)
    quarantine = parse_time(worker.quarantine_until or iso(now()))
    if not _active(worker.expires) and quarantine < now():
        raise Failure(404, "ResourceNotFound", "Worker not found")
    return _worker_json(worker)


def quarantine_worker(ctx: Context) -> Any:
    worker = _worker(ctx, sure=False)
    body: dict[str, Any] = ctx.body
    worker.quarantine_until = iso(parse_time(body["quarantineUntil"]))
    worker.quarantine_details.append(
        {
            "clientId": ctx.caller.client_id or "",
            "updatedAt": iso(now()),
            "quarantineUntil": body["quarantineUntil"],
            "quarantineInfo": body.get("quarantineInfo") or "[unspecified]",
        }
    )
    return _worker_json(worker)


def declare_worker(ctx: Context) -> Any:
    body: dict[str, Any] = ctx.body
    ctx.authorize(properties=list(body))
    p, w = ctx.params["provisionerId"], ctx.params["workerType"]
    worker = (ctx.params["workerGroup"], ctx.params["workerId"])
    with queue_state(ctx).lock:
        expires = iso(parse_time(body["expires"])) if "expires" in body else iso(now())
        _task_queue_seen(ctx, f"{p}/{w}", expires)
        return _worker_json(_worker_seen(ctx, f"{p}/{w}", worker, expires))


HANDLERS: dict[str, Handler] = {
    "listProvisioners": list_provisioners,
    "getProvisioner": get_provisioner,
    "listWorkerTypes": list_worker_types,
    "getWorkerType": get_worker_type,
    "listTaskQueues": list_task_queues,
    "getTaskQueue": get_task_queue,
    "pendingTasks": pending_tasks,
    "taskQueueCounts": task_queue_counts,
    "listPendingTasks": list_pending_tasks,
    "listClaimedTasks": list_claimed_tasks,
    "listWorkers": list_workers,
    "getWorker": get_worker,
    "quarantineWorker": quarantine_worker,
    "declareWorker": declare_worker,
}
