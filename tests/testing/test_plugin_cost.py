"""The pytest plugin costs nothing until its fixture is used.

pytest loads the plugin (an entry point) in every run of every project that has this package
installed, so loading it must not import the local server, httpx or pydantic. Measured in
fresh processes: this test session has imported everything already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("httpx", "pydantic", "taskcluster_typed.testing.server", "taskcluster_typed.testing.fake")

MEASURE = """
import json, sys, time
start = time.perf_counter()
import pytest
after_pytest = time.perf_counter()
import taskcluster_typed.testing.pytest_plugin
end = time.perf_counter()
print(json.dumps({"plugin_seconds": end - after_pytest, "modules": sorted(sys.modules)}))
"""


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE], capture_output=True, text=True, check=True, timeout=60
    )
    measured = json.loads(result.stdout)
    assert [m for m in HEAVY if m in measured["modules"]] == []
    # The issue measured 0.5 to 0.8 s; what is left is the package's two lazy __init__s.
    assert measured["plugin_seconds"] < 0.1, measured["plugin_seconds"]


def test_a_session_that_does_not_use_the_fixture_pays_nothing(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text(
        "import sys\n\n"
        "def test_plain():\n"
        f"    assert [m for m in {HEAVY!r} if m in sys.modules] == []\n"
    )
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    plugin = ["-p", "taskcluster_typed.testing.pytest_plugin"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin, "test_plain.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_the_testing_package_still_gives_its_names() -> None:
    import taskcluster_typed.testing as testing

    assert testing.LocalTaskcluster.__name__ == "LocalTaskcluster"
    assert testing.Fake.__name__ == "Fake"
    assert set(testing.__all__) <= set(dir(testing))
