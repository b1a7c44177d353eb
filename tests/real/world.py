"""What the conformance tests provision on the real services, through the SDK itself.

One `World` per session: root clients (sync; the async cases make their own), ids unique to
this run (so reruns against a kept deployment do not collide), and helpers that create what a
method needs first (a pending or claimed task, a client, a role, a hook, a worker pool, ...).
Things many cases only read (a resolved task with artifacts of every storage type) are built
once and cached.
"""

from __future__ import annotations

import functools
import secrets as _random
from dataclasses import dataclass, field
from typing import Any, cast

import httpx

from taskcluster_typed import (
    Auth,
    Credentials,
    Hooks,
    Index,
    Notify,
    Object,
    PurgeCache,
    Queue,
    Secrets,
    WorkerManager,
    from_now,
    slugid,
)
from taskcluster_typed._core.errors import RequestConflict, ResourceNotFound
from taskcluster_typed.models.hooks import CreateHookRequestDict
from taskcluster_typed.models.queue import (
    CreateTaskRequestDict,
    ObjectArtifactResponse,
    S3ArtifactResponse,
)
from taskcluster_typed.models.worker_manager import CreateWorkerPoolRequestDict
from taskcluster_typed.transfers import upload

from .conftest import RealTaskcluster as Real

PROJECT = "typed-conformance"


def task_definition(task_queue_id: str, group_id: str, **changes: Any) -> CreateTaskRequestDict:
    """A task that no worker takes (its queue is this run's own)."""
    definition: dict[str, Any] = {
        "taskQueueId": task_queue_id,
        "schedulerId": "-",
        "taskGroupId": group_id,
        "projectId": PROJECT,
        "created": from_now("0 seconds"),
        "deadline": from_now("1 hour"),
        "expires": from_now("2 days"),
        "payload": {},
        "metadata": {
            "name": "conformance",
            "description": "a task of the taskcluster-typed conformance suite",
            "owner": "typed@example.com",
            "source": "https://github.com/taskcluster/taskcluster",
        },
        "priority": "lowest",
    }
    definition.update(changes)
    return cast("CreateTaskRequestDict", definition)


@dataclass
class Resolved:
    """A completed task (run 0) with one artifact of each storage type."""

    task_id: str
    worker_group: str
    worker_id: str
    task_queue_id: str
    s3_content: bytes
    object_content: bytes
    reference_url: str


