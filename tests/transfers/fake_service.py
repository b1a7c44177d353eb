"""A loopback object service, queue (artifact-content only) and data server for the tests.

A threaded `http.server` on 127.0.0.1: the API routes answer like the services (JSON), the
data routes (``/data/<name>`` for PUT/GET URLs, ``/files/<name>`` for s3 and reference
artifacts) stream to and from temporary files, so nothing large is held in memory. Failures
are scripted per route with `FakeService.script`: an HTTP status, ``"drop"`` (send half the
body, then close) or ``"reset"`` (close without a reply).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, unquote, urlsplit

Action = int | str


@dataclass
class Stored:
    path: str
    size: int
    sha256: str
    sha512: str
    content_type: str


@dataclass
class Recorded:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes = b""


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


@dataclass
class FakeService:
    directory: str
    accept_inline: bool = True
    negotiate_none: bool = False
    put_url_expires: datetime | None = None
    download_expires: datetime | None = None
    hashes: dict[str, dict[str, str]] = field(default_factory=dict[str, dict[str, str]])
    artifacts: dict[tuple[str, str | None, str], tuple[int, Any]] = field(
        default_factory=dict[tuple[str, str | None, str], tuple[int, Any]]
    )
    objects: dict[str, Stored] = field(default_factory=dict[str, Stored])
    gzipped: set[str] = field(default_factory=set[str])
    finished: dict[str, Any] = field(default_factory=dict[str, Any])
    requests: list[Recorded] = field(default_factory=list[Recorded])
    scripts: dict[tuple[str, str], list[Action]] = field(default_factory=lambda: defaultdict(list))
    root_url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def script(self, method: str, path: str, *actions: Action) -> None:
        """The next requests to ``method path`` get `actions`, one each, then normal replies."""
        with self.lock:
            self.scripts[(method, path)].extend(actions)

    def next_action(self, method: str, path: str) -> Action | None:
        with self.lock:
            queue = self.scripts.get((method, path))
            return queue.pop(0) if queue else None

    def calls(self, method: str, prefix: str) -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def store(self, name: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        path = os.path.join(self.directory, hashlib.sha256(name.encode()).hexdigest())
        with open(path, "wb") as file:
            file.write(data)
        self.objects[name] = Stored(
            path,
            len(data),
            hashlib.sha256(data).hexdigest(),
            hashlib.sha512(data).hexdigest(),
            content_type,
        )

    def content(self, name: str) -> bytes:
        with open(self.objects[name].path, "rb") as file:
            return file.read()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def fake(self) -> FakeService:
        return self.server.fake

    # plumbing ------------------------------------------------------------------------

    def _reply(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _discard_body(self) -> None:
        remaining = int(self.headers.get("Content-Length", "0"))
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                break
            remaining -= len(chunk)

    def _json_body(self) -> Any:
        length = int(self.headers.get("Content-Length", "0"))
        return json.loads(self.rfile.read(length) or b"null")

    def _record(self, body: bytes = b"") -> tuple[str, str]:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        with self.fake.lock:
            self.fake.requests.append(
                Recorded(
                    self.command,
                    path,
                    parts.query,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
            )
        return path, parts.query

    def _scripted(self, path: str) -> bool:
        action = self.fake.next_action(self.command, path)
        if action is None:
            return False
        if action == "reset":
            self.close_connection = True
            return True
        if action == "drop":
            stored = self.fake.objects[path.split("/", 2)[2]]
            self.send_response(200)
            self.send_header("Content-Length", str(stored.size))
            self.end_headers()
            with open(stored.path, "rb") as file:
                self.wfile.write(file.read(stored.size // 2))
            self.close_connection = True
            return True
        self._discard_body()
        # no Taskcluster error code: a storage backend's error reply (S3's is XML) has none
        self._reply(int(action), {"message": f"scripted {action}"})
        return True

    # verbs -------------------------------------------------------------------------------

    def do_PUT(self) -> None:
        path, _ = self._record()
        if self._scripted(path):
            return
        if path.startswith("/api/object/v1/upload/"):
            self._create_upload(path.removeprefix("/api/object/v1/upload/"))
        elif path.startswith("/api/object/v1/start-download/"):
            self._json_body()
            self._start_download(path.removeprefix("/api/object/v1/start-download/"))
        elif path.startswith("/data/"):
            self._put_data(path.removeprefix("/data/"))
        else:
            self._reply(404, {"code": "ResourceNotFound", "message": path})

    def do_POST(self) -> None:
        path, _ = self._record()
        if self._scripted(path):
            return
        if path.startswith("/api/object/v1/finish-upload/"):
            self.fake.finished[path.removeprefix("/api/object/v1/finish-upload/")] = (
                self._json_body()
            )
            self._reply(200, {})
        else:
            self._reply(404, {"code": "ResourceNotFound", "message": path})

    def do_GET(self) -> None:
        path, _ = self._record()
        if self._scripted(path):
            return
        if path.startswith("/data/"):
            self._get_data(path.removeprefix("/data/"))
        elif path.startswith("/files/"):
            self._get_data(path.removeprefix("/files/"))
        elif path.startswith("/redirect/"):
            target = f"{self.fake.root_url}/files/{quote(path.removeprefix('/redirect/'))}"
            self._reply(302, None, {"Location": target})
        elif path.startswith("/api/queue/v1/task/"):
            self._artifact(path.removeprefix("/api/queue/v1/task/"))
        else:
            self._reply(404, {"code": "ResourceNotFound", "message": path})

    # routes -----------------------------------------------------------------------------

    def _create_upload(self, name: str) -> None:
        request = self._json_body()
        methods = request["proposedUploadMethods"]
        expires = self.fake.put_url_expires or datetime.now(timezone.utc) + timedelta(hours=1)
        selected: dict[str, Any] = {}
        if self.fake.negotiate_none:
            pass
        elif "dataInline" in methods and self.fake.accept_inline:
            inline = methods["dataInline"]
            self.fake.store(name, base64.b64decode(inline["objectData"]), inline["contentType"])
            selected = {"dataInline": True}
        elif "putUrl" in methods:
            put = methods["putUrl"]
            selected = {
                "putUrl": {
                    "url": f"{self.fake.root_url}/data/{quote(name, safe='')}?signature=s3cr3t",
                    "expires": _iso(expires),
                    "headers": {
                        "Content-Type": put["contentType"],
                        "Content-Length": str(put["contentLength"]),
                        "X-Amz-Signed": "yes",
                    },
                }
            }
        self._reply(
            200,
            {
                "projectId": request["projectId"],
                "uploadId": request["uploadId"],
                "expires": request["expires"],
                "uploadMethod": selected,
            },
        )

    def _put_data(self, name: str) -> None:
        if "Content-Length" not in self.headers:
            self._reply(411, {"code": "LengthRequired", "message": "no content-length"})
            self.close_connection = True
            return
        remaining = int(self.headers["Content-Length"])
        sha256, sha512 = hashlib.sha256(), hashlib.sha512()
        fd, temp = tempfile.mkstemp(dir=self.fake.directory)
        size = 0
        with os.fdopen(fd, "wb") as file:
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                file.write(chunk)
                sha256.update(chunk)
                sha512.update(chunk)
                remaining -= len(chunk)
                size += len(chunk)
        content_type = self.headers.get("Content-Type", "application/octet-stream")
        self.fake.objects[name] = Stored(
            temp, size, sha256.hexdigest(), sha512.hexdigest(), content_type
        )
        self._reply(200)

    def _start_download(self, name: str) -> None:
        stored = self.fake.objects.get(name)
        if stored is None:
            self._reply(404, {"code": "ResourceNotFound", "message": f"no object {name}"})
            return
        expires = self.fake.download_expires or datetime.now(timezone.utc) + timedelta(hours=1)
        hashes = self.fake.hashes.get(name, {"sha256": stored.sha256, "sha512": stored.sha512})
        self._reply(
            200,
            {
                "method": "getUrl",
                "url": f"{self.fake.root_url}/data/{quote(name, safe='')}?signature=s3cr3t",
                "expires": _iso(expires),
                "hashes": hashes,
            },
        )

    def _get_data(self, name: str) -> None:
        stored = self.fake.objects.get(name)
        if stored is None:
            self._reply(404, {"code": "ResourceNotFound", "message": f"no data {name}"})
            return
        if name in self.fake.gzipped:
            with open(stored.path, "rb") as file:
                body = gzip.compress(file.read())
            self.send_response(200)
            self.send_header("Content-Type", stored.content_type)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", stored.content_type)
        self.send_header("Content-Length", str(stored.size))
        self.end_headers()
        with open(stored.path, "rb") as file:
            while chunk := file.read(1 << 20):
                self.wfile.write(chunk)

    def _artifact(self, rest: str) -> None:
        # <taskId>/artifact-content/<name> or <taskId>/runs/<runId>/artifact-content/<name>
        task_id, _, tail = rest.partition("/")
        run_id: str | None = None
        if tail.startswith("runs/"):
            run_id, _, tail = tail.removeprefix("runs/").partition("/")
        name = tail.removeprefix("artifact-content/")
        status, body = self.fake.artifacts.get(
            (task_id, run_id, name),
            (404, {"code": "ResourceNotFound", "message": f"no artifact {name}"}),
        )
        self._reply(status, body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeService

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-transfer is what some tests do; stay quiet about it.
        pass


class Running:
    """The fake service on a free port; `stop` shuts it down (bounded wait)."""

    def __init__(self, fake: FakeService) -> None:
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.fake = fake
        fake.root_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
