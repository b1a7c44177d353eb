"""Listen for task-completed (and task-failed) messages of one task group with the typed
Pulse consumer: each message arrives as its typed event, handled with ``match``, and is
acknowledged once the loop body for it is done.

The broker comes from PULSE_URL (``amqps://<user>:<password>@pulse.mozilla.org:5671`` for
Mozilla's Pulse) or PULSE_USERNAME / PULSE_PASSWORD / PULSE_HOSTNAME / PULSE_VHOST; the queue
is exclusive, ``queue/<user>/<random>``, and vanishes when the program ends. Nothing else is
read, so it runs against a real deployment unchanged. Needs the ``pulse`` extra
(``pip install 'taskcluster-typed[pulse]'``). A local Taskcluster started with
``pulse_url="memory://"`` publishes to the in-process kombu memory broker.

python examples/listen_completed.py <task-group-id> [seconds]
"""

from __future__ import annotations

import argparse

from taskcluster_typed import QueueEvents
from taskcluster_typed._core.exchanges import Binding
from taskcluster_typed.events.queue import TaskCompletedEvent, TaskFailedEvent
from taskcluster_typed.pulse import PulseConsumer


def bindings(
    task_group_id: str,
) -> tuple[Binding[TaskCompletedEvent], Binding[TaskFailedEvent]]:
    """Completed and failed tasks of one task group (any run, worker, ...)."""
    events = QueueEvents()
    return (
        events.task_completed(task_group_id=task_group_id),
        events.task_failed(task_group_id=task_group_id),
    )


def describe(event: TaskCompletedEvent | TaskFailedEvent) -> str:
    """What a handler does with a message: here, one line per event."""
    match event:
        case TaskCompletedEvent(routing=routing, payload=payload):
            return f"completed {routing.task_id} run {routing.run_id} ({payload.status.state})"
        case TaskFailedEvent(routing=routing):
            return f"failed {routing.task_id} run {routing.run_id} on {routing.worker_id}"


def listen(consumer: PulseConsumer, task_group_id: str, *, seconds: float) -> None:
    """Print each completed or failed task of the group until `seconds` pass without one."""
    for event in consumer.listen(*bindings(task_group_id), idle_timeout=seconds):
        print(describe(event))  # acknowledged when the loop asks for the next one


def main() -> None:
    """Print completed and failed tasks of the group given on the command line."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("group_id", metavar="task-group-id")
    parser.add_argument("seconds", nargs="?", type=float, default=60.0)
    args = parser.parse_args()
    with PulseConsumer.from_env() as consumer:
        listen(consumer, args.group_id, seconds=args.seconds)


if __name__ == "__main__":
    main()
