"""The runtime dependencies are the ones the package imports, each documented with its reason."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "taskcluster_typed"


def runtime_dependencies() -> set[str]:
    # the [project] table's list (tomllib is Python 3.11+; the package supports 3.10)
    text = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"^dependencies = \[\n(.*?)^\]", text, re.S | re.M)
    assert block is not None
    specs = re.findall(r'^\s*"([^"]+)"', block.group(1), re.M)
    return {re.split(r"[<>=\[ ]", spec, maxsplit=1)[0].lower() for spec in specs}


def documented_dependencies() -> set[str]:
    page = (ROOT / "docs" / "getting-started.md").read_text()
    section = page.split("### Dependencies", 1)[1].split("\nExtras:", 1)[0]
    return {name.lower() for name in re.findall(r"^- `([A-Za-z0-9_.-]+)`", section, re.M)}


def test_every_runtime_dependency_is_documented_with_its_reason() -> None:
    assert runtime_dependencies() == documented_dependencies()


def test_mohawk_is_for_the_tests_only() -> None:
    assert "mohawk" not in runtime_dependencies()
    importing = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if re.search(r"^\s*(import|from) mohawk\b", path.read_text(), re.M)
    ]
    assert importing == []
