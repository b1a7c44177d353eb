"""Date-times in the generated models take a naive ``datetime`` as UTC.

dcg types a ``date-time`` as pydantic's ``AwareDatetime``, which rejects a naive datetime at
run time although its static type is plain ``datetime`` (so a type checker cannot catch it).
Python has no static type for "aware", so the run time follows the official Python client
instead: a naive datetime is UTC (``taskcluster.utils.stringDate`` writes it with ``Z``).
Each generated ``AwareDatetime`` becomes ``UtcDatetime`` (``taskcluster_typed._core.model_base``):
an ``AwareDatetime`` that first gives a naive datetime the UTC zone. Strings still need an
offset: they are the wire format, and the server requires one.
"""

from __future__ import annotations

import re
from pathlib import Path

from codegen.models import GenerationError

_NAME = re.compile(r"\bAwareDatetime\b")
_PYDANTIC_IMPORT = re.compile(r"^from pydantic import (?P<names>[^\n(]+)$", re.MULTILINE)
_BASE_IMPORT = "from taskcluster_typed._core.model_base import TaskclusterModel\n"


def utc_datetimes(source: str) -> str:
    """`source` with ``AwareDatetime`` replaced by ``UtcDatetime`` (unchanged without it)."""
    if not _NAME.search(source):
        return source

    def drop(match: re.Match[str]) -> str:
        names = [n.strip() for n in match["names"].split(",") if n.strip() != "AwareDatetime"]
        return f"from pydantic import {', '.join(names)}" if names else ""

    source, count = _PYDANTIC_IMPORT.subn(drop, source, count=1)
    if count != 1:
        raise GenerationError("a module uses AwareDatetime without a one-line pydantic import")
    source = _NAME.sub("UtcDatetime", source)
    if _BASE_IMPORT in source:
        return source.replace(
            _BASE_IMPORT,
            "from taskcluster_typed._core.model_base import TaskclusterModel, UtcDatetime\n",
        )
    future = "from __future__ import annotations\n"
    if future not in source:
        raise GenerationError("a generated module without `from __future__ import annotations`")
    return source.replace(
        future, f"{future}\nfrom taskcluster_typed._core.model_base import UtcDatetime\n", 1
    )


def apply_utc_datetimes(models_dir: Path) -> int:
    """Rewrite every module in `models_dir`; return how many changed."""
    changed = 0
    for path in sorted(models_dir.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        result = utc_datetimes(source)
        if result != source:
            path.write_text(result, encoding="utf-8")
            changed += 1
    return changed
