"""The data-loss cases of codegen-notes.md, on the generated models in the working tree.

Each guards a preprocessing step: without open objects, ``payload``/``extra``/``config``/
``secret`` and the trigger context are dropped; without discriminators, unions report errors
from every branch; without ``repr: false``, the access token is in the repr."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from taskcluster_typed._models.auth.v1.create_client_response import CreateClientResponse
from taskcluster_typed._models.hooks.v1.trigger_hook import TriggerHook
from taskcluster_typed._models.hooks.v1.trigger_hook_response import (
    TriggerHookResponse,
    TriggerHookTaskCreated,
)
from taskcluster_typed._models.object.v1.download_method_geturl import GetUrlDownloadResponse
from taskcluster_typed._models.object.v1.download_object_response import DownloadObjectResponse
from taskcluster_typed._models.queue.v1.create_task_request import CreateTaskRequest
from taskcluster_typed._models.queue.v1.post_artifact_request import (
    ErrorArtifactRequest,
    PostArtifactRequest,
    S3ArtifactRequest,
)
from taskcluster_typed._models.queue.v1.task_metadata import TaskMetadata
from taskcluster_typed._models.secrets.v1.secret import Secret
from taskcluster_typed._models.worker_manager.v1.create_worker_pool_request import (
    CreateWorkerPoolRequest,
)
from taskcluster_typed._models.worker_manager.v1.worker_pool_full import WorkerPoolFull

TASK: dict[str, Any] = {
    "provisionerId": "proj-releng",
    "workerType": "linux-large",
    "taskQueueId": "proj-releng/linux-large",
    "schedulerId": "taskcluster-github",
    "projectId": "releng",
    "taskGroupId": "fN1KfmYJRXGdBPCrJbPbBg",
    "dependencies": ["dXh4ZxGRTB6hZYSlaGbCPA", "eWx8Ie6hRDyo0nDXYZdLUg"],
    "requires": "all-completed",
    "routes": ["index.project.releng.latest", "notify.email.releng@example.com.on-failed"],
    "priority": "high",
    "retries": 3,
    "created": "2026-11-20T12:00:00.000Z",
    "deadline": "2026-11-21T12:00:00.000Z",
    "expires": "2027-11-20T12:00:00.123Z",
    "scopes": ["queue:route:index.project.releng.*", "secrets:get:project/releng/deploy"],
    "payload": {
        "image": "ubuntu:24.04",
        "command": ["/bin/bash", "-c", "make test"],
        "env": {"CI": "1", "EMPTY": None},
        "maxRunTime": 3600,
        "artifacts": {"public/logs": {"type": "directory", "path": "logs", "expires": None}},
        "mixed": [1, "two", {"three": [3.0, True]}],
    },
    "metadata": {
        "name": "Tests ✓",
        "description": "Runs the test suite — über thorough",
        "owner": "releng@example.com",
        "source": "https://github.com/example/repo/blob/main/.taskcluster.yml",
    },
    "tags": {"kind": "test", "platform": "linux64"},
    "extra": {"treeherder": {"symbol": "T", "groupSymbol": "?"}, "notify": {"email": {}}},
}
DATETIMES = ("created", "deadline", "expires")


def _without_datetimes(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in DATETIMES}


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_create_task_round_trips_by_alias() -> None:
    request = CreateTaskRequest.model_validate(copy.deepcopy(TASK))
    dumped = request.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert _without_datetimes(dumped) == _without_datetimes(TASK)
    for key in DATETIMES:
        assert _parse(dumped[key]) == _parse(TASK[key])


def test_create_task_keeps_payload_and_extra_contents() -> None:
    request = CreateTaskRequest.model_validate(copy.deepcopy(TASK))
    assert request.payload == TASK["payload"]
    assert request.payload["env"]["EMPTY"] is None
    assert request.extra == TASK["extra"]


def test_create_task_defaults_and_required_fields() -> None:
    minimal = {k: TASK[k] for k in ("created", "deadline", "payload", "metadata", "taskQueueId")}
    request = CreateTaskRequest.model_validate(minimal)
    assert request.priority == "lowest"
    assert request.retries == 5
    assert request.scheduler_id == "-"
    assert set(request.model_dump(by_alias=True, exclude_unset=True)) == set(minimal)
    with pytest.raises(ValidationError) as failure:
        CreateTaskRequest.model_validate({"created": TASK["created"]})
    missing = {e["loc"][0] for e in failure.value.errors() if e["type"] == "missing"}
    assert missing == {"deadline", "payload", "metadata"}


def test_create_task_accepts_python_names_and_rejects_unknown_fields() -> None:
    request: CreateTaskRequest = CreateTaskRequest(
        created=_parse(TASK["created"]),
        deadline=_parse(TASK["deadline"]),
        payload={},
        metadata=TaskMetadata.model_validate(TASK["metadata"]),
        task_queue_id="proj-releng/linux-large",
        priority="high",
    )
    assert request.model_dump(by_alias=True, exclude_unset=True)["taskQueueId"] == (
        "proj-releng/linux-large"
    )
    with pytest.raises(ValidationError, match=r"extra_forbidden|Extra inputs"):
        CreateTaskRequest.model_validate({**TASK, "taskQueueID": "typo"})
    with pytest.raises(ValidationError, match=r"literal_error|Input should be"):
        CreateTaskRequest.model_validate({**TASK, "priority": "urgent"})


def test_trigger_hook_keeps_its_context() -> None:
    context = {"a": 1, "nested": {"b": [1, 2]}, "none": None}
    assert TypeAdapter(TriggerHook).validate_python(context) == context


def test_trigger_hook_response_picks_the_task_branch() -> None:
    adapter = TypeAdapter(TriggerHookResponse)
    created = adapter.validate_python({"taskId": "fN1KfmYJRXGdBPCrJbPbBg"})
    assert isinstance(created, TriggerHookTaskCreated)
    assert adapter.validate_python({}) == {}


def test_worker_pool_config_is_kept() -> None:
    config = {
        "launchConfigs": [{"region": "us-east-1", "capacityPerInstance": 1}],
        "maxCapacity": 10,
    }
    request = CreateWorkerPoolRequest.model_validate(
        {
            "providerId": "aws",
            "description": "a pool",
            "config": config,
            "owner": "releng@example.com",
            "emailOnError": True,
        }
    )
    assert request.config == config
    full = WorkerPoolFull.model_fields["config"]
    assert full.annotation == dict[str, Any]


def test_secret_value_is_kept_and_not_in_repr() -> None:
    secret = Secret.model_validate(
        {"expires": "2027-01-01T00:00:00.000Z", "secret": {"password": "hunter2", "n": [1]}}
    )
    assert secret.secret == {"password": "hunter2", "n": [1]}
    assert "hunter2" not in repr(secret)


def test_post_artifact_request_is_discriminated_by_storage_type() -> None:
    adapter = TypeAdapter(PostArtifactRequest)
    s3 = adapter.validate_python(
        {"storageType": "s3", "expires": "2027-01-01T00:00:00.000Z", "contentType": "text/plain"}
    )
    assert isinstance(s3, S3ArtifactRequest)
    error = adapter.validate_python(
        {
            "storageType": "error",
            "expires": "2027-01-01T00:00:00.000Z",
            "reason": "file-missing-on-worker",
            "message": "no such file",
        }
    )
    assert isinstance(error, ErrorArtifactRequest)
    with pytest.raises(ValidationError) as failure:
        adapter.validate_python({"storageType": "ftp", "expires": "2027-01-01T00:00:00.000Z"})
    assert [e["type"] for e in failure.value.errors()] == ["union_tag_invalid"]


def test_download_object_response_picks_get_url() -> None:
    response = TypeAdapter(DownloadObjectResponse).validate_python(
        {
            "method": "getUrl",
            "url": "https://storage.example.com/object?signature=x",
            "expires": "2027-01-01T00:00:00.000Z",
            "hashes": {"sha256": "a" * 64},
        }
    )
    assert isinstance(response, GetUrlDownloadResponse)
    assert response.hashes.sha256 == "a" * 64


def test_create_client_response_repr_hides_the_access_token() -> None:
    token = "AAAAAAAAAAAAAAAAAAAAAAsecrettoken"
    response = CreateClientResponse.model_validate(
        {
            "clientId": "project/releng/ci",
            "accessToken": token,
            "description": "CI",
            "created": "2026-01-01T00:00:00.000Z",
            "lastModified": "2026-01-01T00:00:00.000Z",
            "lastDateUsed": "2026-01-01T00:00:00.000Z",
            "lastRotated": "2026-01-01T00:00:00.000Z",
            "expires": "2027-01-01T00:00:00.000Z",
            "scopes": ["queue:create-task:*"],
            "expandedScopes": ["queue:create-task:*"],
            "disabled": False,
            "deleteOnExpiration": True,
        }
    )
    assert token not in repr(response)
    assert token not in str(response)
    assert response.model_dump(by_alias=True)["accessToken"] == token