@dataclass
class World:
    real: Real
    run: str = field(default_factory=lambda: "r" + _random.token_hex(4))

    def __post_init__(self) -> None:
        self.queue = self.real.client(Queue)
        self.auth = self.real.client(Auth)
        self.hooks = self.real.client(Hooks)
        self.index = self.real.client(Index)
        self.secrets = self.real.client(Secrets)
        self.notify = self.real.client(Notify)
        self.object = self.real.client(Object)
        self.purge_cache = self.real.client(PurgeCache)
        self.worker_manager = self.real.client(WorkerManager)
        self.provisioner = f"typed-{self.run}"
        self.group_id = slugid()
        self._counter = 0

    def close(self) -> None:
        for client in (self.queue, self.auth, self.hooks, self.index, self.secrets, self.notify):
            client.close()
        for other in (self.object, self.purge_cache, self.worker_manager):
            other.close()

    # Names --------------------------------------------------------------------------------

    def unique(self, kind: str) -> str:
        """A new lowercase name, unique in this run: ``<kind>-<n>``."""
        self._counter += 1
        return f"{kind}-{self._counter}"

    def id(self, kind: str) -> str:
        """A new client/role/secret-style id under this run's prefix."""
        return f"typed/{self.run}/{self.unique(kind)}"

    def task_queue(self, kind: str = "q") -> str:
        return f"{self.provisioner}/{self.unique(kind)}"

    # Queue ----------------------------------------------------------------------------------

    def task(self, task_queue_id: str | None = None, **changes: Any) -> str:
        task_id = slugid()
        queue_id = task_queue_id or self.task_queue()
        self.queue.create_task(task_id, task_definition(queue_id, self.group_id, **changes))
        return task_id

    def claimed(self, **changes: Any) -> tuple[str, str, str]:
        """A task whose run 0 is claimed: (task id, worker group, worker id)."""
        queue_id = self.task_queue("claimed")
        task_id = self.task(queue_id, **changes)
        claim = self.queue.claim_work(
            queue_id, {"workerGroup": "typed-group", "workerId": "typed-worker", "tasks": 1}
        )
        assert [t.status.task_id for t in claim.tasks] == [task_id]
        return task_id, "typed-group", "typed-worker"

    def completed(self) -> str:
        task_id, _, _ = self.claimed()
        self.queue.report_completed(task_id, 0)
        return task_id

    @functools.cached_property
    def resolved(self) -> Resolved:
        task_id, group, worker = self.claimed()
        queue_id = self.queue.task(task_id).task_queue_id
        s3_content = b"s3 artifact of " + task_id.encode()
        s3 = self.queue.create_artifact(
            task_id,
            0,
            "public/s3.txt",
            {"storageType": "s3", "contentType": "text/plain", "expires": from_now("1 day")},
        )
        assert isinstance(s3, S3ArtifactResponse)
        headers = {"content-type": "text/plain"}
        httpx.put(s3.put_url, content=s3_content, headers=headers).raise_for_status()
        object_content = b"object artifact of " + task_id.encode()
        upload_id = self.uploaded_object_artifact(task_id, "public/object.txt", object_content)
        self.queue.finish_artifact(task_id, 0, "public/object.txt", {"uploadId": upload_id})
        log = self.queue.create_artifact(
            task_id,
            0,
            "public/logs/live.log",
            {"storageType": "s3", "contentType": "text/plain", "expires": from_now("1 day")},
        )
        assert isinstance(log, S3ArtifactResponse)
        log_lines = b"[taskcluster 2026-01-01T00:00:00.000Z] conformance\n"
        httpx.put(log.put_url, content=log_lines, headers=headers).raise_for_status()
        reference_url = f"{self.real.root_url}/api/queue/v1/ping"
        self.queue.create_artifact(
            task_id,
            0,
            "public/reference",
            {
                "storageType": "reference",
                "url": reference_url,
                "contentType": "application/json",
                "expires": from_now("1 day"),
            },
        )
        self.queue.create_artifact(
            task_id,
            0,
            "public/error",
            {
                "storageType": "error",
                "reason": "file-missing-on-worker",
                "message": "the worker did not find it",
                "expires": from_now("1 day"),
            },
        )
        self.queue.report_completed(task_id, 0)
        return Resolved(task_id, group, worker, queue_id, s3_content, object_content, reference_url)

    def uploaded_object_artifact(self, task_id: str, name: str, content: bytes) -> str:
        """Create an object artifact on run 0 and upload `content`; returns the upload id
        (the artifact is not finished)."""
        created = self.queue.create_artifact(
            task_id,
            0,
            name,
            {"storageType": "object", "contentType": "text/plain", "expires": from_now("1 day")},
        )
        assert isinstance(created, ObjectArtifactResponse)
        given = created.credentials
        credentials = Credentials(given.client_id, given.access_token, given.certificate)
        with Object(self.real.root_url, credentials=credentials) as objects:
            upload(
                objects,
                created.name,
                content,
                project_id=created.project_id,
                expires=created.expires,
                content_type="text/plain",
                upload_id=created.upload_id,
            )
        return created.upload_id

    def grant_anonymous(self, scopes: list[str]) -> None:
        """Add `scopes` (ids of this run only) to the ``anonymous`` role, as production
        deployments grant read scopes to everyone (the web-server calls the queue unsigned)."""
        for _ in range(5):
            try:
                role = self.auth.role("anonymous")
            except ResourceNotFound:
                try:
                    self.auth.create_role(
                        "anonymous", {"description": "everyone", "scopes": scopes}
                    )
                    return
                except RequestConflict:
                    continue
            merged = sorted({*role.scopes, *scopes})
            self.auth.update_role("anonymous", {"description": role.description, "scopes": merged})
            return
        raise AssertionError("could not update the anonymous role")

    # Auth -----------------------------------------------------------------------------------

    def client(self, scopes: list[str] | None = None) -> tuple[str, Credentials]:
        client_id = self.id("client")
        made = self.auth.create_client(
            client_id,
            {"expires": from_now("1 day"), "description": "conformance", "scopes": scopes or []},
        )
        return client_id, Credentials(client_id, made.access_token)

    def role(self, scopes: list[str] | None = None) -> str:
        role_id = self.id("role")
        self.auth.create_role(
            role_id, {"description": "conformance", "scopes": scopes or ["queue:ping"]}
        )
        return role_id

    # Hooks ----------------------------------------------------------------------------------

    @property
    def hook_group(self) -> str:
        return f"typed-{self.run}"

    def hook(self) -> str:
        """A hook whose role holds its task's scopes; returns the hook id."""
        hook_id = self.unique("hook")
        queue_id = f"{self.provisioner}/hooked"
        self.auth.create_role(
            f"hook-id:{self.hook_group}/{hook_id}",
            {
                "description": "conformance",
                "scopes": [
                    f"queue:create-task:lowest:{queue_id}",
                    "queue:create-task:project:none",
                    "queue:scheduler-id:-",
                ],
            },
        )
        self.hooks.create_hook(self.hook_group, hook_id, hook_definition(queue_id))
        return hook_id

    # Worker manager -------------------------------------------------------------------------

    def worker_pool(self) -> str:
        pool_id = f"{self.provisioner}/{self.unique('pool')}"
        self.worker_manager.create_worker_pool(pool_id, worker_pool_definition())
        return pool_id

    def static_worker(self, pool_id: str) -> tuple[str, str, str]:
        """A static worker in `pool_id`: (worker group, worker id, its static secret)."""
        worker_id = self.unique("worker")
        secret = _random.token_hex(22)
        self.worker_manager.create_worker(
            pool_id,
            "typed-group",
            worker_id,
            {"expires": from_now("1 day"), "providerInfo": {"staticSecret": secret}},
        )
        return "typed-group", worker_id, secret


