"""Conformance cases of the purge-cache service."""

from __future__ import annotations

from taskcluster_typed import from_now_json

from ..world import World
from .table import Invoke, call, case

# purge-cache --------------------------------------------------------------------------------


@case("purge_cache.purge_cache")
def _purge(w: World) -> Invoke:
    pool = f"{w.provisioner}/purged"
    return call(pool, {"cacheName": "typed-cache"}, check=lambda r: r is None)


@case("purge_cache.all_purge_requests")
def _all_purges(w: World) -> Invoke:
    w.purge_cache.purge_cache(f"{w.provisioner}/all", {"cacheName": "one"})
    w.purge_cache.purge_cache(f"{w.provisioner}/all", {"cacheName": "two"})
    return call(limit=1, check=lambda r: len(r.requests) == 1 and r.continuation_token)


@case("purge_cache.purge_requests")
def _purges(w: World) -> Invoke:
    pool = f"{w.provisioner}/{w.unique('pool')}"
    w.purge_cache.purge_cache(pool, {"cacheName": "typed-cache"})
    return call(
        pool,
        since=from_now_json("-1 hour"),
        check=lambda r: [q.cache_name for q in r.requests] == ["typed-cache"],
    )
