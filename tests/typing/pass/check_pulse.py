"""The Pulse consumers' types, as mypy --strict and pyright (strict) must infer them.

`listen(binding)` yields that binding's event class, several bindings their union, which
``match`` narrows; a hand-made `Binding` yields `RawMessage`. Type-checked by
`make typecheck`, never run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from typing_extensions import assert_type

from taskcluster_typed import QueueEvents
from taskcluster_typed._core.exchanges import Binding, RawMessage
from taskcluster_typed.events.queue import (
    TaskCompletedEvent,
    TaskCompletedMessage,
    TaskExceptionEvent,
    TaskFailedEvent,
)
from taskcluster_typed.pulse import (
    AsyncListener,
    AsyncPulseConsumer,
    Listener,
    MessageParseError,
    PulseConsumer,
)
from taskcluster_typed.testing import FakePulseConsumer, fake_message
from taskcluster_typed.testing.fake_pulse import FakeMessage, FakeStream

events = QueueEvents()


def one_binding_yields_its_event(consumer: PulseConsumer) -> None:
    stream = consumer.listen(events.task_completed(task_group_id="g"))
    assert_type(stream, Iterator[TaskCompletedEvent])
    for event in stream:
        assert_type(event.payload, TaskCompletedMessage)
        assert_type(event.routing.run_id, int)
        assert_type(event.routes, tuple[str, ...])


def several_bindings_yield_the_union(consumer: PulseConsumer) -> str:
    for event in consumer.listen(
        events.task_completed(), events.task_failed(), events.task_exception(), idle_timeout=5
    ):
        assert_type(event, TaskCompletedEvent | TaskFailedEvent | TaskExceptionEvent)
        match event:
            case TaskCompletedEvent(routing=routing):
                return routing.task_id
            case TaskFailedEvent(payload=payload):
                return payload.status.task_id
            case TaskExceptionEvent():
                return "exception"
    return ""


def a_hand_made_binding_yields_raw_messages(consumer: PulseConsumer) -> None:
    custom = Binding("exchange/my-service/v1/thing", "#")
    assert_type(custom, Binding[RawMessage])
    for message in consumer.listen(custom):
        assert_type(message, RawMessage)


async def the_async_consumer_yields_the_same(consumer: AsyncPulseConsumer) -> None:
    stream = consumer.listen(events.task_completed(), events.task_failed())
    assert_type(stream, AsyncIterator[TaskCompletedEvent | TaskFailedEvent])
    async for event in stream:
        if isinstance(event, TaskCompletedEvent):
            assert_type(event.payload, TaskCompletedMessage)


def on_error_gets_the_parse_error(error: MessageParseError) -> None:
    print(error.exchange, error.routing_key, error.reason)


def consumers_are_context_managers() -> None:
    with PulseConsumer.from_env(
        namespace="bot", queue_name="q", on_error=on_error_gets_the_parse_error
    ) as c:
        assert_type(c, PulseConsumer)


async def async_consumers_are_async_context_managers() -> None:
    async with AsyncPulseConsumer.from_env(namespace="bot", prefetch=10) as c:
        assert_type(c, AsyncPulseConsumer)


def the_fake_iterates_both_ways(event: TaskCompletedEvent) -> None:
    consumer = FakePulseConsumer()
    message = fake_message(event)
    assert_type(message, FakeMessage)
    consumer.feed(message, fake_message(events.task_failed(), {}, routing_key="primary.x"))
    stream = consumer.listen(events.task_completed(), events.task_failed())
    assert_type(stream, FakeStream[TaskCompletedEvent | TaskFailedEvent])
    for parsed in stream:
        assert_type(parsed, TaskCompletedEvent | TaskFailedEvent)


def watch(consumer: Listener) -> list[str]:
    return [e.routing.task_id for e in consumer.listen(events.task_completed())]


async def watch_async(consumer: AsyncListener) -> list[str]:
    return [e.routing.task_id async for e in consumer.listen(events.task_completed())]


async def the_protocols_accept_the_consumers_and_the_fake() -> None:
    watch(PulseConsumer(url="amqp://u:p@h/"))
    watch(FakePulseConsumer())
    await watch_async(AsyncPulseConsumer(url="amqp://u:p@h/"))
    await watch_async(FakePulseConsumer())
