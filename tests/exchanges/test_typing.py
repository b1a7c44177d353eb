"""mypy --strict on bindings and parsed messages: keywords are checked, events narrow."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from codegen.config import REPO_ROOT

GOOD = """\
from taskcluster_typed import Binding, QueueEvents, WorkerManagerEvents
from taskcluster_typed.events import AnyEvent, parse_message
from taskcluster_typed.events.queue import TaskCompletedEvent, TaskFailedEvent

queue_events = QueueEvents()
bindings: list[Binding] = [
    queue_events.task_completed(task_id="fN1KfmYJRXGdBPCrJbPbBg", run_id=0),
    queue_events.task_failed(task_group_id="group", run_id="1"),
    queue_events.task_exception("primary.#"),
    queue_events.artifact_created(routing_key_pattern="primary.*.#"),
    WorkerManagerEvents(exchange_prefix="exchange/dev/v1/").worker_running(worker_type="x"),
]
literal = parse_message("exchange/taskcluster-queue/v1/task-completed", "k", b"{}")
reveal_type(literal)
reveal_type(literal.routing.run_id)
reveal_type(literal.routing.reserved)
reveal_type(QueueEvents().parse("e", "k", b"{}", cc=None))


def handle(exchange: str, routing_key: str, body: bytes, cc: list[str]) -> str:
    event: AnyEvent = parse_message(exchange, routing_key, body, cc=cc)
    match event:
        case TaskCompletedEvent(routing=routing, payload=payload):
            reveal_type(routing)
            reveal_type(payload)
            return routing.task_id
        case TaskFailedEvent():
            return event.payload.status.task_id
        case _:
            return event.routing_key
"""

BAD = """\
from taskcluster_typed import QueueEvents
from taskcluster_typed.events import parse_message

QueueEvents().task_completed(taskId="abc")
QueueEvents().task_completed(task_idd="abc")
QueueEvents().task_completed(routing_key_kind="primary")
QueueEvents().task_completed(task_id=3)
QueueEvents().task_completed("abc", "def")
parse_message("exchange/taskcluster-queue/v1/task-completed", "k", b"").routing.task_idd
"""


DOCS = REPO_ROOT / "docs" / "exchanges.md"
# kombu is not a dependency: a stub module whose every attribute is Any.
KOMBU_STUB = "from typing import Any\n\ndef __getattr__(name: str) -> Any: ...\n"


def docs_code() -> str:
    """Every python block of docs/exchanges.md as one module, in order except that the
    consumer's endless loop comes last (mypy does not check code after it)."""
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(), re.S)
    return "\n".join(sorted(blocks, key=lambda block: "while True" in block))


def run_mypy(tmp_path: Path, files: dict[str, str]) -> dict[str, list[str]]:
    (tmp_path / "kombu.pyi").write_text(KOMBU_STUB)
    for name, text in files.items():
        (tmp_path / f"case_{name}.py").write_text(text)
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
    command += ["--python-version", "3.10", "--config-file", os.devnull]
    command += sorted(str(tmp_path / f"case_{name}.py") for name in files)
    env = {**os.environ, "MYPYPATH": str(REPO_ROOT / "src")}
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env)
    lines: dict[str, list[str]] = {name: [] for name in files}
    for line in done.stdout.splitlines():
        for name in files:
            if f"case_{name}.py:" in line:
                lines[name].append(line)
    return lines


def errors(lines: list[str]) -> dict[int, str]:
    found = {}
    for line in lines:
        match = re.search(r":(\d+): error: (.*)$", line)
        if match:
            found[int(match[1])] = match[2]
    return found


def test_mypy_checks_binding_keywords_and_narrows_parsed_events(tmp_path: Path) -> None:
    out = run_mypy(tmp_path, {"good": GOOD, "bad": BAD, "docs": docs_code()})
    assert out["docs"] == [], out["docs"]  # the documentation's examples type-check
    assert errors(out["good"]) == {}, out["good"]
    notes = [line.split(": note: ", 1)[1] for line in out["good"] if ": note: " in line]
    assert notes == [
        'Revealed type is "taskcluster_typed.events.queue.TaskCompletedEvent"',
        'Revealed type is "int"',
        'Revealed type is "str | None"',
        'Revealed type is "taskcluster_typed.events.queue.TaskDefinedEvent | '
        "taskcluster_typed.events.queue.TaskPendingEvent | "
        "taskcluster_typed.events.queue.TaskRunningEvent | "
        "taskcluster_typed.events.queue.ArtifactCreatedEvent | "
        "taskcluster_typed.events.queue.TaskCompletedEvent | "
        "taskcluster_typed.events.queue.TaskFailedEvent | "
        "taskcluster_typed.events.queue.TaskExceptionEvent | "
        "taskcluster_typed.events.queue.TaskGroupResolvedEvent | "
        "taskcluster_typed.events.queue.TaskGroupSealedEvent | "
        "taskcluster_typed.events.queue.TaskPriorityChangedEvent | "
        'taskcluster_typed.events.queue.TaskGroupPriorityChangedEvent"',
        'Revealed type is "taskcluster_typed.events.queue.TaskCompletedRoutingKey"',
        'Revealed type is "taskcluster_typed._models.queue.v1.task_completed_message.'
        'TaskCompletedMessage"',
    ], out["good"]
    bad = errors(out["bad"])
    assert 'Unexpected keyword argument "taskId"' in bad[4]
    assert 'Unexpected keyword argument "task_idd"' in bad[5]
    assert 'Unexpected keyword argument "routing_key_kind"' in bad[6]
    assert "incompatible type" in bad[7] and '"int"' in bad[7]
    assert "Too many positional arguments" in bad[8]
    assert '"TaskCompletedRoutingKey" has no attribute "task_idd"' in bad[9]
    assert set(bad) == {4, 5, 6, 7, 8, 9}, out["bad"]
