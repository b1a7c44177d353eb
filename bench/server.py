"""A loopback server shaped like the Taskcluster Queue API, for the benchmarks.

Run as its own process (``python -m bench.server``) so that the client's process is measured
alone. It serves the deterministic, schema-validated bodies of `bench.fixtures` from memory:

- ``GET  /api/queue/v1/task/<taskId>``            task definition (`queue.task`)
- ``GET  /api/queue/v1/task/<taskId>/status``     task status (`queue.status`)
- ``PUT  /api/queue/v1/task/<taskId>``            createTask (reply: task status)
- ``GET  /api/queue/v1/task-group/<id>/list``     listTaskGroup, 5 pages of 1000 tasks
- ``GET  /api/queue/v1/task/<taskId>/artifact-info/<name>``  latestArtifactInfo

Every request must carry a Hawk header. A sample of them (every Nth, N set through
``POST /__bench__/reset?every=N``; every request in the self-test) is verified with mohawk's
`Receiver` (an implementation independent of the project's hawk.py) over the exact method,
raw path and query, host, port, body and content type; createTask bodies in the sample are
validated against the generated `CreateTaskRequest` model. A failure answers 401 (or 400)
like Taskcluster and is counted, so an adapter that signs wrongly cannot go unnoticed. The
artifact route is verified on every request. ``GET /__bench__/stats`` reports the counters and
the server's own CPU time.

`ServerProcess` (used by run.py) starts the server and talks to its control routes.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import http.client
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import mohawk  # type: ignore[import-untyped]
from aiohttp import web

from bench import fixtures

JSON_TYPE = "application/json"


class State:
    def __init__(self, fx: fixtures.Fixtures) -> None:
        self.fx = fx
        self.pages = {"": fx.pages[0]} | {
            token: fx.pages[n + 1] for n, token in enumerate(fx.tokens)
        }
        self.every = 1
        self.reset(1)

    def reset(self, every: int) -> None:
        self.every = every
        self.requests = 0
        self.verified = 0
        self.unsigned = 0
        self.failed = 0
        self.failures: list[str] = []
        self.cpu0 = time.process_time()
        self.wall0 = time.perf_counter()

    def stats(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "verified": self.verified,
            "unsigned": self.unsigned,
            "failed": self.failed,
            "failures": self.failures[:10],
            "every": self.every,
            "cpu_s": time.process_time() - self.cpu0,
            "wall_s": time.perf_counter() - self.wall0,
        }

    def fail(self, message: str) -> None:
        self.failed += 1
        if len(self.failures) < 50:
            self.failures.append(message)


def _credentials(client_id: str) -> dict[str, str]:
    if client_id != fixtures.CLIENT_ID:
        raise LookupError(client_id)
    return {"id": client_id, "key": fixtures.ACCESS_TOKEN, "algorithm": "sha256"}


def _error(status: int, code: str, message: str) -> web.Response:
    body = {"code": code, "message": message, "requestInfo": {}}
    return web.Response(status=status, body=fixtures.dump(body), content_type=JSON_TYPE)


def check(
    state: State,
    request: web.Request,
    body: bytes,
    always: bool = False,
    anonymous_ok: bool = False,
) -> str | None:
    """Count the request; verify its Hawk header if it is in the sample. An error or None.

    With `anonymous_ok` (the status route: Taskcluster serves it to anyone), a request without
    an Authorization header is served and counted as unsigned (the floor "raw httpx without
    auth"); the self-test checks that no SDK adapter sends one."""
    state.requests += 1
    header = request.headers.get("Authorization", "")
    if anonymous_ok and not header:
        state.unsigned += 1
        return None
    if not header.startswith("Hawk "):
        state.fail(f"{request.method} {request.raw_path}: no Hawk header")
        return "no Hawk header"
    if not (always or (state.every > 0 and state.requests % state.every == 0)):
        return None
    state.verified += 1
    try:
        mohawk.Receiver(
            _credentials,
            header,
            f"http://{request.host}{request.raw_path}",
            request.method,
            content=body,
            content_type=request.headers.get("Content-Type", ""),
        )
    except Exception as exc:
        message = f"{request.method} {request.raw_path}: {type(exc).__name__}: {exc}"
        state.fail(message)
        return message
    return None


def make_app(state: State) -> web.Application:
    from taskcluster_typed.models.queue import CreateTaskRequest

    fx = state.fx

    def reply(body: bytes) -> web.Response:
        return web.Response(body=body, content_type=JSON_TYPE)

    async def task(request: web.Request) -> web.Response:
        if (error := check(state, request, b"")) is not None:
            return _error(401, "AuthenticationFailed", error)
        return reply(fx.task_body)

    async def status(request: web.Request) -> web.Response:
        if (error := check(state, request, b"", anonymous_ok=True)) is not None:
            return _error(401, "AuthenticationFailed", error)
        return reply(fx.status_body)

    async def create_task(request: web.Request) -> web.Response:
        body = await request.read()
        sampled_before = state.verified
        if (error := check(state, request, body)) is not None:
            return _error(401, "AuthenticationFailed", error)
        if state.verified != sampled_before:
            try:
                CreateTaskRequest.model_validate_json(body)
            except ValueError as exc:
                state.fail(f"createTask body: {exc}")
                return _error(400, "InputValidationError", str(exc))
        return reply(fx.create_reply)

    async def list_task_group(request: web.Request) -> web.Response:
        if (error := check(state, request, b"")) is not None:
            return _error(401, "AuthenticationFailed", error)
        page = state.pages.get(request.query.get("continuationToken", ""))
        if page is None:
            return _error(400, "InvalidRequestArguments", "bad continuationToken")
        return reply(page)

    async def artifact_info(request: web.Request) -> web.Response:
        if (error := check(state, request, b"", always=True)) is not None:
            return _error(401, "AuthenticationFailed", error)
        if request.match_info["name"] != fixtures.ODD_ARTIFACT:
            message = f"artifact name arrived as {request.match_info['name']!r}"
            state.fail(message)
            return _error(404, "ResourceNotFound", message)
        return reply(fx.artifact_info)

    async def stats(request: web.Request) -> web.Response:
        return reply(fixtures.dump(state.stats()))

    async def reset(request: web.Request) -> web.Response:
        state.reset(int(request.query.get("every", "1")))
        return reply(b"{}")

    app = web.Application()
    root = fixtures.ROOT_PATH
    app.router.add_get(root + "/task/{taskId}", task)
    app.router.add_get(root + "/task/{taskId}/status", status)
    app.router.add_put(root + "/task/{taskId}", create_task)
    app.router.add_get(root + "/task-group/{taskGroupId}/list", list_task_group)
    app.router.add_get(root + "/task/{taskId}/artifact-info/{name:.*}", artifact_info)
    app.router.add_get("/__bench__/stats", stats)
    app.router.add_post("/__bench__/reset", reset)
    return app


async def serve(state: State, sock: socket.socket) -> None:
    runner = web.AppRunner(make_app(state), access_log=None, handle_signals=False)
    await runner.setup()
    await web.SockSite(runner, sock, backlog=1024).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def watch_parent() -> None:
        sys.stdin.read()  # EOF when run.py exits or closes the pipe
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch_parent, daemon=True).start()
    print(f"READY {sock.getsockname()[1]}", flush=True)
    await stop.wait()
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    # mohawk's Receiver warns on every call that no nonce store was given (none is needed).
    logging.getLogger("mohawk").setLevel(logging.ERROR)
    fx = fixtures.build()
    for line in fixtures.validate(fx):
        print(f"valid: {line}", flush=True)
    state = State(fx)
    gc.collect()
    gc.freeze()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    asyncio.run(serve(state, sock))


class ServerProcess:
    """The server in a child process; a context manager. Control calls use http.client."""

    def __init__(self) -> None:
        root = Path(__file__).resolve().parents[1]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), str(root / "src")]))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.server"],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.validated: list[str] = []
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("valid: "):
                self.validated.append(line[len("valid: ") :].strip())
            elif line.startswith("READY "):
                self.port = int(line.split()[1])
                break
        else:
            raise RuntimeError(f"bench server exited with {self.proc.wait()}")
        self.root_url = f"http://127.0.0.1:{self.port}"

    def _control(self, method: str, path: str) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path)
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def reset(self, every: int) -> None:
        """Zero the counters; verify every `every`-th request (0: none, 1: all)."""
        self._control("POST", f"/__bench__/reset?every={every}")

    def stats(self) -> dict[str, Any]:
        return dict(self._control("GET", "/__bench__/stats"))

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


if __name__ == "__main__":
    main()
