"""The consumers' shared logic: the acknowledgement rule, deliveries across reconnects,
routing by exchange, and the errors for a broker's refusals."""

from __future__ import annotations

import json

import pytest

from taskcluster_typed import QueueEvents, slugid
from taskcluster_typed._core.exchanges import Binding, MessageParseError, UnknownExchangeError
from taskcluster_typed.events.queue import TaskCompletedEvent
from taskcluster_typed.pulse import (
    PulseBrokerError,
    PulsePermissionError,
    PulseSettings,
    RawMessage,
    Settlement,
    settlement_for,
)
from taskcluster_typed.pulse.core import Delivery, Listening, broker_refusal

from .messages import completed, completed_body, routing

TASK = slugid()

EVENTS = QueueEvents()
SETTINGS = PulseSettings.resolve(url="amqp://bot:pw@h/v", queue_name="q")


def delivery(*, redelivered: bool = False, generation: int = 1, body: bytes = b"{}") -> Delivery:
    message = completed(TASK)
    return Delivery(
        exchange=message.exchange,
        routing_key=message.routing_key,
        body=body if body != b"{}" else message.body,
        cc=("route.index.x",),
        redelivered=redelivered,
        generation=generation,
    )


@pytest.mark.parametrize(
    ("redelivered", "error", "expected"),
    [
        (False, None, Settlement.ACK),
        (True, None, Settlement.ACK),
        (False, RuntimeError("handler"), Settlement.REQUEUE),  # first failure: again
        (True, RuntimeError("handler"), Settlement.REJECT),  # second failure: dropped
        (False, KeyboardInterrupt(), Settlement.REQUEUE),  # not the message's fault
        (True, KeyboardInterrupt(), Settlement.REQUEUE),
        (True, SystemExit(1), Settlement.REQUEUE),
    ],
)
def test_the_acknowledgement_rule(
    redelivered: bool, error: BaseException | None, expected: Settlement
) -> None:
    assert settlement_for(delivery(redelivered=redelivered), error) is expected


def test_cancellation_requeues() -> None:
    import asyncio

    assert settlement_for(delivery(redelivered=True), asyncio.CancelledError()) is (
        Settlement.REQUEUE
    )


def test_a_message_is_in_hand_until_finished() -> None:
    listening: Listening[TaskCompletedEvent] = Listening([EVENTS.task_completed()], SETTINGS)
    listening.connected()
    listening.received(delivery())
    event = listening.take()
    assert isinstance(event, TaskCompletedEvent)
    assert event.routing.task_id == TASK and event.routes == ("index.x",)
    assert listening.in_hand is not None
    decision = listening.finish(None)
    assert decision is not None and decision[1] is Settlement.ACK
    assert listening.finish(None) is None  # nothing in hand any more


def test_a_delivery_from_an_earlier_connection_is_never_settled() -> None:
    listening: Listening[TaskCompletedEvent] = Listening([EVENTS.task_completed()], SETTINGS)
    listening.connected()
    listening.received(delivery(generation=1))
    listening.take()
    listening.received(delivery(generation=1))
    queue = listening.connected()  # reconnected: the broker requeued everything unsettled
    assert queue.name == "queue/bot/q"  # a named queue keeps its name
    assert not listening.buffer  # the buffered one is forgotten
    assert listening.finish(RuntimeError()) is None  # its tag means nothing on the new channel
    listening.received(delivery(generation=1))  # late arrival from the dead channel
    assert not listening.buffer


def test_an_exclusive_queue_is_renamed_on_each_connection() -> None:
    settings = PulseSettings.resolve(url="amqp://bot:pw@h/v")
    listening: Listening[TaskCompletedEvent] = Listening([EVENTS.task_completed()], settings)
    assert listening.connected().name != listening.connected().name


def test_unparsable_messages_are_rejected_not_requeued() -> None:
    listening: Listening[TaskCompletedEvent] = Listening([EVENTS.task_completed()], SETTINGS)
    listening.connected()
    listening.received(delivery(body=b'{"status": 1}'))
    error = listening.take()
    assert isinstance(error, MessageParseError)
    assert "body does not match its schema" in str(error)
    decision = listening.finish(None, unparsable=True)
    assert decision is not None and decision[1] is Settlement.REJECT


def test_unknown_exchange_is_a_parse_error() -> None:
    listening: Listening[object] = Listening([EVENTS.task_failed()], SETTINGS)
    listening.connected()
    listening.received(delivery())
    error = listening.take()
    assert isinstance(error, UnknownExchangeError)
    assert "not an exchange this queue was bound to" in str(error)


