"""`make demo` runs examples/demo.py: it must work on a fresh checkout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.py"


def test_demo_runs_a_signed_round_trip() -> None:
    result = subprocess.run(
        [sys.executable, str(DEMO)], capture_output=True, text=True, timeout=60, check=True
    )
    out = result.stdout
    assert "created task" in out and "state=pending" in out
    assert "run 0 pending (scheduled)" in out
    assert "refused before sending: createTask: invalid input" in out
    assert "wrong token: status: 401 AuthenticationFailed" in out
    assert "access_token=<redacted>" in out
    assert "demo-access-token" not in out + result.stderr
    assert result.stderr == ""
