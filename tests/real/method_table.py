"""The conformance table: every method of the generated clients -> how to call it on the real
services, what to provision first, what to check (or which documented error to expect).

Each entry is a `Case` keyed ``"<service module>.<python method name>"``. Its `setup` gets the
session's `World` and returns an `Invoke`: the arguments, and a check of the typed reply.
A case with `expect` reaches the real service and must fail with that error class (and `code`);
`not_local` says why a local deployment cannot serve the method at all.
`test_methods.py` derives the method list from the generated code and fails for a method this
table misses, so the count it prints is the count of the generated clients.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from taskcluster_typed import errors as tce
from taskcluster_typed import from_now, slugid
from taskcluster_typed import Credentials
from taskcluster_typed.hawk import header as hawk_header

from .world import World, hook_definition, task_definition, worker_pool_definition

Check = Callable[[Any], object]


@dataclass
class Invoke:
    """A call's arguments, and what must hold of its typed reply."""

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
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


# Every service: ping, load-balancer heartbeat, version, heartbeat ---------------------------

SERVICES = (
    "auth",
    "github",
    "hooks",
    "index",
    "notify",
    "object",
    "purge_cache",
    "queue",
    "secrets",
    "web_server",
    "worker_manager",
)
GITHUB = (
    "the github service needs a GitHub App (GITHUB_APP_ID, GITHUB_PRIVATE_PEM) and is not "
    "started locally: the request is signed and routed, and the deployment's proxy answers 502"
)

for _service in SERVICES:
    for _method in ("ping", "lbheartbeat", "version", "heartbeat"):
        if _service == "github":
            case(f"github.{_method}", expect=tce.ServerError, code="BadGateway", not_local=GITHUB)(
                lambda w: call()
            )
        else:
            case(f"{_service}.{_method}")(lambda w: call(check=lambda r: r is None))


# auth ---------------------------------------------------------------------------------------


@case("auth.list_clients")
def _list_clients(w: World) -> Invoke:
    client_id, _ = w.client()
    prefix = client_id.rsplit("/", 1)[0] + "/"
    return call(prefix=prefix, check=lambda r: client_id in [c.client_id for c in r.clients])


@case("auth.client")
def _client(w: World) -> Invoke:
    client_id, _ = w.client(["queue:ping"])
    return call(client_id, check=lambda r: r.client_id == client_id and r.scopes == ["queue:ping"])


@case("auth.create_client")
def _create_client(w: World) -> Invoke:
    client_id = w.id("client")
    payload = {"expires": from_now("1 day"), "description": "made", "scopes": ["queue:ping"]}
    return call(
        client_id,
        payload,
        check=lambda r: r.client_id == client_id and len(r.access_token) == 44,
    )


@case("auth.get_entity_history")
def _entity_history(w: World) -> Invoke:
    client_id, _ = w.client()
    return call(
        "client",
        client_id,
        check=lambda r: [e.action_type for e in r.audit_history] == ["created"],
    )


@case("auth.list_audit_history")
def _audit_history(w: World) -> Invoke:
    client_id, _ = w.client()
    w.auth.disable_client(client_id)
    return call(
        client_id,
        check=lambda r: sorted(e.action_type for e in r.audit_history) == ["created", "disabled"],
    )


@case("auth.reset_access_token")
def _reset(w: World) -> Invoke:
    client_id, old = w.client()
    return call(
        client_id,
        check=lambda r: r.client_id == client_id and r.access_token != old.access_token,
    )


@case("auth.update_client")
def _update_client(w: World) -> Invoke:
    client_id, _ = w.client()
    payload = {"expires": from_now("2 days"), "description": "updated", "scopes": ["a:b"]}
    return call(client_id, payload, check=lambda r: (r.description, r.scopes) == ("updated", ["a:b"]))


@case("auth.enable_client")
def _enable(w: World) -> Invoke:
    client_id, _ = w.client()
    w.auth.disable_client(client_id)
    return call(client_id, check=lambda r: r.disabled is False)


@case("auth.disable_client")
def _disable(w: World) -> Invoke:
    client_id, _ = w.client()
    return call(client_id, check=lambda r: r.disabled is True)


@case("auth.delete_client")
def _delete_client(w: World) -> Invoke:
    client_id, _ = w.client()
    gone = lambda r: r is None and refused(lambda: w.auth.client(client_id), tce.ResourceNotFound)  # noqa: E731
    return call(client_id, check=gone)


@case("auth.list_roles")
def _list_roles(w: World) -> Invoke:
    role_id = w.role()
    return call(check=lambda r: role_id in [role.role_id for role in r])


@case("auth.list_roles2")
def _list_roles2(w: World) -> Invoke:
    w.role()
    w.role()
    return call(limit=1, check=lambda r: len(r.roles) == 1 and r.continuation_token)


@case("auth.list_role_ids")
def _list_role_ids(w: World) -> Invoke:
    w.role()
    w.role()
    return call(limit=1, check=lambda r: len(r.role_ids) == 1 and r.continuation_token)


@case("auth.role")
def _role(w: World) -> Invoke:
    role_id = w.role(["queue:ping"])
    return call(role_id, check=lambda r: (r.role_id, r.scopes) == (role_id, ["queue:ping"]))


