"""Fixtures shared by every test directory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from taskcluster_typed._core.http import AsyncPipe, SyncPipe, TransportName


@pytest.fixture
def httpx_transport(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Clients built with ``transport="auto"`` use httpx's transport, which respx intercepts
    (the default transports, `StdlibTransport` and `AiohttpTransport`, bypass httpcore)."""
    sync_build = SyncPipe.build
    async_build = AsyncPipe.build

    def build_sync(transport: TransportName) -> SyncPipe:
        return sync_build("httpx" if transport == "auto" else transport)

    def build_async(transport: TransportName) -> AsyncPipe:
        return async_build("httpx" if transport == "auto" else transport)

    monkeypatch.setattr(SyncPipe, "build", build_sync)
    monkeypatch.setattr(AsyncPipe, "build", build_async)
    yield
