"""The utilities' types, as mypy --strict and pyright (strict) must infer them.

Pagination yields each method's exact item model; URL builders take the methods' own
arguments. Type-checked by `make typecheck`, never run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta

from typing_extensions import assert_type

from taskcluster_typed import (
    AsyncPaginator,
    AsyncQueue,
    Auth,
    CredentialInformation,
    Credentials,
    Index,
    Paginator,
    Queue,
    ScopeExpression,
    Secrets,
    WorkerManager,
    async_credential_information,
    create_temporary_credentials,
    credential_information,
    from_now,
    from_now_json,
    normalize_scope_set,
    satisfies_expression,
    scope_intersection,
    scope_match,
    scope_union,
    sign_url,
    slugid,
    slugid_v4,
    valid_expression,
)
from taskcluster_typed.models.auth import GetClientResponse, ListClientsResponse
from taskcluster_typed.models.index import ListTasksResponse
from taskcluster_typed.models.index import Task as IndexedTask
from taskcluster_typed.models.queue import (
    ArtifactResponse,
    ListArtifactsResponse,
    ListTaskGroupResponse,
    TaskDefinitionAndStatus,
    TasksResponse,
    TasksResponseTask,
)
from taskcluster_typed.models.secrets import SecretList
from taskcluster_typed.models.worker_manager import WorkerFull, WorkerList


def pagination(
    queue: Queue, auth: Auth, index: Index, secrets: Secrets, workers: WorkerManager
) -> None:
    tasks = queue.iter_list_task_group("group", limit=100)
    assert_type(tasks, Paginator[ListTaskGroupResponse, TaskDefinitionAndStatus])
    for task in tasks:
        assert_type(task, TaskDefinitionAndStatus)
        assert_type(task.status.task_id, str)
    assert_type(iter(tasks), Iterator[TaskDefinitionAndStatus])
    for page in tasks.pages():
        assert_type(page, ListTaskGroupResponse)
        assert_type(page.continuation_token, str | None)

    artifacts = queue.iter_list_artifacts("task", 0, continuation_token="resume")
    assert_type(artifacts, Paginator[ListArtifactsResponse, ArtifactResponse])
    # A nested item class whose name clashes is imported under its public name.
    assert_type(
        queue.iter_tasks({"taskIds": ["a"]}),
        Paginator[TasksResponse, TasksResponseTask],
    )
    assert_type(
        auth.iter_list_clients(prefix="project/"), Paginator[ListClientsResponse, GetClientResponse]
    )
    assert_type(list(auth.iter_list_role_ids()), list[str])
    assert_type(list(secrets.iter_list(limit=5)), list[str])
    assert_type(secrets.iter_list(), Paginator[SecretList, str])
    assert_type(
        index.iter_find_tasks_at_index({"indexes": ["a.b"]}),
        Paginator[ListTasksResponse, IndexedTask],
    )
    assert_type(
        workers.iter_list_workers_for_worker_pool("pool/x", state="running"),
        Paginator[WorkerList, WorkerFull],
    )


async def async_pagination(queue: AsyncQueue) -> None:
    tasks = queue.iter_list_task_group("group")
    assert_type(tasks, AsyncPaginator[ListTaskGroupResponse, TaskDefinitionAndStatus])
    async for task in tasks:
        assert_type(task, TaskDefinitionAndStatus)
    assert_type(tasks.__aiter__(), AsyncIterator[TaskDefinitionAndStatus])
    async for page in tasks.pages():
        assert_type(page, ListTaskGroupResponse)


def urls(queue: Queue, async_queue: AsyncQueue, credentials: Credentials) -> None:
    assert_type(queue.urls.get_artifact("task", 0, "public/log.txt"), str)
    assert_type(queue.urls.create_task("task"), str)  # any method has a URL
    assert_type(queue.urls.list_task_group("group", limit=5), str)
    assert_type(queue.signed_urls.get_artifact("task", "0", "private/x"), str)
    assert_type(
        queue.signed_urls.get_latest_artifact("task", "x", expires_in=timedelta(hours=1)), str
    )
    assert_type(queue.signed_urls.get_latest_artifact("task", "x", expires_in=60), str)
    assert_type(async_queue.signed_urls.task("task"), str)
    assert_type(sign_url("https://tc.example.com/x", credentials, expires_in=30.5), str)


def temporary(credentials: Credentials, now: datetime) -> None:
    made = create_temporary_credentials(
        credentials, scopes=[], start=now, expiry=timedelta(hours=1), name="project/tmp"
    )
    assert_type(made, Credentials)
    assert_type(made.certificate_json, str | None)
    info = credential_information("https://tc.example.com", made)
    assert_type(info, CredentialInformation)
    assert_type(info.expiry, datetime | None)
    assert_type(info.scopes, tuple[str, ...])


async def async_temporary(credentials: Credentials) -> None:
    info = await async_credential_information("https://tc.example.com", credentials)
    assert_type(info.active, bool)


def utilities() -> None:
    assert_type(from_now("2 days"), datetime)
    assert_type(from_now("-1 yr", datetime(2026, 1, 1)), datetime)
    assert_type(from_now_json("1h"), str)
    assert_type(slugid(), str)
    assert_type(slugid_v4(), str)
    expression: ScopeExpression = {"AllOf": ["a", {"AnyOf": ["b", "c:*"]}]}
    assert_type(satisfies_expression(["a", "c:*"], expression), bool)
    assert_type(scope_match(["a*"], [["ab"], ["c"]]), bool)
    assert_type(normalize_scope_set(["a", "a*"]), list[str])
    assert_type(scope_union(["a"], ("b",)), list[str])
    assert_type(scope_intersection(["a*"], ["ab"]), list[str])
    assert_type(valid_expression({"AnyOf": []}), bool)
