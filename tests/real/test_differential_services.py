"""Secrets, index and hooks, differentially: pagination over several pages, expiry, ranks,
hooks firing tasks with their role's scopes, trigger tokens, and the refusals."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from taskcluster_typed import Hooks, Index, PurgeCache, Queue, Secrets, from_now, slugid
from taskcluster_typed.models.hooks import CreateHookRequestDict

from .conftest import RealTaskcluster
from .differential import Backend, compare, local_backend, ok, queue_id, shape, task_definition


@pytest.fixture
def backends(real: RealTaskcluster) -> Iterator[tuple[Backend, Backend]]:
    with local_backend() as local:
        yield Backend("real", real.root_url, real.credentials), local


def _pages(
    fetch: Callable[[str | None], tuple[list[Any], str | None]], most: int = 20
) -> list[list[Any]]:
    """Every page of a listing, following continuation tokens (at most `most` pages)."""
    pages: list[list[Any]] = []
    token: str | None = None
    for _ in range(most):
        items, token = fetch(token)
        pages.append(items)
        if token is None:
            break
    return pages


def secrets(b: Backend) -> None:
    client = b.client(Secrets)
    prefix = b.alias(f"diff/{slugid()}", "<prefix>")
    for n in range(5):
        client.set(f"{prefix}/{n}", {"secret": {"n": n}, "expires": from_now("1 hour")})
    client.set(f"{prefix}/expired", {"secret": {}, "expires": from_now("-1 minute")})
    b.call("get", lambda: client.get(f"{prefix}/3"), lambda s: s.secret)
    b.call("get an expired secret", lambda: client.get(f"{prefix}/expired"), ok)
    b.call("get a missing secret", lambda: client.get(f"{prefix}/missing"), ok)

    first = client.list(limit=2)
    b.note("a page of 2", (len(first.secrets), first.continuation_token is not None))

    def page(token: str | None) -> tuple[list[Any], str | None]:
        reply = client.list(limit=100, continuation_token=token)
        return [s for s in reply.secrets if s.startswith(prefix)], reply.continuation_token

    # (the real deployment is shared: its other secrets are paged through and left out)
    b.note("listed", sorted(s for p in _pages(page, 1000) for s in p))
    b.call("remove", lambda: client.remove(f"{prefix}/0"), ok)
    b.call("remove again", lambda: client.remove(f"{prefix}/0"), ok)
    b.call("invalid continuation token", lambda: client.list(continuation_token="!!"), ok)
    limited = b.client(Secrets, credentials=b.new_client([f"secrets:get:{prefix}/1"]))
    b.call("get with the scope", lambda: limited.get(f"{prefix}/1"), lambda s: s.secret)
    b.call("get without the scope", lambda: limited.get(f"{prefix}/2"), ok)
    b.call(
        "set without the scope",
        lambda: limited.set(f"{prefix}/1", {"secret": {}, "expires": from_now("1 hour")}),
        ok,
    )
    for n in range(1, 5):  # clean up (the real deployment is shared)
        client.remove(f"{prefix}/{n}")
    client.remove(f"{prefix}/expired")


def test_secrets(backends: tuple[Backend, Backend]) -> None:
    compare(secrets, *backends)


def index(b: Backend) -> None:
    client = b.client(Index)
    root = b.alias(f"diff{slugid()[:8].lower().replace('-', 'x').replace('_', 'y')}", "<root>")
    task_ids = [b.alias(slugid(), f"<task{n}>") for n in range(4)]
    expires = from_now("1 hour")

    def insert(path: str, task: int, rank: int) -> Any:
        return client.insert_task(
            path, {"taskId": task_ids[task], "rank": rank, "data": {"n": task}, "expires": expires}
        )

    b.call(
        "insert",
        lambda: insert(f"{root}.a.latest", 0, 5),
        lambda t: (t.namespace, t.task_id, t.rank, t.data),
    )
    b.call(
        "insert a lower rank",
        lambda: insert(f"{root}.a.latest", 1, 1),
        lambda t: (t.task_id, t.rank),
    )
    b.call(
        "insert an equal rank",
        lambda: insert(f"{root}.a.latest", 2, 5),
        lambda t: (t.task_id, t.rank),
    )
    for n in range(3):
        insert(f"{root}.b.t{n}", n, 0)
        insert(f"{root}.c{n}.x", n, 0)
    b.call("find", lambda: client.find_task(f"{root}.a.latest"), lambda t: t.task_id)
    b.call("find a missing path", lambda: client.find_task(f"{root}.nothing"), ok)

    def namespaces(token: str | None) -> tuple[list[Any], str | None]:
        reply = client.list_namespaces(root, limit=2, continuation_token=token)
        return [(n.namespace, n.name) for n in reply.namespaces], reply.continuation_token

    b.note("namespaces (pages of 2)", sorted(n for p in _pages(namespaces) for n in p))

    def tasks(token: str | None) -> tuple[list[Any], str | None]:
        reply = client.list_tasks(f"{root}.b", limit=2, continuation_token=token)
        return [(t.namespace, t.task_id) for t in reply.tasks], reply.continuation_token

    b.note("tasks (pages of 2)", sorted(t for p in _pages(tasks) for t in p))
    b.call(
        "find tasks at indexes",
        lambda: client.find_tasks_at_index(
            {"indexes": [f"{root}.b.t0", f"{root}.b.t2", f"{root}.none"]}
        ),
        lambda r: {t.task_id for t in r.tasks},
    )
    b.call("delete", lambda: client.delete_task(f"{root}.b.t1"), ok)
    b.call("find the deleted path", lambda: client.find_task(f"{root}.b.t1"), ok)
    b.call("delete it again", lambda: client.delete_task(f"{root}.b.t1"), ok)
    url = f"{b.root_url}/api/index/v1/task/{root}.a.latest/artifacts/private%2Fx"
    reply = httpx.get(url)
    b.note("findArtifactFromTask without credentials", reply.status_code)
    redirect = b.client(Index).request("GET", f"task/{root}.a.latest/artifacts/private%2Fx")
    b.note(
        "findArtifactFromTask redirects to the queue",
        (
            redirect.status_code,
            f"/api/queue/v1/task/{task_ids[2]}/artifacts/private%2Fx"
            in redirect.headers["location"],
        ),
    )


def test_index(backends: tuple[Backend, Backend]) -> None:
    compare(index, *backends)


def _hook(qid: str, schema: dict[str, Any]) -> CreateHookRequestDict:
    task = task_definition(qid)
    template: dict[str, Any] = {
        **task,
        "created": {"$fromNow": "0 seconds"},
        "deadline": {"$fromNow": "1 hour"},
        "payload": {"branch": {"$eval": "payload.branch"}},
    }
    return {
        "metadata": {"name": "diff", "description": "differential", "owner": "diff@example.com"},
        "task": template,
        "triggerSchema": schema,
    }


def hooks(b: Backend) -> None:
    client, queue = b.client(Hooks), b.client(Queue)
    group = b.alias(f"diff-{slugid()}", "<group>")
    qid = queue_id(b)
    schema = {
        "type": "object",
        "properties": {"branch": {"type": "string"}},
        "required": ["branch"],
    }
    definition = _hook(qid, schema)
    b.call("create", lambda: client.create_hook(group, "h", definition), shape)
    b.call(
        "create it again", lambda: client.create_hook(group, "h", definition), lambda h: h.hook_id
    )
    other = _hook(qid, {"type": "object"})
    b.call("create another with that id", lambda: client.create_hook(group, "h", other), ok)
    b.call("get", lambda: client.hook(group, "h"), shape)
    b.call("list", lambda: client.list_hooks(group), lambda r: [h.hook_id for h in r.hooks])
    b.call("list a missing group", lambda: client.list_hooks(f"{group}-none"), ok)
    b.call(
        "status before any fire",
        lambda: client.get_hook_status(group, "h"),
        lambda s: s.last_fire.result,
    )
    b.call("last fires before any fire", lambda: client.list_last_fires(group, "h"), ok)
    b.call(
        "trigger: the role has no scopes",
        lambda: client.trigger_hook(group, "h", {"branch": "main"}),
        ok,
    )
    b.call(
        "trigger: payload refused by the schema",
        lambda: client.trigger_hook(group, "h", {"branch": 1}),
        ok,
        message=False,
    )
    b.call(
        "trigger: payload missing a field",
        lambda: client.trigger_hook(group, "h", {}),
        ok,
        message=False,
    )
    role = b.new_role(
        f"hook-id:{group}/h",
        [
            f"queue:create-task:lowest:{qid}",
            "queue:scheduler-id:-",
            "queue:create-task:project:none",
        ],
    )
    b.note("role created", role)
    fired = b.call("trigger", lambda: client.trigger_hook(group, "h", {"branch": "main"}), ok)
    if fired is not None:
        task_id = getattr(fired, "task_id", "")
        b.call(
            "the task it made",
            lambda: queue.task(task_id),
            lambda t: (t.payload, t.task_group_id == task_id, t.scheduler_id),
        )
    token = b.call("get trigger token", lambda: client.get_trigger_token(group, "h"), ok)
    assert token is not None
    b.call(
        "trigger with the token",
        lambda: client.trigger_hook_with_token(group, "h", token.token, {"branch": "dev"}),
        ok,
    )
    b.call(
        "trigger with a wrong token",
        lambda: client.trigger_hook_with_token(group, "h", "x" * 22, {"branch": "dev"}),
        ok,
    )
    b.call(
        "reset the token",
        lambda: client.reset_trigger_token(group, "h"),
        lambda t: t.token != token.token,
    )
    b.call(
        "the old token no longer works",
        lambda: client.trigger_hook_with_token(group, "h", token.token, {"branch": "dev"}),
        ok,
    )
    b.call(
        "last fires",
        lambda: client.list_last_fires(group, "h"),
        lambda r: sorted((f.fired_by, f.result, f.task_state) for f in r.last_fires),
    )
    b.call("status", lambda: client.get_hook_status(group, "h"), lambda s: s.last_fire.result)
    b.call("update", lambda: client.update_hook(group, "h", other), lambda h: h.trigger_schema)
    b.call("update a missing hook", lambda: client.update_hook(group, "none", other), ok)
    rich = _hook(qid, {"type": "object"})
    rich["task"]["payload"] = {
        "$let": {"main": {"$eval": "payload.branch == 'main'"}},
        "in": {"release": {"$if": "main", "then": "yes", "else": "no"}, "by": "${firedBy}"},
    }
    b.call("create a hook using more JSON-e", lambda: client.create_hook(group, "rich", rich), ok)
    b.new_role(
        f"hook-id:{group}/rich",
        [
            f"queue:create-task:lowest:{qid}",
            "queue:scheduler-id:-",
            "queue:create-task:project:none",
        ],
    )
    rich_fired = b.call(
        "trigger it", lambda: client.trigger_hook(group, "rich", {"branch": "main"}), ok
    )
    if rich_fired is not None:
        rich_id = getattr(rich_fired, "task_id", "")
        b.call("its task's payload", lambda: queue.task(rich_id), lambda t: t.payload)
    broken = _hook(qid, {"type": "object"})
    broken["task"]["payload"] = {"x": {"$eval": "undefined_name"}}
    b.call(
        "create a hook whose template fails",
        lambda: client.create_hook(group, "broken", broken),
        ok,
    )
    b.call("trigger it", lambda: client.trigger_hook(group, "broken", {}), ok)
    b.call("remove", lambda: client.remove_hook(group, "h"), ok)
    b.call("get removed", lambda: client.hook(group, "h"), ok)
    b.call("trigger removed", lambda: client.trigger_hook(group, "h", {}), ok)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # getHookStatus
def test_hooks(backends: tuple[Backend, Backend]) -> None:
    compare(hooks, *backends)


def purge_cache(b: Backend) -> None:
    client = b.client(PurgeCache)
    pool = queue_id(b)  # a worker pool id has the same form: <provisioner>/<worker type>
    b.call("purge", lambda: client.purge_cache(pool, {"cacheName": "build"}), ok)
    b.call("purge again", lambda: client.purge_cache(pool, {"cacheName": "build"}), ok)
    b.call("purge another cache", lambda: client.purge_cache(pool, {"cacheName": "test"}), ok)
    b.call(
        "open requests of the pool",
        lambda: client.purge_requests(pool),
        lambda r: {(x.provisioner_id, x.worker_type, x.cache_name) for x in r.requests},
    )
    later = from_now("1 minute").isoformat()
    b.call("none since later", lambda: client.purge_requests(pool, since=later), shape)
    b.call(
        "a malformed worker pool id", lambda: client.purge_cache("no-slash", {"cacheName": "x"}), ok
    )
    limited = b.client(PurgeCache, credentials=b.new_client([f"purge-cache:{pool}:build"]))
    b.call("with the scope", lambda: limited.purge_cache(pool, {"cacheName": "build"}), ok)
    b.call("without the scope", lambda: limited.purge_cache(pool, {"cacheName": "test"}), ok)
    b.call(
        "all requests, a page of 1",
        lambda: client.all_purge_requests(limit=1),
        lambda r: len(r.requests),
    )


def test_purge_cache(backends: tuple[Backend, Backend]) -> None:
    compare(purge_cache, *backends)
