"""The `real` fixture (interface of the lead's fixture, see the project's brief): a running real
Taskcluster deployment at ``TASKCLUSTER_REAL_ROOT_URL`` (default ``http://127.0.0.1:18080``).

Interim version for the differential suite: it reuses a deployment that already answers and
starts nothing (the lead's ``tests/real/deployment.py`` replaces it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pytest

from taskcluster_typed import AsyncClient, Credentials, SyncClient

C = TypeVar("C", bound=SyncClient | AsyncClient)

ROOT_URL = os.environ.get("TASKCLUSTER_REAL_ROOT_URL", "http://127.0.0.1:18080")
ROOT_CLIENT_ID = "static/taskcluster/root"
ROOT_ACCESS_TOKEN = os.environ.get(
    "TASKCLUSTER_REAL_ACCESS_TOKEN", "j2Z6zW2QSLehailBXlosdw9e2Ti8R_Qh2M4buAEQfsMA"
)


@dataclass
class Real:
    root_url: str
    credentials: Credentials
    pulse_url: str

    def client(self, cls: type[C], **options: Any) -> C:
        options.setdefault("credentials", self.credentials)
        return cls(self.root_url, **options)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.real)


@pytest.fixture(scope="session")
def real() -> Iterator[Real]:
    try:
        httpx.get(f"{ROOT_URL}/api/queue/v1/ping", timeout=5).raise_for_status()
    except httpx.HTTPError as error:
        pytest.fail(f"no real Taskcluster answers at {ROOT_URL} ({error}); start it first")
    yield Real(
        ROOT_URL,
        Credentials(ROOT_CLIENT_ID, ROOT_ACCESS_TOKEN),
        "amqp://admin:admin@127.0.0.1:5672/local",
    )
