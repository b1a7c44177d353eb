"""Deterministic JSON text: the one way the generator writes JSON to disk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def dumps_json(value: Any) -> str:
    """Serialise with sorted keys, two-space indent and a trailing newline."""
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps_json(value), encoding="utf-8")


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
