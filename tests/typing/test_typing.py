"""mypy --strict and pyright strict reject misuse of the API with the errors we expect.

Each file in tests/typing/fail marks the lines the type checkers must flag:
``# E: <mypy-error-code>`` for both checkers (pyright: any rule on that line),
``# E[mypy]: <code>`` for mypy only, ``# E[pyright]`` for pyright only (the two checkers
sometimes report one mistake on different lines of a multi-line expression). Any other error,
or a missing one, fails the test. Each checker runs once over all the files.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FAIL_FILES = sorted((HERE / "fail").glob("*.py"))
_EXPECTED = re.compile(r"#\s*E(?:\[(mypy|pyright)\])?:?\s*([a-z-]*)\s*$")
_REPORTED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: .*\[(?P<code>[a-z-]+)\]$")


def expected_errors(path: Path) -> set[tuple[int, str]]:
    """What mypy must report: ``(line, error code)``."""
    found = set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = _EXPECTED.search(line)
        if match and match.group(1) != "pyright" and match.group(2):
            found.add((number, match.group(2)))
    return found


def expected_pyright_lines(path: Path) -> set[int]:
    """The lines pyright must report an error on."""
    found = set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = _EXPECTED.search(line)
        if match and match.group(1) != "mypy" and (match.group(1) or match.group(2)):
            found.add(number)
    return found


def pyright_error_lines(paths: list[Path]) -> dict[str, set[int]]:
    result = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    found: dict[str, set[int]] = {}
    for diagnostic in json.loads(result.stdout)["generalDiagnostics"]:
        if diagnostic["severity"] == "error":
            name = Path(diagnostic["file"]).name
            found.setdefault(name, set()).add(diagnostic["range"]["start"]["line"] + 1)
    return found


def reported_errors(paths: list[Path]) -> dict[str, set[tuple[int, str]]]:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--show-error-codes",
         "--hide-error-context", "--enable-error-code", "deprecated", *map(str, paths)],
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


@pytest.fixture(scope="module")
def pyright_reported() -> dict[str, set[int]]:
    return pyright_error_lines(FAIL_FILES)


@pytest.mark.parametrize("path", FAIL_FILES, ids=lambda p: p.name)
def test_pyright_reports_exactly_the_marked_lines(
    path: Path, pyright_reported: dict[str, set[int]]
) -> None:
    expected = expected_pyright_lines(path)
    assert expected, f"{path.name} marks no expected errors"
    assert pyright_reported.get(path.name, set()) == expected


@pytest.mark.parametrize("path", FAIL_FILES, ids=lambda p: p.name)
def test_mypy_reports_exactly_the_marked_errors(
    path: Path, reported: dict[str, set[tuple[int, str]]]
) -> None:
    expected = expected_errors(path)
    assert expected, f"{path.name} marks no expected errors"
    assert reported.get(path.name, set()) == expected
