"""Typed worker payloads at run time: strict scalars, errors named by path, nothing sent."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pydantic
import pytest
import respx

from taskcluster_typed import Queue
from taskcluster_typed._core.errors import ResponseValidationError
from taskcluster_typed.models.queue import CreateTaskRequest, CreateTaskRequestDict
from taskcluster_typed.payloads import (
    DockerWorkerPayload,
    GenericWorkerInsecurePosixPayload,
    GenericWorkerMultiuserPosixPayload,
    GenericWorkerMultiuserWindowsPayload,
)
from taskcluster_typed.payloads.generic_worker_multiuser_posix import GenericWorkerPayload

pytestmark = pytest.mark.usefixtures("httpx_transport")

ROOT = "https://tc.example.com"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def task(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "created": NOW,
        "deadline": NOW,
        "metadata": {"name": "n", "description": "d", "owner": "o@x.org", "source": "https://x"},
        "payload": payload,
    }


def test_a_string_max_run_time_is_an_error_naming_its_path() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        CreateTaskRequest[DockerWorkerPayload].model_validate(
            task({"image": "ubuntu:24.04", "maxRunTime": "600"})
        )
    assert [e["loc"] for e in info.value.errors()] == [("payload", "maxRunTime")]
    assert "payload.maxRunTime" in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [("maxRunTime", "600"), ("maxRunTime", 600.5), ("privileged", "true")],
)
def test_payload_scalars_are_not_coerced(field: str, value: object) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        DockerWorkerPayload.model_validate({"image": "u", "maxRunTime": 600, field: value})
    assert info.value.errors()[0]["loc"] == (field,)


def test_misspelt_key_is_an_error() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        DockerWorkerPayload.model_validate({"image": "u", "maxRunTime": 6, "artefacts": {}})
    assert info.value.errors()[0]["loc"] == ("artefacts",)


def test_a_typed_task_is_sent_with_wire_names() -> None:
    typed = CreateTaskRequest[DockerWorkerPayload].model_validate(
        task({"image": "ubuntu:24.04", "command": ["true"], "maxRunTime": 600})
    )
    with respx.mock() as mock:
        route = mock.put(f"{ROOT}/api/queue/v1/task/abc").respond(json={})
        # The reply {} is not a task status: what was sent is what counts here.
        with pytest.raises(ResponseValidationError):
            Queue(ROOT, max_retries=0).create_task("abc", typed)
    sent = json.loads(route.calls[0].request.content)
    assert sent["payload"] == {"image": "ubuntu:24.04", "command": ["true"], "maxRunTime": 600}


def test_an_untyped_payload_is_sent_as_given() -> None:
    with respx.mock() as mock:
        route = mock.put(f"{ROOT}/api/queue/v1/task/abc").respond(json={})
        with pytest.raises(ResponseValidationError):
            Queue(ROOT, max_retries=0).create_task("abc", task({"script": "x", "retries": "3"}))  # type: ignore[arg-type]
    assert json.loads(route.calls[0].request.content)["payload"] == {
        "script": "x",
        "retries": "3",
    }


def test_nothing_is_sent_when_the_typed_payload_is_wrong() -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.put(url__regex=".*").respond(json={})
        with pytest.raises(pydantic.ValidationError):
            Queue(ROOT).create_task(
                "abc",
                CreateTaskRequest[DockerWorkerPayload].model_validate(
                    task({"image": "u", "maxRunTime": "600"})
                ),
            )
        assert not route.called


@pytest.mark.parametrize(
    ("payload_type", "payload"),
    [
        (GenericWorkerMultiuserPosixPayload, {"command": [["true"]], "maxRunTime": 60}),
        (GenericWorkerInsecurePosixPayload, {"command": [["true"]], "maxRunTime": 60}),
        (GenericWorkerMultiuserWindowsPayload, {"command": ["dir"], "maxRunTime": 60}),
        (DockerWorkerPayload, {"image": "ubuntu:24.04", "maxRunTime": 60}),
    ],
)
def test_every_worker_payload_validates_and_rejects(payload_type: Any, payload: Any) -> None:
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(payload_type)
    adapter.validate_python(payload)
    with pytest.raises(pydantic.ValidationError):
        adapter.validate_python({**payload, "maxRunTime": "60"})


def test_the_posix_payload_is_a_generic_worker_or_a_docker_worker_payload() -> None:
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(GenericWorkerMultiuserPosixPayload)
    value = adapter.validate_python({"command": [["true"]], "maxRunTime": 60})
    assert isinstance(value, GenericWorkerPayload)


def test_a_naive_datetime_is_sent_as_utc() -> None:
    naive = datetime(2026, 1, 1, 12, 30)
    definition: CreateTaskRequestDict = {
        "created": naive,  # a plain datetime for the type checkers too
        "deadline": naive,
        "payload": {},
        "metadata": {"name": "n", "description": "d", "owner": "o@x.org", "source": "https://x"},
    }
    with respx.mock() as mock:
        route = mock.put(f"{ROOT}/api/queue/v1/task/abc").respond(json={})
        with pytest.raises(ResponseValidationError):
            Queue(ROOT, max_retries=0).create_task("abc", definition)
    sent = json.loads(route.calls[0].request.content)
    assert sent["created"] == sent["deadline"] == "2026-01-01T12:30:00Z"


def test_an_unknown_enum_value_in_a_reply_is_an_unknown_value() -> None:
    from taskcluster_typed import UnknownValue
    from taskcluster_typed._core.endpoint import Endpoint

    endpoint: Endpoint[Any] = Endpoint(
        service="queue",
        name="status",
        method="GET",
        route="/task/<taskId>/status",
        output_type="taskcluster_typed.models.queue:TaskStatusResponse",
    )
    status = {
        "taskId": "fN1SbArXTPSVFNUvaOlinQ",
        "provisionerId": "p",
        "workerType": "w",
        "taskQueueId": "p/w",
        "schedulerId": "s",
        "projectId": "none",
        "taskGroupId": "fN1SbArXTPSVFNUvaOlinQ",
        "deadline": "2026-01-01T00:00:00.000Z",
        "expires": "2026-01-01T00:00:00.000Z",
        "retriesLeft": 5,
        "state": "paused",
        "runs": [],
    }
    reply = endpoint.decode_json(json.dumps({"status": status}).encode(), "https://x")
    state = reply.status.state
    assert isinstance(state, UnknownValue) and state == "paused"
    assert repr(state) == "UnknownValue('paused')"
    assert reply.model_dump(mode="json", by_alias=True)["status"]["state"] == "paused"
    known = endpoint.decode_json(
        json.dumps({"status": {**status, "state": "pending"}}).encode(), "https://x"
    )
    assert type(known.status.state) is str
