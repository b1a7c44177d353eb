"""`make demo` runs examples/demo.py against a local Taskcluster: it must work on a fresh
checkout and show each step."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.py"


def test_demo_runs_the_examples_against_a_local_taskcluster() -> None:
    result = subprocess.run(
        [sys.executable, str(DEMO)], capture_output=True, text=True, timeout=120, check=True
    )
    out = result.stdout
    assert "local Taskcluster at http://127.0.0.1:" in out
    assert "created build" in out and "unscheduled (waits for build)" in out
    assert "worker: build run 0 -> completed" in out
    assert "status: pending, unscheduled, unscheduled, unscheduled" in out
    assert out.count("  pulse: completed ") == 4
    assert "all states: completed, completed, completed, completed" in out
    # two pages of two (the queue lists a group in task id order: random names on each page)
    assert out.count("  page 1: ") == 2 and out.count("  page 2: ") == 2
    assert "contents: 'build: ok'" in out
    assert "status with temporary credentials: completed (issued 1)" in out
    assert "the queue has it: nightly main" in out
    assert "removed both; db is now None" in out
    assert "secrets left behind: []" in out
    assert "401 AuthenticationFailed" in out
    assert "access_token=<redacted>" in out
    assert "temporary credentials read it: {'token': 's3cr3t'}" in out
    assert "cannot delete it: 403 InsufficientScopes" in out
    assert "?bewit=... -> {'token': 's3cr3t'}" in out
    assert "refused before sending: set: invalid input" in out
    assert result.stderr == ""
