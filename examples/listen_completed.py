"""Listen for task-completed (and task-failed) messages with kombu: bind a queue with the
typed bindings of ``QueueEvents`` and parse each message into its typed event, handled with
``match``. The broker URL comes from PULSE_URL (``amqps://<user>:<password>@pulse.mozilla.org``
for Mozilla's Pulse, where the queue name must start with ``queue/<user>/``); nothing else is
read, so it runs against a real deployment unchanged. Needs the ``pulse`` extra
(``pip install 'taskcluster-typed[pulse]'``). A local Taskcluster started with
``pulse_url="memory://"`` publishes to the in-process kombu memory broker.

python examples/listen_completed.py <task-group-id> [seconds]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from kombu.connection import Connection
from kombu.entity import Exchange, Queue, binding

from taskcluster_typed import QueueEvents
from taskcluster_typed.events.queue import AnyQueueEvent, TaskCompletedEvent, TaskFailedEvent
from taskcluster_typed.exchanges import Binding


def bindings(task_group_id: str) -> list[Binding]:
    """Completed and failed tasks of one task group (any run, worker, ...)."""
    events = QueueEvents()
    return [
        events.task_completed(task_group_id=task_group_id),
        events.task_failed(task_group_id=task_group_id),
    ]


def describe(event: AnyQueueEvent) -> str:
    """What a handler does with a message: here, one line per event."""
    match event:
        case TaskCompletedEvent(routing=routing, payload=payload):
            return f"completed {routing.task_id} run {routing.run_id} ({payload.status.state})"
        case TaskFailedEvent(routing=routing):
            return f"failed {routing.task_id} run {routing.run_id} on {routing.worker_id}"
        case _:
            return f"other: {event.exchange}"


class Listener:
    """A queue bound to `bindings` on the broker at `url`; `receive` collects typed events.

    Messages published after ``__enter__`` (which declares and binds the queue) are kept.
    """

    def __init__(self, url: str, queue_name: str, bound: Sequence[Binding]) -> None:
        self._connection: Any = Connection(url)
        self._queue: Any = Queue(
            queue_name,
            bindings=[
                binding(
                    Exchange(b.exchange, type="topic", durable=True),
                    routing_key=b.routing_key_pattern,
                )
                for b in bound
            ],
            auto_delete=True,
        )
        self._events = QueueEvents()
        self._received: list[AnyQueueEvent] = []
        self._consumer: Any = None

    def __enter__(self) -> Listener:
        self._consumer = self._connection.Consumer(
            [self._queue], callbacks=[self._on_message], accept=["json"]
        )
        self._consumer.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._consumer.__exit__(exc_type, exc, traceback)
        self._connection.release()

    def _on_message(self, body: Any, message: Any) -> None:
        info: dict[str, Any] = message.delivery_info
        headers: dict[str, Any] = message.headers or {}
        event = self._events.parse(
            str(info["exchange"]), str(info["routing_key"]), body, cc=headers.get("CC")
        )
        self._received.append(event)
        message.ack()

    def receive(self, count: int, *, timeout: float) -> list[AnyQueueEvent]:
        """Wait (at most `timeout` seconds) until `count` events arrived; returns them all."""
        deadline = time.monotonic() + timeout
        while len(self._received) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                self._connection.drain_events(timeout=min(left, 0.5))
            except TimeoutError:
                continue
        return list(self._received)


def main() -> None:
    """Print completed and failed tasks of the group given on the command line."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("group_id", metavar="task-group-id")
    parser.add_argument("seconds", nargs="?", type=float, default=60.0)
    args = parser.parse_args()
    group_id, seconds = args.group_id, args.seconds
    user = os.environ.get("PULSE_USER", "taskcluster-typed")
    with Listener(os.environ["PULSE_URL"], f"queue/{user}/example", bindings(group_id)) as ear:
        for event in ear.receive(sys.maxsize, timeout=seconds):
            print(describe(event))


if __name__ == "__main__":
    main()
