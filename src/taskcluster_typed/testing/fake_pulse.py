"""A Pulse consumer for your own tests: no broker, fed typed or raw messages.

`FakePulseConsumer` has the consumers' `listen`, `pause`/`resume` and `close`, and runs the
same logic (`taskcluster_typed.pulse.core`): messages are routed to the queue only if a
binding's pattern matches their routing key or one of their ``CC`` keys (as RabbitMQ's topic
exchanges do), each is parsed and checked against its exchange's schema when it is handed
out (a bad one raises `MessageParseError` or goes to ``on_error``, as for real), and the
acknowledgement rule decides what happens to it. What was acknowledged, requeued or rejected
is recorded; a requeued message comes again, marked redelivered.

Iteration ends when no fed message is left (nothing else can arrive). It works with ``with``
and ``for`` as `PulseConsumer` does, and with ``async with`` and ``async for`` as
`AsyncPulseConsumer` does::

    consumer = FakePulseConsumer()
    consumer.feed(fake_message(QueueEvents().task_completed(), payload, routing_key=key))
    with consumer:
        for event in consumer.listen(QueueEvents().task_completed()):
            ...
    assert consumer.acked == [...]
"""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import pydantic

from .._core.exchanges import Binding, Event, Events, MessageParseError, TopicExchange
from ..pulse.core import Delivery, ErrorCallback, Listening, Settlement
from ..pulse.settings import PulseSettings

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["FakeMessage", "FakePulseConsumer", "fake_message"]

T = TypeVar("T")
E1 = TypeVar("E1")
E2 = TypeVar("E2")
E3 = TypeVar("E3")
E4 = TypeVar("E4")
E5 = TypeVar("E5")


@dataclass(frozen=True)
class FakeMessage:
    """A message as a broker would deliver it: exchange, routing key, raw body, ``CC``."""

    exchange: str
    routing_key: str
    body: bytes
    cc: tuple[str, ...] = ()
    redelivered: bool = False


def _topic_of(event: Event[Any, Any]) -> TopicExchange[Any]:
    module = sys.modules[type(event).__module__]
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Events) and value is not Events:
            for topic in value.topic_exchanges:
                if topic.event_type is type(event):
                    return topic
    raise TypeError(f"{type(event).__name__} is not a generated event class")


def _body(payload: object) -> bytes:
    if isinstance(payload, (bytes, bytearray)):
        return bytes(payload)
    if isinstance(payload, str):
        return payload.encode("utf-8")
    if isinstance(payload, pydantic.BaseModel):
        return payload.model_dump_json(by_alias=True, exclude_none=True).encode("utf-8")
    return json.dumps(payload, default=str).encode("utf-8")


@overload
def fake_message(event: Event[Any, Any], /, *, redelivered: bool = False) -> FakeMessage: ...
@overload
def fake_message(
    binding: Binding[Any],
    /,
    payload: object,
    *,
    routing: Mapping[str, object] | None = None,
    routing_key: str | None = None,
    routes: Iterable[str] = (),
    redelivered: bool = False,
) -> FakeMessage: ...
def fake_message(
    source: Event[Any, Any] | Binding[Any],
    /,
    payload: object = None,
    *,
    routing: Mapping[str, object] | None = None,
    routing_key: str | None = None,
    routes: Iterable[str] = (),
    redelivered: bool = False,
) -> FakeMessage:
    """A message to `FakePulseConsumer.feed`.

    From a typed event (``TaskCompletedEvent(...)``, or one your code parsed before): its
    exchange, the routing key its publisher would send, its payload and its routes.

    From a binding: its exchange, `payload` (a model, a dict, or raw bytes/text, sent as
    given: a body that does not match the schema is how to test ``on_error``), and the
    routing key: `routing_key` verbatim, or built from `routing` (entry name -> value, as the
    binding method's keywords; ``_`` for an optional entry left out). `routes` are sent as
    ``route.<route>`` in ``CC``.
    """
    if isinstance(source, Event):
        topic = _topic_of(source)
        return FakeMessage(
            exchange=source.exchange,
            routing_key=topic.format_routing_key(source.routing),
            body=_body(source.payload),
            cc=tuple(f"route.{r}" for r in source.routes),
            redelivered=redelivered,
        )
    if routing_key is None:
        if source.topic is None:
            raise ValueError("fake_message: a hand-made Binding needs routing_key=")
        if routing is None:
            raise ValueError("fake_message: give routing= (entry name -> value) or routing_key=")
        routing_key = source.topic.format_routing_key(_Routing(routing, source.topic))
    return FakeMessage(
        exchange=source.exchange,
        routing_key=routing_key,
        body=_body(payload),
        cc=tuple(f"route.{r}" for r in routes),
        redelivered=redelivered,
    )


