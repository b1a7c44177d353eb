"""The consumer's logic, without I/O: shared by the kombu driver (`PulseConsumer`), the
aio-pika driver (`AsyncPulseConsumer`) and the fake (`testing.FakePulseConsumer`).

A driver connects, declares `PulseSettings.queue()`, binds it with every binding and starts
consuming; each message the broker delivers becomes a `Delivery` stamped with the connection's
`generation`. `Listening` then decides everything else:

- parsing, by the binding of the message's exchange (`Router`);
- the acknowledgement rule (`settlement_for`): a message is *in hand* from the moment it is
  handed to the caller until the caller's code for it is over. It is acknowledged when that
  code returns: when the caller asks for the next message, or leaves the consumer's ``with``
  block without an error (``break`` included). When that code raises an `Exception`, the
  message is requeued if this was its first delivery, and rejected (dropped, or dead-lettered
  by the queue's policy) if the broker had delivered it before (``redelivered``): a message
  that fails twice is not retried forever. That is taskcluster-lib-pulse's rule. A
  `BaseException` that is not an `Exception` (Ctrl-C, task cancellation, ``SystemExit``) is
  not the message's fault: the message is always requeued;
- a message that does not fit its exchange (`MessageParseError`) is rejected without requeue
  (it would fail again), after it was raised to the caller or handed to ``on_error``;
- a delivery from an earlier connection is never settled: its tag means nothing on the new
  channel, and the broker has already requeued it (it comes again, marked redelivered);
- acknowledgements of messages handled in a row go together (`Listening.ack`), sent before
  the consumer waits for more, settles another way, pauses or stops.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .._core.exchanges import Binding, MessageParseError, UnknownExchangeError
from .errors import PulseBrokerError, PulsePermissionError
from .settings import PulseSettings, QueueSpec, ReconnectPolicy

__all__ = [
    "Backoff",
    "Delivery",
    "Listening",
    "Router",
    "Settlement",
    "broker_refusal",
    "settlement_for",
]

T = TypeVar("T")

# What `on_error` receives: a message that does not fit its exchange.
ErrorCallback = Callable[[MessageParseError], object]


class Settlement(enum.Enum):
    """What to tell the broker about a message."""

    ACK = "ack"
    REQUEUE = "requeue"  # basic.reject / nack with requeue: delivered again, redelivered=True
    REJECT = "reject"  # without requeue: dropped, or dead-lettered if the queue says so


@dataclass(slots=True)
class Delivery:
    """A message as the broker delivered it; `handle` is the driver's own message object."""

    exchange: str
    routing_key: str
    body: bytes
    cc: tuple[str, ...]
    redelivered: bool
    generation: int
    handle: Any = None


def settlement_for(delivery: Delivery, error: BaseException | None) -> Settlement:
    """The acknowledgement rule for a message whose handling ended with `error` (or None)."""
    if error is None:
        return Settlement.ACK
    if not isinstance(error, Exception):
        return Settlement.REQUEUE
    return Settlement.REJECT if delivery.redelivered else Settlement.REQUEUE


class Router(Generic[T]):
    """Exchange name -> the binding whose parser reads its messages."""

    def __init__(self, bindings: Sequence[Binding[Any]]) -> None:
        if not bindings:
            raise ValueError("listen() needs at least one binding")
        self.bindings = tuple(bindings)
        self._by_exchange: dict[str, Binding[Any]] = {}
        for binding in self.bindings:
            if not isinstance(binding, Binding):  # pyright: ignore[reportUnnecessaryIsInstance]
                raise TypeError(f"listen() takes Binding objects, not {type(binding).__name__}")
            known = self._by_exchange.setdefault(binding.exchange, binding)
            if (known.topic is None) != (binding.topic is None):
                raise ValueError(
                    f"{binding.exchange}: bound both with its events class and by hand; "
                    "use one kind of binding per exchange"
                )

    def parse(self, delivery: Delivery) -> T:
        binding = self._by_exchange.get(delivery.exchange)
        if binding is None:
            raise UnknownExchangeError(
                delivery.exchange,
                delivery.routing_key,
                "not an exchange this queue was bound to by listen() (a binding left on a "
                "durable queue from an earlier run?)",
                delivery.body,
            )
        event: T = binding.parse(
            delivery.exchange, delivery.routing_key, delivery.body, delivery.cc
        )
        return event


