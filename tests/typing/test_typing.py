"""mypy --strict and pyright strict reject misuse of the API with the errors we expect.

Each file in tests/typing/fail marks the lines the type checkers must flag:
``# E: <mypy-error-code>`` for both checkers (pyright: any rule on that line),
``# E[mypy]: <code>`` for mypy only, ``# E[pyright]`` for pyright only (the two checkers
sometimes report one mistake on different lines of a multi-line expression). Any other error,
or a missing one, fails the test. Each checker runs once per session over these files and
every other test's snippets (tests/support/typecheck.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import typecheck

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FAIL_FILES = sorted((HERE / "fail").glob("*.py"))
_EXPECTED = re.compile(r"#\s*E(?:\[(mypy|pyright)\])?:?\s*([a-z-]*)\s*$")


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


for _path in FAIL_FILES:
    typecheck.existing_file(_path, pyright=True)


@pytest.mark.parametrize("path", FAIL_FILES, ids=lambda p: p.name)
def test_pyright_reports_exactly_the_marked_lines(
    path: Path, type_checked: typecheck.TypeChecks
) -> None:
    expected = expected_pyright_lines(path)
    assert expected, f"{path.name} marks no expected errors"
    assert type_checked.pyright_error_lines(path.stem) == expected


@pytest.mark.parametrize("path", FAIL_FILES, ids=lambda p: p.name)
def test_mypy_reports_exactly_the_marked_errors(
    path: Path, type_checked: typecheck.TypeChecks
) -> None:
    expected = expected_errors(path)
    assert expected, f"{path.name} marks no expected errors"
    errors = type_checked.mypy_errors(path.stem)
    assert {(e.line, e.code or "") for e in errors} == expected, [str(e) for e in errors]
