"""PulseConsumer's kombu driver, offline, on kombu's in-memory broker (``memory://``).

The memory transport routes only the primary routing key (no ``CC``), and has no users or
permissions: tests/real covers those on RabbitMQ. Here: typed events through the real
driver, a durable named queue that keeps messages between listens, and the ack rule's
requeue and reject as the transport applies them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from kombu.connection import Connection
from kombu.entity import Exchange

from taskcluster_typed import QueueEvents, slugid
from taskcluster_typed._core.exchanges import Binding
from taskcluster_typed.events.queue import TaskCompletedEvent
from taskcluster_typed.pulse import PulseBrokerError, PulseConsumer
from taskcluster_typed.testing import FakeMessage

from .messages import completed

EVENTS = QueueEvents()


class HandlerError(Exception):
    pass


@pytest.fixture
def url() -> str:
    return "memory://"


@pytest.fixture
def name() -> str:
    # memory:// state is one per process, shared by every connection: one queue per test.
    return f"q-{slugid()}"


def publish(url: str, *messages: FakeMessage) -> None:
    with Connection(url) as connection:
        producer = connection.Producer()
        for message in messages:
            exchange = Exchange(message.exchange, type="topic", durable=True)
            producer.publish(
                message.body,
                exchange=exchange,
                routing_key=message.routing_key,
                declare=[exchange],
                content_type="application/json",
                content_encoding="utf-8",
            )


def declare_exchanges(url: str) -> None:
    with Connection(url) as connection:
        channel = connection.channel()
        for topic in QueueEvents.topic_exchanges:
            Exchange(f"exchange/taskcluster-queue/v1/{topic.exchange}", "topic")(channel).declare()


@pytest.fixture
def consumer(url: str, name: str) -> Iterator[PulseConsumer]:
    declare_exchanges(url)
    with PulseConsumer(url=url, namespace="test", queue_name=name) as consumer:
        yield consumer


def bind(consumer: PulseConsumer) -> None:
    """Declare and bind the durable queue (messages published after this wait in it)."""
    assert list(consumer.listen(EVENTS.task_completed(), idle_timeout=0.01)) == []


def test_typed_events_from_a_durable_queue(url: str, consumer: PulseConsumer) -> None:
    bind(consumer)
    tasks = [slugid() for _ in range(3)]
    publish(url, *(completed(t) for t in tasks))
    events = list(consumer.listen(EVENTS.task_completed(), idle_timeout=0.2))
    assert all(isinstance(e, TaskCompletedEvent) for e in events)
    assert [e.routing.task_id for e in events] == tasks
    assert consumer.queue is not None and consumer.queue.startswith("queue/test/q-")
    assert list(consumer.listen(EVENTS.task_completed(), idle_timeout=0.05)) == []  # all acked


def test_a_raising_handler_requeues(url: str, name: str) -> None:
    """The first failure requeues. (memory:// never marks a message redelivered, so the
    reject on a second failure is tested on RabbitMQ, in tests/real.)"""
    declare_exchanges(url)
    with PulseConsumer(url=url, namespace="test", queue_name=name) as consumer:
        bind(consumer)
    task = slugid()
    publish(url, completed(task))
    with pytest.raises(HandlerError):  # noqa: SIM117 - the consumer exits by the error
        with PulseConsumer(url=url, namespace="test", queue_name=name) as consumer:
            for _ in consumer.listen(EVENTS.task_completed(), idle_timeout=0.2):
                raise HandlerError
    with PulseConsumer(url=url, namespace="test", queue_name=name) as consumer:
        again = list(consumer.listen(EVENTS.task_completed(), idle_timeout=0.2))
    assert [e.routing.task_id for e in again] == [task]


def test_break_acknowledges_and_returns_the_rest(url: str, consumer: PulseConsumer) -> None:
    bind(consumer)
    tasks = [slugid() for _ in range(3)]
    publish(url, *(completed(t) for t in tasks))
    for _ in consumer.listen(EVENTS.task_completed(), idle_timeout=0.2):
        break
    rest = list(consumer.listen(EVENTS.task_completed(), idle_timeout=0.2))
    assert [e.routing.task_id for e in rest] == tasks[1:]


def test_unbound_exchange_is_a_clear_error(url: str) -> None:
    missing = Binding(f"exchange/nobody/v1/{slugid()}", "#")
    with PulseConsumer(url=url, namespace="test") as consumer:  # noqa: SIM117
        with pytest.raises(PulseBrokerError, match="an exchange does not exist"):
            list(consumer.listen(missing, idle_timeout=0.01))


def test_pause_and_resume_from_another_thread(url: str, consumer: PulseConsumer) -> None:
    bind(consumer)
    tasks = [slugid() for _ in range(3)]
    publish(url, *(completed(t) for t in tasks))
    stream = consumer.listen(EVENTS.task_completed(), idle_timeout=5)
    first = next(stream)
    consumer.pause()
    assert consumer.paused
    timer = threading.Timer(0.6, consumer.resume)
    timer.start()
    started = time.monotonic()
    second = next(stream)  # waits: nothing is handed out while paused
    waited = time.monotonic() - started
    timer.join()
    third = next(stream)
    assert waited >= 0.5
    assert [e.routing.task_id for e in (first, second, third)] == tasks
