"""mypy --strict on bindings and parsed messages: keywords are checked, events narrow."""

from __future__ import annotations

import re

from codegen.config import REPO_ROOT
from tests.support import typecheck

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


def docs_code() -> str:
    """Every python block of docs/exchanges.md as one module, in order except that the
    consumer's endless loop comes last (mypy does not check code after it)."""
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(), re.S)
    return "\n".join(sorted(blocks, key=lambda block: "while True" in block))


CASES = {
    "good": typecheck.snippet("exchanges_good", GOOD),
    "bad": typecheck.snippet("exchanges_bad", BAD),
    "docs": typecheck.snippet("exchanges_docs", docs_code()),
}


def errors(diagnostics: list[typecheck.Diagnostic]) -> dict[int, str]:
    return {d.line: str(d) for d in diagnostics if d.severity == "error"}


def test_mypy_checks_binding_keywords_and_narrows_parsed_events(
    type_checked: typecheck.TypeChecks,
) -> None:
    out = {case: type_checked.mypy(name) for case, name in CASES.items()}
    assert out["docs"] == [], out["docs"]  # the documentation's examples type-check
    assert errors(out["good"]) == {}, out["good"]
    notes = [d.message for d in out["good"] if d.severity == "note"]
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
