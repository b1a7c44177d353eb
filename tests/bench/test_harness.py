"""The bench's own arithmetic: ratios paired per repetition, verdicts, the services' CPU."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.harness import Comparison
from bench.real import services_cpu


def test_a_ratio_is_the_median_of_the_pairs_and_the_worst_pair_is_checked() -> None:
    comparison = Comparison(
        "listing",
        0.0,
        0.0,
        "time",
        1.0,
        ours_runs=[1.0, 1.3, 0.9],
        reference_runs=[1.0, 1.0, 1.0],
        worst_target=1.2,
    )
    assert comparison.pairs == [1.0, 1.3, 0.9]
    assert comparison.value == 1.0
    assert comparison.worst == 1.3
    assert comparison.verdict == "**missed** (worst pair 1.30×)"
    assert "(0.90–1.30, 3 pairs)" in comparison.row()[3]


def test_a_speedup_is_reference_over_ours_and_must_reach_the_target() -> None:
    comparison = Comparison(
        "status",
        0.0,
        0.0,
        "time",
        4.0,
        speedup=True,
        ours_runs=[1.0, 1.0, 1.0],
        reference_runs=[4.5, 3.5, 4.2],
    )
    assert comparison.value == pytest.approx(4.2)
    assert comparison.worst == pytest.approx(3.5)
    assert comparison.verdict == "met"
    comparison.target = 4.5
    assert comparison.verdict == "**missed** (4.20×)"


def test_services_cpu_counts_the_descendants_of_the_recorded_pids(tmp_path: Path) -> None:
    # A parent recorded in a pid file; its child sleeps, then burns 0.5 s of CPU: counted.
    burn = (
        "import time\ntime.sleep(1)\nt = time.process_time()\n"
        "while time.process_time() - t < 0.5: pass\ntime.sleep(30)"
    )
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import subprocess, sys; subprocess.run([sys.executable, '-c', {burn!r}])",
        ],
        start_new_session=True,  # its own process group: both are stopped by its id below
    )
    try:
        (tmp_path / "parent.pid").write_text(f"{parent.pid} 0\n")
        (tmp_path / "stale.pid").write_text("not a pid\n")
        before = services_cpu(tmp_path)
        deadline = time.monotonic() + 30
        while services_cpu(tmp_path) - before < 0.4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert services_cpu(tmp_path) - before >= 0.4
        assert services_cpu(tmp_path / "empty") == 0.0
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()
