"""Artifacts of the local Taskcluster's queue: s3 (bytes kept by the server itself under
``/_blobs/<token>``), reference, link and error artifacts, with the queue's checks; ``object``
artifacts need the object service, which is not imitated."""

from __future__ import annotations

import json
import secrets as _secrets
from datetime import timedelta
from typing import Any

from .auth_state import iso, now
from .context import Context, Handler, RawReply, Redirect
from .failures import Failure, conflict, input_error, not_found
from .paging import page
from .queue_state import Artifact, TaskRecord, find_task, get_task, parse_time, publish, queue_state

_EXCEPTION_GRACE = timedelta(minutes=25)


def _details(artifact: Artifact) -> tuple[Any, ...]:
    return (artifact.url, artifact.reason, artifact.message, artifact.link)


def _compatible(original: Artifact, new: Artifact) -> bool:
    """``createArtifactCallsCompatible``: the allowed changes of a repeated createArtifact."""
    if new.storage_type != "link" and original.content_type != new.content_type:
        return False
    if parse_time(original.expires) > parse_time(new.expires):
        return False
    if original.storage_type == new.storage_type:
        return new.storage_type == "reference" or _details(original) == _details(new)
    return original.storage_type == "reference" and new.storage_type == "link"


def _new_artifact(ctx: Context, name: str, request: dict[str, Any]) -> Artifact:
    storage = request["storageType"]
    artifact = Artifact(
        storage,
        name,
        iso(parse_time(request["expires"])),
        request.get("contentType", "application/binary"),
    )
    if storage == "reference":
        artifact.url = request["url"]
    elif storage == "error":
        artifact.reason, artifact.message = request["reason"], request["message"]
    elif storage == "link":
        artifact.link = request["artifact"]
    return artifact


def create_artifact(ctx: Context) -> Any:
    request: dict[str, Any] = ctx.body
    if parse_time(request["expires"]) < now() - timedelta(minutes=15):
        raise input_error("Expires must be in the future")
    state = queue_state(ctx)
    with state.lock:
        record = find_task(ctx, ctx.params["taskId"])
        if record is None:
            raise input_error("Task not found")
        run_id = int(ctx.params["runId"])
        runs = record.status["runs"]
        if run_id >= len(runs):
            raise input_error("Run not found")
        run = runs[run_id]
        if not run.get("workerGroup") or not run.get("workerId"):
            raise input_error("Run was not claimed by a worker and so no artifacts can exist")
        ctx.authorize()
        if parse_time(request["expires"]) > parse_time(record.definition["expires"]):
            raise input_error(
                f"Artifact expires ({request['expires']}) after the task expiration "
                f"{record.definition['expires']} (task.expires < expires) - this is not "
                "allowed, artifacts may not expire after the task they belong to expires"
            )
        _check_running(record, run)
        if request["storageType"] == "object":
            raise Failure(
                501,
                "NotImplemented",
                "object artifacts need the object service, which the local Taskcluster "
                "(taskcluster_typed.testing) does not imitate; use s3 artifacts, or a real "
                "deployment",
            )
        return _store(ctx, record, run, _new_artifact(ctx, ctx.params["name"], request))


def _check_running(record: TaskRecord, run: dict[str, Any]) -> None:
    if run["state"] == "running":
        return
    if run["state"] == "exception" and parse_time(run["resolved"]) > now() - _EXCEPTION_GRACE:
        return
    raise conflict(
        "Artifacts cannot be created for a task after it is resolved, unless it is resolved "
        "'exception', and even in this case only up to 25 min past resolution.This to ensure "
        "that artifacts have been uploaded before a task is 'completed' and output is consumed "
        "by a dependent task"
    )


def _store(ctx: Context, record: TaskRecord, run: dict[str, Any], artifact: Artifact) -> Any:
    artifacts = record.artifacts.setdefault(run["runId"], {})
    existing = artifacts.get(artifact.name)
    if artifact.storage_type == "s3":
        token = existing.blob if existing and existing.blob else _secrets.token_urlsafe(16)
        artifact.blob = token
    if existing is not None and not _compatible(existing, artifact):
        original = {
            "storageType": existing.storage_type,
            "contentType": existing.content_type,
            "expires": existing.expires,
        }
        raise conflict(
            "Artifact already exists with different properties, and none of the allowed "
            f"exceptions apply: {json.dumps(original, indent=2)}"
        )
    if existing is not None:  # an allowed change keeps the content type
        artifact.content_type = existing.content_type
    if artifact.blob is not None:
        queue_state(ctx).blobs.setdefault(artifact.blob, (artifact.content_type, b""))
    artifacts[artifact.name] = artifact
    if artifact.storage_type != "s3":  # the queue sends no artifact-created for s3
        publish(ctx, "artifact_created", record, run, artifact=_info(artifact))
    if artifact.storage_type == "s3":
        return {
            "storageType": "s3",
            "putUrl": f"{ctx.server.root_url}/_blobs/{artifact.blob}",
            "expires": iso(now() + timedelta(minutes=45)),
            "contentType": artifact.content_type,
        }
    return {"storageType": artifact.storage_type}


