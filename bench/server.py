"""The loopback Queue-shaped server of the benchmarks: `bench/server.js` (Node's http module).

Node serves a request in a fraction of the client's time (the headroom section shows its CPU
per request), so the ratios measure the clients, not the server. `ServerProcess` writes the
deterministic, schema-validated bodies of `bench.fixtures` to a temporary directory, starts
``node bench/server.js DIR`` (its own process), and talks to its control routes: Hawk headers
of a sample of requests (every request in the self-test) are verified there with the npm
`hawk` package, the implementation Taskcluster's services use, and the server's own CPU time
is read from ``process.cpuUsage()``.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench import fixtures

ROOT = Path(__file__).resolve().parents[1]


def write_bodies(fx: fixtures.Fixtures, directory: Path) -> None:
    """The files server.js reads: each body, the page tokens, the credentials it accepts."""
    named = {
        "task": fx.task_body,
        "status": fx.status_body,
        "createReply": fx.create_reply,
        "artifactInfo": fx.artifact_info,
    } | {f"page{n}": page for n, page in enumerate(fx.pages)}
    for name, body in named.items():
        (directory / f"{name}.json").write_bytes(body)
    (directory / "bodies.json").write_text(json.dumps({name: f"{name}.json" for name in named}))
    (directory / "tokens.json").write_text(json.dumps(list(fx.tokens)))
    credentials = {
        "clientId": fixtures.CLIENT_ID,
        "accessToken": fixtures.ACCESS_TOKEN,
        "oddArtifact": fixtures.ODD_ARTIFACT,
    }
    (directory / "credentials.json").write_text(json.dumps(credentials))


class ServerProcess:
    """server.js in a child process (stopped by closing its stdin, then by its pid)."""

    def __init__(self, fx: fixtures.Fixtures) -> None:
        self.validated = fixtures.validate(fx)
        self.directory = Path(tempfile.mkdtemp(prefix="tc-bench-"))
        write_bodies(fx, self.directory)
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not installed (the interop tests need it too)")
        self.proc = subprocess.Popen(
            [node, str(ROOT / "bench" / "server.js"), str(self.directory)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("READY "):
            self.close()
            raise RuntimeError(f"bench server did not start: {line!r}")
        self.port = int(line.split()[1])
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
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
