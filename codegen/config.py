"""Generator settings, name overrides and schema patches, read from ``[tool.codegen]``.

Everything the generator needs to know beyond the pinned references lives in
``pyproject.toml`` as data, so a reviewer sees every deliberate deviation from the published
schemas in one place.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PYPROJECT = REPO_ROOT / "pyproject.toml"


class SchemaPatch(BaseModel):
    """Replace the value at ``target`` (``<svc>/v1/<file>.json#/json/pointer``).

    The value is given either as TOML (``value``) or, when it needs ``null``, as JSON text
    (``value_json``). The pointer must exist, so a patch made stale by an upstream fix fails
    loudly instead of silently doing nothing.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: str
    reason: str
    value: Any = None
    value_json: str | None = None

    @model_validator(mode="after")
    def _exactly_one_value(self) -> SchemaPatch:
        has_value = "value" in self.model_fields_set
        if has_value == (self.value_json is not None):
            raise ValueError(f"schema patch {self.target!r}: give exactly one of value/value_json")
        if "#" not in self.target:
            raise ValueError(f"schema patch {self.target!r}: target needs a '#/pointer' part")
        return self

    def replacement(self) -> Any:
        if self.value_json is not None:
            return json.loads(self.value_json)
        return self.value


class Config(BaseModel):
    """The ``[tool.codegen]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    references_dir: str = "references"
    package_dir: str = "src/taskcluster_typed"
    # Top-level directories under references/schemas/ that are not fed to the model generator.
    exclude_schema_dirs: tuple[str, ...] = ("common",)
    # Schemas a deployment serves that no reference or schema points at; fetched by name when
    # pinning from a live deployment (a deployment has no schema index).
    extra_schemas: tuple[str, ...] = ()
    # Property names whose values are secrets: their fields get ``repr=False``.
    secret_properties: tuple[str, ...] = ()
    # "<svc>/v1/<file>.json#/pointer" -> class name, for anonymous nested schemas.
    title_overrides: dict[str, str] = Field(default_factory=dict)
    schema_patches: tuple[SchemaPatch, ...] = ()
    # Query option (wire name) -> Python type of its keyword argument; others are ``str``.
    query_types: dict[str, str] = Field(default_factory=dict)
    # Route parameters (wire names) that also accept an int (``runId``).
    int_params: tuple[str, ...] = ()
    # "<service>.<method>" whose reply is not JSON (badge, redirects): they return the `Reply`.
    raw_reply_methods: tuple[str, ...] = ()
    # "<service>.<method>" -> the JSON property holding the items of a paginated method's
    # pages, when the page has no single array property besides continuationToken.
    pagination_items: dict[str, str] = Field(default_factory=dict)
    # Public module under ``taskcluster_typed.payloads`` -> the worker payload schema it
    # publishes (``docker-worker/v1/payload.json``): models and TypedDicts, strict scalars.
    worker_payloads: dict[str, str] = Field(default_factory=dict)
    # Properties (``<file>#/properties/<name>``) typed by a type parameter, ``PayloadT``
    # (default ``dict[str, Any]``): the model and TypedDict holding one become generic.
    generic_payload_fields: tuple[str, ...] = ()


def read_toml(path: Path) -> dict[str, Any]:
    # The generator needs Python 3.11+ (tomllib); mypy checks the project as 3.10, the oldest
    # Python the *runtime* package supports, so the module is looked up by name.
    tomllib = importlib.import_module("tomllib")
    with path.open("rb") as f:
        data: dict[str, Any] = tomllib.load(f)
    return data


def load_config(pyproject: Path = DEFAULT_PYPROJECT) -> Config:
    table = read_toml(pyproject).get("tool", {}).get("codegen", {})
    return Config.model_validate(table)