def finish_artifact(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        record = find_task(ctx, ctx.params["taskId"])
        run_id, name = int(ctx.params["runId"]), ctx.params["name"]
        artifact = None if record is None else record.artifacts.get(run_id, {}).get(name)
        if record is None or artifact is None or run_id >= len(record.status["runs"]):
            raise not_found(
                f"Artifact with taskId `{ctx.params['taskId']}`, runId {run_id}, "
                f"name `{name}` not found"
            )
        ctx.authorize()
        raise input_error("Only object artifacts can be finished")


def _info(artifact: Artifact) -> dict[str, Any]:
    return {
        "storageType": artifact.storage_type,
        "name": artifact.name,
        "expires": artifact.expires,
        "contentType": artifact.content_type,
    }


def _latest_run(ctx: Context) -> int:
    record = find_task(ctx, ctx.params["taskId"])
    if record is None:
        raise not_found("Task not found")
    if not record.status["runs"]:
        raise Failure(404, "ResourceNotFound", "Task doesn't have any runs")
    return len(record.status["runs"]) - 1


def _run_id(ctx: Context, latest: bool) -> int:
    return _latest_run(ctx) if latest else int(ctx.params["runId"])


def _following_links(ctx: Context, run_id: int) -> Artifact:
    """``getArtifactFollowingLinks``: the scope of every name traversed is checked."""
    record = find_task(ctx, ctx.params["taskId"])
    name = ctx.params["name"]
    names: list[str] = []
    while True:
        names.append(name)
        ctx.authorize(names=names)
        artifact = None if record is None else record.artifacts.get(run_id, {}).get(name)
        if artifact is None:
            raise Failure(404, "ResourceNotFound", "Artifact not found")
        if parse_time(artifact.expires) < now():
            raise Failure(410, "ResourceExpired", "Artifact expired")
        if artifact.storage_type != "link":
            return artifact
        assert artifact.link is not None
        if artifact.link in names:
            raise input_error("Artifact leads to a link cycle")
        name = artifact.link


def _content(ctx: Context, artifact: Artifact) -> dict[str, Any]:
    if artifact.storage_type == "s3":
        return {"storageType": "s3", "url": f"{ctx.server.root_url}/_blobs/{artifact.blob}"}
    if artifact.storage_type == "reference":
        return {"storageType": "reference", "url": artifact.url}
    return {"storageType": "error", "reason": artifact.reason, "message": artifact.message}


def artifact_content(latest: bool) -> Handler:
    def handler(ctx: Context) -> Any:
        with queue_state(ctx).lock:
            return _content(ctx, _following_links(ctx, _run_id(ctx, latest)))

    return handler


def get_artifact(latest: bool) -> Handler:
    def handler(ctx: Context) -> Any:
        with queue_state(ctx).lock:
            if latest:
                ctx.authorize(names=[ctx.params["name"]])
            artifact = _following_links(ctx, _run_id(ctx, latest))
            content = _content(ctx, artifact)
        headers = {"x-taskcluster-artifact-storage-type": artifact.storage_type}
        if artifact.storage_type == "error":
            body = {"reason": artifact.reason, "message": artifact.message}
            return RawReply(424, body, headers)
        return Redirect(303, content["url"], content, headers)

    return handler


def artifact_info(latest: bool) -> Handler:
    def handler(ctx: Context) -> Any:
        with queue_state(ctx).lock:
            run_id = _run_id(ctx, latest)
            record = find_task(ctx, ctx.params["taskId"])
            artifact = (
                None if record is None else record.artifacts.get(run_id, {}).get(ctx.params["name"])
            )
            if artifact is None:
                raise Failure(404, "ResourceNotFound", "Artifact not found")
            return _info(artifact)

    return handler


def _listing(ctx: Context, run_id: int) -> Any:
    record = get_task(ctx)
    artifacts = sorted(record.artifacts.get(run_id, {}).values(), key=lambda a: a.name)
    return page(ctx, artifacts, "artifacts", _info)


def list_artifacts(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        latest, run_id = _latest_run(ctx), int(ctx.params["runId"])
        if run_id > latest:
            raise not_found(
                f"Task with taskId: `{ctx.params['taskId']}` has no run with runId: {run_id}"
            )
        return _listing(ctx, run_id)


def list_latest_artifacts(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        return _listing(ctx, _latest_run(ctx))


HANDLERS: dict[str, Handler] = {
    "createArtifact": create_artifact,
    "finishArtifact": finish_artifact,
    "artifact": artifact_content(latest=False),
    "latestArtifact": artifact_content(latest=True),
    "getArtifact": get_artifact(latest=False),
    "getLatestArtifact": get_artifact(latest=True),
    "artifactInfo": artifact_info(latest=False),
    "latestArtifactInfo": artifact_info(latest=True),
    "listArtifacts": list_artifacts,
    "listLatestArtifacts": list_latest_artifacts,
}
