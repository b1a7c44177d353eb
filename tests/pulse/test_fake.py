"""FakePulseConsumer: the consumers' behaviour without a broker, for users' own tests."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from taskcluster_typed import QueueEvents, slugid
from taskcluster_typed._core.exchanges import Binding, MessageParseError, RawMessage
from taskcluster_typed.events.queue import TaskCompletedEvent, TaskFailedEvent
from taskcluster_typed.testing import FakeMessage, FakePulseConsumer, fake_message
from taskcluster_typed.testing.fake_pulse import topic_matches

from .messages import GROUP, completed, completed_body, failed, routing

EVENTS = QueueEvents()


class HandlerError(Exception):
    pass


def test_typed_events_and_acknowledgement_when_asking_for_the_next() -> None:
    a, b = slugid(), slugid()
    consumer = FakePulseConsumer()
    consumer.feed(completed(a, routes=("index.x",)), completed(b))
    seen = []
    with consumer:
        for event in consumer.listen(EVENTS.task_completed(task_group_id=GROUP)):
            assert isinstance(event, TaskCompletedEvent)
            seen.append((event.routing.task_id, event.payload.status.task_id, event.routes))
            assert len(consumer.acked) == len(seen) - 1  # not before the loop body is done
    assert seen == [(a, a, ("index.x",)), (b, b, ())]
    assert [m.routing_key for m in consumer.acked] == [m.routing_key for m in consumer.fed]
    assert consumer.queue is None  # closed


def test_several_bindings_and_routing_by_pattern_and_cc() -> None:
    mine, other, routed = slugid(), slugid(), slugid()
    consumer = FakePulseConsumer()
    consumer.feed(
        completed(mine),
        completed(other, group="someOtherGroupId000000"),
        completed(routed, group="someOtherGroupId000000", routes=("project.x.done",)),
        failed(mine),
    )
    with consumer:
        stream = consumer.listen(
            EVENTS.task_completed(task_group_id=GROUP),
            EVENTS.task_completed("route.project.*.done"),
            EVENTS.task_failed(),
        )
        kinds = [(type(e).__name__, e.routing.task_id) for e in stream]
    assert kinds == [
        ("TaskCompletedEvent", mine),
        ("TaskCompletedEvent", routed),
        ("TaskFailedEvent", mine),
    ]
    left = completed(other, group="someOtherGroupId000000")
    assert [m.routing_key for m in consumer.pending] == [left.routing_key]


def test_fake_message_from_a_typed_event_round_trips() -> None:
    task = slugid()
    consumer = FakePulseConsumer()
    consumer.feed(completed(task, routes=("a.b",)))
    with consumer:
        (event,) = consumer.listen(EVENTS.task_completed())
    again = FakePulseConsumer()
    again.feed(fake_message(event))
    with again:
        (copy,) = again.listen(EVENTS.task_completed())
    assert copy == event


def test_a_raising_handler_requeues_once_then_rejects() -> None:
    task = slugid()
    consumer = FakePulseConsumer()
    consumer.feed(completed(task))
    with pytest.raises(HandlerError), consumer:
        for _ in consumer.listen(EVENTS.task_completed()):
            raise HandlerError
    assert consumer.requeued == consumer.fed and not consumer.acked
    (again,) = consumer.pending
    assert again.redelivered  # the broker marks it
    second = FakePulseConsumer()
    second.feed(again)
    with pytest.raises(HandlerError), second:
        for _ in second.listen(EVENTS.task_completed()):
            raise HandlerError
    assert second.rejected == [again] and not second.pending  # failed twice: dropped


def test_ctrl_c_requeues_even_a_redelivered_message() -> None:
    consumer = FakePulseConsumer()
    redelivered = dataclasses.replace(completed(slugid()), redelivered=True)
    consumer.feed(redelivered)
    with pytest.raises(KeyboardInterrupt), consumer:
        raw = Binding(EVENTS.task_failed().exchange, "#")
        for _ in consumer.listen(EVENTS.task_completed(), raw):
            raise KeyboardInterrupt
    assert consumer.requeued == [redelivered] and not consumer.rejected


def test_break_acknowledges_the_message_in_hand() -> None:
    consumer = FakePulseConsumer()
    consumer.feed(completed(slugid()), completed(slugid()))
    with consumer:
        for _ in consumer.listen(EVENTS.task_completed()):
            break
    assert consumer.acked == consumer.fed[:1]
    assert list(consumer.pending) == consumer.fed[1:]  # not handed out: back in the queue


def test_a_bad_message_is_raised_by_default_and_rejected() -> None:
    bad = fake_message(EVENTS.task_completed(), {"status": "nope"}, routing=routing(slugid()))
    consumer = FakePulseConsumer()
    consumer.feed(bad, completed(slugid()))
    with pytest.raises(MessageParseError) as raised, consumer:
        list(consumer.listen(EVENTS.task_completed()))
    assert "body.status" in str(raised.value)
    assert raised.value.body == bad.body  # nothing lost: the error holds it
    assert consumer.rejected == [bad]


def test_on_error_gets_bad_messages_and_listening_goes_on() -> None:
    errors: list[MessageParseError] = []
    bad_key = fake_message(EVENTS.task_completed(), completed_body(slugid()), routing_key="a.b")
    bad_body = fake_message(EVENTS.task_completed(), b"{not json", routing=routing(slugid()))
    good = completed(slugid())
    consumer = FakePulseConsumer(on_error=errors.append)
    consumer.feed(bad_key, bad_body, good)
    with consumer:
        events = list(consumer.listen(EVENTS.task_completed("#")))
    assert [e.routing.task_id for e in events] == [routing_task(good)]
    assert ["routing key has 2 words" in str(errors[0]), "not JSON" in str(errors[1])] == [
        True,
        True,
    ]
    assert consumer.rejected == [bad_key, bad_body] and consumer.acked == [good]


def routing_task(message: FakeMessage) -> str:
    return message.routing_key.split(".")[1]


def test_on_error_raising_applies_the_rule_to_that_message() -> None:
    def on_error(error: MessageParseError) -> None:
        raise HandlerError

    bad = fake_message(EVENTS.task_completed(), b"[]", routing=routing(slugid()))
    consumer = FakePulseConsumer(on_error=on_error)
    consumer.feed(bad)
    with pytest.raises(HandlerError), consumer:
        list(consumer.listen(EVENTS.task_completed()))
    assert consumer.requeued == [bad]


def test_raw_bindings() -> None:
    consumer = FakePulseConsumer()
    consumer.feed(FakeMessage("exchange/my-app/v1/things", "thing.made", b'{"n": 1}', ("x",)))
    with consumer:
        (message,) = consumer.listen(Binding("exchange/my-app/v1/things", "thing.*"))
    assert message == RawMessage("exchange/my-app/v1/things", "thing.made", {"n": 1})


def test_pause_and_resume() -> None:
    consumer = FakePulseConsumer()
    consumer.feed(completed(slugid()), completed(slugid()))
    with consumer:
        stream = consumer.listen(EVENTS.task_completed())
        next(stream)
        consumer.pause()
        assert list(stream) == [] and consumer.paused
        consumer.resume()
        assert len(list(stream)) == 1
    assert consumer.acked == consumer.fed


def test_max_length_drops_the_oldest() -> None:
    consumer = FakePulseConsumer(queue_name="q", max_length=2)
    first, *rest = messages = [completed(slugid()) for _ in range(3)]
    consumer.feed(*messages)
    assert consumer.dropped == [first] and list(consumer.pending) == rest


def test_async_iteration() -> None:
    async def main() -> list[str]:
        consumer = FakePulseConsumer()
        consumer.feed(completed(task := slugid()), failed(task))
        async with consumer:
            return [
                type(e).__name__
                async for e in consumer.listen(EVENTS.task_completed(), EVENTS.task_failed())
            ]

    assert asyncio.run(main()) == ["TaskCompletedEvent", "TaskFailedEvent"]


def test_cancelled_task_requeues() -> None:
    consumer = FakePulseConsumer()
    consumer.feed(completed(slugid()))

    async def handler() -> None:
        async with consumer:
            async for _ in consumer.listen(EVENTS.task_completed()):
                await asyncio.sleep(10)

    async def main() -> None:
        task = asyncio.create_task(handler())
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert consumer.requeued == consumer.fed and consumer.pending[0].redelivered


@pytest.mark.parametrize(
    ("pattern", "key", "matches"),
    [
        ("a.*.c", "a.b.c", True),
        ("a.*.c", "a.c", False),
        ("a.#", "a", True),
        ("a.#", "a.b.c", True),
        ("#.c", "c", True),
        ("#", "", True),
        ("a.#.d", "a.b.c.d", True),
        ("a.#.d", "a.d", True),
        ("a.*", "a.b.c", False),
        ("route.index.#", "route.index.x.y", True),
    ],
)
def test_topic_matching(pattern: str, key: str, matches: bool) -> None:
    assert topic_matches(pattern, key) is matches


def test_fake_message_needs_a_routing_key() -> None:
    with pytest.raises(ValueError, match="routing="):
        fake_message(EVENTS.task_completed(), {})
    with pytest.raises(ValueError, match="routing_key="):
        fake_message(Binding("exchange/x", "#"), {})
    with pytest.raises(ValueError, match="not routing-key entries: nope"):
        fake_message(EVENTS.task_completed(), {}, routing={"nope": 1})


def test_events_checked_against_their_own_type() -> None:
    consumer = FakePulseConsumer()
    consumer.feed(failed(slugid()))
    with consumer:
        assert [type(e) for e in consumer.listen(EVENTS.task_failed())] == [TaskFailedEvent]
