"""docs/pulse.md: its Python examples type-check under mypy --strict, and its test passes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import typecheck

ROOT = Path(__file__).resolve().parents[2]
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "pulse.md").read_text(), re.S)


EXAMPLES = [typecheck.snippet(f"pulse_doc_{n}", block) for n, block in enumerate(BLOCKS)]


def test_the_page_has_its_examples() -> None:
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_examples_type_check(name: str, type_checked: typecheck.TypeChecks) -> None:
    assert [str(e) for e in type_checked.mypy_errors(name)] == []


def test_the_fake_consumer_example_passes(tmp_path: Path) -> None:
    (block,) = [b for b in BLOCKS if "def test_" in b]
    path = tmp_path / "test_pulse_doc.py"
    path.write_text(block)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
