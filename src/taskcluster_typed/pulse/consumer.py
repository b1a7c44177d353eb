"""`PulseConsumer`: the synchronous driver, on kombu (py-amqp for ``amqp://``/``amqps://``).

Everything but the I/O is in `core` (parsing, the acknowledgement rule, stale deliveries after
a reconnect, reconnect backoff) and `settings` (URL, queue names): this module only turns
those decisions into kombu calls. kombu is the ``pulse`` extra, imported when the consumer
connects.
"""

from __future__ import annotations

import contextlib
import select
import time
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .._core.exchanges import Binding, MessageParseError
from .core import Backoff, Delivery, ErrorCallback, Listening, Settlement, broker_refusal
from .errors import PulseBrokerError, PulseConnectionError
from .settings import PulseSettings, ReconnectPolicy, environ

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["PulseConsumer"]

E1 = TypeVar("E1")
E2 = TypeVar("E2")
E3 = TypeVar("E3")
E4 = TypeVar("E4")
E5 = TypeVar("E5")

_POLL = 1.0  # seconds between heartbeat checks (and pause/idle checks) while waiting


def _text(value: object) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def cc_of(headers: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The ``CC`` header's routing keys (RabbitMQ keeps it on delivered messages)."""
    cc = (headers or {}).get("CC") or ()
    if isinstance(cc, (str, bytes)):
        cc = (cc,)
    return tuple(_text(key) for key in cc)


class _Dead(Exception):
    """Our connection or channel is closed (raised and caught inside the driver only)."""


class PulseConsumer:
    """Listen to Pulse exchanges and get typed events, acknowledged when your code is done.

    ::

        with PulseConsumer.from_env(namespace="my-bot", queue_name="completed") as consumer:
            for event in consumer.listen(QueueEvents().task_completed(task_group_id=g)):
                print(event.routing.task_id, event.payload.status.state)

    Options (the same as `AsyncPulseConsumer`'s): `url`, or `username`/`password`/`hostname`/
    `vhost`/`amqps` (see `from_env` for the ``PULSE_*`` variables); `namespace` (default: the
    user name); `queue_name` for a durable queue ``queue/<namespace>/<queue_name>`` (default:
    an exclusive queue that vanishes on close); `prefetch` (messages the broker sends ahead
    of acknowledgements, default 5); `max_length` (``x-max-length`` of the queue); `on_error`
    (called with each `MessageParseError`; default: raise it from the iterator);
    `reconnect` (a `ReconnectPolicy`); `heartbeat` (seconds, 0 for none).

    The acknowledgement rule and reconnects are described in `taskcluster_typed.pulse.core`
    and docs/pulse.md. Not thread-safe, except `pause` and `resume`.
    """

    def __init__(
        self,
        *,
        url: str | None = None,
        username: str | None = None,
        password: str | None = None,
        hostname: str | None = None,
        vhost: str | None = None,
        amqps: bool | None = None,
        namespace: str | None = None,
        queue_name: str | None = None,
        prefetch: int = 5,
        max_length: int | None = None,
        on_error: ErrorCallback | None = None,
        reconnect: ReconnectPolicy | None = None,
        heartbeat: int = 30,
        _environ: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = PulseSettings.resolve(
            url=url,
            username=username,
            password=password,
            hostname=hostname,
            vhost=vhost,
            amqps=amqps,
            namespace=namespace,
            queue_name=queue_name,
            prefetch=prefetch,
            max_length=max_length,
            reconnect=reconnect,
            environ=_environ,
        )
        self.on_error = on_error
        self.heartbeat = heartbeat
        self._connection: Any = None
        self._errors: tuple[type[BaseException], ...] = ()
        self._multiple_acks = False
        self._ack_batch = 1
        self._channel: Any = None
        self._raw: Any = None  # the transport's own connection object
        self._transport: Any = None
        self._consumer: Any = None
        self._listening: Listening[Any] | None = None
        self._pause_requested = False  # set from any thread; the iterating one applies it
        self._closed = False

    @classmethod
    def from_env(cls, **options: Any) -> Self:
        """A consumer configured from ``PULSE_URL``, or ``PULSE_USERNAME``,
        ``PULSE_PASSWORD``, ``PULSE_HOSTNAME``, ``PULSE_VHOST`` and ``PULSE_AMQPS`` (and
        ``PULSE_NAMESPACE``); `options` as for the constructor, and they win."""
        return cls(_environ=environ(), **options)

    def __repr__(self) -> str:
        s = self.settings
        return f"{type(self).__name__}(url={s.safe_url!r}, namespace={s.namespace!r})"

    @property
    def queue(self) -> str | None:
        """The name of the queue being consumed (None before `listen`)."""
        listening = self._listening
        return None if listening is None or listening.queue is None else listening.queue.name

    # -- context -------------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(exc)

    def close(self, error: BaseException | None = None) -> None:
        """Settle the message in hand (acknowledged, or by the rule for `error`) and close
        the connection; messages received and not handed out go back to the queue."""
        if self._closed:
            return
        self._closed = True
        listening, self._listening = self._listening, None
        try:
            if listening is not None:
                self._settle(listening, listening.finish(error))
                self._send_acks(listening)
        finally:
            self._disconnect()

    # -- pause / resume --------------------------------------------------------------------

    def pause(self) -> None:
        """Stop the broker from delivering (from any thread). What was received and not yet
        handed out goes back to the queue; `listen` waits until `resume`."""
        self._pause_requested = True

    def resume(self) -> None:
        """Deliver again after `pause`."""
        self._pause_requested = False

    @property
    def paused(self) -> bool:
        return self._pause_requested

    # -- listening -----------------------------------------------------------------------------

    @overload
    def listen(self, b1: Binding[E1], /, *, idle_timeout: float | None = None) -> Iterator[E1]: ...
    @overload
    def listen(
        self, b1: Binding[E1], b2: Binding[E2], /, *, idle_timeout: float | None = None
    ) -> Iterator[E1 | E2]: ...
    @overload
    def listen(
        self,
        b1: Binding[E1],
        b2: Binding[E2],
        b3: Binding[E3],
        /,
        *,
        idle_timeout: float | None = None,
    ) -> Iterator[E1 | E2 | E3]: ...
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
    ) -> Iterator[E1 | E2 | E3 | E4]: ...
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
    ) -> Iterator[E1 | E2 | E3 | E4 | E5 | Any]: ...
    def listen(self, *bindings: Binding[Any], idle_timeout: float | None = None) -> Iterator[Any]:
        """Bind the queue with `bindings` and yield each message's typed event: for one
        binding its event class, for several the union. The message is acknowledged when
        you ask for the next one (or leave the ``with`` block without an error).

        The queue is declared and bound before `listen` returns: a message published after
        that is received. A new `listen` on the same consumer ends the previous one (its
        message in hand is acknowledged; what it had received and not handed out goes back
        to the queue), and an exclusive queue gets a new name.

        `idle_timeout`: stop when no message arrived for that many seconds (default: never).
        Raises `PulsePermissionError` when the broker refuses the queue or a binding,
        `PulseConnectionError` when it stays unreachable past the reconnect bound, and
        `MessageParseError` for a message that does not fit (unless `on_error` is given).
        """
        if self._closed:
            raise RuntimeError("this PulseConsumer is closed")
        if self._listening is not None:
            # The caller moved on from the previous listen(): its message in hand is done.
            self._settle(self._listening, self._listening.finish(None))
            self._stop_consuming(self._listening)
            self._disconnect()
        listening: Listening[Any] = Listening(bindings, self.settings)
        self._listening = listening
        self._connect(listening, first=True)
        return self._iterate(listening, idle_timeout)

    def _iterate(self, listening: Listening[Any], idle_timeout: float | None) -> Iterator[Any]:
        try:
            while True:
                self._settle(listening, listening.finish(None))
                if not self._wait(listening, idle_timeout):
                    return
                outcome = listening.take()
                if isinstance(outcome, MessageParseError):
                    if self.on_error is None:
                        self._settle(listening, listening.finish(None, unparsable=True))
                        raise outcome
                    self.on_error(outcome)
                    self._settle(listening, listening.finish(None, unparsable=True))
                    continue
                yield outcome
        finally:
            if self._listening is listening:
                self._stop_consuming(listening)

    # -- I/O -------------------------------------------------------------------------------------

    def _wait(self, listening: Listening[Any], idle_timeout: float | None) -> bool:
        """Until a message is received (True) or `idle_timeout` passes (False)."""
        last = 0.0 if idle_timeout is None else time.monotonic()
        lost: tuple[type[BaseException], ...] = (_Dead, *self._errors)
        while True:
            try:
                if self._pause_requested != listening.paused:
                    self._apply_pause(listening)
                if listening.paused:
                    self._requeue_unhanded(listening)  # arrived before the cancel took effect
                elif listening.buffer:
                    if len(listening.acks) >= self._ack_batch:
                        self._send_acks(listening)
                    return True
                if not (self._more_ready() and len(listening.acks) < self._ack_batch):
                    self._send_acks(listening)  # before waiting: the broker may wait for them
                timeout = _POLL
                if idle_timeout is not None:
                    left = idle_timeout - (time.monotonic() - last)
                    if left <= 0:
                        return False
                    timeout = min(_POLL, left)
                if not self._alive():
                    raise _Dead
                # The transport's drain on our own connection object: kombu's Connection
                # would quietly open a new connection (without our channel and consumer)
                # if this one died, and checks it on every call.
                self._transport.drain_events(self._raw, timeout=timeout)
            except TimeoutError:
                self._heartbeat_check(listening)
            except lost as error:
                self._reconnect(listening, error)
                last = 0.0 if idle_timeout is None else time.monotonic()

    def _more_ready(self) -> bool:
        """Whether the broker's next frames are already here (reading them will not wait)."""
        sock = getattr(self._raw, "sock", None)
        if sock is None:
            return False
        pending = getattr(sock, "pending", None)  # TLS: decrypted bytes not yet read
        if pending is not None and pending() > 0:
            return True
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return bool(readable)

    def _alive(self) -> bool:
        """Whether our connection and channel are still open."""
        return bool(getattr(self._raw, "connected", True)) and bool(
            getattr(self._channel, "is_open", True)
        )

    def _heartbeat_check(self, listening: Listening[Any]) -> None:
        try:
            if self._alive():
                self._transport.heartbeat_check(self._raw, rate=2)
        except self._connection_errors() as error:
            self._reconnect(listening, error)

    def _apply_pause(self, listening: Listening[Any]) -> None:
        listening.paused = self._pause_requested
        if listening.paused:
            self._send_acks(listening)
            self._consumer.cancel()
            self._requeue_unhanded(listening)
        else:
            self._consumer.consume()

    def _requeue_unhanded(self, listening: Listening[Any]) -> None:
        for delivery in listening.unhanded():
            delivery.handle.reject(requeue=True)

    def _connection_errors(self) -> tuple[type[BaseException], ...]:
        return self._errors

    def _connect(self, listening: Listening[Any], *, first: bool = False) -> None:
        """Connect (retrying by the policy), declare, bind and consume."""
        backoff = Backoff(self.settings.reconnect)
        while True:
            try:
                self._open(listening)
                return
            except PulseBrokerError:
                self._disconnect()
                raise
            except Exception as error:
                if self._connection is None or not isinstance(error, self._connection_errors()):
                    self._disconnect()
                    raise
                self._disconnect()
                delay = backoff.next_delay()
                if delay is None:
                    what = "connect to" if first else "reconnect to"
                    raise PulseConnectionError(
                        f"could not {what} Pulse at {self.settings.safe_url} for "
                        f"{self.settings.reconnect.give_up_after:g} s: {error}"
                    ) from None
                time.sleep(delay)

    def _reconnect(self, listening: Listening[Any], error: BaseException | None) -> None:
        self._disconnect()
        self._connect(listening)

    def _open(self, listening: Listening[Any]) -> None:
        from kombu.connection import Connection
        from kombu.entity import Queue as KombuQueue
        from kombu.messaging import Consumer

        connection: Any = Connection(self.settings.url, heartbeat=self.heartbeat)
        self._connection = connection
        # kombu computes these on each access: once per connection (the hot loop uses them)
        self._errors = tuple(connection.connection_errors) + tuple(connection.channel_errors)
        # kombu's memory (virtual) transports ignore basic.ack's `multiple`
        self._multiple_acks = self.settings.url.startswith(("amqp://", "amqps://"))
        # at most half the prefetch window waits for its acknowledgement: the broker sends
        # no more than `prefetch` unacknowledged messages
        self._ack_batch = max(1, self.settings.prefetch // 2) if self._multiple_acks else 1
        try:
            connection.connect()
            self._raw = connection.connection
            self._transport = connection.transport
        except connection.channel_errors as error:  # py-amqp: AccessRefused on login
            raise broker_refusal(
                operation="log in",
                code=int(getattr(error, "reply_code", 0) or 0),
                reply=str(getattr(error, "reply_text", error)),
                settings=self.settings,
                queue="",
            ) from None
        spec = listening.connected()
        channel: Any = connection.channel()
        self._channel = channel
        generation = listening.generation

        def on_message(message: Any) -> None:
            info = message.delivery_info
            listening.received(
                Delivery(
                    exchange=_text(info.get("exchange", "")),
                    routing_key=_text(info.get("routing_key", "")),
                    body=message.body,
                    cc=cc_of(message.headers),
                    redelivered=bool(info.get("redelivered", False)),
                    generation=generation,
                    handle=message,
                )
            )

        queue: Any = KombuQueue(
            spec.name,
            durable=spec.durable,
            exclusive=spec.exclusive,
            auto_delete=spec.auto_delete,
            queue_arguments=dict(spec.arguments) or None,
            channel=channel,
        )
        exchanges = [b.exchange for b in listening.router.bindings]
        operation = "declare queue"
        try:
            queue.declare()
            operation = "bind"
            for binding in listening.router.bindings:
                queue.bind_to(exchange=binding.exchange, routing_key=binding.routing_key_pattern)
            operation = "consume"
            consumer: Any = Consumer(
                channel,
                queues=[queue],
                on_message=on_message,
                no_ack=False,
                prefetch_count=self.settings.prefetch,
                auto_declare=False,
            )
            if not listening.paused:
                consumer.consume()
            self._consumer = consumer
        except connection.channel_errors as error:
            raise broker_refusal(
                operation=operation,
                code=int(getattr(error, "reply_code", 0) or 0),
                reply=str(getattr(error, "reply_text", error)),
                settings=self.settings,
                queue=spec.name,
                exchanges=exchanges,
            ) from None
        except KeyError as error:  # kombu's memory transport: no such exchange
            raise broker_refusal(
                operation=operation,
                code=404,
                reply=f"no exchange {error}",
                settings=self.settings,
                queue=spec.name,
                exchanges=exchanges,
            ) from None

    def _settle(
        self, listening: Listening[Any], decision: tuple[Delivery, Settlement] | None
    ) -> None:
        if decision is None or self._connection is None:
            return
        delivery, settlement = decision
        if settlement is Settlement.ACK:
            listening.ack(delivery)
            return
        self._send_acks(listening)
        try:
            delivery.handle.reject(requeue=settlement is Settlement.REQUEUE)
        except self._connection_errors():
            pass  # the connection died with the message unsettled: the broker requeues it

    def _send_acks(self, listening: Listening[Any]) -> None:
        acks = listening.due_acks()
        if not acks or self._connection is None:
            return
        try:
            if self._multiple_acks:
                acks[-1].handle.ack(multiple=True)  # and every earlier tag of the channel
            else:
                for delivery in acks:
                    delivery.handle.ack()
        except self._connection_errors():
            pass  # the connection died: the broker requeues them, they come again

    def _stop_consuming(self, listening: Listening[Any]) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is None or self._connection is None:
            return
        self._send_acks(listening)
        try:
            if not listening.paused:
                consumer.cancel()
            for delivery in listening.unhanded():
                delivery.handle.reject(requeue=True)
        except self._connection_errors():
            pass

    def _disconnect(self) -> None:
        connection = self._connection
        self._connection = self._channel = self._consumer = None
        if connection is None:
            return
        # A dying connection may fail to close: the broker requeues what was unsettled.
        with contextlib.suppress(Exception):
            connection.release()
