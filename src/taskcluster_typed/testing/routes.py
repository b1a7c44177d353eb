"""Every API method's `Endpoint`, found by service and method name or by HTTP method and path.

The fakes and the local Taskcluster dispatch with this table, built from the generated service
modules, so they route and validate exactly what the generated clients send.
"""

from __future__ import annotations

import functools
import importlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .._core.endpoint import Endpoint
from ..services import SERVICES

__all__ = ["SERVICES", "Match", "endpoints", "match", "python_name"]

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_PARAM = re.compile(r"<([^>]+)>")


def python_name(name: str) -> str:
    """The generated method name of an API method: ``createTask`` -> ``create_task``."""
    return "_".join(p.lower() for p in _CAMEL_BOUNDARY.split(name))


@functools.cache
def endpoints(service: str) -> dict[str, Endpoint[Any]]:
    """The endpoints of `service` (``"queue"``), by API method name (``"createTask"``)."""
    if service not in SERVICES:
        raise KeyError(f"unknown service {service!r}")
    module = importlib.import_module(f"taskcluster_typed.services.{SERVICES[service]}")
    found: list[Endpoint[Any]] = [
        v  # pyright: ignore[reportUnknownVariableType]
        for v in vars(module).values()
        if isinstance(v, Endpoint)
    ]
    return {e.name: e for e in found}


@dataclass(frozen=True, slots=True)
class Match:
    endpoint: Endpoint[Any]
    params: dict[str, str]


@functools.cache
def _patterns(service: str) -> list[tuple[str, re.Pattern[str], Endpoint[Any]]]:
    table: list[tuple[str, re.Pattern[str], Endpoint[Any]]] = []
    for endpoint in endpoints(service).values():
        parts = _PARAM.split(endpoint.route)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts)
        )
        table.append((endpoint.method, re.compile(f"^{regex}$"), endpoint))
    # Literal routes before parameterised ones of the same shape (``/task-group/x/sealed``).
    table.sort(key=lambda row: row[2].route.count("<"))
    return table


def match(service: str, method: str, path: str) -> Match | None:
    """The endpoint serving `method` `path` (the part after ``/api/<service>/v1``), params
    percent-decoded; None when no route matches."""
    for verb, pattern, endpoint in _patterns(service):
        if verb != method.upper():
            continue
        found = pattern.match(path)
        if found:
            params = {k: unquote(v) for k, v in found.groupdict().items()}
            return Match(endpoint, params)
    return None
