"""[tool.codegen] loading."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from codegen.config import Config, load_config


def test_project_config_lists_the_overrides(config: Config) -> None:
    assert config.references_dir == "references"
    assert config.exclude_schema_dirs == ("common",)
    assert config.title_overrides["hooks/v1/trigger-hook-response.json#/anyOf/0"] == (
        "TriggerHookTaskCreated"
    )
    assert "accessToken" in config.secret_properties
    assert "continuationToken" not in config.secret_properties
    assert config.schema_patches == ()


def test_schema_patches_and_unknown_keys(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        """
[tool.codegen]
secret_properties = ["token"]

[[tool.codegen.schema_patches]]
target = "queue/v1/task.json#/properties/x"
value = { type = "string" }
reason = "upstream says integer, server sends a string"
"""
    )
    config = load_config(pyproject)
    assert config.schema_patches[0].replacement() == {"type": "string"}
    assert config.secret_properties == ("token",)
    pyproject.write_text("[tool.codegen]\nsecret_propertys = []\n")
    with pytest.raises(ValidationError):
        load_config(pyproject)


def test_missing_table_means_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert load_config(tmp_path / "pyproject.toml") == Config()
