"""The local auth service refuses what the real one refuses (static clients, ``**`` scopes),
and answers the rest of its methods as a deployment without cloud accounts does."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from taskcluster_typed import (
    APIError,
    Auth,
    Queue,
    RequestConflict,
    ResourceNotFound,
    from_now,
)
from taskcluster_typed._core import hawk
from taskcluster_typed.testing import ROOT_CLIENT_ID, LocalTaskcluster


@pytest.fixture
def tc() -> Iterator[LocalTaskcluster]:
    with LocalTaskcluster() as local:
        yield local


@pytest.fixture
def auth(tc: LocalTaskcluster) -> Auth:
    return tc.client(Auth, max_retries=0)


def _error(raised: pytest.ExceptionInfo[APIError]) -> tuple[int, str | None]:
    return raised.value.status_code, raised.value.code


def test_static_clients_cannot_be_changed(auth: Auth) -> None:
    changes: list[Callable[[], object]] = [
        lambda: auth.delete_client(ROOT_CLIENT_ID),
        lambda: auth.disable_client(ROOT_CLIENT_ID),
        lambda: auth.reset_access_token(ROOT_CLIENT_ID),
        lambda: auth.create_client(
            "static/other", {"description": "d", "expires": from_now("1 hour")}
        ),
    ]
    for change in changes:
        with pytest.raises(APIError) as raised:
            change()
        assert _error(raised) == (400, "InputError")
        assert "reserved for statically configured clients" in raised.value.message
    assert auth.client(ROOT_CLIENT_ID).disabled is False


def test_scopes_ending_in_double_star_are_refused(auth: Auth) -> None:
    calls: list[Callable[[], object]] = [
        lambda: auth.create_client(
            "c", {"description": "d", "expires": from_now("1 hour"), "scopes": ["a:**"]}
        ),
        lambda: auth.create_role("r", {"description": "d", "scopes": ["a:**"]}),
    ]
    for call in calls:
        with pytest.raises(APIError) as raised:
            call()
        assert _error(raised) == (400, "InputError")


def test_roles_are_created_idempotently_and_audited(auth: Auth) -> None:
    role = {"description": "d", "scopes": ["b", "a"]}
    assert auth.create_role("r", role).scopes == ["a", "b"]  # type: ignore[arg-type]
    assert auth.create_role("r", role).scopes == ["a", "b"]  # type: ignore[arg-type]
    with pytest.raises(RequestConflict):
        auth.create_role("r", {"description": "other", "scopes": []})
    auth.delete_role("r")
    history = auth.get_entity_history("role", "r").audit_history
    assert [e.action_type for e in history] == ["created", "created", "deleted"]
    by_root = auth.list_audit_history(ROOT_CLIENT_ID).audit_history
    assert [e.entity_id for e in by_root] == ["r", "r", "r"]


def test_expanded_scopes_are_those_of_the_client_and_its_roles(auth: Auth) -> None:
    auth.create_role("group", {"description": "d", "scopes": ["x:y"]})
    created = auth.create_client(
        "c", {"description": "d", "expires": from_now("1 hour"), "scopes": ["assume:group"]}
    )
    assert created.expanded_scopes == ["assume:group", "x:y"]


def test_authenticate_hawk(tc: LocalTaskcluster, auth: Auth) -> None:
    url = f"{tc.root_url}/api/queue/v1/task/x"
    header = hawk.header(
        credentials=tc.root_credentials, method="GET", url=url, content_hash=None, ext=None
    )
    host, port = tc.root_url.removeprefix("http://").split(":")
    request = {"method": "get", "resource": "/api/queue/v1/task/x", "host": host, "port": int(port)}
    signed = auth.authenticate_hawk({**request, "authorization": header})  # type: ignore[arg-type]
    assert signed.status == "auth-success" and "*" in signed.scopes
    failed = auth.authenticate_hawk({**request, "resource": "/other", "authorization": header})  # type: ignore[arg-type]
    assert failed.status == "auth-failed"
    assert auth.authenticate_hawk(request).status == "no-auth"  # type: ignore[arg-type]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_cloud_credentials_are_not_configured(auth: Auth) -> None:
    assert auth.azure_accounts().accounts == []
    calls: list[Callable[[], object]] = [
        lambda: auth.aws_s3_credentials("read-only", "b", "p/"),
        lambda: auth.azure_tables("acct"),
        lambda: auth.sentry_dsn("p"),
    ]
    for call in calls:
        with pytest.raises(ResourceNotFound):
            call()
    with pytest.raises(APIError) as raised:
        auth.aws_s3_credentials("everything", "b", "p/")
    assert _error(raised) == (400, "InvalidRequestArguments")


def test_a_role_grants_its_scopes_to_anonymous_callers(tc: LocalTaskcluster) -> None:
    anonymous = Queue(tc.root_url, max_retries=0)
    with pytest.raises(APIError) as raised:
        anonymous.list_task_queues()
    assert _error(raised) == (403, "InsufficientScopes")
    tc.add_role("anonymous", ["queue:list-task-queues"])
    assert anonymous.list_task_queues().task_queues == []