@case("auth.create_role")
def _create_role(w: World) -> Invoke:
    role_id = w.id("role")
    payload = {"description": "made", "scopes": ["queue:ping"]}
    return call(role_id, payload, check=lambda r: r.expanded_scopes == ["queue:ping"])


@case("auth.update_role")
def _update_role(w: World) -> Invoke:
    role_id = w.role()
    payload = {"description": "updated", "scopes": ["a:b"]}
    return call(role_id, payload, check=lambda r: (r.description, r.scopes) == ("updated", ["a:b"]))


@case("auth.delete_role")
def _delete_role(w: World) -> Invoke:
    role_id = w.role()
    gone = lambda r: r is None and refused(lambda: w.auth.role(role_id), tce.ResourceNotFound)  # noqa: E731
    return call(role_id, check=gone)


@case("auth.expand_scopes")
def _expand(w: World) -> Invoke:
    role_id = w.role(["queue:ping", "secrets:get:x"])
    return call(
        {"scopes": [f"assume:{role_id}"]},
        check=lambda r: r.scopes == [f"assume:{role_id}", "queue:ping", "secrets:get:x"],
    )


@case("auth.current_scopes")
def _current(w: World) -> Invoke:
    return call(check=lambda r: r.scopes == ["*"])


@case(
    "auth.aws_s3_credentials",
    expect=tce.ResourceNotFound,
    code="ResourceNotFound",
    not_local="no AWS buckets are configured (AWS_CREDENTIALS_ALLOWED_BUCKETS is empty)",
)
def _aws(w: World) -> Invoke:
    return call("read-only", "some-bucket", "some/prefix/")


@case("auth.azure_accounts")
def _azure_accounts(w: World) -> Invoke:
    return call(check=lambda r: r.accounts == [])


_AZURE = "no Azure accounts are configured (AZURE_ACCOUNTS is empty)"


@case("auth.azure_tables", expect=tce.ResourceNotFound, code="ResourceNotFound", not_local=_AZURE)
def _azure_tables(w: World) -> Invoke:
    return call("someaccount")


@case(
    "auth.azure_table_sas", expect=tce.ResourceNotFound, code="ResourceNotFound", not_local=_AZURE
)
def _azure_table_sas(w: World) -> Invoke:
    return call("someaccount", "sometable", "read-only")


@case(
    "auth.azure_containers", expect=tce.ResourceNotFound, code="ResourceNotFound", not_local=_AZURE
)
def _azure_containers(w: World) -> Invoke:
    return call("someaccount")


@case(
    "auth.azure_container_sas",
    expect=tce.ResourceNotFound,
    code="ResourceNotFound",
    not_local=_AZURE,
)
def _azure_container_sas(w: World) -> Invoke:
    return call("someaccount", "somecontainer", "read-only")


@case(
    "auth.sentry_dsn",
    expect=tce.ResourceNotFound,
    code="ResourceNotFound",
    not_local="no Sentry organization is configured (SENTRY_* are empty)",
)
def _sentry(w: World) -> Invoke:
    return call("some-project")


@case(
    "auth.websocktunnel_token",
    expect=tce.InternalServerError,
    not_local="no websocktunnel secret is configured (WEBSOCKTUNNEL_SECRET is empty): the "
    "service fails to sign the token",
)
def _websocktunnel(w: World) -> Invoke:
    return call("some-audience", "some-client")


@case(
    "auth.gcp_credentials",
    expect=tce.ResourceNotFound,
    code="ResourceNotFound",
    not_local="no GCP project is configured (GCP_CREDENTIALS_ALLOWED_PROJECTS is empty)",
)
def _gcp(w: World) -> Invoke:
    return call("some-project", "someone@some-project.iam.gserviceaccount.com")


@case(
    "auth.github_repo_token",
    expect=tce.ResourceNotFound,
    code="ResourceNotFound",
    not_local="no GitHub App is configured (GITHUB_CREDENTIALS_APPS is empty)",
)
def _github_token(w: World) -> Invoke:
    return call("some-app", "some-owner", {"repositories": ["repo"]})


@case("auth.authenticate_hawk")
def _authenticate_hawk(w: World) -> Invoke:
    client_id, credentials = w.client(["queue:ping"])
    resource = "/some/resource?x=1"
    header = hawk_header(
        credentials=credentials,
        method="GET",
        url=f"http://example.com:80{resource}",
        content_hash=None,
        ext=None,
    )
    payload = {
        "method": "get",
        "resource": resource,
        "host": "example.com",
        "port": 80,
        "authorization": header,
    }
    return call(
        payload,
        check=lambda r: r.root.status == "auth-success"
        and r.root.client_id == client_id
        and "queue:ping" in r.root.scopes,
    )


@case("auth.test_authenticate")
def _test_authenticate(w: World) -> Invoke:
    return call(
        {"clientScopes": ["test:a*"], "requiredScopes": ["test:ab"]},
        credentials=Credentials("tester", "no-secret"),
        check=lambda r: r.client_id == "tester" and r.scopes == ["test:a*"],
    )


@case("auth.test_authenticate_get")
def _test_authenticate_get(w: World) -> Invoke:
    # The endpoint authenticates against a fixed fake client: tester / no-secret, scope test:*.
    return call(
        credentials=Credentials("tester", "no-secret"),
        check=lambda r: r.client_id == "tester" and r.scopes == ["test:*"],
    )


