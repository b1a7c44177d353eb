"""The local queue's Pulse messages: the routing keys match the patterns QueueEvents binds
with, the bodies parse into the generated message models, and with ``pulse_url`` they reach a
kombu broker (the in-process ``memory://`` one)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time
from typing import Any

import pytest
from kombu.connection import Connection
from kombu.entity import Exchange, Queue, binding

from taskcluster_typed import Queue as QueueClient
from taskcluster_typed import QueueEvents, from_now, slugid
from taskcluster_typed.events.queue import (
    TaskCompletedEvent,
    TaskDefinedEvent,
    TaskExceptionEvent,
    TaskFailedEvent,
    TaskPendingEvent,
    TaskRunningEvent,
)
from taskcluster_typed.models.queue import CreateTaskRequestDict
from taskcluster_typed.testing import LocalTaskcluster
from taskcluster_typed.testing.server.pulse import PublishedMessage

QUEUE_ID = "proj-pulse/workers"


def _task(group: str, deps: list[str], routes: list[str]) -> CreateTaskRequestDict:
    return {
        "taskQueueId": QUEUE_ID,
        "taskGroupId": group,
        "schedulerId": "sched",
        "dependencies": deps,
        "routes": routes,
        "created": from_now("0 seconds"),
        "deadline": from_now("1 hour"),
        "expires": from_now("1 day"),
        "payload": {},
        "tags": {"kind": "test"},
        "metadata": {
            "name": "t",
            "description": "d",
            "owner": "o@example.com",
            "source": "https://x",
        },
    }


def _matches(pattern: str, key: str) -> bool:
    """AMQP topic matching: ``*`` one word, ``#`` zero or more words."""
    parts = []
    for word in pattern.split("."):
        parts.append(r"[^.]+" if word == "*" else r".*" if word == "#" else re.escape(word))
    regex = r"\.".join(parts).replace(r"\..*", r"(\..*)?")
    return re.fullmatch(regex, key) is not None


def _run_a_group(tc: LocalTaskcluster) -> tuple[str, str, str]:
    queue = tc.client(QueueClient)
    group = build = slugid()
    queue.create_task(build, _task(group, [], ["notify.build"]))
    test = slugid()
    queue.create_task(test, _task(group, [build], []))
    claim = queue.claim_work(QUEUE_ID, {"workerGroup": "wg", "workerId": "w1", "tasks": 1})
    assert [c.status.task_id for c in claim.tasks] == [build]
    queue.report_completed(build, "0")
    queue.claim_work(QUEUE_ID, {"workerGroup": "wg", "workerId": "w2", "tasks": 1})
    queue.report_failed(test, "0")
    other = slugid()
    queue.create_task(other, _task(group, [], []))
    queue.cancel_task(other)
    return build, test, other


def test_published_messages_bind_and_parse() -> None:
    with LocalTaskcluster() as tc:  # no URL: recorded only
        build, test, other = _run_a_group(tc)
        messages = tc.pulse.messages
    events = QueueEvents()
    parsed = [events.parse(m.exchange, m.routing_key, m.body, cc=m.cc) for m in messages]
    kinds = [(type(e).__name__, getattr(e.routing, "task_id", None)) for e in parsed]
    assert kinds == [
        ("TaskDefinedEvent", build),
        ("TaskPendingEvent", build),
        ("TaskDefinedEvent", test),
        ("TaskRunningEvent", build),
        ("TaskCompletedEvent", build),
        ("TaskPendingEvent", test),
        ("TaskRunningEvent", test),
        ("TaskFailedEvent", test),
        ("TaskDefinedEvent", other),
        ("TaskPendingEvent", other),
        ("TaskExceptionEvent", other),
    ]
    completed = parsed[4]
    assert isinstance(completed, TaskCompletedEvent)
    assert completed.routing.worker_id == "w1" and completed.routing.run_id == 0
    assert completed.payload.status.state == "completed"
    assert completed.routes == ("notify.build",)
    assert isinstance(parsed[0], TaskDefinedEvent) and parsed[0].routing.run_id is None
    assert isinstance(parsed[1], TaskPendingEvent) and parsed[1].routing.worker_id is None
    assert isinstance(parsed[3], TaskRunningEvent) and parsed[3].payload.worker_group == "wg"
    assert isinstance(parsed[7], TaskFailedEvent) and parsed[7].routing.worker_id == "w2"
    exception = parsed[10]
    assert isinstance(exception, TaskExceptionEvent)
    assert exception.payload.status.runs[0].reason_resolved == "canceled"
    # The bindings QueueEvents builds select exactly the messages they name.
    bindings = {
        "task-completed": events.task_completed(task_group_id=build),
        "task-failed": events.task_failed(task_id=test, worker_group="wg"),
    }
    for m in messages:
        name = m.exchange.rsplit("/", 1)[1]
        assert m.routing_key.startswith("primary.")
        for exchange, b in bindings.items():
            hit = b.exchange == m.exchange and _matches(b.routing_key_pattern, m.routing_key)
            assert hit == (name == exchange), (m, b)


