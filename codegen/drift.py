"""The drift check: regenerate into a temporary directory and compare byte for byte."""

from __future__ import annotations

import filecmp
import tempfile
from collections.abc import Iterator
from pathlib import Path

from codegen.config import Config
from codegen.generate import GENERATED_PATHS, generate


def _files(root: Path, relative: str) -> Iterator[str]:
    top = root / relative
    if top.is_file():
        yield relative
    elif top.is_dir():
        for path in sorted(top.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                yield path.relative_to(root).as_posix()


def differences(committed: Path, fresh: Path) -> list[str]:
    """Paths (relative to the package) that differ, are missing, or are extra."""
    problems = []
    for relative in GENERATED_PATHS:
        ours = set(_files(committed, relative))
        theirs = set(_files(fresh, relative))
        problems += [f"missing: {p}" for p in sorted(theirs - ours)]
        problems += [f"not generated: {p}" for p in sorted(ours - theirs)]
        for path in sorted(ours & theirs):
            if not filecmp.cmp(committed / path, fresh / path, shallow=False):
                problems.append(f"differs: {path}")
    return problems


def check(refs_dir: Path, package_dir: Path, config: Config, pyproject: Path) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="tc-drift-") as tmp:
        fresh = Path(tmp) / package_dir.name
        fresh.mkdir()
        generate(refs_dir, fresh, config=config, pyproject=pyproject)
        return differences(package_dir, fresh)
