"""The queue's worker interface: claiming work, reclaiming, and resolving runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ...credentials.temporary import create_temporary_credentials
from .auth_state import iso, now
from .context import Context, Handler
from .failures import conflict
from .queue_state import (
    PRIORITIES,
    RETRY_REASONS,
    TaskRecord,
    get_run,
    get_task,
    publish,
    queue_state,
    refresh_all,
    resolve_run,
    status_reply,
)
from .queue_workers import quarantined, seen, task_seen


def _js_seconds(when: datetime) -> str:
    """``takenUntil.getTime() / 1000`` as JavaScript prints it (``1796410536.925``)."""
    millis = round(when.timestamp() * 1000)
    return str(millis // 1000) if millis % 1000 == 0 else repr(millis / 1000)


def _credentials(
    ctx: Context, record: TaskRecord, run_id: int, worker: tuple[str, str], until: datetime
) -> dict[str, str]:
    """The run's temporary credentials, as the queue's ``taskCreds`` makes them."""
    name = (
        f"task-client/{record.task_id}/{run_id}/on/{worker[0]}/{worker[1]}"
        f"/until/{_js_seconds(until)}"
    )
    temporary = create_temporary_credentials(
        ctx.server.root_credentials,
        scopes=[
            *record.definition["scopes"],
            f"queue:reclaim-task:{record.task_id}/{run_id}",
            f"queue:resolve-task:{record.task_id}/{run_id}",
            f"queue:create-artifact:{record.task_id}/{run_id}",
        ],
        expiry=until + timedelta(minutes=5),
        start=now() - timedelta(minutes=1),
        name=name,
    )
    return {
        "clientId": temporary.client_id,
        "accessToken": temporary.access_token,
        "certificate": temporary.certificate_json or "",
    }


def _claim(ctx: Context, record: TaskRecord, worker: tuple[str, str]) -> dict[str, Any]:
    until = now() + queue_state(ctx).claim_timeout
    run = record.status["runs"][-1]
    run.update(
        state="running",
        workerGroup=worker[0],
        workerId=worker[1],
        takenUntil=iso(until),
        started=iso(now()),
    )
    record.status["state"] = "running"
    publish(ctx, "task_running", record, run, takenUntil=iso(until))
    task_seen(ctx, record.definition["taskQueueId"], worker, record)
    return {
        "status": record.status,
        "runId": run["runId"],
        "workerGroup": worker[0],
        "workerId": worker[1],
        "takenUntil": iso(until),
        "task": record.definition,
        "credentials": _credentials(ctx, record, run["runId"], worker, until),
    }


def claim_work(ctx: Context) -> Any:
    """Claims pending tasks by priority, then age. (The queue waits up to 20 seconds for work
    to appear; this answers at once.) Tasks past their deadline are not claimed, and a
    quarantined worker gets nothing."""
    queue_id = ctx.params["taskQueueId"]
    worker = (ctx.payload.worker_group, ctx.payload.worker_id)
    ctx.authorize(workerGroup=worker[0], workerId=worker[1])
    state = queue_state(ctx)
    with state.lock:
        seen(ctx, queue_id, worker)
        if quarantined(ctx, queue_id, worker):
            return {"tasks": []}
        refresh_all(ctx)
        pending = [
            t
            for t in state.tasks.values()
            if t.definition["taskQueueId"] == queue_id
            and t.status["state"] == "pending"
            and not t.past_deadline()
        ]
        pending.sort(key=lambda t: (-PRIORITIES.index(t.definition["priority"]), t.created))
        return {"tasks": [_claim(ctx, t, worker) for t in pending[: ctx.payload.tasks]]}


def claim_task(ctx: Context) -> Any:
    worker = (ctx.payload.worker_group, ctx.payload.worker_id)
    with queue_state(ctx).lock:
        record = get_task(ctx)
        queue_id = record.definition["taskQueueId"]
        ctx.authorize(
            provisionerId=record.definition["provisionerId"],
            workerType=record.definition["workerType"],
            workerGroup=worker[0],
            workerId=worker[1],
        )
        if record.past_deadline():
            raise conflict(
                f"Task `{record.task_id}` can't be claimed past its deadline of "
                f"{record.definition['deadline']}."
            )
        if quarantined(ctx, queue_id, worker):
            return {}
        seen(ctx, queue_id, None)
        run_id = int(ctx.params["runId"])
        run = get_run(record, run_id)
        if run_id != len(record.status["runs"]) - 1 or run["state"] != "pending":
            if run.get("workerGroup") == worker[0] and run.get("workerId") == worker[1]:
                return _claimed(ctx, record, run)
            raise conflict(f"Run {run_id} was already claimed by another worker.")
        return _claim(ctx, record, worker)


def _claimed(ctx: Context, record: TaskRecord, run: dict[str, Any]) -> dict[str, Any]:
    """The reply to a repeated claim by the same worker."""
    until = datetime.fromisoformat(run["takenUntil"].replace("Z", "+00:00"))
    worker = (run["workerGroup"], run["workerId"])
    return {
        "status": record.status,
        "runId": run["runId"],
        "workerGroup": worker[0],
        "workerId": worker[1],
        "takenUntil": run["takenUntil"],
        "task": record.definition,
        "credentials": _credentials(ctx, record, run["runId"], worker, until),
    }


def _not_running(record: TaskRecord, run_id: int) -> Exception:
    return conflict(f"Run {run_id} on task `{record.task_id}` is resolved or not running.")


def reclaim_task(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        record = get_task(ctx)
        run_id = int(ctx.params["runId"])
        run = get_run(record, run_id)
        ctx.authorize()
        if record.past_deadline():
            raise conflict(
                f"Task `{record.task_id}` can't be reclaimed past its deadline of "
                f"{record.definition['deadline']}."
            )
        if run_id != len(record.status["runs"]) - 1 or run["state"] != "running":
            raise _not_running(record, run_id)
        until = now() + queue_state(ctx).claim_timeout
        run["takenUntil"] = iso(until)
        worker = (run["workerGroup"], run["workerId"])
        seen(ctx, record.definition["taskQueueId"], worker)
        return {
            "status": record.status,
            "runId": run_id,
            "workerGroup": worker[0],
            "workerId": worker[1],
            "takenUntil": iso(until),
            "credentials": _credentials(ctx, record, run_id, worker, until),
        }


def _resolve(target: str) -> Handler:
    """reportCompleted/reportFailed: idempotent when the run is already `target`."""

    def report(ctx: Context) -> Any:
        with queue_state(ctx).lock:
            record = get_task(ctx)
            run_id = int(ctx.params["runId"])
            run = get_run(record, run_id)
            if run["state"] not in ("running", target):
                raise conflict(
                    f"Run {run_id} of task `{record.task_id}` is not running or {target}."
                )
            ctx.authorize()
            if run["state"] == target:
                if run_id != len(record.status["runs"]) - 1 or run["reasonResolved"] != target:
                    raise _not_running(record, run_id)
                return status_reply(record)
            if run_id != len(record.status["runs"]) - 1:
                raise _not_running(record, run_id)
            resolve_run(ctx, record, target, target)
            return status_reply(record)

    return report


def report_exception(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        record = get_task(ctx, message="Task `{}` not found. Are you sure it exists?")
        run_id = int(ctx.params["runId"])
        run = get_run(record, run_id)
        ctx.authorize()
        reason = str(ctx.body["reason"])
        runs = record.status["runs"]
        if run["state"] == "running" and run_id == len(runs) - 1:
            resolve_run(ctx, record, "exception", reason, retry=RETRY_REASONS.get(reason))
            return status_reply(record)
        # a repeated report is answered as the first was, if nothing happened since
        repeated = run["state"] == "exception" and run.get("reasonResolved") == reason
        if repeated and len(runs) - 1 <= run_id + 1:
            return status_reply(record)
        raise _not_running(record, run_id)


HANDLERS: dict[str, Handler] = {
    "claimWork": claim_work,
    "claimTask": claim_task,
    "reclaimTask": reclaim_task,
    "reportCompleted": _resolve("completed"),
    "reportFailed": _resolve("failed"),
    "reportException": report_exception,
}
