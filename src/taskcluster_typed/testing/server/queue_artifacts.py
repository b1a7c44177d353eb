"""Artifacts of the local Taskcluster's queue: s3 (bytes kept by the server itself under
``/_blobs/<token>``), reference and error artifacts; ``object`` ones answer 501."""

from __future__ import annotations

import secrets as _secrets
from datetime import timedelta
from typing import Any

from .auth_state import iso, now
from .context import Context, Handler, Redirect
from .failures import Failure, conflict, not_found
from .queue_service import Artifact, get_task, publish, queue_state, running_run


def create_artifact(ctx: Context) -> Any:
    request: dict[str, Any] = ctx.body
    storage = request["storageType"]
    if storage not in ("s3", "reference", "error"):
        raise Failure(
            501,
            "NotImplemented",
            f"{storage} artifacts are not implemented by the local Taskcluster",
        )
    state = queue_state(ctx)
    with state.lock:
        record = get_task(ctx)
        run = running_run(ctx, record)
        name = ctx.params["name"]
        artifacts = record.artifacts.setdefault(run["runId"], {})
        artifact = Artifact(
            storage, name, request["expires"], request.get("contentType", "application/json")
        )
        if storage == "reference":
            artifact.url = request["url"]
        elif storage == "error":
            artifact.reason, artifact.message = request["reason"], request["message"]
        existing = artifacts.get(name)
        if existing is not None and existing.storage_type != storage:
            raise conflict(f"artifact {name} already exists with another storage type")
        if storage == "s3":
            token = existing.blob if existing and existing.blob else _secrets.token_urlsafe(16)
            artifact.blob = token
            state.blobs.setdefault(token, (artifact.content_type, b""))
        artifacts[name] = artifact
        if storage != "s3":  # the reference's artifact-created schema has no s3 storage type
            published = {"storageType": storage, "name": name, "expires": artifact.expires}
            published["contentType"] = artifact.content_type
            publish(ctx, "artifact_created", record, run, artifact=published)
        if storage == "s3":
            return {
                "storageType": "s3",
                "putUrl": f"{ctx.server.root_url}/_blobs/{artifact.blob}",
                "expires": iso(now() + timedelta(minutes=30)),
                "contentType": artifact.content_type,
            }
        return {"storageType": storage}


def finish_artifact(ctx: Context) -> Any:
    with queue_state(ctx).lock:
        record = get_task(ctx)
        run = running_run(ctx, record)
        if ctx.params["name"] not in record.artifacts.get(run["runId"], {}):
            raise not_found(f"Artifact {ctx.params['name']}")
    return None


def _artifact(ctx: Context, latest: bool) -> Artifact:
    name = ctx.params["name"]
    ctx.authorize(names=[] if name.startswith("public/") else [name])
    record = get_task(ctx)
    if latest:
        if not record.status["runs"]:
            raise not_found(f"Task {record.task_id} has no runs")
        run_id = len(record.status["runs"]) - 1
    else:
        run_id = int(ctx.params["runId"])
    artifact = record.artifacts.get(run_id, {}).get(name)
    if artifact is None:
        raise not_found(f"Artifact {name} of task {record.task_id} run {run_id}")
    return artifact


def _content(ctx: Context, artifact: Artifact) -> dict[str, Any]:
    if artifact.storage_type == "s3":
        return {"storageType": "s3", "url": f"{ctx.server.root_url}/_blobs/{artifact.blob}"}
    if artifact.storage_type == "reference":
        return {"storageType": "reference", "url": artifact.url}
    return {"storageType": "error", "reason": artifact.reason, "message": artifact.message}


def artifact_content(latest: bool) -> Handler:
    def handler(ctx: Context) -> Any:
        return _content(ctx, _artifact(ctx, latest))

    return handler


def get_artifact(latest: bool) -> Handler:
    def handler(ctx: Context) -> Any:
        content = _content(ctx, _artifact(ctx, latest))
        if content["storageType"] == "error":
            raise Failure(424, "ArtifactError", content["message"])
        return Redirect(303, content["url"], content)

    return handler


def _listing(ctx: Context, run_id: int) -> Any:
    record = get_task(ctx)
    artifacts = sorted(record.artifacts.get(run_id, {}).values(), key=lambda a: a.name)
    start = int(ctx.query.get("continuationToken", "0") or 0)
    limit = min(int(ctx.query.get("limit", "1000")), 1000) or 1000
    reply: dict[str, Any] = {
        "artifacts": [
            {
                "storageType": a.storage_type,
                "name": a.name,
                "expires": a.expires,
                "contentType": a.content_type,
            }
            for a in artifacts[start : start + limit]
        ]
    }
    if start + limit < len(artifacts):
        reply["continuationToken"] = str(start + limit)
    return reply


def list_artifacts(ctx: Context) -> Any:
    return _listing(ctx, int(ctx.params["runId"]))


def list_latest_artifacts(ctx: Context) -> Any:
    return _listing(ctx, max(len(get_task(ctx).status["runs"]) - 1, 0))


HANDLERS: dict[str, Handler] = {
    "createArtifact": create_artifact,
    "finishArtifact": finish_artifact,
    "artifact": artifact_content(latest=False),
    "latestArtifact": artifact_content(latest=True),
    "getArtifact": get_artifact(latest=False),
    "getLatestArtifact": get_artifact(latest=True),
    "listArtifacts": list_artifacts,
    "listLatestArtifacts": list_latest_artifacts,
}
