"""Misuse of the Pulse consumers that mypy --strict must reject (``# E: code`` on each line).

tests/typing/test_typing.py runs mypy on this file and compares the errors line by line.
"""

from __future__ import annotations

from taskcluster_typed import QueueEvents
from taskcluster_typed.events.queue import TaskCompletedEvent, TaskFailedEvent
from taskcluster_typed.pulse import AsyncPulseConsumer, Listener, PulseConsumer


def listen_takes_bindings(consumer: PulseConsumer) -> None:
    consumer.listen("exchange/taskcluster-queue/v1/task-completed")  # E: call-overload
    consumer.listen(QueueEvents().task_completed().to_dict())  # E: call-overload


def the_event_type_follows_the_binding(consumer: PulseConsumer) -> None:
    for event in consumer.listen(QueueEvents().task_completed()):
        failed: TaskFailedEvent = event  # E: assignment
        print(failed, event.payload.no_such_field)  # E: attr-defined


def a_union_needs_narrowing(consumer: PulseConsumer) -> None:
    for event in consumer.listen(QueueEvents().task_completed(), QueueEvents().task_failed()):
        completed: TaskCompletedEvent = event  # E: assignment
        print(completed)


def options_are_typed() -> None:
    PulseConsumer(url="amqp://x", prefetch="5")  # E: arg-type
    PulseConsumer(url="amqp://x", queue="q")  # E: call-arg


def watch(consumer: Listener) -> None:
    print(consumer)


def sync_code_does_not_take_the_async_consumer(consumer: AsyncPulseConsumer) -> None:
    watch(consumer)  # E: arg-type
