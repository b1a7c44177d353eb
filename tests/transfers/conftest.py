from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .fake_service import FakeService, Running


@pytest.fixture
def service(tmp_path: Path) -> Iterator[FakeService]:
    """The loopback object service, queue and data server (stopped after the test)."""
    storage = tmp_path / "server"
    storage.mkdir()
    fake = FakeService(str(storage))
    running = Running(fake)
    try:
        yield fake
    finally:
        running.stop()


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)