def test_hand_made_bindings_give_raw_messages() -> None:
    custom = Binding("exchange/taskcluster-queue/v1/task-completed", "#")
    listening: Listening[RawMessage] = Listening([custom], SETTINGS)
    listening.connected()
    listening.received(delivery())
    raw = listening.take()
    assert isinstance(raw, RawMessage)
    assert raw.payload == json.loads(json.dumps(completed_body(TASK)))
    assert raw.routes == ("index.x",)
    listening.received(delivery(body=b"not json"))
    listening.finish(None)
    assert isinstance(listening.take(), MessageParseError)


def test_bindings_are_checked() -> None:
    with pytest.raises(ValueError, match="at least one binding"):
        Listening([], SETTINGS)
    with pytest.raises(TypeError, match="Binding objects"):
        Listening([EVENTS.task_completed().to_dict()], SETTINGS)  # type: ignore[list-item]
    typed = EVENTS.task_completed()
    with pytest.raises(ValueError, match="one kind of binding per exchange"):
        Listening([typed, Binding(typed.exchange, "#")], SETTINGS)


def test_refused_bind_names_the_read_permission_on_the_exchange() -> None:
    reply = (
        "ACCESS_REFUSED - access to exchange 'exchange/taskcluster-auth/v1/client-created' "
        "in vhost 'local' refused for user 'bot'"
    )
    error = broker_refusal(
        operation="bind",
        code=403,
        reply=reply,
        settings=SETTINGS,
        queue="queue/bot/q",
        exchanges=["exchange/taskcluster-auth/v1/client-created"],
    )
    assert isinstance(error, PulsePermissionError)
    assert (error.permission, error.resource) == (
        "read",
        "exchange/taskcluster-auth/v1/client-created",
    )
    assert "lacks 'read' permission on exchange" in str(error)
    assert "pw" not in str(error).replace("permission", "")


def test_refused_queue_outside_the_namespace() -> None:
    reply = "ACCESS_REFUSED - access to queue 'queue/other/q' in vhost 'v' refused for user 'bot'"
    error = broker_refusal(
        operation="declare queue", code=403, reply=reply, settings=SETTINGS, queue="queue/other/q"
    )
    assert isinstance(error, PulsePermissionError)
    assert error.permission == "configure"
    assert "only its own queues, 'queue/bot/...'" in str(error)


def test_newer_rabbitmq_replies_name_the_permission_themselves() -> None:
    reply = (
        "ACCESS_REFUSED - write access to queue 'queue/bot/q' in vhost 'v' refused for user 'bot'"
    )
    error = broker_refusal(
        operation="bind", code=403, reply=reply, settings=SETTINGS, queue="queue/bot/q"
    )
    assert isinstance(error, PulsePermissionError) and error.permission == "write"


@pytest.mark.parametrize(
    ("operation", "code", "says"),
    [
        ("bind", 404, "an exchange does not exist"),
        ("declare queue", 406, "exists with other settings"),
        ("log in", 403, "refused the login of user 'bot'"),
        ("consume", 405, "refused to consume"),
    ],
)
def test_other_refusals(operation: str, code: int, says: str) -> None:
    error = broker_refusal(
        operation=operation, code=code, reply="REPLY", settings=SETTINGS, queue="queue/bot/q"
    )
    assert type(error) is PulseBrokerError
    assert says in str(error) and "REPLY" in str(error)


def test_routing_helper_matches_the_publisher() -> None:
    message = completed(TASK, routes=("a.b",))
    topic = EVENTS.task_completed().topic
    assert topic is not None
    assert message.routing_key == topic.format_routing_key(
        topic.routing_type(**routing(TASK), reserved=None)
    )


def test_acknowledgements_wait_together_and_never_cross_a_reconnect() -> None:
    listening: Listening[TaskCompletedEvent] = Listening([EVENTS.task_completed()], SETTINGS)
    listening.connected()
    first, second = delivery(), delivery()
    listening.ack(first)
    listening.ack(second)
    assert listening.due_acks() == [first, second]
    assert listening.due_acks() == []  # sent once
    listening.ack(delivery())
    listening.connected()  # the channel is gone: those tags mean nothing now
    assert listening.due_acks() == []
    listening.ack(delivery(generation=1))  # late, from the old channel
    assert listening.due_acks() == []
