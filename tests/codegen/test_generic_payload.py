"""The generic-payload edit of dcg's output, and the strict payload scalars."""

from __future__ import annotations

import pytest

from codegen.generic_payload import make_generic, split_field
from codegen.models import GenerationError
from codegen.preprocess import strict_payload_scalars
from codegen.schema_tree import SchemaSet

SOURCE = '''from __future__ import annotations

from typing import Any

from taskcluster_typed._core.model_base import TaskclusterModel


class CreateTaskRequest(TaskclusterModel):
    """A task."""

    payload: dict[str, Any]
    """The payload."""
    retries: int = 5


class Other(TaskclusterModel):
    payload: dict[str, Any]
'''


def test_make_generic_edits_the_class_and_its_field_only() -> None:
    result = make_generic(SOURCE, "CreateTaskRequest", "payload")
    assert "class CreateTaskRequest(TaskclusterModel, Generic[PayloadT]):" in result
    assert '    payload: PayloadT\n    """The payload."""' in result
    assert "class Other(TaskclusterModel):\n    payload: dict[str, Any]" in result
    assert "from taskcluster_typed._core.payload_type import PayloadT" in result
    compile(result, "x.py", "exec")


def test_make_generic_fails_when_dcg_output_changed() -> None:
    with pytest.raises(GenerationError, match="matched 0 times"):
        make_generic(SOURCE, "CreateTaskRequest", "payloads")
    with pytest.raises(GenerationError, match="class Missing"):
        make_generic(SOURCE, "Missing", "payload")


def test_split_field_takes_root_properties_only() -> None:
    assert split_field("queue/v1/x.json#/properties/payload") == ("queue/v1/x.json#", "payload")
    with pytest.raises(GenerationError):
        split_field("queue/v1/x.json#/definitions/a/properties/payload")


def test_strict_payload_scalars_marks_numbers_and_booleans() -> None:
    schemas: SchemaSet = {
        "w/payload.json": {
            "type": "object",
            "properties": {
                "maxRunTime": {"type": "integer"},
                "privileged": {"type": "boolean"},
                "image": {"type": "string"},
                "nested": {"type": "object", "properties": {"n": {"type": "number"}}},
            },
        },
        "q/other.json": {"type": "object", "properties": {"n": {"type": "integer"}}},
    }
    rewrites = strict_payload_scalars(schemas, ["w/payload.json"])
    props = schemas["w/payload.json"]["properties"]
    assert props["maxRunTime"]["strict"] is True
    assert props["privileged"]["strict"] is True
    assert props["nested"]["properties"]["n"]["strict"] is True
    assert "strict" not in props["image"]
    assert "strict" not in schemas["q/other.json"]["properties"]["n"]
    assert len(rewrites) == 3