# queue --------------------------------------------------------------------------------------

_WORKER = {"workerGroup": "typed-group", "workerId": "typed-worker"}


@case("queue.task")
def _task(w: World) -> Invoke:
    task_id = w.task()
    return call(task_id, check=lambda r: r.task_group_id == w.group_id and r.priority == "lowest")


@case("queue.tasks")
def _tasks(w: World) -> Invoke:
    ids = [w.task(), w.task()]
    return call({"taskIds": ids}, check=lambda r: sorted(t.task_id for t in r.tasks) == sorted(ids))


@case("queue.statuses")
def _statuses(w: World) -> Invoke:
    ids = [w.task(), w.task()]
    return call(
        {"taskIds": ids},
        check=lambda r: sorted(s.task_id for s in r.statuses) == sorted(ids)
        and {s.status.state for s in r.statuses} == {"pending"},
    )


@case("queue.status")
def _status(w: World) -> Invoke:
    task_id = w.task()
    return call(task_id, check=lambda r: r.status.state == "pending" and r.status.runs[0].run_id == 0)


@case("queue.list_task_group")
def _list_task_group(w: World) -> Invoke:
    group_id = slugid()
    w.task(taskGroupId=group_id)
    w.task(taskGroupId=group_id)
    return call(
        group_id, limit=1, check=lambda r: len(r.tasks) == 1 and r.continuation_token is not None
    )


@case("queue.cancel_task_group")
def _cancel_task_group(w: World) -> Invoke:
    group_id = slugid()
    ids = [w.task(taskGroupId=group_id), w.task(taskGroupId=group_id)]
    w.queue.seal_task_group(group_id)
    return call(
        group_id,
        check=lambda r: r.task_group_id == group_id
        and r.cancelled_count == 2
        and sorted(r.task_ids) == sorted(ids),
    )


@case("queue.get_task_group")
def _get_task_group(w: World) -> Invoke:
    group_id = slugid()
    w.task(taskGroupId=group_id)
    return call(group_id, check=lambda r: r.task_group_id == group_id and r.sealed is None)


@case("queue.seal_task_group")
def _seal(w: World) -> Invoke:
    group_id = slugid()
    w.task(taskGroupId=group_id)
    return call(group_id, check=lambda r: r.sealed is not None)


@case("queue.list_dependent_tasks")
def _dependents(w: World) -> Invoke:
    first = w.task()
    second = w.task(dependencies=[first])
    return call(first, check=lambda r: [t.status.task_id for t in r.tasks] == [second])


@case("queue.create_task")
def _create_task(w: World) -> Invoke:
    task_id = slugid()
    definition = task_definition(w.task_queue(), w.group_id, routes=["index.typed.created"])
    return call(task_id, definition, check=lambda r: r.status.task_id == task_id)


@case("queue.schedule_task")
def _schedule(w: World) -> Invoke:
    blocker = w.task()
    task_id = w.task(dependencies=[blocker])
    return call(task_id, check=lambda r: r.status.state == "pending")


@case("queue.rerun_task")
def _rerun(w: World) -> Invoke:
    task_id = w.completed()
    return call(task_id, check=lambda r: [run.state for run in r.status.runs] == ["completed", "pending"])


@case("queue.cancel_task")
def _cancel(w: World) -> Invoke:
    task_id = w.task()
    return call(task_id, check=lambda r: r.status.state == "exception")


@case("queue.change_task_priority")
def _priority(w: World) -> Invoke:
    task_id = w.task()
    return call(
        task_id,
        {"newPriority": "low"},
        check=lambda r: r.status.task_id == task_id
        and w.queue.task(task_id).priority == "low",
    )


@case("queue.change_task_group_priority")
def _group_priority(w: World) -> Invoke:
    group_id = slugid()
    task_id = w.task(taskGroupId=group_id)
    return call(
        group_id,
        {"newPriority": "low"},
        check=lambda r: [t.task_id for t in r.affected_tasks] == [task_id]
        if hasattr(r, "affected_tasks")
        else bool(r),
    )


@case("queue.claim_work")
def _claim_work(w: World) -> Invoke:
    queue_id = w.task_queue("claim")
    task_id = w.task(queue_id)
    return call(
        queue_id,
        {**_WORKER, "tasks": 2},
        check=lambda r: [t.status.task_id for t in r.tasks] == [task_id]
        and r.tasks[0].credentials.client_id.startswith("task-client/"),
    )


@case("queue.claim_task")
def _claim_task(w: World) -> Invoke:
    task_id = w.task()
    return call(task_id, 0, _WORKER, check=lambda r: r.status.state == "running")


@case("queue.reclaim_task")
def _reclaim(w: World) -> Invoke:
    task_id, _, _ = w.claimed()
    return call(task_id, 0, check=lambda r: r.status.state == "running" and r.run_id == 0)


@case("queue.report_completed")
def _completed(w: World) -> Invoke:
    task_id, _, _ = w.claimed()
    return call(task_id, 0, check=lambda r: r.status.state == "completed")


@case("queue.report_failed")
def _failed(w: World) -> Invoke:
    task_id, _, _ = w.claimed()
    return call(task_id, 0, check=lambda r: r.status.state == "failed")


