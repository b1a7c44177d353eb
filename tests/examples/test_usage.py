"""Examples that need arguments print their usage, not a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NEEDS_ARGUMENTS = [
    "fetch_artifact.py",
    "listen_completed.py",
    "rotate_credentials.py",
    "trigger_hook.py",
    "wait_for_group.py",
    "worker.py",
]
# Examples whose arguments are all optional.
OPTIONAL_ARGUMENTS = ["demo.py"]


@pytest.mark.parametrize("name", NEEDS_ARGUMENTS)
def test_usage_without_arguments(name: str) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "", "PYTHONPATH": str(EXAMPLES.parent / "src")},
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"usage: {name}")
    assert "Traceback" not in result.stderr


def test_every_example_reading_argv_is_listed() -> None:
    reading = sorted(p.name for p in EXAMPLES.glob("*.py") if "argparse" in p.read_text())
    assert reading == sorted(NEEDS_ARGUMENTS + OPTIONAL_ARGUMENTS)
    assert not [p.name for p in EXAMPLES.glob("*.py") if "sys.argv[" in p.read_text()]