class _Routing:
    """Attribute access over a mapping, for `TopicExchange.format_routing_key`."""

    def __init__(self, values: Mapping[str, object], topic: TopicExchange[Any]) -> None:
        known = {e.name for e in topic.routing_key if e.constant is None}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"fake_message: not routing-key entries: {', '.join(unknown)}")
        self._values = values

    def __getattr__(self, name: str) -> object:
        return self._values.get(name)


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: ``*`` is exactly one word, ``#`` zero or more."""
    words, keys = pattern.split("."), routing_key.split(".")

    def match(i: int, j: int) -> bool:
        if i == len(words):
            return j == len(keys)
        if words[i] == "#":
            return any(match(i + 1, k) for k in range(j, len(keys) + 1))
        return j < len(keys) and words[i] in ("*", keys[j]) and match(i + 1, j + 1)

    return match(0, 0)


class FakeStream(Generic[T]):
    """What `FakePulseConsumer.listen` returns: an iterator, sync and async."""

    def __init__(self, consumer: FakePulseConsumer, listening: Listening[T]) -> None:
        self._consumer = consumer
        self._listening = listening

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        return self._consumer.next_event(self._listening)

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        try:
            return self._consumer.next_event(self._listening)
        except StopIteration:
            raise StopAsyncIteration from None


