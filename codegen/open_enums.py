"""Enum fields are typed with the values a newer server may send: ``Literal[...] | UnknownValue``.

Replies are decoded leniently (``lenient.py``): a value outside an enum, which a newer server
may send, is kept, as an `UnknownValue` (a ``str``). So that the types say so, and an
exhaustive ``match`` on ``task.status.state`` must handle it (``case UnknownValue():``), every
enum of two or more values in the generated models becomes ``Literal[...] | UnknownValue``.
Single values (``const``, the tags of discriminated unions) are left alone: a tag the package
does not know is a branch it does not know, not a value it keeps. Request dicts (the
TypedDicts) keep the plain ``Literal``: an unknown value there is the user's mistake.
"""

from __future__ import annotations

import re
from pathlib import Path

from codegen.models import GenerationError

MARKER = "UnknownValue"
_START = re.compile(r"\bLiteral\[")
_BASE_IMPORT = "from taskcluster_typed._core.model_base import "
_VALUE = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|-?\d+|True|False")


def _literal_end(source: str, start: int) -> int:
    """The index just after the ``]`` closing the ``Literal[`` whose ``[`` is at `start`."""
    depth = 0
    index = start
    while index < len(source):
        char = source[index]
        if char in "\"'":
            index = source.index(char, index + 1)
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    raise GenerationError("unbalanced Literal[...] in a generated module")


def _values(text: str) -> int:
    """How many values a ``Literal[...]`` lists."""
    inner = text[len("Literal[") : -1]
    return len(_VALUE.findall(inner))


def open_enums(source: str) -> str:
    """`source` with each enum ``Literal`` of two or more values followed by ``| UnknownValue``."""
    parts: list[str] = []
    position = 0
    changed = False
    for match in _START.finditer(source):
        if match.start() < position:
            continue  # inside a Literal already handled
        end = _literal_end(source, match.end() - 1)
        parts.append(source[position:end])
        if _values(source[match.start() : end]) >= 2:
            parts.append(f" | {MARKER}")
            changed = True
        position = end
    if not changed:
        return source
    parts.append(source[position:])
    result = "".join(parts)
    base = _BASE_IMPORT + "TaskclusterModel"
    if base in result:
        return result.replace(base, f"{base}, {MARKER}", 1)
    future = "from __future__ import annotations\n"
    if future not in result:
        raise GenerationError("a generated module without `from __future__ import annotations`")
    return result.replace(future, f"{future}\n{_BASE_IMPORT}{MARKER}\n", 1)


def apply_open_enums(models_dir: Path) -> int:
    """Rewrite every module in `models_dir`; return how many changed."""
    changed = 0
    for path in sorted(models_dir.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        result = open_enums(source)
        if result != source:
            path.write_text(result, encoding="utf-8")
            changed += 1
    return changed
