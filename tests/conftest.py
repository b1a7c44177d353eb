"""Fixtures shared by every test directory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from taskcluster_typed.transports import selection
from taskcluster_typed.transports.selection import AsyncEngine, SyncEngine, TransportName
from tests.support import typecheck


@pytest.fixture
def httpx_transport(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Clients built with ``transport="auto"`` use httpx's transport, which respx intercepts
    (the default transports, `Urllib3Transport` and `AiohttpTransport`, bypass httpcore)."""
    build_sync = selection.build_sync
    build_async = selection.build_async

    def build_sync_httpx(transport: TransportName) -> SyncEngine:
        return build_sync("httpx" if transport == "auto" else transport)

    def build_async_httpx(transport: TransportName) -> AsyncEngine:
        return build_async("httpx" if transport == "auto" else transport)

    monkeypatch.setattr(selection, "build_sync", build_sync_httpx)
    monkeypatch.setattr(selection, "build_async", build_async_httpx)
    yield


@pytest.fixture(scope="session")
def type_checked(tmp_path_factory: pytest.TempPathFactory) -> typecheck.TypeChecks:
    """mypy and pyright, each run once, over every snippet the test modules registered (see
    tests/support/typecheck.py)."""
    return typecheck.run_all(tmp_path_factory.mktemp("typecheck"))