class Listening(Generic[T]):
    """The state of one `listen()`: the message in hand and the ones received but not yet
    handed out. Drivers call `connected` on each (re)connection, `received` for each
    delivery, `take` to hand one out and `finish` to learn how to settle it."""

    def __init__(self, bindings: Sequence[Binding[Any]], settings: PulseSettings) -> None:
        self.router: Router[T] = Router(bindings)
        self.settings = settings
        self.generation = 0
        self.queue: QueueSpec | None = None
        self.buffer: deque[Delivery] = deque()
        self.in_hand: Delivery | None = None
        self.acks: list[Delivery] = []  # handled; acknowledgement not sent yet (see `ack`)
        self.paused = False

    def connected(self) -> QueueSpec:
        """A new connection: the queue to declare on it (and bind with every binding).

        What was received on the previous connection and not handed out is forgotten: the
        broker requeued it when that connection died. A named queue keeps its name; an
        exclusive queue gets a new one."""
        self.generation += 1
        self.buffer.clear()
        self.acks.clear()  # their tags mean nothing on the new channel: they come again
        if self.queue is None or not self.settings.durable:
            self.queue = self.settings.queue()
        return self.queue

    def received(self, delivery: Delivery) -> None:
        if delivery.generation == self.generation:
            self.buffer.append(delivery)

    def take(self) -> T | MessageParseError:
        """Hand out the oldest received message: it is in hand until `finish`."""
        delivery = self.buffer.popleft()
        self.in_hand = delivery
        try:
            return self.router.parse(delivery)
        except MessageParseError as error:
            return error

    def finish(
        self, error: BaseException | None, *, unparsable: bool = False
    ) -> tuple[Delivery, Settlement] | None:
        """The message in hand is done with; how to settle it (None: nothing to settle)."""
        delivery, self.in_hand = self.in_hand, None
        if delivery is None or delivery.generation != self.generation:
            return None
        if unparsable and error is None:
            return delivery, Settlement.REJECT
        return delivery, settlement_for(delivery, error)

    def ack(self, delivery: Delivery) -> None:
        """`delivery` was handled: its acknowledgement waits in `acks` until `due_acks`.

        Acknowledging together what was handled in a row (one ``basic.ack`` with
        ``multiple``) saves a frame per message. It is never sent before the handling is
        over, and never held while the consumer waits for the broker: the drivers take
        `due_acks` before each wait, before any reject or requeue, and when they stop."""
        if delivery.generation == self.generation:
            self.acks.append(delivery)

    def due_acks(self) -> list[Delivery]:
        """The acknowledgements to send now, oldest first (and forget them)."""
        acks, self.acks = self.acks, []
        return [d for d in acks if d.generation == self.generation]

    def unhanded(self) -> list[Delivery]:
        """Received and never handed out (to requeue when listening stops or pauses)."""
        pending = [d for d in self.buffer if d.generation == self.generation]
        self.buffer.clear()
        return pending


class Backoff:
    """Reconnect attempts under a `ReconnectPolicy`: `next_delay` is the wait before the
    next attempt, or None once the policy gives up."""

    def __init__(self, policy: ReconnectPolicy) -> None:
        self.policy = policy
        self.attempt = 0
        self.failing_since = policy.now()

    def next_delay(self) -> float | None:
        if self.policy.gives_up(self.failing_since):
            return None
        self.attempt += 1
        return self.policy.delay(self.attempt)


# The permission RabbitMQ checks for each operation (https://www.rabbitmq.com/access-control):
# declaring a queue: configure on it; binding: write on the queue, read on the exchange;
# consuming: read on the queue.
_PERMISSIONS = ("configure", "write", "read")


def broker_refusal(
    *,
    operation: str,
    code: int,
    reply: str,
    settings: PulseSettings,
    queue: str,
    exchanges: Iterable[str] = (),
) -> PulseBrokerError:
    """The error for a broker's refusal (`code`, `reply` as the broker sent them) of
    `operation` (``"declare queue"``, ``"bind"``, ``"consume"``)."""
    if operation == "log in":
        return PulseBrokerError(
            f"the broker refused the login of user {settings.username!r} (wrong user name "
            f"or password, or no access to the virtual host). Broker: {reply}",
            operation=operation,
            reply=reply,
        )
    if code == 403:
        # RabbitMQ: "ACCESS_REFUSED - access to exchange 'x' in vhost 'v' refused for user 'u'"
        # (newer versions start with the permission: "read access to ...").
        words = reply.replace("ACCESS_REFUSED - ", "").split()
        kind = "exchange" if "access to exchange" in reply else "queue"
        resource = next(
            (name for name in (queue, *exchanges) if f"'{name}'" in reply),
            queue if kind == "queue" else next(iter(exchanges), queue),
        )
        if words and words[0] in _PERMISSIONS:
            permission = words[0]
        elif operation == "bind":
            permission = "read" if kind == "exchange" else "write"
        else:
            permission = {"declare queue": "configure", "consume": "read"}.get(
                operation, "configure"
            )
        hint = (
            f"Pulse lets a user declare only its own queues, 'queue/{settings.username}/...'"
            if kind == "queue" and not queue.startswith(f"queue/{settings.username}/")
            else f"Ask the broker's administrator for {permission} access to {resource!r}"
        )
        return PulsePermissionError(
            f"the broker refused to {operation} ({queue!r}): user {settings.username!r} lacks "
            f"{permission!r} permission on {kind} {resource!r}. {hint}. Broker: {reply}",
            operation=operation,
            reply=reply,
            permission=permission,
            resource=resource,
        )
    if code == 404 and operation == "bind":
        message = (
            f"cannot bind {queue!r}: an exchange does not exist (its service has not "
            f"published yet, or the name is wrong). Broker: {reply}"
        )
    elif code == 406:
        message = (
            f"cannot {operation} {queue!r}: it exists with other settings (durable, "
            f"exclusive, max_length or queue type); delete it or use another queue_name. "
            f"Broker: {reply}"
        )
    else:
        message = f"the broker refused to {operation} ({queue!r}). Broker: {reply}"
    return PulseBrokerError(message, operation=operation, reply=reply)
