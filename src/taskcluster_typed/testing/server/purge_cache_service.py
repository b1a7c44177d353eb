"""The purge-cache service of the local Taskcluster: requests to purge a worker pool's named
cache, each open for a day (a repeated request moves its ``before`` time)."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta
from typing import Any

from .auth_state import iso, now
from .context import Context, Handler
from .failures import Failure
from .paging import page

_WORKER_POOL = re.compile(r"^[A-Za-z0-9_-]{1,38}/[A-Za-z0-9_-]{1,38}$")


class PurgeCacheState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: dict[tuple[str, str], tuple[datetime, datetime]] = {}
        """(worker pool, cache name) -> (before, expires)."""


def _worker_pool(ctx: Context) -> str:
    pool = ctx.params["workerPoolId"]
    if not _WORKER_POOL.match(pool):  # the route's pattern
        raise Failure(
            400, "InvalidRequestArguments", f"Invalid URL patterns:\n  workerPoolId: {pool!r}"
        )
    return pool


def _open(ctx: Context) -> list[tuple[str, str, datetime]]:
    with ctx.server.purge_cache.lock:
        found = ctx.server.purge_cache.requests.items()
        return sorted(
            (pool, name, before) for (pool, name), (before, expires) in found if expires > now()
        )


def _entry(pool: str, name: str, before: datetime) -> dict[str, Any]:
    provisioner, _, worker_type = pool.partition("/")
    return {
        "provisionerId": provisioner,
        "workerType": worker_type,
        "cacheName": name,
        "before": iso(before),
    }


def purge_cache(ctx: Context) -> Any:
    pool, name = _worker_pool(ctx), ctx.body["cacheName"]
    ctx.authorize(cacheName=name)
    with ctx.server.purge_cache.lock:
        ctx.server.purge_cache.requests[(pool, name)] = (now(), now() + timedelta(days=1))


def all_purge_requests(ctx: Context) -> Any:
    return page(ctx, _open(ctx), "requests", lambda r: _entry(*r))


def purge_requests(ctx: Context) -> Any:
    pool = _worker_pool(ctx)
    ctx.authorize()
    since_text = ctx.query.get("since")
    try:
        since = datetime.fromisoformat(since_text.replace("Z", "+00:00")) if since_text else None
    except ValueError:
        raise Failure(400, "InvalidRequestArguments", "since: Invalid Date") from None
    return {
        "requests": [
            _entry(p, name, before)
            for p, name, before in _open(ctx)
            if p == pool and (since is None or before >= since)
        ]
    }


HANDLERS: dict[str, Handler] = {
    "purgeCache": purge_cache,
    "allPurgeRequests": all_purge_requests,
    "purgeRequests": purge_requests,
}
