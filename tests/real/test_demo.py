"""`make demo REAL=1`: the examples' story (examples/demo.py --real) against the real services."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import RealTaskcluster

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.py"


def test_demo_runs_the_examples_against_the_real_services(real: RealTaskcluster) -> None:
    env = {
        **os.environ,
        "TASKCLUSTER_ROOT_URL": real.root_url,
        "TASKCLUSTER_CLIENT_ID": real.credentials.client_id,
        "TASKCLUSTER_ACCESS_TOKEN": real.credentials.access_token,
        "PULSE_URL": real.pulse_url,
    }
    result = subprocess.run(
        [sys.executable, str(DEMO), "--real"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=env,
    )
    out = result.stdout
    assert f"real Taskcluster at {real.root_url}, as demo/client-" in out
    assert "status: pending, unscheduled, unscheduled, unscheduled" in out
    assert "listens on the real RabbitMQ" in out
    assert out.count("  pulse: completed ") == 4
    assert "all states: completed, completed, completed, completed" in out
    assert "contents: 'build: ok'" in out
    assert "401 AuthenticationFailed" in out
    assert "status with temporary credentials: completed (issued 1)" in out
    assert "the queue has it: nightly main" in out
    assert "removed both; db is now None" in out
    assert "cannot delete it: 403 InsufficientScopes" in out
    assert "?bewit=... -> {'token': 's3cr3t'}" in out
    assert "secrets left behind: []" in out
    assert real.credentials.access_token not in out + result.stderr
    assert result.stderr == ""
