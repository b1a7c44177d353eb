"""Shared fixtures: the pinned references, and one generated tree for the whole session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from codegen.config import REPO_ROOT, Config, load_config
from codegen.generate import generate_models
from codegen.model_index import ModelIndex

REFERENCES = REPO_ROOT / "references"
BUNDLE = REPO_ROOT.parent / "shared" / "taskcluster-references" / "references.json"


@dataclass(frozen=True)
class Generated:
    index: ModelIndex
    package_dir: Path  # <tmp>/src/taskcluster_typed


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config()


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory, config: Config) -> Generated:
    """One full generation (about 4 s) shared by every test that needs it."""
    package_dir = tmp_path_factory.mktemp("generated") / "src" / "taskcluster_typed"
    index = generate_models(REFERENCES, package_dir, config=config)
    return Generated(index=index, package_dir=package_dir)


@pytest.fixture(scope="session")
def bundle_path() -> Path:
    if not BUNDLE.is_file():
        pytest.skip(f"no reference bundle at {BUNDLE}")
    return BUNDLE
