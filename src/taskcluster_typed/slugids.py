"""Slug ids: the 22-character ids of tasks, task groups and uploads (the `slugid` package).

A slug id is a random (v4) UUID in URL-safe base64 without its ``==`` padding. `slugid()`
makes the "nice" kind, which never starts with ``-`` (the first bit is cleared, so it starts
with ``[A-Za-f]``) and is therefore safe as a command-line argument; both official clients
make these (``slugid.nice()``). `slugid_v4()` makes one from all 122 random bits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

import slugid as _slugid  # type: ignore[import-untyped]

__all__ = ["SLUGID_PATTERN", "nice_slugid", "slugid", "slugid_v4", "stable_slugid"]

# What Taskcluster's schemas accept as a task id.
SLUGID_PATTERN = re.compile(
    r"^[A-Za-z0-9_-]{8}[Q-T][A-Za-z0-9_-][CGKOSWaeimquy26-][A-Za-z0-9_-]{10}[AQgw]$"
)

_module = cast("Any", _slugid)


def slugid() -> str:
    """A new "nice" slug id: ``eWIgwMgxSfeXQ36iPbOxiQ`` (never starts with ``-``)."""
    return str(_module.nice())


nice_slugid = slugid
"""The same function as `slugid`, under the name the issue tracker and ``slugid.nice`` use."""


def slugid_v4() -> str:
    """A new slug id from a v4 UUID, without the "nice" restriction (may start with ``-``)."""
    return str(_module.v4())


def stable_slugid() -> Callable[[str], str]:
    """A function that gives the same new slug id each time it is asked for the same name.

    >>> ids = stable_slugid()
    >>> ids("build") == ids("build") != ids("test")
    True

    Handy for a task graph whose tasks refer to each other by name (the official Python
    client's ``stableSlugId``).
    """
    made: dict[str, str] = {}

    def slug_for(name: str) -> str:
        if name not in made:
            made[name] = slugid()
        return made[name]

    return slug_for
