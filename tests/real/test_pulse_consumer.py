"""PulseConsumer and AsyncPulseConsumer on the real broker: the acknowledgement rule with a
raising handler, prefetch with a slow handler, exclusive and durable queues, a refused bind,
and a message that does not match its schema."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from taskcluster_typed import QueueEvents, slugid
from taskcluster_typed._core.exchanges import MessageParseError
from taskcluster_typed.events.queue import TaskDefinedEvent
from taskcluster_typed.pulse import (
    AsyncPulseConsumer,
    PulseConsumer,
    PulsePermissionError,
    ReconnectPolicy,
)

from .conftest import RealTaskcluster
from .pulse_support import (
    create_task,
    delete_queue,
    publish_raw,
    pulse_user,
    queue_exists,
)

EVENTS = QueueEvents()
NAMESPACE = "typed-tests"


class HandlerError(Exception):
    pass


@pytest.fixture
def queue_name(real: RealTaskcluster) -> Iterator[str]:
    """A durable queue of this test, deleted afterwards."""
    name = f"q-{slugid()}"
    yield name
    delete_queue(real.pulse_url, f"queue/{NAMESPACE}/{name}")


def durable(real: RealTaskcluster, name: str, **options: object) -> PulseConsumer:
    return PulseConsumer(
        url=real.pulse_url,
        namespace=NAMESPACE,
        queue_name=name,
        reconnect=ReconnectPolicy(give_up_after=5),
        **options,  # type: ignore[arg-type]
    )


def test_a_raising_handler_requeues_once_then_rejects(
    real: RealTaskcluster, queue_name: str
) -> None:
    group = slugid()
    binding = EVENTS.task_defined(task_group_id=group)
    with durable(real, queue_name) as consumer:
        consumer.listen(binding)  # declared and bound: it keeps what is published
    task_id = create_task(real, group)
    attempts = []
    for _ in range(2):
        with pytest.raises(HandlerError), durable(real, queue_name) as consumer:
            for event in consumer.listen(binding, idle_timeout=10):
                attempts.append(event.routing.task_id)
                raise HandlerError
    assert attempts == [task_id, task_id]  # requeued after the first failure
    with durable(real, queue_name) as consumer:
        assert list(consumer.listen(binding, idle_timeout=1)) == []  # rejected after the second


def test_a_message_is_acknowledged_only_when_its_handler_returns(
    real: RealTaskcluster, queue_name: str
) -> None:
    group = slugid()
    binding = EVENTS.task_defined(task_group_id=group)
    with durable(real, queue_name) as consumer:
        consumer.listen(binding)
    tasks = [create_task(real, group) for _ in range(3)]
    with pytest.raises(KeyboardInterrupt), durable(real, queue_name) as consumer:
        stream = consumer.listen(binding, idle_timeout=10)
        first = next(stream)
        next(stream)  # the first is acknowledged; the second is in hand
        raise KeyboardInterrupt  # Ctrl-C in the handler
    with durable(real, queue_name) as consumer:
        rest = [e.routing.task_id for e in consumer.listen(binding, idle_timeout=2)]
    assert first.routing.task_id == tasks[0]
    # the one in hand was requeued (a quorum queue puts it at the back), the unseen one kept
    assert sorted(rest) == sorted(tasks[1:])


def test_a_slow_handler_holds_only_prefetch_messages(
    real: RealTaskcluster, queue_name: str
) -> None:
    """Two consumers on one durable queue: the slow one (prefetch 1) gets few messages,
    the fast one takes the rest; together, each message exactly once."""
    group = slugid()
    binding = EVENTS.task_defined(task_group_id=group)
    settings = {"url": real.pulse_url, "namespace": NAMESPACE, "queue_name": queue_name}

    async def slow(received: list[str], started: asyncio.Event) -> None:
        async with AsyncPulseConsumer(prefetch=1, **settings) as consumer:  # type: ignore[arg-type]
            async for event in consumer.listen(binding, idle_timeout=3):
                received.append(event.routing.task_id)
                started.set()
                await asyncio.sleep(1.0)

    async def fast(received: list[str]) -> None:
        async with AsyncPulseConsumer(prefetch=50, **settings) as consumer:  # type: ignore[arg-type]
            async for event in consumer.listen(binding, idle_timeout=3):
                received.append(event.routing.task_id)

    async def main() -> tuple[list[str], list[str], list[str]]:
        with durable(real, queue_name) as consumer:
            consumer.listen(binding)
        tasks = [create_task(real, group) for _ in range(12)]
        slow_got: list[str] = []
        fast_got: list[str] = []
        started = asyncio.Event()
        slow_task = asyncio.create_task(slow(slow_got, started))
        await asyncio.wait_for(started.wait(), 10)  # the slow one holds its first message
        await fast(fast_got)
        await slow_task
        return tasks, slow_got, fast_got

    tasks, slow_got, fast_got = asyncio.run(main())
    assert sorted(slow_got + fast_got) == sorted(tasks)
    # prefetch 1: the broker sent the slow one nothing more while it held its message, and
    # the fast one drained the queue meanwhile
    assert 1 <= len(slow_got) <= 2, slow_got
    assert len(fast_got) >= 10


def test_an_exclusive_queue_vanishes_on_close(real: RealTaskcluster) -> None:
    with PulseConsumer(url=real.pulse_url, namespace=NAMESPACE) as consumer:
        consumer.listen(EVENTS.task_defined(task_group_id=slugid()))
        name = consumer.queue
        assert name is not None and name.startswith(f"queue/{NAMESPACE}/")
        assert queue_exists(real.pulse_url, name)
    deadline = time.monotonic() + 10
    while queue_exists(real.pulse_url, name) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not queue_exists(real.pulse_url, name)


def test_a_durable_queue_keeps_messages_while_away(real: RealTaskcluster, queue_name: str) -> None:
    group = slugid()
    binding = EVENTS.task_defined(task_group_id=group)
    with durable(real, queue_name, max_length=100) as consumer:
        consumer.listen(binding)
        assert consumer.queue == f"queue/{NAMESPACE}/{queue_name}"
    task_id = create_task(real, group)
    with durable(real, queue_name, max_length=100) as consumer:
        (event,) = consumer.listen(binding, idle_timeout=2)
    assert isinstance(event, TaskDefinedEvent) and event.routing.task_id == task_id


def test_the_broker_refusing_a_bind_names_the_permission(real: RealTaskcluster) -> None:
    user = f"typed-tests-{real.run_id}"
    # Pulse-like: may read the queue's exchanges, not the auth service's.
    read = f"^(queue/{user}/.*|exchange/taskcluster-queue/.*)$"
    with pulse_user(real, user, read) as url:
        with PulseConsumer(url=url) as consumer:  # namespace: the user name
            consumer.listen(EVENTS.task_defined())  # allowed
        refused = "exchange/taskcluster-auth/v1/client-created"
        with pytest.raises(PulsePermissionError) as raised, PulseConsumer(url=url) as consumer:
            from taskcluster_typed import AuthEvents

            consumer.listen(EVENTS.task_defined(), AuthEvents().client_created())
        assert raised.value.permission == "read"
        assert raised.value.resource == refused
        assert f"lacks 'read' permission on exchange '{refused}'" in str(raised.value)
        with (
            pytest.raises(PulsePermissionError) as other,
            PulseConsumer(url=url, namespace="someone-else") as consumer,
        ):
            consumer.listen(EVENTS.task_defined())
        assert other.value.permission == "configure"
        assert f"only its own queues, 'queue/{user}/...'" in str(other.value)
        password = url.split(":")[2].split("@")[0]
        assert password not in str(raised.value) + str(other.value)


def test_a_message_off_schema_goes_to_on_error(real: RealTaskcluster, queue_name: str) -> None:
    group = slugid()
    binding = EVENTS.task_defined(task_group_id=group)
    errors: list[MessageParseError] = []
    with durable(real, queue_name, on_error=errors.append) as consumer:
        stream = consumer.listen(binding, idle_timeout=10)
        key = f"primary.{slugid()}._._._.p.w.s.{group}._"
        publish_raw(real.pulse_url, binding.exchange, key, b'{"status": "not a status"}')
        task_id = create_task(real, group)
        event = next(stream)
    assert event.routing.task_id == task_id  # the bad one did not stop the stream
    (error,) = errors
    assert error.routing_key == key and error.body == b'{"status": "not a status"}'
    with durable(real, queue_name) as consumer:
        assert list(consumer.listen(binding, idle_timeout=1)) == []  # rejected, not requeued


def test_async_consumer_receives_typed_events(real: RealTaskcluster) -> None:
    group = slugid()

    async def main() -> list[str]:
        async with AsyncPulseConsumer(url=real.pulse_url, namespace=NAMESPACE) as consumer:
            stream = consumer.listen(
                EVENTS.task_defined(task_group_id=group),
                EVENTS.task_pending(task_group_id=group),
                idle_timeout=10,
            )
            got: list[str] = []

            async def publish() -> str:
                await asyncio.sleep(0.5)  # the queue is bound by the first __anext__
                return await asyncio.to_thread(create_task, real, group)

            publisher = asyncio.create_task(publish())
            async for event in stream:
                got.append(f"{type(event).__name__}:{event.routing.task_id}")
                if len(got) == 2:
                    break
            task_id = await publisher
            return [g.replace(task_id, "T") for g in got]

    assert sorted(asyncio.run(main())) == ["TaskDefinedEvent:T", "TaskPendingEvent:T"]


def test_async_cancellation_requeues_the_message_in_hand(
    real: RealTaskcluster, queue_name: str
) -> None:
    group = slugid()
    binding = EVENTS.task_defined(task_group_id=group)
    with durable(real, queue_name) as consumer:
        consumer.listen(binding)
    task_id = create_task(real, group)
    settings = {"url": real.pulse_url, "namespace": NAMESPACE, "queue_name": queue_name}

    async def handler(started: asyncio.Event) -> None:
        async with AsyncPulseConsumer(**settings) as consumer:  # type: ignore[arg-type]
            async for _ in consumer.listen(binding, idle_timeout=10):
                started.set()
                await asyncio.sleep(60)

    async def main() -> None:
        started = asyncio.Event()
        task = asyncio.create_task(handler(started))
        await asyncio.wait_for(started.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    with durable(real, queue_name) as consumer:
        (event,) = consumer.listen(binding, idle_timeout=2)
    assert event.routing.task_id == task_id


def test_async_pause_and_resume(real: RealTaskcluster, queue_name: str) -> None:
    group = slugid()
    binding = EVENTS.task_defined(task_group_id=group)
    with durable(real, queue_name) as consumer:
        consumer.listen(binding)
    tasks = [create_task(real, group) for _ in range(3)]
    settings = {"url": real.pulse_url, "namespace": NAMESPACE, "queue_name": queue_name}

    async def main() -> tuple[list[str], float]:
        loop = asyncio.get_running_loop()
        got: list[str] = []
        gap = 0.0
        async with AsyncPulseConsumer(**settings) as consumer:  # type: ignore[arg-type]
            last = loop.time()
            async for event in consumer.listen(binding, idle_timeout=5):
                got.append(event.routing.task_id)
                if len(got) == 2:
                    gap = loop.time() - last
                if len(got) == 1:
                    consumer.pause()
                    loop.call_later(1.0, consumer.resume)
                last = loop.time()
                if len(got) == 3:
                    break
        return got, gap

    got, gap = asyncio.run(main())
    assert sorted(got) == sorted(tasks)
    assert gap >= 0.9  # nothing was handed out while paused
