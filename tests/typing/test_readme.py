"""The README's Python examples type-check under mypy --strict, as users will paste them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import typecheck

ROOT = Path(__file__).resolve().parents[2]
_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


README_EXAMPLES = [
    typecheck.snippet(f"readme_example_{number}", block)
    for number, block in enumerate(_BLOCK.findall((ROOT / "README.md").read_text()))
]


def test_the_readme_has_python_examples() -> None:
    assert README_EXAMPLES, "the README has no python example"


@pytest.mark.parametrize("name", README_EXAMPLES)
def test_readme_examples_type_check(name: str, type_checked: typecheck.TypeChecks) -> None:
    assert [str(e) for e in type_checked.mypy_errors(name)] == []


def test_readme_pytest_example_passes(tmp_path: Path) -> None:
    """The five-line test the README shows runs and passes with the registered fixture."""
    blocks = [b for b in _BLOCK.findall((ROOT / "README.md").read_text()) if "def test_" in b]
    assert len(blocks) == 1, "the README shows one pytest test"
    path = tmp_path / "test_readme_fixture.py"
    path.write_text(blocks[0])
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
