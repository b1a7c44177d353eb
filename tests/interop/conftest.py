"""Fixtures of the interop tests: the Node Hawk server (npm `hawk`, as Taskcluster uses it)."""

from __future__ import annotations

import datetime
import json
import os
import selectors
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import taskcluster  # type: ignore[import-untyped]

from taskcluster_typed import SyncClient

from .support import PERMANENT, TEMP_NAME

PROJECT = Path(__file__).resolve().parents[2]
SERVER_SCRIPT = Path(__file__).resolve().with_name("hawk_server.js")
STARTUP_TIMEOUT = 15.0


@dataclass(frozen=True)
class TemporaryCredentials:
    """Named temporary credentials made by the official client's createTemporaryCredentials."""

    client_id: str
    access_token: str
    certificate: str  # the JSON string, as the official client returns it
    issuer: str


@dataclass(frozen=True)
class NodeHawkServer:
    port: int
    temporary: TemporaryCredentials

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def make_temporary_credentials() -> TemporaryCredentials:
    issuer = "tester"
    start = datetime.datetime.now(datetime.timezone.utc)
    made: dict[str, Any] = taskcluster.createTemporaryCredentials(
        issuer,
        PERMANENT[issuer],
        start,
        start + datetime.timedelta(hours=1),
        ["queue:get-artifact:*", "assume:project:é-not-ascii"],
        name=TEMP_NAME,
    )
    access_token = made["accessToken"]
    return TemporaryCredentials(
        client_id=made["clientId"],
        access_token=access_token.decode() if isinstance(access_token, bytes) else access_token,
        certificate=made["certificate"],
        issuer=issuer,
    )


def _start_failure(message: str) -> None:
    pytest.fail(f"{message}. The interop tests need Node and npm `hawk`: run `make install`.")


@pytest.fixture(scope="session")
def hawk_server() -> Iterator[NodeHawkServer]:
    """The Node server, started once; it is killed at the end of the session."""
    node = shutil.which("node")
    if node is None:
        _start_failure("`node` is not on PATH")
    if not (PROJECT / "node_modules" / "hawk" / "package.json").is_file():
        _start_failure(f"{PROJECT / 'node_modules' / 'hawk'} is missing")
    assert node is not None
    temporary = make_temporary_credentials()
    table = {**PERMANENT, temporary.client_id: temporary.access_token}
    process = subprocess.Popen(
        [node, str(SERVER_SCRIPT)],
        cwd=PROJECT,
        env={**os.environ, "HAWK_TEST_CREDENTIALS": json.dumps(table)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            ready = selector.select(timeout=STARTUP_TIMEOUT)
        line = process.stdout.readline().decode().strip() if ready else ""
        if not line.isdigit():
            process.kill()
            _, stderr = process.communicate(timeout=5)
            _start_failure(
                f"the Node Hawk server did not report its port within {STARTUP_TIMEOUT} s "
                f"(stdout {line!r}, stderr {stderr.decode(errors='replace')[-2000:]!r})"
            )
        yield NodeHawkServer(int(line), temporary)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture(scope="module")
def queue(hawk_server: NodeHawkServer) -> Iterator[SyncClient]:
    """A client of the Node server without credentials; tests add them with with_options."""
    with SyncClient(hawk_server.root_url, service="queue", max_retries=0) as client:
        yield client


@pytest.fixture(scope="module")
def http(hawk_server: NodeHawkServer) -> Iterator[httpx.Client]:
    """A plain httpx client, to send requests signed (and then tampered with) by hand."""
    with httpx.Client(base_url=hawk_server.root_url, timeout=10) as client:
        yield client


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
