"""Endpoints: payload validation before sending, and tolerant reply parsing."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Literal

import pytest
import respx
from pydantic import ConfigDict, Field

from taskcluster_typed import SyncClient
from taskcluster_typed._core import errors as tce
from taskcluster_typed._core.endpoint import Endpoint
from taskcluster_typed._core.model_base import TaskclusterModel

# respx intercepts httpx's own transport: clients use it in this module.
pytestmark = pytest.mark.usefixtures("httpx_transport")

ROOT = "https://tc.example.com"


class Metadata(TaskclusterModel):
    model_config = ConfigDict(extra="forbid")
    owner: Annotated[str, Field(alias="owner")]
    source_url: Annotated[str, Field(alias="sourceUrl")]


class Run(TaskclusterModel):
    state: Literal["pending", "running", "completed"]
    reason_created: Annotated[Literal["scheduled", "retry"], Field(alias="reasonCreated")]


class Status(TaskclusterModel):
    model_config = ConfigDict(extra="forbid")
    task_id: Annotated[str, Field(alias="taskId")]
    runs: list[Run]


class Request(TaskclusterModel):
    model_config = ConfigDict(extra="forbid")
    created: datetime
    priority: Literal["high", "low"] = "low"
    metadata: Metadata


ENDPOINT: Endpoint[Status] = Endpoint(
    service="queue",
    name="createTask",
    method="put",
    route="/task/<taskId>",
    input_type=Request,
    output_type=Status,
)


class Queue(SyncClient):
    service_name = "queue"


@respx.mock
def test_bad_payload_names_the_field_and_sends_nothing() -> None:
    route = respx.put(f"{ROOT}/api/queue/v1/task/abc").respond(json={})
    bad = {"created": "2026-01-01T00:00:00Z", "metadata": {"owner": "me"}, "priorty": "high"}
    with Queue(ROOT) as queue, pytest.raises(tce.RequestValidationError) as info:
        queue._call(ENDPOINT, {"taskId": "abc"}, payload=bad)
    assert route.call_count == 0
    text = str(info.value)
    assert "createTask" in text
    assert "payload.metadata.sourceUrl: Field required" in text
    assert "payload.priorty: Extra inputs are not permitted" in text


@respx.mock
def test_payload_as_dict_or_model_sends_wire_names_only_for_set_fields() -> None:
    route = respx.put(f"{ROOT}/api/queue/v1/task/abc").respond(json={"taskId": "abc", "runs": []})
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    model = Request(created=when, metadata=Metadata(owner="me", source_url="https://x"))
    as_dict = {
        "created": "2026-01-02T03:04:05Z",
        "metadata": {"owner": "me", "sourceUrl": "https://x"},
    }
    with Queue(ROOT) as queue:
        for payload in (model, as_dict):
            result = queue._call(ENDPOINT, {"taskId": "abc"}, payload=payload)
            assert isinstance(result, Status)
            sent = route.calls.last.request.content
            assert (
                sent
                == b'{"created":"2026-01-02T03:04:05Z","metadata":{"owner":"me","sourceUrl":"https://x"}}'
            )


def test_reply_keeps_unknown_fields_and_unknown_literal_values() -> None:
    data = {
        "taskId": "abc",
        "newField": {"x": 1},
        "runs": [
            {"state": "completed", "reasonCreated": "scheduled"},
            {"state": "paused-by-a-newer-server", "reasonCreated": "rerun", "extra": True},
        ],
    }
    status = ENDPOINT.decode_output(data, "https://x")
    assert status.task_id == "abc"
    assert status.model_extra == {"newField": {"x": 1}}
    assert status.runs[0].state == "completed"
    new_state: str = status.runs[1].state
    assert new_state == "paused-by-a-newer-server"
    new_reason: str = status.runs[1].reason_created
    assert new_reason == "rerun"
    assert status.model_dump(by_alias=True)["runs"][1] == {
        "state": "paused-by-a-newer-server",
        "reasonCreated": "rerun",
        "extra": True,
    }


def test_reply_with_wrong_types_is_a_response_validation_error() -> None:
    with pytest.raises(tce.ResponseValidationError) as info:
        ENDPOINT.decode_output({"taskId": 5, "runs": []}, "https://x?bewit=abc")
    assert "reply.taskId" in str(info.value)
    assert info.value.body == {"taskId": 5, "runs": []}
    assert "bewit=REDACTED" in str(info.value)


def test_deprecated_endpoints_warn() -> None:
    old: Endpoint[None] = Endpoint(
        service="queue", name="old", method="get", route="/old", stability="deprecated"
    )
    with pytest.warns(DeprecationWarning, match="queue.old is deprecated"):
        old.warn_if_deprecated()


def test_deprecation_warnings_point_at_the_caller() -> None:
    import warnings

    import taskcluster_typed

    with respx.mock() as mock:
        mock.get(f"{ROOT}/api/queue/v1/provisioners/p").respond(
            json={"provisionerId": "p", "stability": "stable", "description": "", "expires":
                  "2026-01-01T00:00:00Z", "lastDateActive": "2026-01-01T00:00:00Z", "actions": []}
        )  # fmt: skip
        with taskcluster_typed.Queue(ROOT) as queue, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            queue.get_provisioner("p")  # deprecated in the v106 reference
    assert [(w.category, w.filename) for w in caught] == [(DeprecationWarning, __file__)]
