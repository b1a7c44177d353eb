"""Worker payloads that the type checkers must reject (see tests/typing/test_typing.py)."""

from __future__ import annotations

from datetime import datetime, timezone

from taskcluster_typed import Queue
from taskcluster_typed.models.queue import CreateTaskRequest, CreateTaskRequestDict, TaskMetadata
from taskcluster_typed.payloads import DockerWorkerPayload, DockerWorkerPayloadDict
from taskcluster_typed.payloads.docker_worker import ArtifactDict

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
METADATA = TaskMetadata(name="n", description="d", owner="o@example.com", source="https://x")


def max_run_time_as_a_string(queue: Queue) -> None:
    task: CreateTaskRequestDict[DockerWorkerPayloadDict] = {  # E[pyright]
        "created": NOW,
        "deadline": NOW,
        "metadata": {"name": "n", "description": "d", "owner": "o", "source": "s"},
        "payload": {"image": "ubuntu:24.04", "maxRunTime": "600"},  # E[mypy]: typeddict-item
    }
    queue.create_task("abc", task)


def misspelt_artifacts_key() -> DockerWorkerPayloadDict:
    return {"image": "ubuntu:24.04", "maxRunTime": 600, "artefacts": {}}  # E: typeddict-unknown-key


def artifact_of_the_wrong_type() -> ArtifactDict:
    return {"type": "folder", "path": "/out"}  # E: typeddict-item


def model_field_as_a_string() -> DockerWorkerPayload:
    return DockerWorkerPayload(image="ubuntu:24.04", max_run_time="600")  # E: arg-type


def model_payload_of_another_type() -> None:
    CreateTaskRequest[DockerWorkerPayload](
        created=NOW,
        deadline=NOW,
        metadata=METADATA,
        payload={"image": "ubuntu:24.04", "maxRunTime": 600},  # E: arg-type
    )
