"""Replies decoded in one pass (`Endpoint.decode_json`) equal the lenient two-pass decoding."""

from __future__ import annotations

import copy
import gc
import json
from typing import Any

import pytest

from taskcluster_typed._core import errors as tce
from taskcluster_typed._core.endpoint import Endpoint
from taskcluster_typed.services import queue as queue_module

URL = "https://tc.example.com/api/queue/v1/task-group/g/list"
ENDPOINT: Endpoint[Any] = queue_module._LIST_TASK_GROUP  # pyright: ignore[reportPrivateUsage]


def _status(task_id: str, state: str) -> dict[str, Any]:
    return {
        "taskId": task_id,
        "provisionerId": "gecko-3",
        "workerType": "b-linux-gcp",
        "taskQueueId": "gecko-3/b-linux-gcp",
        "schedulerId": "gecko-level-3",
        "projectId": "gecko",
        "taskGroupId": "fG8kt8rKQ0ymPbAm4DZ_ow",
        "deadline": "2026-03-05T05:06:07.123Z",
        "expires": "2027-03-04T05:06:07.123Z",
        "priority": "low",
        "retriesLeft": 5,
        "state": state,
        "runs": [
            {
                "runId": 0,
                "state": state,
                "reasonCreated": "scheduled",
                "workerGroup": "us-central1-b",
                "workerId": "123",
                "takenUntil": "2026-03-04T05:06:07.123Z",
                "scheduled": "2026-03-04T05:06:07.123Z",
                "started": "2026-03-04T05:06:07+01:00",
                "resolved": "2026-03-04T05:06:07.123Z",
                "addedByANewerServer": {"nested": [1, 2.5, None]},
            }
        ],
    }


def _task(index: int, state: str = "completed") -> dict[str, Any]:
    task_id = f"{index:08d}QaC0123456789A"
    return {
        "status": _status(task_id, state),
        "task": {
            "provisionerId": "gecko-3",
            "workerType": "b-linux-gcp",
            "taskQueueId": "gecko-3/b-linux-gcp",
            "schedulerId": "gecko-level-3",
            "projectId": "gecko",
            "taskGroupId": "fG8kt8rKQ0ymPbAm4DZ_ow",
            "dependencies": [],
            "requires": "all-completed",
            "routes": ["index.a.b", "checks"],
            "priority": "low",
            "retries": 5,
            "created": "2026-03-04T05:06:07.123Z",
            "deadline": "2026-03-05T05:06:07.123Z",
            "expires": "2027-03-04T05:06:07.123Z",
            "scopes": ["queue:get-artifact:project/gecko/*"],
            "payload": {"image": "ubuntu", "command": ["true"], "maxRunTime": 600},
            "metadata": {
                "name": f"build {index}",
                "description": "a build",
                "owner": "ci@example.com",
                "source": "https://example.com/src",
            },
            "tags": {"kind": "build"},
            "extra": {"treeherder": {"symbol": "B"}},
            "aFieldFromTheFuture": {"deep": True},
        },
        "aPerTaskExtra": "kept",
    }


def _page(tasks: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "taskGroupId": "fG8kt8rKQ0ymPbAm4DZ_ow",
        "schedulerId": "gecko-level-3",
        "expires": "2027-03-04T05:06:07.123Z",
        "tasks": tasks,
        "continuationToken": "next",
        "anUnknownTopLevelField": 7,
    }


def _both(data: dict[str, Any]) -> tuple[Any, Any]:
    body = json.dumps(data).encode()
    return ENDPOINT.decode_json(body, URL), ENDPOINT.decode_output(copy.deepcopy(data), URL)


def test_one_pass_equals_lenient_path_with_extra_fields_and_date_times() -> None:
    fast, lenient = _both(_page([_task(i) for i in range(20)]))
    assert fast == lenient
    assert fast.model_dump(mode="json") == lenient.model_dump(mode="json")
    task = fast.tasks[0]
    assert task.model_extra == {"aPerTaskExtra": "kept"}
    assert task.task.model_extra == {"aFieldFromTheFuture": {"deep": True}}
    assert task.status.runs[0].started.utcoffset() is not None
    assert fast.model_extra == {"anUnknownTopLevelField": 7}


def test_unknown_enum_value_falls_back_to_the_lenient_path_and_is_kept() -> None:
    fast, lenient = _both(_page([_task(0), _task(1, state="a-state-from-the-future")]))
    assert fast == lenient
    assert fast.tasks[1].status.state == "a-state-from-the-future"
    assert fast.tasks[0].status.state == "completed"


def test_invalid_reply_raises_the_same_error_as_the_lenient_path() -> None:
    data = _page([_task(0)])
    data["tasks"][0]["status"]["retriesLeft"] = "many"
    body = json.dumps(data).encode()
    with pytest.raises(tce.ResponseValidationError) as fast:
        ENDPOINT.decode_json(body, URL)
    with pytest.raises(tce.ResponseValidationError) as lenient:
        ENDPOINT.decode_output(data, URL)
    assert str(fast.value) == str(lenient.value)


def test_decoding_leaves_the_garbage_collector_alone() -> None:
    # The library has no process-global side effects: the collector stays as the caller set it,
    # on the one-pass and the lenient path, for small and large replies alike.
    seen: list[bool] = []

    class Spy(Endpoint[Any]):
        __slots__ = ()

        def decode_output(self, data: Any, url: str) -> Any:
            seen.append(gc.isenabled())
            return super().decode_output(data, url)

    spy: Endpoint[Any] = Spy(
        service="queue",
        name="listTaskGroup",
        method="GET",
        route="/task-group/<taskGroupId>/list",
        output_type=ENDPOINT.output_type,
    )
    small = json.dumps(_page([_task(0, state="new-state")])).encode()
    large_data = _page([_task(i, state="new-state") for i in range(60)])
    large = json.dumps(large_data).encode()
    assert len(large) >= 64 * 1024
    assert gc.isenabled()
    spy.decode_json(small, URL)
    spy.decode_json(large, URL)
    assert seen == [True, True]
    assert gc.isenabled()
    gc.disable()
    try:
        spy.decode_json(large, URL)
        assert seen[-1] is False
        assert not gc.isenabled()
    finally:
        gc.enable()
    large_data["tasks"][0]["status"]["retriesLeft"] = "many"
    with pytest.raises(tce.ResponseValidationError):
        spy.decode_json(json.dumps(large_data).encode(), URL)
    assert gc.isenabled()
