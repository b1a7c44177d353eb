"""The pytest fixture (the docs' five-line test) and the server's command line."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys

import anyio

from taskcluster_typed import AsyncSecrets, Secrets, from_now
from taskcluster_typed._core.client import SyncClient
from taskcluster_typed.testing import LocalTaskcluster
from taskcluster_typed.testing.routes import SERVICES, endpoints, match, python_name


def test_secret_round_trip(local_taskcluster: LocalTaskcluster) -> None:
    secrets = local_taskcluster.client(Secrets)
    secrets.set("project/x", {"secret": {"token": "t"}, "expires": from_now("1 hour")})
    assert secrets.get("project/x").secret == {"token": "t"}


def test_each_test_gets_a_fresh_deployment(local_taskcluster: LocalTaskcluster) -> None:
    assert local_taskcluster.client(Secrets).list().secrets == []


def test_command_line_prints_root_url_and_credentials() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "taskcluster_typed.testing.server"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        env = dict(line.removeprefix("export ").strip().split("=", 1) for line in lines[:3])
        assert env["TASKCLUSTER_CLIENT_ID"] == "static/taskcluster/root"
        assert env["TASKCLUSTER_ROOT_URL"].startswith("http://127.0.0.1:")
        code = "from taskcluster_typed import Auth;print(Auth.from_env().current_scopes().scopes)"
        out = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        assert out.strip() == "['*']"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()  # (warnings are errors: an unclosed pipe fails the test)


def test_async_clients_work_against_it(local_taskcluster: LocalTaskcluster) -> None:
    async def run() -> list[str]:
        async with local_taskcluster.client(AsyncSecrets) as secrets:
            await secrets.set("a", {"secret": {}, "expires": from_now("1 hour")})
            return (await secrets.list()).secrets

    assert anyio.run(run) == ["a"]


def test_every_endpoint_routes_to_its_generated_method() -> None:
    for service, module_name in SERVICES.items():
        module = importlib.import_module(f"taskcluster_typed.services.{module_name}")
        classes = [
            c for c in vars(module).values() if isinstance(c, type) and issubclass(c, SyncClient)
        ]
        client_class = next(c for c in classes if c.service_name == service)
        for name, endpoint in endpoints(service).items():
            assert hasattr(client_class, python_name(name)), (service, name)
            path = re.sub(r"<[^>]+>", "x", endpoint.route)
            found = match(service, endpoint.method, path)
            assert found is not None and found.endpoint.method == endpoint.method
