"""The README's Python examples type-check under mypy --strict, as users will paste them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def test_readme_examples_type_check(tmp_path: Path) -> None:
    blocks = _BLOCK.findall((ROOT / "README.md").read_text())
    assert blocks, "the README has no python example"
    for number, block in enumerate(blocks):
        path = tmp_path / f"readme_example_{number}.py"
        path.write_text(block)
        result = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


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
