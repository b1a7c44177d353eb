"""The local Taskcluster's state: queue, secrets, index, auth and hooks everyday paths."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from taskcluster_typed import (
    APIError,
    Auth,
    Credentials,
    Hooks,
    Index,
    InsufficientScopes,
    PurgeCache,
    Queue,
    RequestConflict,
    ResourceNotFound,
    Secrets,
    from_now,
    slugid,
)
from taskcluster_typed.models.hooks import CreateHookRequestDict, TriggerHookTaskCreated
from taskcluster_typed.models.queue import (
    ArtifactContentResponseError,
    ArtifactContentResponseReference,
    ArtifactContentResponseS3,
    CreateTaskRequestDict,
    S3ArtifactResponse,
)
from taskcluster_typed.testing import LocalTaskcluster
from taskcluster_typed.testing.routes import SERVICES, endpoints

REFERENCES = Path(__file__).resolve().parents[2] / "references"
QUEUE_ID = "proj/linux"


def _task(**extra: Any) -> CreateTaskRequestDict:
    task: CreateTaskRequestDict = {
        "taskQueueId": QUEUE_ID,
        "created": from_now("0s"),
        "deadline": from_now("1 hour"),
        "payload": {},
        "metadata": {"name": "t", "description": "d", "owner": "a@b.c", "source": "https://x.y/"},
    }
    return {**task, **extra}  # type: ignore[typeddict-item]


def _claim(queue: Queue, count: int = 10) -> list[str]:
    claims = queue.claim_work(QUEUE_ID, {"workerGroup": "g", "workerId": "w", "tasks": count})
    return [c.status.task_id for c in claims.tasks]


def test_dependencies_claims_and_resolution(local_taskcluster: LocalTaskcluster) -> None:
    queue = local_taskcluster.client(Queue)
    first, second = slugid(), slugid()
    assert queue.create_task(first, _task()).status.state == "pending"
    assert queue.create_task(
        second, _task(taskGroupId=first, dependencies=[first])
    ).status.state == ("unscheduled")
    assert _claim(queue) == [first]
    assert queue.status(first).status.state == "running"
    assert queue.report_completed(first, 0).status.state == "completed"
    # repeating it is idempotent, as on the queue; another resolution conflicts
    assert queue.report_completed(first, 0).status.state == "completed"
    with pytest.raises(RequestConflict):
        queue.report_failed(first, 0)
    assert queue.status(second).status.state == "pending"
    assert _claim(queue) == [second]
    status = queue.report_exception(second, 0, {"reason": "worker-shutdown"}).status
    assert status.state == "pending" and status.runs[1].reason_created == "retry"
    assert _claim(queue) == [second]
    assert queue.report_failed(second, 1).status.state == "failed"


def test_create_task_is_idempotent_and_checks_input(local_taskcluster: LocalTaskcluster) -> None:
    queue = local_taskcluster.client(Queue)
    task_id, task = slugid(), _task()
    queue.create_task(task_id, task)
    queue.create_task(task_id, task)
    with pytest.raises(RequestConflict):
        queue.create_task(task_id, {**task, "priority": "high"})
    with pytest.raises(APIError) as raised:
        queue.create_task(slugid(), _task(dependencies=[slugid()]))
    assert (raised.value.status_code, raised.value.code) == (400, "InputError")
    with pytest.raises(ResourceNotFound):
        queue.status(slugid())


def test_create_task_scopes(local_taskcluster: LocalTaskcluster) -> None:
    scopes = ["queue:create-task:project:none", "queue:scheduler-id:-"]
    limited = local_taskcluster.client(
        Queue, scopes=[*scopes, "queue:create-task:highest:proj/linux"]
    )
    limited.create_task(slugid(), _task())
    with pytest.raises(APIError) as raised:
        limited.create_task(slugid(), _task(routes=["index.x"]))
    assert (
        raised.value.code == "InsufficientScopes" and "queue:route:index.x" in raised.value.message
    )


def test_schedule_and_cancel(local_taskcluster: LocalTaskcluster) -> None:
    queue = local_taskcluster.client(Queue)
    parent, child = slugid(), slugid()
    queue.create_task(parent, _task())
    queue.create_task(child, _task(dependencies=[parent]))
    assert queue.schedule_task(child).status.state == "pending"
    status = queue.cancel_task(child).status
    assert status.state == "exception" and status.runs[-1].reason_resolved == "canceled"


def test_task_group_pages(local_taskcluster: LocalTaskcluster) -> None:
    queue = local_taskcluster.client(Queue)
    group = slugid()
    ids = [slugid() for _ in range(5)]
    for task_id in ids:
        queue.create_task(task_id, _task(taskGroupId=group))
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        page = queue.list_task_group(group, limit=2, continuation_token=token)
        seen += [t.status.task_id for t in page.tasks]
        pages += 1
        token = page.continuation_token
        if token is None:
            break
    assert seen == sorted(ids) and pages == 3  # in task id order, as the queue lists them


def test_artifacts(local_taskcluster: LocalTaskcluster) -> None:
    queue = local_taskcluster.client(Queue)
    task_id = slugid()
    queue.create_task(task_id, _task())
    _claim(queue)
    expires = from_now("1 day")
    s3 = queue.create_artifact(
        task_id,
        0,
        "private/log.txt",
        {"storageType": "s3", "expires": expires, "contentType": "text/plain"},
    )
    assert isinstance(s3, S3ArtifactResponse)
    assert httpx.put(s3.put_url, content=b"hello").status_code == 200
    queue.create_artifact(
        task_id,
        0,
        "public/ref",
        {
            "storageType": "reference",
            "expires": expires,
            "url": "https://e.x/a",
            "contentType": "a/b",
        },
    )
    queue.create_artifact(
        task_id,
        0,
        "public/err",
        {
            "storageType": "error",
            "expires": expires,
            "reason": "file-missing-on-worker",
            "message": "no",
        },
    )
    with pytest.raises(APIError) as finished:  # only object artifacts are finished
        queue.finish_artifact(task_id, 0, "private/log.txt", {"uploadId": slugid()})
    assert (finished.value.status_code, finished.value.code) == (400, "InputError")
    content = queue.artifact(task_id, 0, "private/log.txt")
    assert isinstance(content, ArtifactContentResponseS3)
    assert httpx.get(content.url).content == b"hello"
    assert isinstance(
        queue.latest_artifact(task_id, "public/ref"), ArtifactContentResponseReference
    )
    assert isinstance(queue.latest_artifact(task_id, "public/err"), ArtifactContentResponseError)
    names = [a.name for a in queue.list_artifacts(task_id, 0).artifacts]
    assert names == ["private/log.txt", "public/err", "public/ref"]
    assert [a.name for a in queue.list_latest_artifacts(task_id, limit=1).artifacts] == [
        "private/log.txt"
    ]
    redirect = queue.request("GET", f"task/{task_id}/artifacts/public%2Fref")
    assert redirect.status_code == 303 and redirect.headers["location"] == "https://e.x/a"
    anonymous = Queue(local_taskcluster.root_url)
    with pytest.raises(InsufficientScopes):  # as on the queue: the anonymous role decides
        anonymous.latest_artifact(task_id, "public/ref")
    local_taskcluster.add_role("anonymous", ["queue:get-artifact:public/*"])
    assert anonymous.latest_artifact(task_id, "public/ref").storage_type == "reference"
    with pytest.raises(APIError) as raised:
        anonymous.latest_artifact(task_id, "private/log.txt")
    assert raised.value.code == "InsufficientScopes"
    with pytest.raises(APIError) as raised:
        queue.create_artifact(
            task_id, 0, "o", {"storageType": "object", "expires": expires, "contentType": "a/b"}
        )
    assert raised.value.status_code == 501


def test_secrets(local_taskcluster: LocalTaskcluster) -> None:
    secrets = local_taskcluster.client(Secrets)
    secrets.set("a/one", {"secret": {"k": "v"}, "expires": from_now("1 hour")})
    secrets.set("a/two", {"secret": {}, "expires": from_now("-1 hour")})
    assert secrets.get("a/one").secret == {"k": "v"}
    with pytest.raises(ResourceNotFound):  # as the service does (not 410, as its docs say)
        secrets.get("a/two")
    secrets.set("a/three", {"secret": {}, "expires": from_now("1 hour")})
    assert secrets.list(limit=1).continuation_token == "1"
    assert secrets.list().secrets == ["a/one", "a/three"]  # expired ones are not listed
    secrets.remove("a/one")
    secrets.remove("a/one")  # removing a missing secret succeeds
    with pytest.raises(ResourceNotFound):
        secrets.get("a/one")


def test_index(local_taskcluster: LocalTaskcluster) -> None:
    index = local_taskcluster.client(Index)
    task_id = slugid()
    body = {"taskId": task_id, "rank": 1, "data": {}, "expires": from_now("1 day")}
    index.insert_task("proj.app.latest", body)  # type: ignore[arg-type]
    index.insert_task("proj.app.v1", body)  # type: ignore[arg-type]
    assert index.find_task("proj.app.latest").task_id == task_id
    assert [t.namespace for t in index.list_tasks("proj.app").tasks] == [
        "proj.app.latest",
        "proj.app.v1",
    ]
    assert [n.namespace for n in index.list_namespaces("proj").namespaces] == ["proj.app"]
    with pytest.raises(ResourceNotFound):
        index.find_task("proj.none")


def test_auth_clients_and_roles(local_taskcluster: LocalTaskcluster) -> None:
    auth = local_taskcluster.client(Auth)
    auth.create_role(
        "project:x", {"scopes": ["secrets:get:x/*", "auth:current-scopes"], "description": "r"}
    )
    created = auth.create_client(
        "proj/ci",
        {"expires": from_now("1 day"), "description": "ci", "scopes": ["assume:project:x"]},
    )
    assert "secrets:get:x/*" in created.expanded_scopes
    credentials = Credentials(created.client_id, created.access_token)
    assert (
        "secrets:get:x/*"
        in local_taskcluster.client(Auth, credentials=credentials).current_scopes().scopes
    )
    assert auth.client("proj/ci").description == "ci"
    assert "proj/ci" in [c.client_id for c in auth.list_clients(prefix="proj/").clients]
    assert auth.expand_scopes({"scopes": ["assume:project:x"]}).scopes == [
        "assume:project:x",
        "auth:current-scopes",
        "secrets:get:x/*",
    ]
    auth.disable_client("proj/ci")
    with pytest.raises(APIError) as raised:
        local_taskcluster.client(Auth, credentials=credentials).current_scopes()
    assert raised.value.code == "AuthenticationFailed"
    with pytest.raises(RequestConflict):
        auth.create_role("project:x", {"scopes": [], "description": "again"})


def test_hooks(local_taskcluster: LocalTaskcluster) -> None:
    hooks = local_taskcluster.client(Hooks)
    task = {
        "taskQueueId": QUEUE_ID,
        "created": {"$fromNow": "0 seconds"},
        "deadline": {"$fromNow": "1 hour"},
        "payload": {"say": {"$eval": "payload.word"}},
        "metadata": {
            "name": "hooked ${payload.word}",
            "description": "d",
            "owner": "a@b.c",
            "source": "https://x.y/",
        },
    }
    meta = {"name": "h", "description": "d", "owner": "a@b.c"}
    schema = {"type": "object", "properties": {"word": {"type": "string"}}}
    hook = {"metadata": meta, "task": task, "triggerSchema": schema}
    hooks.create_hook("group", "hook", hook)  # type: ignore[arg-type]
    with pytest.raises(InsufficientScopes, match="role `hook-id:group/hook`"):
        hooks.trigger_hook("group", "hook", {"word": "hi"})  # the hook's role has no scopes
    local_taskcluster.add_role(
        "hook-id:group/hook",
        [
            f"queue:create-task:lowest:{QUEUE_ID}",
            "queue:scheduler-id:-",
            "queue:create-task:project:none",
        ],
    )
    with pytest.raises(APIError) as refused:  # the payload must match the triggerSchema
        hooks.trigger_hook("group", "hook", {"word": 1})
    assert (refused.value.status_code, refused.value.code) == (400, "InputError")
    fired = hooks.trigger_hook("group", "hook", {"word": "hi"})
    assert isinstance(fired, TriggerHookTaskCreated)
    task_id = fired.task_id
    definition = local_taskcluster.client(Queue).task(task_id)
    assert definition.payload == {"say": "hi"} and definition.metadata.name == "hooked hi"
    assert [h.hook_id for h in hooks.list_hooks("group").hooks] == ["hook"]
    with pytest.warns(DeprecationWarning):
        assert hooks.get_hook_status("group", "hook").last_fire is not None


def test_scopes_table_matches_the_references() -> None:
    table = json.loads(
        (
            Path(__file__).resolve().parents[2] / "src/taskcluster_typed/testing/server/scopes.json"
        ).read_text()
    )
    for service in SERVICES:
        api = json.loads((REFERENCES / service / "v1" / "api.json").read_text())
        assert table[service] == {e["name"]: e.get("scopes") for e in api["entries"]}, service


def test_every_method_of_the_imitated_services_has_a_handler() -> None:
    from taskcluster_typed.testing.server.app import IMITATED, handler_for

    for service in IMITATED:
        missing = [name for name in endpoints(service) if handler_for(service, name) is None]
        assert missing == [], service


def test_purge_cache(local_taskcluster: LocalTaskcluster) -> None:
    purge = local_taskcluster.client(PurgeCache, max_retries=0)
    purge.purge_cache("prov/wt", {"cacheName": "build"})
    purge.purge_cache("prov/wt", {"cacheName": "build"})  # repeated: one open request
    purge.purge_cache("prov/other", {"cacheName": "x"})
    listed = purge.purge_requests("prov/wt")
    assert [(r.worker_type, r.cache_name) for r in listed.requests] == [("wt", "build")]
    later = from_now("1 minute").isoformat()
    assert purge.purge_requests("prov/wt", since=later).requests == []
    assert len(purge.all_purge_requests(limit=1).requests) == 1
    with pytest.raises(APIError) as raised:  # a worker pool id is <provisioner>/<worker type>
        purge.purge_cache("no-slash", {"cacheName": "x"})
    assert (raised.value.status_code, raised.value.code) == (400, "InvalidRequestArguments")


def test_hooks_without_the_testing_extra_answer_a_clear_501(
    local_taskcluster: LocalTaskcluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "jsonschema", None)  # as if not installed
    hooks = local_taskcluster.client(Hooks, max_retries=0)
    definition: CreateHookRequestDict = {
        "metadata": {"name": "h", "description": "d", "owner": "a@b.c"},
        "task": {},
    }
    with pytest.raises(APIError) as raised:
        hooks.create_hook("group", "hook", definition)
    assert raised.value.status_code == 501
    assert "pip install 'taskcluster-typed[testing]'" in raised.value.message
