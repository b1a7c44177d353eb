"""Run every benchmark and write bench/RESULTS.md: ``python bench/run.py [--quick]``.

A launcher only: it puts the project root on sys.path (so ``bench`` imports as a package
when run as a script) and runs `bench.main`.
"""

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    sys.path[0] = str(root)  # not bench/ itself: its module names are not top-level names
    runpy.run_module("bench.main", run_name="__main__", alter_sys=True)