def hook_definition(task_queue_id: str, **changes: Any) -> CreateHookRequestDict:
    definition: dict[str, Any] = {
        "metadata": {
            "name": "conformance",
            "description": "a hook of the taskcluster-typed conformance suite",
            "owner": "typed@example.com",
            "emailOnError": False,
        },
        "schedule": [],
        "task": {
            "provisionerId": task_queue_id.split("/")[0],
            "workerType": task_queue_id.split("/")[1],
            "created": {"$fromNow": "0 seconds"},
            "deadline": {"$fromNow": "1 hour"},
            "expires": {"$fromNow": "1 day"},
            "payload": {},
            "priority": "lowest",
            "metadata": {
                "name": "hooked",
                "description": "fired by a hook",
                "owner": "typed@example.com",
                "source": "https://github.com/taskcluster/taskcluster",
            },
        },
        "triggerSchema": {"type": "object"},
    }
    definition.update(changes)
    return cast("CreateHookRequestDict", definition)


def worker_pool_definition(**changes: Any) -> CreateWorkerPoolRequestDict:
    definition: dict[str, Any] = {
        "providerId": "static",
        "description": "a pool of the taskcluster-typed conformance suite",
        "config": {},
        "owner": "typed@example.com",
        "emailOnError": False,
    }
    definition.update(changes)
    return cast("CreateWorkerPoolRequestDict", definition)
