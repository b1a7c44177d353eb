"""One mypy run and one pyright run per test session, shared by every test that type-checks.

Type checkers are slow to start (mypy loads the package's ~350 modules each time), so the tests
that check code do not run them themselves. A test module registers what it wants checked when
it is imported (`snippet` for source text, `existing_file` for a file of the repository), which
pytest does for every module before the first test runs; the session fixture `type_checked`
(tests/conftest.py) then writes every snippet into one temporary directory, runs mypy once over
all of them and pyright once over those that ask for it, and each test reads the diagnostics of
its own file (`TypeChecks.mypy`, `TypeChecks.pyright_error_lines`) and asserts on them.

mypy runs with the repository's configuration (``[tool.mypy]`` in pyproject.toml: strict,
Python 3.10, ``mypy_path = src:examples``) plus the ``deprecated`` error code, pyright with
``[tool.pyright]`` (strict), both from the repository root as ``make typecheck`` does.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+): (?P<severity>error|note): (?P<message>.*?)"
    r"(?:  \[(?P<code>[a-z-]+)\])?$"
)


@dataclass(frozen=True, slots=True)
class _Entry:
    text: str | None  # None: an existing file, checked where it is
    path: Path | None
    pyright: bool


_REGISTRY: dict[str, _Entry] = {}


def _register(name: str, entry: _Entry) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a module name")
    known = _REGISTRY.setdefault(name, entry)
    if known != entry:
        raise ValueError(f"two different snippets are registered as {name!r}")
    return name


def snippet(name: str, text: str, *, pyright: bool = False) -> str:
    """Check `text` as module `name` (unique in the session) in the shared run."""
    return _register(name, _Entry(text, None, pyright))


def existing_file(path: Path, *, pyright: bool = False) -> str:
    """Check the repository file `path` where it is, in the shared run; its name is its stem."""
    return _register(path.stem, _Entry(None, path.resolve(), pyright))


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One line of mypy's report on one file."""

    line: int
    severity: str  # "error" or "note"
    message: str
    code: str | None

    def __str__(self) -> str:
        code = f"  [{self.code}]" if self.code else ""
        return f"{self.line}: {self.severity}: {self.message}{code}"


@dataclass(frozen=True, slots=True)
class TypeChecks:
    """The diagnostics of the session's runs, by registered name."""

    _mypy: dict[str, list[Diagnostic]]
    _pyright: dict[str, set[int]]
    _checked_by_pyright: frozenset[str]

    def mypy(self, name: str) -> list[Diagnostic]:
        """mypy's errors and notes on `name`, in its order."""
        if name not in _REGISTRY:
            raise KeyError(f"{name!r} was not registered (register it at import time)")
        return self._mypy.get(name, [])

    def mypy_errors(self, name: str) -> list[Diagnostic]:
        return [d for d in self.mypy(name) if d.severity == "error"]

    def pyright_error_lines(self, name: str) -> set[int]:
        """The lines pyright reports an error on in `name` (registered with ``pyright=True``)."""
        if name not in self._checked_by_pyright:
            raise KeyError(f"{name!r} was not registered for pyright")
        return self._pyright.get(name, set())


def _write(directory: Path) -> dict[Path, str]:
    """Every registered snippet written to `directory`: the path of each name."""
    paths: dict[Path, str] = {}
    for name, entry in sorted(_REGISTRY.items()):
        if entry.path is not None:
            paths[entry.path] = name
        else:
            assert entry.text is not None
            path = directory / f"{name}.py"
            path.write_text(entry.text)
            paths[path.resolve()] = name
    return paths


def _run_mypy(paths: dict[Path, str]) -> dict[str, list[Diagnostic]]:
    command = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary"]
    command += ["--show-error-codes", "--hide-error-context", "--enable-error-code", "deprecated"]
    command += [str(path) for path in paths]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"mypy failed to run:\n{done.stdout}{done.stderr}")
    found: dict[str, list[Diagnostic]] = {}
    for line in done.stdout.splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        # By module name: mypy's cache reports an unchanged module with the path it had when
        # it was checked (a snippet directory of an earlier session).
        name = Path(match["file"]).stem
        if name not in _REGISTRY:
            raise RuntimeError(f"mypy reported on a file no test registered:\n{line}")
        found.setdefault(name, []).append(
            Diagnostic(int(match["line"]), match["severity"], match["message"], match["code"])
        )
    return found


def _run_pyright(paths: dict[Path, str]) -> dict[str, set[int]]:
    if not paths:
        return {}
    command = [sys.executable, "-m", "pyright", "--outputjson", *map(str, paths)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"pyright failed to run:\n{done.stdout}{done.stderr}")
    found: dict[str, set[int]] = {}
    for diagnostic in json.loads(done.stdout)["generalDiagnostics"]:
        if diagnostic["severity"] == "error":
            name = paths[Path(diagnostic["file"]).resolve()]
            found.setdefault(name, set()).add(diagnostic["range"]["start"]["line"] + 1)
    return found


def run_all(directory: Path) -> TypeChecks:
    """Run each checker once over everything registered so far."""
    paths = _write(directory)
    for_pyright = {path: name for path, name in paths.items() if _REGISTRY[name].pyright}
    return TypeChecks(_run_mypy(paths), _run_pyright(for_pyright), frozenset(for_pyright.values()))
