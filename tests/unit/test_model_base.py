"""Validated models keep pydantic's own bookkeeping: one `model_fields_set` per instance."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path
from typing import Any

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
PACKAGE = Path(queue_module.__file__).resolve().parents[1]


def _two() -> tuple[TaskStatusResponse, TaskStatusResponse]:
    endpoint = queue_module._STATUS  # pyright: ignore[reportPrivateUsage]
    return (
        endpoint.decode_json(json.dumps(STATUS).encode(), "u"),
        endpoint.decode_output(copy.deepcopy(STATUS), "u"),
    )


def test_each_validated_instance_has_its_own_set_of_given_names() -> None:
    a, b = _two()
    assert type(a.status.model_fields_set) is set
    assert a.status.model_fields_set == b.status.model_fields_set
    assert a.status.model_fields_set is not b.status.model_fields_set
    assert "task_id" in a.status.model_fields_set
    assert "newField" in a.status.model_fields_set


def test_assignment_is_tracked_on_that_instance_only() -> None:
    a, b = _two()
    a.status.priority = "high"
    assert "priority" in a.status.model_fields_set
    assert "priority" not in b.status.model_fields_set
    assert a.status.model_dump(by_alias=True, exclude_unset=True)["priority"] == "high"
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


def test_constructed_and_exclude_unset_behave_as_pydantic_does() -> None:
    metadata = TaskMetadata(name="n", description="d", owner="o@example.com", source="https://s")
    assert metadata.model_fields_set == {"name", "description", "owner", "source"}
    assert set(metadata.model_dump(exclude_unset=True)) == {
        "name",
        "description",
        "owner",
        "source",
    }


def test_the_hand_written_core_uses_no_pydantic_internals_and_no_process_global_switches() -> None:
    # A library relies on no private attribute of a dependency and has no process-global side
    # effects: no `__pydantic_*__` attribute, no switching of the garbage collector.
    core = [p for p in PACKAGE.glob("*.py") if not p.name.startswith("__init__")]
    assert core
    for path in core:
        text = path.read_text(encoding="utf-8")
        assert "__pydantic_" not in text, path.name
        for switch in ("gc.disable", "gc.enable", "gc.freeze", "gc.set_threshold"):
            assert switch not in text, (path.name, switch)
