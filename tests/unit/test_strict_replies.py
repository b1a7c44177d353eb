"""`strict_replies()` and `unknown_fields()`: how the conformance suite knows a reply needed
the lenient fallback (the generated model disagrees with what the service sent)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from taskcluster_typed._core import errors as tce
from taskcluster_typed._core.endpoint import Endpoint
from taskcluster_typed._core.exchanges import MessageParseError
from taskcluster_typed._core.lenient import strict_replies, unknown_fields
from taskcluster_typed.events.queue import QueueEvents, TaskPendingMessage
from taskcluster_typed.services import queue as queue_module

URL = "https://tc.example.com/api/queue/v1/task/abc/status"
STATUS: Endpoint[Any] = queue_module._STATUS  # pyright: ignore[reportPrivateUsage]


def _reply(state: str, **run_extra: Any) -> dict[str, Any]:
    return {
        "status": {
            "taskId": "fG8kt8rKQ0ymPbAm4DZ_ow",
            "provisionerId": "p",
            "workerType": "w",
            "taskQueueId": "p/w",
            "schedulerId": "-",
            "projectId": "none",
            "taskGroupId": "fG8kt8rKQ0ymPbAm4DZ_ow",
            "deadline": "2026-03-05T05:06:07.123Z",
            "expires": "2027-03-04T05:06:07.123Z",
            "retriesLeft": 5,
            "state": state,
            "runs": [
                {
                    "runId": 0,
                    "state": state,
                    "reasonCreated": "scheduled",
                    "scheduled": "2026-03-04T05:06:07.123Z",
                    **run_extra,
                }
            ],
        }
    }


def test_an_unknown_enum_value_is_kept_outside_strict_mode() -> None:
    status = STATUS.decode_json(json.dumps(_reply("paused")).encode(), URL)
    assert status.status.state == "paused"


@pytest.mark.parametrize("decode", ["decode_json", "decode_output"])
def test_strict_mode_raises_naming_the_method_and_the_field(decode: str) -> None:
    data = _reply("paused")
    body: Any = json.dumps(data).encode() if decode == "decode_json" else data
    with strict_replies(), pytest.raises(tce.ResponseValidationError) as caught:
        getattr(STATUS, decode)(body, URL)
    assert "status" in str(caught.value)
    assert "reply.status.state" in str(caught.value)


def test_strict_mode_ends_with_the_block() -> None:
    with strict_replies():
        pass
    assert STATUS.decode_json(json.dumps(_reply("paused")).encode(), URL).status.state == "paused"


def test_strict_mode_applies_to_pulse_messages() -> None:
    events = QueueEvents()
    binding = events.task_pending()
    body = {"status": _reply("paused")["status"], "runId": 0, "version": 1}
    task = "fG8kt8rKQ0ymPbAm4DZ_ow"
    key = f"primary.{task}.0._._.p/w.-.{task}.{task}._"
    event = events.parse(binding.exchange, key, body)
    assert isinstance(event.payload, TaskPendingMessage)
    assert str(event.payload.status.state) == "paused"
    with strict_replies(), pytest.raises(MessageParseError, match=r"body\.status\.state"):
        events.parse(binding.exchange, key, body)


def test_unknown_fields_lists_undeclared_fields_of_closed_models_only() -> None:
    reply = _reply("pending", addedLater=1)
    status = STATUS.decode_json(json.dumps(reply).encode(), URL)
    assert unknown_fields(status) == ["reply.status.runs[0].addedLater"]
    assert unknown_fields([status], "replies") == ["replies[0].status.runs[0].addedLater"]
    clean = STATUS.decode_json(json.dumps(_reply("pending")).encode(), URL)
    assert unknown_fields(clean) == []
