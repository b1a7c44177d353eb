"""The ``Literal[...] | UnknownValue`` edit of the generated models."""

from __future__ import annotations

from codegen.open_enums import open_enums

MODEL = """from __future__ import annotations

from typing import Literal

from taskcluster_typed._core.model_base import TaskclusterModel, UtcDatetime


class Run(TaskclusterModel):
    state: Literal["pending", "running"]
    reason: (
        Literal[
            "a-very-long-reason",
            "another]one",
        ]
        | None
    ) = None
    storage_type: Literal["s3"] = "s3"
    tags: list[Literal['x', 'y']] = []
"""


def test_enums_of_two_or_more_values_admit_unknown_values() -> None:
    result = open_enums(MODEL)
    assert 'state: Literal["pending", "running"] | UnknownValue' in result
    assert '"another]one",\n        ] | UnknownValue\n        | None' in result
    assert "tags: list[Literal['x', 'y'] | UnknownValue]" in result
    assert 'storage_type: Literal["s3"] = "s3"' in result  # a tag: left alone
    assert "import TaskclusterModel, UnknownValue, UtcDatetime" in result
    compile(result, "m.py", "exec")


def test_a_module_without_enums_is_unchanged() -> None:
    source = 'from typing import Literal\n\nX = Literal["only"]\n'
    assert open_enums(source) is source
