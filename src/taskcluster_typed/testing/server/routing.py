"""Routing a request as the services' router (express) does, on top of the generated route
table (`taskcluster_typed.testing.routes`, one path segment per parameter): a trailing slash
is optional, the parameters the services declare as wildcards (``{*name}``) take raw slashes
(``.../artifacts/public/logs/live.log``), and an optional last parameter
(``/namespaces{/:namespace}``) may be empty."""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import unquote

from ..._core.endpoint import Endpoint
from ..routes import SERVICES, Match, endpoints, match

_ARTIFACTS = (
    "createArtifact",
    "finishArtifact",
    "getArtifact",
    "getLatestArtifact",
    "artifactInfo",
    "latestArtifactInfo",
    "artifact",
    "latestArtifact",
)
_TASK_QUEUES = (
    "claimWork",
    "pendingTasks",
    "taskQueueCounts",
    "listPendingTasks",
    "listClaimedTasks",
)

WILDCARDS: dict[str, dict[str, str]] = {
    "queue": {**dict.fromkeys(_ARTIFACTS, "name"), **dict.fromkeys(_TASK_QUEUES, "taskQueueId")},
    "auth": {"awsS3Credentials": "prefix"},
    "secrets": {"set": "name", "remove": "name", "get": "name"},
    "index": {"findArtifactFromTask": "name"},
    "purge-cache": {"purgeCache": "workerPoolId", "purgeRequests": "workerPoolId"},
}
"""Service -> API method -> its wildcard parameter (from the services' route declarations)."""

_PARAM = re.compile(r"<([^>]+)>")


@functools.cache
def _patterns(service: str) -> list[tuple[re.Pattern[str], Endpoint[Any]]]:
    table: list[tuple[re.Pattern[str], Endpoint[Any]]] = []
    for name, wildcard in WILDCARDS.get(service, {}).items():
        endpoint = endpoints(service)[name]
        parts = _PARAM.split(endpoint.route)
        regex = "".join(
            re.escape(part)
            if i % 2 == 0
            else f"(?P<{part}>{'.+' if part == wildcard else '[^/]+'})"
            for i, part in enumerate(parts)
        )
        table.append((re.compile(f"^{regex}$"), endpoint))
    return table


def match_wildcard(service: str, method: str, path: str) -> Match | None:
    """The endpoint whose wildcard parameter takes `path`'s raw slashes, if any."""
    for pattern, endpoint in _patterns(service):
        found = pattern.match(path) if endpoint.method == method.upper() else None
        if found:
            return Match(endpoint, {k: unquote(v) for k, v in found.groupdict().items()})
    return None


def route(service: str, method: str, path: str) -> Match | None:
    """The endpoint serving `method` `path` (the part after ``/api/<service>/v1``)."""
    if service not in SERVICES:
        return None
    found = match(service, method, path)
    if found is None and path != "/":
        other = path[:-1] if path.endswith("/") else f"{path}/"
        found = match(service, method, other)
    if found is None:
        found = match_wildcard(service, method, path)
    if found is None and path.endswith("/"):  # an empty optional last parameter
        for endpoint in endpoints(service).values():
            template = endpoint.route
            empty = re.fullmatch(re.escape(path) + "<[^>/]+>", template)
            if endpoint.method == method.upper() and empty:
                return Match(endpoint, {template[len(path) + 1 : -1]: ""})
    return found
