"""A small queue server on 127.0.0.1 for `make demo`: verifies every Hawk header (with
mohawk's Receiver, independently of the client's own signing) and keeps tasks in memory.

Not a Taskcluster: just enough of the queue (createTask, task, status) to show a real signed
round trip. Replies are built from the generated models, so they match the schemas.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import mohawk  # type: ignore[import-untyped]

from taskcluster_typed.models.queue import CreateTaskRequest, TaskStatusResponse

CLIENTS = {"demo/client": "demo-access-token-0123456789abcdefghij"}
_TASK = re.compile(r"^/api/queue/v1/task/([A-Za-z0-9_-]{22})(/status)?$")


def _error(code: str, status: int, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"code": code, "message": message, "requestInfo": {}}


class QueueHandler(BaseHTTPRequestHandler):
    tasks: dict[str, dict[str, Any]]
    nonces: set[tuple[str, str, str]]

    def _seen_nonce(self, sender_id: str, nonce: str, timestamp: str) -> bool:
        """Replay protection: a (client, nonce, ts) is accepted once."""
        key = (sender_id, nonce, timestamp)
        if key in self.nonces:
            return True
        self.nonces.add(key)
        return False

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: the demo prints what matters

    def _verify(self, body: bytes) -> str | None:
        header = self.headers.get("authorization")
        if header is None:
            return "no Authorization header"
        host, _, port = (self.headers.get("host") or "").partition(":")
        try:
            mohawk.Receiver(
                lambda id: {"id": id, "key": CLIENTS[id], "algorithm": "sha256"},
                header,
                f"http://{host}:{port}{self.path}",
                self.command,
                content=body,
                content_type=self.headers.get("content-type", ""),
                seen_nonce=self._seen_nonce,
            )
        except (mohawk.exc.HawkFail, KeyError) as error:
            return f"Hawk verification failed: {type(error).__name__}"
        return None

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        problem = self._verify(body)
        if problem is not None:
            self._reply(*_error("AuthenticationFailed", 401, problem))
            return
        match = _TASK.match(self.path)
        if match is None:
            self._reply(*_error("ResourceNotFound", 404, f"no route {self.path}"))
            return
        task_id = match.group(1)
        if self.command == "PUT" and not match.group(2):
            task = CreateTaskRequest.model_validate_json(body)
            self.tasks[task_id] = {"task": task, "created": datetime.now(timezone.utc)}
        if task_id not in self.tasks:
            self._reply(*_error("ResourceNotFound", 404, f"task {task_id} not found"))
            return
        self._reply(200, _status(task_id, self.tasks[task_id]["task"]))

    def do_GET(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()


def _status(task_id: str, task: CreateTaskRequest) -> dict[str, Any]:
    status = {
        "status": {
            "taskId": task_id,
            "provisionerId": task.provisioner_id or "none",
            "workerType": task.worker_type or "none",
            "taskQueueId": task.task_queue_id or "none/none",
            "schedulerId": task.scheduler_id,
            "projectId": task.project_id,
            "taskGroupId": task.task_group_id or task_id,
            "deadline": task.deadline.isoformat(),
            "expires": (task.expires or task.deadline).isoformat(),
            "retriesLeft": task.retries,
            "state": "pending",
            "runs": [
                {
                    "runId": 0,
                    "state": "pending",
                    "reasonCreated": "scheduled",
                    "scheduled": task.created.isoformat(),
                }
            ],
        }
    }
    TaskStatusResponse.model_validate(status)  # what we serve matches the schema
    return status


@contextmanager
def serve() -> Iterator[str]:
    """Run the server on a free loopback port; yields its root URL."""
    handler = type("Handler", (QueueHandler,), {"tasks": {}, "nonces": set()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
