"""The conformance table's types: a `Case` per method, the `Invoke` its setup returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from taskcluster_typed import Credentials
from taskcluster_typed._core import errors as tce

from ..world import World

Check = Callable[[Any], object]


@dataclass
class Invoke:
    """A call's arguments, and what must hold of its typed reply."""

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict[str, Any])
    check: Check | None = None
    credentials: Credentials | None = None
    """Call with these credentials instead of the root client's."""


@dataclass(frozen=True)
class Case:
    name: str
    setup: Callable[[World], Invoke]
    expect: type[tce.APIError] | None = None
    code: str | None = None
    not_local: str | None = None


CASES: dict[str, Case] = {}


def case(
    name: str,
    *,
    expect: type[tce.APIError] | None = None,
    code: str | None = None,
    not_local: str | None = None,
) -> Callable[[Callable[[World], Invoke]], Callable[[World], Invoke]]:
    def register(setup: Callable[[World], Invoke]) -> Callable[[World], Invoke]:
        assert name not in CASES, name
        CASES[name] = Case(name, setup, expect, code, not_local)
        return setup

    return register


def call(
    *args: Any, check: Check | None = None, credentials: Credentials | None = None, **kwargs: Any
) -> Invoke:
    return Invoke(args, kwargs, check, credentials)


def refused(action: Callable[[], object], error: type[tce.APIError]) -> bool:
    """True if `action` raises `error` (used to check that a deletion took effect)."""
    try:
        action()
    except error:
        return True
    return False
