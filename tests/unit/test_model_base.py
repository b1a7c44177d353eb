"""Instances share their set of given names until assigned to or copied (pins pydantic)."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest

from taskcluster_typed._model_base import SharedNames
from taskcluster_typed.models.queue import TaskMetadata, TaskStatusResponse
from taskcluster_typed.services import queue as queue_module

STATUS: dict[str, Any] = {
    "status": {
        "taskId": "00000001QaC0123456789A",
        "provisionerId": "p",
        "workerType": "w",
        "taskQueueId": "p/w",
        "schedulerId": "s",
        "projectId": "none",
        "taskGroupId": "00000001QaC0123456789A",
        "deadline": "2026-03-05T05:06:07.123Z",
        "expires": "2027-03-04T05:06:07.123Z",
        "retriesLeft": 5,
        "state": "pending",
        "runs": [],
        "newField": 1,
    }
}


def _two() -> tuple[TaskStatusResponse, TaskStatusResponse]:
    endpoint = queue_module._STATUS  # pyright: ignore[reportPrivateUsage]
    return (
        endpoint.decode_json(json.dumps(STATUS).encode(), "u"),
        endpoint.decode_output(copy.deepcopy(STATUS), "u"),
    )


def test_validated_instances_with_the_same_names_share_one_frozen_set() -> None:
    # Relies on pydantic setting `__pydantic_fields_set__` before calling `model_post_init`
    # on validation, for JSON and Python input alike: this fails if pydantic changes that.
    a, b = _two()
    assert type(a.status.model_fields_set) is SharedNames
    assert a.status.model_fields_set is b.status.model_fields_set
    assert "task_id" in a.status.model_fields_set
    assert "newField" in a.status.model_fields_set
    assert a.model_fields_set is b.model_fields_set


def test_assignment_gives_the_instance_its_own_set() -> None:
    a, b = _two()
    a.status.priority = "high"
    assert type(a.status.model_fields_set) is set
    assert "priority" in a.status.model_fields_set
    assert "priority" not in b.status.model_fields_set
    assert a.status.priority == "high"
    dumped = a.status.model_dump(by_alias=True, exclude_unset=True)
    assert dumped["priority"] == "high"
    assert "priority" not in b.status.model_dump(by_alias=True, exclude_unset=True)


def test_copies_with_updates_track_their_own_names() -> None:
    a, b = _two()
    for copied in (
        a.status.model_copy(update={"priority": "low"}),
        a.status.model_copy(update={"priority": "low"}, deep=True),
    ):
        assert "priority" in copied.model_fields_set
        assert "priority" not in a.status.model_fields_set
        assert "priority" not in b.status.model_fields_set
    assert copy.copy(a) == a
    assert copy.deepcopy(a) == a
    assert pickle.loads(pickle.dumps(a)) == a


def test_constructed_and_exclude_unset_behave_as_before() -> None:
    metadata = TaskMetadata(name="n", description="d", owner="o@example.com", source="https://s")
    assert metadata.model_fields_set == {"name", "description", "owner", "source"}
    assert set(metadata.model_dump(exclude_unset=True)) == {
        "name",
        "description",
        "owner",
        "source",
    }


def test_a_shared_set_refuses_in_place_changes() -> None:
    a, b = _two()
    shared = a.status.model_fields_set
    with pytest.raises(TypeError, match="read-only"):
        shared.add("x")
    with pytest.raises(TypeError, match="read-only"):
        shared.discard("task_id")
    with pytest.raises(TypeError, match="read-only"):
        shared.clear()
    assert "x" not in b.status.model_fields_set
    assert "task_id" in b.status.model_fields_set