class FakePulseConsumer:
    """A stand-in for `PulseConsumer` and `AsyncPulseConsumer` that needs no broker.

    `feed` queues messages (`fake_message`); `listen` hands out those its bindings route,
    then stops. `acked`, `requeued` and `rejected` record what the acknowledgement rule
    decided; `pending` is what is left in the queue; `dropped` what `max_length` pushed out.
    """

    def __init__(
        self,
        *,
        namespace: str = "fake",
        queue_name: str | None = None,
        prefetch: int = 5,
        max_length: int | None = None,
        on_error: ErrorCallback | None = None,
    ) -> None:
        self.settings = PulseSettings(
            url="fake://",
            username=namespace,
            namespace=namespace,
            queue_name=queue_name,
            prefetch=prefetch,
            max_length=max_length,
        )
        self.on_error = on_error
        self.fed: list[FakeMessage] = []
        self.pending: deque[FakeMessage] = deque()
        self.acked: list[FakeMessage] = []
        self.requeued: list[FakeMessage] = []
        self.rejected: list[FakeMessage] = []
        self.dropped: list[FakeMessage] = []
        self._listening: Listening[Any] | None = None
        self._paused = False
        self._closed = False

    def __repr__(self) -> str:
        return f"FakePulseConsumer(namespace={self.settings.namespace!r})"

    @property
    def queue(self) -> str | None:
        listening = self._listening
        return None if listening is None or listening.queue is None else listening.queue.name

    def feed(self, *messages: FakeMessage) -> None:
        """Publish: each message is queued (if `listen` is not yet bound, it is routed when
        it is)."""
        for message in messages:
            self.fed.append(message)
            self.pending.append(message)
            limit = self.settings.max_length
            while limit is not None and len(self.pending) > limit:
                self.dropped.append(self.pending.popleft())  # x-max-length drops the head

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(exc)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(exc)

    def close(self, error: BaseException | None = None) -> None:
        """As `PulseConsumer.close`: settle the message in hand by the rule."""
        if self._closed:
            return
        self._closed = True
        listening, self._listening = self._listening, None
        if listening is not None:
            self._settle(listening.finish(error))
            self._stop(listening)

    def pause(self) -> None:
        """Nothing more is handed out until `resume` (iteration stops)."""
        self._paused = True

    def resume(self) -> None:
        self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    @overload
    def listen(
        self, b1: Binding[E1], /, *, idle_timeout: float | None = None
    ) -> FakeStream[E1]: ...
    @overload
    def listen(
        self, b1: Binding[E1], b2: Binding[E2], /, *, idle_timeout: float | None = None
    ) -> FakeStream[E1 | E2]: ...
    @overload
    def listen(
        self,
        b1: Binding[E1],
        b2: Binding[E2],
        b3: Binding[E3],
        /,
        *,
        idle_timeout: float | None = None,
    ) -> FakeStream[E1 | E2 | E3]: ...
    @overload
    def listen(
        self,
        b1: Binding[E1],
        b2: Binding[E2],
        b3: Binding[E3],
        b4: Binding[E4],
        /,
        *,
        idle_timeout: float | None = None,
    ) -> FakeStream[E1 | E2 | E3 | E4]: ...
    @overload
    def listen(
        self,
        b1: Binding[E1],
        b2: Binding[E2],
        b3: Binding[E3],
        b4: Binding[E4],
        b5: Binding[E5],
        /,
        *bindings: Binding[Any],
        idle_timeout: float | None = None,
    ) -> FakeStream[E1 | E2 | E3 | E4 | E5 | Any]: ...
    def listen(self, *bindings: Binding[Any], idle_timeout: float | None = None) -> FakeStream[Any]:
        """As `PulseConsumer.listen`; `idle_timeout` is accepted and has nothing to wait for."""
        if self._closed:
            raise RuntimeError("this FakePulseConsumer is closed")
        if self._listening is not None:
            self._settle(self._listening.finish(None))
            self._stop(self._listening)
        listening: Listening[Any] = Listening(bindings, self.settings)
        listening.connected()
        self._listening = listening
        return FakeStream(self, listening)

    def _routed(self, listening: Listening[Any], message: FakeMessage) -> bool:
        keys = (message.routing_key, *message.cc)
        return any(
            b.exchange == message.exchange and topic_matches(b.routing_key_pattern, key)
            for b in listening.router.bindings
            for key in keys
        )

    def next_event(self, listening: Listening[T]) -> T:
        """The next event of `listening` (what `FakeStream` iterates); StopIteration at the end."""
        if listening is not self._listening:
            raise StopIteration
        self._settle(listening.finish(None))
        while True:
            if self._paused:
                raise StopIteration
            message = self._pop(listening)
            if message is None:
                raise StopIteration
            listening.received(
                Delivery(
                    exchange=message.exchange,
                    routing_key=message.routing_key,
                    body=message.body,
                    cc=message.cc,
                    redelivered=message.redelivered,
                    generation=listening.generation,
                    handle=message,
                )
            )
            outcome = listening.take()
            if isinstance(outcome, MessageParseError):
                if self.on_error is None:
                    self._settle(listening.finish(None, unparsable=True))
                    raise outcome
                self.on_error(outcome)
                self._settle(listening.finish(None, unparsable=True))
                continue
            return outcome

    def _pop(self, listening: Listening[Any]) -> FakeMessage | None:
        for index, message in enumerate(self.pending):
            if self._routed(listening, message):
                del self.pending[index]
                return message
        return None

    def _settle(self, decision: tuple[Delivery, Settlement] | None) -> None:
        if decision is None:
            return
        delivery, settlement = decision
        message: FakeMessage = delivery.handle
        if settlement is Settlement.ACK:
            self.acked.append(message)
        elif settlement is Settlement.REJECT:
            self.rejected.append(message)
        else:
            self.requeued.append(message)
            self.pending.appendleft(replace(message, redelivered=True))

    def _stop(self, listening: Listening[Any]) -> None:
        for delivery in reversed(listening.unhanded()):
            self.pending.appendleft(delivery.handle)