@case("queue.report_exception")
def _exception(w: World) -> Invoke:
    task_id, _, _ = w.claimed()
    return call(
        task_id,
        0,
        {"reason": "malformed-payload"},
        check=lambda r: r.status.runs[0].reason_resolved == "malformed-payload",
    )


@case("queue.create_artifact")
def _create_artifact(w: World) -> Invoke:
    task_id, _, _ = w.claimed()
    payload = {
        "storageType": "reference",
        "url": "https://example.com/built",
        "contentType": "text/plain",
        "expires": from_now("1 day"),
    }
    return call(task_id, 0, "public/ref", payload, check=lambda r: r.storage_type == "reference")


@case("queue.finish_artifact")
def _finish_artifact(w: World) -> Invoke:
    task_id, _, _ = w.claimed()
    upload_id = w.uploaded_object_artifact(task_id, "public/uploaded", b"uploaded")
    return call(
        task_id,
        0,
        "public/uploaded",
        {"uploadId": upload_id},
        check=lambda r: r is None
        and w.queue.artifact_info(task_id, 0, "public/uploaded").storage_type == "object",
    )


@case("queue.get_artifact")
def _get_artifact(w: World) -> Invoke:
    done = w.resolved
    return call(
        done.task_id,
        0,
        "public/reference",
        check=lambda r: (r.storage_type, r.url) == ("reference", done.reference_url),
    )


@case("queue.get_latest_artifact")
def _get_latest_artifact(w: World) -> Invoke:
    done = w.resolved
    return call(
        done.task_id,
        "public/s3.txt",
        check=lambda r: r.storage_type == "s3" and "s3.txt" in r.url,
    )


_ARTIFACT_NAMES = ["public/error", "public/object.txt", "public/reference", "public/s3.txt"]


@case("queue.list_artifacts")
def _list_artifacts(w: World) -> Invoke:
    done = w.resolved
    return call(
        done.task_id, 0, check=lambda r: sorted(a.name for a in r.artifacts) == _ARTIFACT_NAMES
    )


@case("queue.list_latest_artifacts")
def _list_latest_artifacts(w: World) -> Invoke:
    done = w.resolved
    return call(
        done.task_id,
        limit=2,
        check=lambda r: len(r.artifacts) == 2 and r.continuation_token is not None,
    )


@case("queue.artifact_info")
def _artifact_info(w: World) -> Invoke:
    done = w.resolved
    return call(
        done.task_id,
        0,
        "public/object.txt",
        check=lambda r: (r.storage_type, r.content_type) == ("object", "text/plain"),
    )


@case("queue.latest_artifact_info")
def _latest_artifact_info(w: World) -> Invoke:
    done = w.resolved
    return call(done.task_id, "public/error", check=lambda r: r.storage_type == "error")


@case("queue.artifact")
def _artifact(w: World) -> Invoke:
    done = w.resolved
    return call(
        done.task_id,
        0,
        "public/object.txt",
        check=lambda r: r.root.storage_type == "object" and r.root.name.endswith("object.txt"),
    )


@case("queue.latest_artifact", expect=tce.APIError)
def _latest_artifact(w: World) -> Invoke:
    # An error artifact: the queue answers 424 with the artifact's reason and message.
    done = w.resolved
    return call(done.task_id, "public/error")


