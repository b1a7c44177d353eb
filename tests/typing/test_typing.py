"""mypy --strict rejects misuse of the generated API with the errors we expect, line by line.

Each file in tests/typing/fail marks the lines mypy must flag with ``# E: <error-code>``; any
other error, or a missing one, fails the test.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FAIL_FILES = sorted((HERE / "fail").glob("*.py"))
_EXPECTED = re.compile(r"#\s*E:\s*([a-z-]+)\s*$")
_REPORTED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: .*\[(?P<code>[a-z-]+)\]$")


def expected_errors(path: Path) -> set[tuple[int, str]]:
    found = set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = _EXPECTED.search(line)
        if match:
            found.add((number, match.group(1)))
    return found


def reported_errors(paths: list[Path]) -> dict[str, set[tuple[int, str]]]:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--show-error-codes",
         "--hide-error-context", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    found: dict[str, set[tuple[int, str]]] = {}
    for line in result.stdout.splitlines():
        match = _REPORTED.match(line)
        if match:
            name = Path(match["file"]).name
            found.setdefault(name, set()).add((int(match["line"]), match["code"]))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return found


@pytest.fixture(scope="module")
def reported() -> dict[str, set[tuple[int, str]]]:
    return reported_errors(FAIL_FILES)


@pytest.mark.parametrize("path", FAIL_FILES, ids=lambda p: p.name)
def test_mypy_reports_exactly_the_marked_errors(
    path: Path, reported: dict[str, set[tuple[int, str]]]
) -> None:
    expected = expected_errors(path)
    assert expected, f"{path.name} marks no expected errors"
    assert reported.get(path.name, set()) == expected
