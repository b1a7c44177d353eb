"""The fixture itself: every service answers through the SDK, and what it provisioned exists."""

from __future__ import annotations

import asyncio

import pytest

from taskcluster_typed import (
    AsyncAuth,
    Auth,
    Hooks,
    InsufficientScopes,
    Secrets,
    WorkerManager,
)
from taskcluster_typed.testing import routes

from .conftest import LIMITED_SCOPES, RealTaskcluster
from .deployment import SERVICE_PORTS


def test_every_service_answers_ping_through_the_sdk(real: RealTaskcluster) -> None:
    assert set(real.deployment.answering()) == set(SERVICE_PORTS)
    with real.client(Auth) as auth:
        auth.ping()
        assert "*" in auth.current_scopes().scopes


def test_async_client_reaches_the_services(real: RealTaskcluster) -> None:
    async def scopes() -> list[str]:
        async with real.client(AsyncAuth) as auth:
            return (await auth.current_scopes()).scopes

    assert asyncio.run(scopes()) == ["*"]


def test_provisioned_client_pool_and_hook_exist(real: RealTaskcluster) -> None:
    with real.client(Auth) as auth:
        client = auth.client(real.limited.client_id)
        assert sorted(client.scopes) == sorted(LIMITED_SCOPES)
    with real.client(WorkerManager) as worker_manager:
        pool = worker_manager.worker_pool(real.worker_pool_id)
        assert pool.provider_id == "static"
    with real.client(Hooks) as hooks:
        hook = hooks.hook(real.hook_group_id, real.hook_id)
        assert hook.hook_id == real.hook_id


def test_limited_client_is_refused_with_insufficient_scopes(real: RealTaskcluster) -> None:
    secrets = real.client(Secrets, credentials=real.limited)
    with secrets, pytest.raises(InsufficientScopes) as caught:
        secrets.get("typed/not-readable")
    assert caught.value.status_code == 403


def test_fixture_covers_every_service_of_the_references() -> None:
    api_services = set(routes.SERVICES) - {"github"}  # github needs GitHub
    assert api_services <= set(SERVICE_PORTS)
