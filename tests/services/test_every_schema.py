"""Every schema's model validates an example instance and dumps it back identically.

Examples come from tests/support/examples.py (every property set; one per top-level
oneOf/anyOf branch). Dumps are compared by alias, date-times by instant.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pydantic
import pytest

from codegen.config import load_config
from codegen.naming import pascal_case
from tests.support.examples import SCHEMAS, branches, build, load
from tests.support.normalize import normalize

# Root arrays that datamodel-code-generator collapses into their users: no model of their own.
COLLAPSED = {
    "hooks/v1/bindings.json",
    "hooks/v1/schedule.json",
    "purge-cache/v1/purge-cache-requests.json",
}


def schema_files() -> list[str]:
    return sorted(
        p.relative_to(SCHEMAS).as_posix()
        for p in SCHEMAS.rglob("*.json")
        if p.parts[len(SCHEMAS.parts)] != "common"
    )


TITLE_OVERRIDES = load_config().title_overrides


def root_type(path: str) -> Any:
    """The root model of a schema: named after its file, or its title override."""
    stem = path.removesuffix(".json")
    module = "taskcluster_typed._models." + ".".join(
        part.replace("-", "_").replace(".", "_") for part in stem.split("/")
    )
    try:
        name = TITLE_OVERRIDES.get(f"{path}#", pascal_case(Path(stem).name))
        return getattr(importlib.import_module(module), name, None)
    except ModuleNotFoundError:
        return None


CASES = [
    pytest.param(path, branch, id=f"{path}#{branch}")
    for path in schema_files()
    for branch in range(branches(*path.split("/", 1)) if "/v1/" in path else 1)
]


def test_there_is_a_case_for_every_schema() -> None:
    assert len(schema_files()) == 191


@pytest.mark.parametrize(("path", "branch"), CASES)
def test_model_round_trips_an_example(path: str, branch: int) -> None:
    model = root_type(path)
    if path in COLLAPSED:
        assert model is None, f"{path} now has a model: test it"
        return
    assert model is not None, f"no root type for {path}"
    instance = build(path, load(path), branch=branch)
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(model)
    parsed = adapter.validate_python(instance)
    dumped = adapter.dump_python(parsed, mode="json", by_alias=True, exclude_unset=True)
    assert normalize(dumped) == normalize(instance)
    again = adapter.validate_json(adapter.dump_json(parsed, by_alias=True, exclude_unset=True))
    assert adapter.dump_python(again, mode="json", by_alias=True, exclude_unset=True) == dumped
