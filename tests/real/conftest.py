"""Stand-in for the lead's fixture (issue 19 items 1-2), with the same interface: the session
fixture `real` for the deployment already answering at TASKCLUSTER_REAL_ROOT_URL (default
http://127.0.0.1:18080). Replaced by the fixture on main when that lands."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

from taskcluster_typed import Credentials

from .report import pytest_terminal_summary as pytest_terminal_summary

C = TypeVar("C")

ROOT_URL = os.environ.get("TASKCLUSTER_REAL_ROOT_URL", "http://127.0.0.1:18080")
PULSE_URL = os.environ.get("TASKCLUSTER_REAL_PULSE_URL", "amqp://admin:admin@127.0.0.1:5672/local")
ROOT = Credentials("static/taskcluster/root", "j2Z6zW2QSLehailBXlosdw9e2Ti8R_Qh2M4buAEQfsMA")


@dataclass(frozen=True)
class Real:
    root_url: str
    credentials: Credentials
    pulse_url: str

    def client(self, cls: type[C], **options: Any) -> C:
        options.setdefault("credentials", self.credentials)
        return cls(self.root_url, **options)  # type: ignore[call-arg]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.real)


@pytest.fixture(scope="session")
def real() -> Iterator[Real]:
    yield Real(ROOT_URL, ROOT, PULSE_URL)