def test_an_invalid_body_is_refused_before_publishing() -> None:
    with LocalTaskcluster() as tc:
        with pytest.raises(ValueError, match="status"):
            tc.pulse.publish("task_completed", {"task_id": "x"}, {"version": 1})
        assert tc.pulse.messages == []


def _drain(connection: Any, received: list[Any], count: int) -> None:
    deadline = time.monotonic() + 5
    while len(received) < count and time.monotonic() < deadline:
        try:
            connection.drain_events(timeout=0.2)
        except TimeoutError:
            continue


def test_messages_reach_a_kombu_broker() -> None:
    """memory:// routes on the primary routing key; the CC header arrives but is not routed
    (only RabbitMQ does sender-selected distribution)."""
    exchange = Exchange("exchange/taskcluster-queue/v1/task-completed", type="topic", durable=True)
    received: list[tuple[dict[str, Any], Any]] = []
    primary = Queue(
        f"primary-{slugid()}",
        bindings=[
            binding(exchange, routing_key=QueueEvents().task_completed().routing_key_pattern)
        ],
        auto_delete=True,
    )
    by_route = Queue(
        f"route-{slugid()}",
        bindings=[binding(exchange, routing_key="route.notify.build")],
        auto_delete=True,
    )
    with Connection("memory://") as connection:
        on_route: list[Any] = []
        with (
            connection.Consumer([primary], callbacks=[lambda b, m: received.append((b, m))]),
            connection.Consumer([by_route], callbacks=[lambda b, m: on_route.append(b)]),
            LocalTaskcluster(pulse_url="memory://") as tc,
        ):
            build, _, _ = _run_a_group(tc)
            _drain(connection, received, 1)
            published: list[PublishedMessage] = [
                m for m in tc.pulse.messages if m.exchange.endswith("task-completed")
            ]
        assert len(received) == 1
        body, message = received[0]
        assert body == published[0].body
        assert message.delivery_info["routing_key"] == published[0].routing_key
        assert message.headers["CC"] == ["route.notify.build"]
        event = QueueEvents().parse(
            message.delivery_info["exchange"],
            message.delivery_info["routing_key"],
            message.body,
            cc=message.headers["CC"],
        )
        assert isinstance(event, TaskCompletedEvent) and event.routing.task_id == build
        assert on_route == []  # the documented limit of the memory transport


def test_server_command_line_has_pulse_url(capsys: pytest.CaptureFixture[str]) -> None:
    from taskcluster_typed.testing.server.__main__ import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "--pulse-url" in capsys.readouterr().out


def test_kombu_is_imported_only_to_publish() -> None:
    code = textwrap.dedent(
        """
        import sys
        from taskcluster_typed import Queue
        from taskcluster_typed.testing import LocalTaskcluster
        with LocalTaskcluster() as tc:
            q = tc.client(Queue)
            q.claim_work("a/b", {"workerGroup": "g", "workerId": "w", "tasks": 1})
        assert "kombu" not in sys.modules, "kombu imported"
        S = "fN1SbArXTPSVFNUvaOlinQ"
        status = {
            "taskId": S, "provisionerId": "a", "workerType": "b", "taskQueueId": "a/b",
            "schedulerId": "s", "projectId": "none", "taskGroupId": S,
            "deadline": "2030-01-01T00:00:00Z", "expires": "2030-01-02T00:00:00Z",
            "retriesLeft": 5, "state": "unscheduled", "runs": [],
        }
        routing = {"task_id": S, "provisioner_id": "a", "worker_type": "b",
                   "scheduler_id": "s", "task_group_id": S}
        with LocalTaskcluster(pulse_url="memory://") as tc:
            tc.pulse.publish("task_defined", routing, {"version": 1, "status": status})
        assert "kombu" in sys.modules
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