@case("queue.list_provisioners")
def _list_provisioners(w: World) -> Invoke:
    w.queue.declare_worker(w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")})
    return call(
        limit=1000, check=lambda r: w.provisioner in [p.provisioner_id for p in r.provisioners]
    )


@case("queue.get_provisioner")
def _get_provisioner(w: World) -> Invoke:
    w.queue.declare_worker(w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")})
    return call(w.provisioner, check=lambda r: r.provisioner_id == w.provisioner)


@case("queue.pending_tasks")
def _pending_tasks(w: World) -> Invoke:
    queue_id = w.task_queue()
    w.task(queue_id)
    return call(queue_id, check=lambda r: (r.task_queue_id, r.pending_tasks) == (queue_id, 1))


@case("queue.task_queue_counts")
def _counts(w: World) -> Invoke:
    queue_id = w.task_queue()
    w.task(queue_id)
    return call(queue_id, check=lambda r: (r.pending_tasks, r.claimed_tasks) == (1, 0))


@case("queue.list_pending_tasks")
def _list_pending(w: World) -> Invoke:
    queue_id = w.task_queue()
    task_id = w.task(queue_id)
    return call(queue_id, check=lambda r: [t.task_id for t in r.tasks] == [task_id])


@case("queue.list_claimed_tasks")
def _list_claimed(w: World) -> Invoke:
    task_id, _, _ = w.claimed()
    queue_id = w.queue.task(task_id).task_queue_id
    return call(queue_id, check=lambda r: [t.task_id for t in r.tasks] == [task_id])


@case("queue.list_worker_types")
def _list_worker_types(w: World) -> Invoke:
    w.queue.declare_worker(w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")})
    return call(
        w.provisioner, limit=1000, check=lambda r: "declared" in [t.worker_type for t in r.worker_types]
    )


@case("queue.get_worker_type")
def _get_worker_type(w: World) -> Invoke:
    w.queue.declare_worker(w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")})
    return call(w.provisioner, "declared", check=lambda r: r.worker_type == "declared")


@case("queue.list_task_queues")
def _list_task_queues(w: World) -> Invoke:
    w.queue.declare_worker(w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")})
    return call(limit=2, check=lambda r: len(r.task_queues) == 2 and r.continuation_token)


@case("queue.get_task_queue")
def _get_task_queue(w: World) -> Invoke:
    w.queue.declare_worker(w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")})
    queue_id = f"{w.provisioner}/declared"
    return call(queue_id, check=lambda r: r.task_queue_id == queue_id)


@case("queue.list_workers")
def _list_workers(w: World) -> Invoke:
    w.queue.declare_worker(w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")})
    return call(
        w.provisioner, "declared", check=lambda r: [x.worker_id for x in r.workers] == ["w1"]
    )


@case("queue.get_worker")
def _get_worker(w: World) -> Invoke:
    w.queue.declare_worker(w.provisioner, "declared", "typed-group", "w1", {"expires": from_now("1 day")})
    return call(
        w.provisioner, "declared", "typed-group", "w1", check=lambda r: r.worker_id == "w1"
    )


@case("queue.quarantine_worker")
def _quarantine(w: World) -> Invoke:
    worker_id = w.unique("quarantined")
    w.queue.declare_worker(w.provisioner, "declared", "typed-group", worker_id, {"expires": from_now("1 day")})
    return call(
        w.provisioner,
        "declared",
        "typed-group",
        worker_id,
        {"quarantineUntil": from_now("1 hour"), "quarantineInfo": "conformance"},
        check=lambda r: r.quarantine_until is not None,
    )


@case("queue.declare_worker")
def _declare(w: World) -> Invoke:
    worker_id = w.unique("declared")
    return call(
        w.provisioner,
        "declared",
        "typed-group",
        worker_id,
        {"expires": from_now("1 day")},
        check=lambda r: (r.worker_id, r.worker_group) == (worker_id, "typed-group"),
    )


# hooks --------------------------------------------------------------------------------------


@case("hooks.list_hook_groups")
def _hook_groups(w: World) -> Invoke:
    w.hook()
    return call(check=lambda r: w.hook_group in r.groups)


@case("hooks.list_hooks")
def _list_hooks(w: World) -> Invoke:
    hook_id = w.hook()
    return call(w.hook_group, check=lambda r: hook_id in [h.hook_id for h in r.hooks])


@case("hooks.hook")
def _hook(w: World) -> Invoke:
    hook_id = w.hook()
    return call(
        w.hook_group, hook_id, check=lambda r: (r.hook_id, r.metadata.name) == (hook_id, "conformance")
    )


@case("hooks.get_hook_status")
def _hook_status(w: World) -> Invoke:
    hook_id = w.hook()
    return call(w.hook_group, hook_id, check=lambda r: r.last_fire.root.result == "no-fire")


@case("hooks.create_hook")
def _create_hook(w: World) -> Invoke:
    hook_id = w.unique("hook")
    definition = hook_definition(f"{w.provisioner}/hooked")
    return call(w.hook_group, hook_id, definition, check=lambda r: r.hook_id == hook_id)


@case("hooks.update_hook")
def _update_hook(w: World) -> Invoke:
    hook_id = w.hook()
    definition = hook_definition(f"{w.provisioner}/hooked", schedule=["0 0 0 1 1 *"])
    return call(
        w.hook_group, hook_id, definition, check=lambda r: r.schedule == ["0 0 0 1 1 *"]
    )


@case("hooks.remove_hook")
def _remove_hook(w: World) -> Invoke:
    hook_id = w.hook()
    return call(
        w.hook_group,
        hook_id,
        check=lambda r: r is None
        and refused(lambda: w.hooks.hook(w.hook_group, hook_id), tce.ResourceNotFound),
    )


@case("hooks.trigger_hook")
def _trigger(w: World) -> Invoke:
    hook_id = w.hook()
    return call(
        w.hook_group,
        hook_id,
        {"reason": "conformance"},
        check=lambda r: r.root.status.state == "pending",
    )


@case("hooks.get_trigger_token")
def _get_token(w: World) -> Invoke:
    hook_id = w.hook()
    return call(w.hook_group, hook_id, check=lambda r: len(r.token) > 20)


@case("hooks.reset_trigger_token")
def _reset_token(w: World) -> Invoke:
    hook_id = w.hook()
    old = w.hooks.get_trigger_token(w.hook_group, hook_id).token
    return call(w.hook_group, hook_id, check=lambda r: r.token != old)


@case("hooks.trigger_hook_with_token")
def _trigger_with_token(w: World) -> Invoke:
    hook_id = w.hook()
    token = w.hooks.get_trigger_token(w.hook_group, hook_id).token
    return call(
        w.hook_group,
        hook_id,
        token,
        {"reason": "with a token"},
        credentials=None,
        check=lambda r: r.root.status.state == "pending",
    )


@case("hooks.list_last_fires")
def _last_fires(w: World) -> Invoke:
    hook_id = w.hook()
    w.hooks.trigger_hook(w.hook_group, hook_id, {})
    return call(
        w.hook_group,
        hook_id,
        check=lambda r: [f.result for f in r.last_fires] == ["success"],
    )


# index --------------------------------------------------------------------------------------


def _indexed(w: World, namespace: str | None = None) -> tuple[str, str]:
    """A completed task inserted at a fresh index path: (path, task id)."""
    path = namespace or f"typed.{w.run}.{w.unique('ns').replace('-', '')}"
    task_id = w.resolved.task_id
    w.index.insert_task(
        path,
        {"taskId": task_id, "rank": 1, "data": {"k": "v"}, "expires": from_now("1 day")},
    )
    return path, task_id


@case("index.find_task")
def _find_task(w: World) -> Invoke:
    path, task_id = _indexed(w)
    return call(path, check=lambda r: (r.task_id, r.namespace, r.data) == (task_id, path, {"k": "v"}))


@case("index.find_tasks_at_index")
def _find_tasks_at_index(w: World) -> Invoke:
    path, task_id = _indexed(w)
    return call({"indexes": [path]}, check=lambda r: [t.task_id for t in r.tasks] == [task_id])


@case("index.list_namespaces")
def _list_namespaces(w: World) -> Invoke:
    path, _ = _indexed(w)
    parent, _, child = path.rpartition(".")
    return call(parent, check=lambda r: child in [n.name for n in r.namespaces])


@case("index.list_tasks")
def _list_tasks(w: World) -> Invoke:
    path, task_id = _indexed(w)
    parent, _, _ = path.rpartition(".")
    return call(parent, check=lambda r: task_id in [t.task_id for t in r.tasks])


@case("index.insert_task")
def _insert_task(w: World) -> Invoke:
    path = f"typed.{w.run}.inserted{w.unique('n').replace('-', '')}"
    task_id = w.resolved.task_id
    payload = {"taskId": task_id, "rank": 3, "data": {}, "expires": from_now("1 day")}
    return call(path, payload, check=lambda r: (r.task_id, r.rank) == (task_id, 3))


@case("index.delete_task")
def _delete_task(w: World) -> Invoke:
    path, _ = _indexed(w)
    return call(
        path,
        check=lambda r: r is None and refused(lambda: w.index.find_task(path), tce.ResourceNotFound),
    )


@case("index.find_artifact_from_task")
def _find_artifact(w: World) -> Invoke:
    # A 303 redirect to the queue's artifact URL, returned as it came (not followed).
    path, task_id = _indexed(w)
    return call(
        path,
        "public/reference",
        check=lambda r: r.status_code == 303
        and r.headers["location"].endswith(f"/task/{task_id}/artifacts/public%2Freference"),
    )


# notify -------------------------------------------------------------------------------------

_DENIED = (
    "not configured locally (no {what}): the call reaches the real service, which refuses it "
    "as documented for a denylisted {target} without sending anything"
)


@case(
    "notify.email",
    expect=tce.BadRequest,
    code="DenylistedAddress",
    not_local=_DENIED.format(what="SES", target="address"),
)
def _email(w: World) -> Invoke:
    address = f"{w.unique('denied')}@example.com"
    w.notify.add_denylist_address({"notificationType": "email", "notificationAddress": address})
    return call({"address": address, "subject": "s", "content": "c"})


@case(
    "notify.matrix",
    expect=tce.BadRequest,
    code="DenylistedAddress",
    not_local=_DENIED.format(what="MATRIX_* settings", target="room"),
)
def _matrix(w: World) -> Invoke:
    room = f"!{w.unique('room')}:example.com"
    w.notify.add_denylist_address({"notificationType": "matrix-room", "notificationAddress": room})
    return call({"roomId": room, "body": "b", "format": "org.matrix.custom.html", "msgtype": "m.text"})


@case(
    "notify.slack",
    expect=tce.BadRequest,
    code="DenylistedAddress",
    not_local=_DENIED.format(what="SLACK_* settings", target="channel"),
)
def _slack(w: World) -> Invoke:
    channel = w.unique("C").upper()
    w.notify.add_denylist_address(
        {"notificationType": "slack-channel", "notificationAddress": channel}
    )
    return call({"channelId": channel, "text": "t"})


@case("notify.pulse")
def _pulse(w: World) -> Invoke:
    return call({"routingKey": f"typed.{w.run}", "message": {"hello": "pulse"}}, check=lambda r: r is None)


@case("notify.add_denylist_address")
def _add_denied(w: World) -> Invoke:
    address = f"{w.unique('added')}@example.com"
    entry = {"notificationType": "email", "notificationAddress": address}
    return call(
        entry,
        check=lambda r: r is None
        and address in [a.notification_address for a in w.notify.list_denylist(limit=1000).addresses],
    )


@case("notify.delete_denylist_address")
def _delete_denied(w: World) -> Invoke:
    address = f"{w.unique('deleted')}@example.com"
    entry = {"notificationType": "email", "notificationAddress": address}
    w.notify.add_denylist_address(entry)
    return call(
        entry,
        check=lambda r: r is None
        and address
        not in [a.notification_address for a in w.notify.list_denylist(limit=1000).addresses],
    )


@case("notify.list_denylist")
def _list_denied(w: World) -> Invoke:
    for _ in range(2):
        address = f"{w.unique('listed')}@example.com"
        w.notify.add_denylist_address({"notificationType": "email", "notificationAddress": address})
    return call(limit=1, check=lambda r: len(r.addresses) == 1 and r.continuation_token)


# object -------------------------------------------------------------------------------------


def _object_name(w: World) -> str:
    return f"typed/{w.run}/{w.unique('object')}"


def _inline_upload(w: World, name: str, upload_id: str) -> dict[str, Any]:
    import base64

    return {
        "projectId": "typed",
        "uploadId": upload_id,
        "expires": from_now("1 day"),
        "proposedUploadMethods": {
            "dataInline": {"contentType": "text/plain", "objectData": base64.b64encode(b"hi").decode()}
        },
    }


def _uploaded(w: World) -> str:
    name = _object_name(w)
    upload_id = slugid()
    w.object.create_upload(name, _inline_upload(w, name, upload_id))
    w.object.finish_upload(name, {"projectId": "typed", "uploadId": upload_id})
    return name


@case("object.create_upload")
def _create_upload(w: World) -> Invoke:
    name = _object_name(w)
    upload_id = slugid()
    return call(
        name,
        _inline_upload(w, name, upload_id),
        check=lambda r: r.upload_id == upload_id and r.upload_method.data_inline is True,
    )


@case("object.finish_upload")
def _finish_upload(w: World) -> Invoke:
    name = _object_name(w)
    upload_id = slugid()
    w.object.create_upload(name, _inline_upload(w, name, upload_id))
    return call(
        name,
        {"projectId": "typed", "uploadId": upload_id},
        check=lambda r: r is None and w.object.object(name).project_id == "typed",
    )


@case("object.start_download")
def _start_download(w: World) -> Invoke:
    name = _uploaded(w)
    return call(
        name,
        {"acceptDownloadMethods": {"simple": True}},
        check=lambda r: r.root.method == "simple" and r.root.url.startswith("http"),
    )


@case("object.object")
def _object(w: World) -> Invoke:
    name = _uploaded(w)
    return call(name, check=lambda r: r.project_id == "typed" and "sha256" in r.hashes.model_dump(exclude_none=True))


@case("object.download")
def _download(w: World) -> Invoke:
    # A 303 redirect to the simple download URL, returned as it came (not followed).
    name = _uploaded(w)
    return call(name, check=lambda r: r.status_code == 303 and r.headers["location"])


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
        since=from_now("-1 hour"),
        check=lambda r: [q.cache_name for q in r.requests] == ["typed-cache"],
    )


# secrets ------------------------------------------------------------------------------------


def _secret(w: World) -> str:
    name = w.id("secret")
    w.secrets.set(name, {"secret": {"token": name}, "expires": from_now("1 day")})
    return name


@case("secrets.set")
def _set(w: World) -> Invoke:
    name = w.id("secret")
    return call(
        name,
        {"secret": {"n": 1}, "expires": from_now("1 day")},
        check=lambda r: r is None and w.secrets.get(name).secret == {"n": 1},
    )


@case("secrets.remove")
def _remove(w: World) -> Invoke:
    name = _secret(w)
    return call(
        name,
        check=lambda r: r is None and refused(lambda: w.secrets.get(name), tce.ResourceNotFound),
    )


@case("secrets.get")
def _get(w: World) -> Invoke:
    name = _secret(w)
    return call(name, check=lambda r: r.secret == {"token": name})


@case("secrets.list")
def _list(w: World) -> Invoke:
    _secret(w)
    _secret(w)
    return call(limit=1, check=lambda r: len(r.secrets) == 1 and r.continuation_token)


# web-server ---------------------------------------------------------------------------------


@case("web_server.task_group_profile")
def _group_profile(w: World) -> Invoke:
    group_id = slugid()
    w.task(taskGroupId=group_id)
    return call(group_id, check=lambda r: r is None)


@case("web_server.task_profile")
def _task_profile(w: World) -> Invoke:
    return call(w.resolved.task_id, check=lambda r: r is None)


# worker-manager -----------------------------------------------------------------------------


@case("worker_manager.list_providers")
def _providers(w: World) -> Invoke:
    return call(check=lambda r: "static" in [p.provider_id for p in r.providers])


@case("worker_manager.create_worker_pool")
def _create_pool(w: World) -> Invoke:
    pool_id = f"{w.provisioner}/{w.unique('pool')}"
    return call(
        pool_id,
        worker_pool_definition(),
        check=lambda r: (r.worker_pool_id, r.provider_id) == (pool_id, "static"),
    )


@case("worker_manager.update_worker_pool")
def _update_pool(w: World) -> Invoke:
    pool_id = w.worker_pool()
    return call(
        pool_id,
        worker_pool_definition(description="updated"),
        check=lambda r: r.description == "updated",
    )


@case("worker_manager.delete_worker_pool")
def _delete_pool(w: World) -> Invoke:
    pool_id = w.worker_pool()
    return call(pool_id, check=lambda r: r.provider_id == "null-provider")


@case("worker_manager.list_worker_pool_launch_configs")
def _launch_configs(w: World) -> Invoke:
    pool_id = w.worker_pool()
    return call(pool_id, check=lambda r: isinstance(r.worker_pool_launch_configs, list))


@case("worker_manager.worker_pool_stats")
def _pool_stats(w: World) -> Invoke:
    pool_id = w.worker_pool()
    return call(pool_id, check=lambda r: isinstance(r.launch_config_stats, list))


@case("worker_manager.worker_pool")
def _pool(w: World) -> Invoke:
    pool_id = w.worker_pool()
    return call(pool_id, check=lambda r: r.worker_pool_id == pool_id and r.config == {})


@case("worker_manager.list_worker_pools")
def _pools(w: World) -> Invoke:
    w.worker_pool()
    w.worker_pool()
    return call(limit=1, check=lambda r: len(r.worker_pools) == 1 and r.continuation_token)


@case("worker_manager.list_worker_pools_stats")
def _pools_stats(w: World) -> Invoke:
    w.worker_pool()
    return call(check=lambda r: len(r.worker_pools_stats) >= 1)


def _error_report(w: World, pool_id: str) -> dict[str, Any]:
    return {"kind": "typed-error", "title": "conformance", "description": "reported", "extra": {}}


@case("worker_manager.report_worker_error")
def _report_error(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, secret = w.static_worker(pool_id)
    return call(
        pool_id,
        {**_error_report(w, pool_id), "workerGroup": group, "workerId": worker_id},
        check=lambda r: (r.worker_pool_id, r.kind) == (pool_id, "typed-error"),
    )


@case("worker_manager.worker_pool_error_stats")
def _error_stats(w: World) -> Invoke:
    pool_id = w.worker_pool()
    return call(worker_pool_id=pool_id, check=lambda r: r.worker_pool_id == pool_id)


@case("worker_manager.list_worker_pool_errors")
def _errors(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    w.worker_manager.report_worker_error(
        pool_id, {**_error_report(w, pool_id), "workerGroup": group, "workerId": worker_id}
    )
    return call(pool_id, check=lambda r: [e.kind for e in r.worker_pool_errors] == ["typed-error"])


@case("worker_manager.list_workers_for_worker_group")
def _workers_for_group(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    return call(pool_id, group, check=lambda r: [x.worker_id for x in r.workers] == [worker_id])


@case("worker_manager.worker")
def _worker(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    return call(pool_id, group, worker_id, check=lambda r: r.worker_id == worker_id)


@case("worker_manager.create_worker")
def _create_worker(w: World) -> Invoke:
    pool_id = w.worker_pool()
    worker_id = w.unique("worker")
    payload = {"expires": from_now("1 day"), "providerInfo": {"staticSecret": "s" * 44}}
    return call(
        pool_id, "typed-group", worker_id, payload, check=lambda r: r.state == "running"
    )


@case("worker_manager.update_worker")
def _update_worker(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    payload = {"expires": from_now("2 days"), "providerInfo": {"staticSecret": "t" * 44}}
    return call(pool_id, group, worker_id, payload, check=lambda r: r.worker_id == worker_id)


@case("worker_manager.remove_worker")
def _remove_worker(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    return call(pool_id, group, worker_id, check=lambda r: r is None)


@case("worker_manager.should_worker_terminate")
def _should_terminate(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    return call(pool_id, group, worker_id, check=lambda r: r.terminate is False)


@case("worker_manager.list_workers_for_worker_pool")
def _workers_for_pool(w: World) -> Invoke:
    pool_id = w.worker_pool()
    _, worker_id, _ = w.static_worker(pool_id)
    return call(pool_id, check=lambda r: [x.worker_id for x in r.workers] == [worker_id])


@case("worker_manager.register_worker")
def _register(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, secret = w.static_worker(pool_id)
    payload = {
        "workerPoolId": pool_id,
        "providerId": "static",
        "workerGroup": group,
        "workerId": worker_id,
        "workerIdentityProof": {"staticSecret": secret},
    }
    return call(payload, check=lambda r: r.credentials.client_id.startswith("worker/"))


@case("worker_manager.reregister_worker")
def _reregister(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, secret = w.static_worker(pool_id)
    registered = w.worker_manager.register_worker(
        {
            "workerPoolId": pool_id,
            "providerId": "static",
            "workerGroup": group,
            "workerId": worker_id,
            "workerIdentityProof": {"staticSecret": secret},
        }
    )
    payload = {
        "workerPoolId": pool_id,
        "workerGroup": group,
        "workerId": worker_id,
        "secret": registered.secret,
    }
    return call(payload, check=lambda r: r.secret != registered.secret)


@case("worker_manager.list_workers")
def _wm_list_workers(w: World) -> Invoke:
    pool_id = w.worker_pool()
    _, worker_id, _ = w.static_worker(pool_id)
    provisioner, worker_type = pool_id.split("/")
    return call(
        provisioner, worker_type, check=lambda r: [x.worker_id for x in r.workers] == [worker_id]
    )


@case("worker_manager.get_worker")
def _wm_get_worker(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    provisioner, worker_type = pool_id.split("/")
    return call(
        provisioner, worker_type, group, worker_id, check=lambda r: r.worker_id == worker_id
    )


# github -------------------------------------------------------------------------------------

for _method, _args in (
    ("builds", ()),
    ("cancel_builds", ("owner", "repo")),
    ("badge", ("owner", "repo", "main")),
    ("repository", ("owner", "repo")),
    ("latest", ("owner", "repo", "main")),
    ("create_status", ("owner", "repo", "0" * 40, {"state": "success"})),
    ("create_comment", ("owner", "repo", "1", {"body": "hi"})),
    ("render_taskcluster_yml", ({"body": "version: 1", "fakeEvent": {"type": "github-push"}},)),
):
    case(f"github.{_method}", expect=tce.ServerError, code="BadGateway", not_local=GITHUB)(
        lambda w, _args=_args: call(*_args)
    )
