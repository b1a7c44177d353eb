"""`AsyncPulseConsumer`: the asyncio driver, on aio-pika (aiormq underneath).

The same decisions as `PulseConsumer` (they come from `core` and `settings`); only the I/O
differs. aio-pika is the ``pulse`` extra, imported when the consumer connects. asyncio only
(aio-pika does not run under trio).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .._core.exchanges import Binding, MessageParseError
from .consumer import cc_of
from .core import Backoff, Delivery, ErrorCallback, Listening, Settlement, broker_refusal
from .errors import PulseBrokerError, PulseConnectionError
from .settings import PulseSettings, ReconnectPolicy, environ

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["AsyncPulseConsumer"]

E1 = TypeVar("E1")
E2 = TypeVar("E2")
E3 = TypeVar("E3")
E4 = TypeVar("E4")
E5 = TypeVar("E5")


def _reply_code(error: BaseException) -> int:
    """The AMQP reply code of an aiormq channel error (aiormq maps each to a class)."""
    import aiormq.exceptions as amqp

    for cls, code in (
        (amqp.ChannelAccessRefused, 403),
        (amqp.ChannelNotFoundEntity, 404),
        (amqp.ChannelLockedResource, 405),
        (amqp.ChannelPreconditionFailed, 406),
    ):
        if isinstance(error, cls):
            return code
    return 0


class _ConnectionLost(Exception):
    """The connection closed under us (raised inside the driver only)."""


class AsyncPulseConsumer:
    """`PulseConsumer` for asyncio: ``async with`` and ``async for``, the same options,
    the same acknowledgement rule and reconnects.

    ::

        async with AsyncPulseConsumer.from_env(namespace="my-bot") as consumer:
            async for event in consumer.listen(QueueEvents().task_completed()):
                ...

    Cancelling the task that iterates requeues the message in hand (it is not the
    message's fault) and closes the connection when the ``async with`` block exits.
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
        self._queue: Any = None
        self._consumer_tag: str | None = None
        self._listening: Listening[Any] | None = None
        self._wake: asyncio.Event | None = None
        self._lost: BaseException | None = None
        self._pause = False
        self._closed = False
        # at most half the prefetch window waits for its acknowledgement (see `core`)
        self._ack_batch = max(1, self.settings.prefetch // 2)

    @classmethod
    def from_env(cls, **options: Any) -> Self:
        """A consumer configured from the ``PULSE_*`` variables (see `PulseConsumer`)."""
        return cls(_environ=environ(), **options)

    def __repr__(self) -> str:
        s = self.settings
        return f"{type(self).__name__}(url={s.safe_url!r}, namespace={s.namespace!r})"

    @property
    def queue(self) -> str | None:
        """The name of the queue being consumed (None before `listen`)."""
        listening = self._listening
        return None if listening is None or listening.queue is None else listening.queue.name

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close(exc)

    async def close(self, error: BaseException | None = None) -> None:
        """Settle the message in hand (acknowledged, or by the rule for `error`) and close
        the connection; messages received and not handed out go back to the queue."""
        if self._closed:
            return
        self._closed = True
        listening, self._listening = self._listening, None
        try:
            if listening is not None:
                await self._settle(listening, listening.finish(error))
                await self._send_acks(listening)
        finally:
            await self._disconnect()

    def pause(self) -> None:
        """Stop the broker from delivering; `listen` waits until `resume`."""
        self._pause = True
        self._poke()

    def resume(self) -> None:
        """Deliver again after `pause`."""
        self._pause = False
        self._poke()

    @property
    def paused(self) -> bool:
        return self._pause

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    @overload
    def listen(
        self, b1: Binding[E1], /, *, idle_timeout: float | None = None
    ) -> AsyncIterator[E1]: ...
    @overload
    def listen(
        self, b1: Binding[E1], b2: Binding[E2], /, *, idle_timeout: float | None = None
    ) -> AsyncIterator[E1 | E2]: ...
    @overload
    def listen(
        self,
        b1: Binding[E1],
        b2: Binding[E2],
        b3: Binding[E3],
        /,
        *,
        idle_timeout: float | None = None,
    ) -> AsyncIterator[E1 | E2 | E3]: ...
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
    ) -> AsyncIterator[E1 | E2 | E3 | E4]: ...
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
    ) -> AsyncIterator[E1 | E2 | E3 | E4 | E5 | Any]: ...
    def listen(
        self, *bindings: Binding[Any], idle_timeout: float | None = None
    ) -> AsyncIterator[Any]:
        """As `PulseConsumer.listen`, asynchronously: ``async for event in ...``. The queue
        is declared and bound when the iteration starts (the first ``__anext__``)."""
        if self._closed:
            raise RuntimeError("this AsyncPulseConsumer is closed")
        listening: Listening[Any] = Listening(bindings, self.settings)
        return self._iterate(listening, idle_timeout)

    async def _iterate(
        self, listening: Listening[Any], idle_timeout: float | None
    ) -> AsyncIterator[Any]:
        previous = self._listening
        if previous is not None:
            await self._settle(previous, previous.finish(None))
            await self._stop_consuming(previous)
            await self._disconnect()
        self._listening = listening
        await self._connect(listening, first=True)
        try:
            while True:
                await self._settle(listening, listening.finish(None))
                if not await self._wait(listening, idle_timeout):
                    return
                outcome = listening.take()
                if isinstance(outcome, MessageParseError):
                    if self.on_error is None:
                        await self._settle(listening, listening.finish(None, unparsable=True))
                        raise outcome
                    self.on_error(outcome)
                    await self._settle(listening, listening.finish(None, unparsable=True))
                    continue
                yield outcome
        finally:
            if self._listening is listening:
                await self._stop_consuming(listening)

    async def _wait(self, listening: Listening[Any], idle_timeout: float | None) -> bool:
        last = time.monotonic()
        while True:
            if self._lost is not None:
                await self._reconnect(listening)
                last = time.monotonic()
                continue
            if self._pause != listening.paused:
                await self._apply_pause(listening)
            if listening.paused:
                await self._requeue_unhanded(listening)  # arrived before the cancel
            elif listening.buffer:
                if len(listening.acks) >= self._ack_batch:
                    await self._send_acks(listening)  # the broker may wait for them
                return True
            await self._send_acks(listening)
            wake = self._wake
            assert wake is not None
            wake.clear()
            if (listening.buffer and not listening.paused) or self._lost is not None:
                continue
            if self._pause != listening.paused:
                continue
            if idle_timeout is None:
                await wake.wait()
                continue
            left = idle_timeout - (time.monotonic() - last)
            if left <= 0:
                return False
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(wake.wait(), left)

    async def _apply_pause(self, listening: Listening[Any]) -> None:
        listening.paused = self._pause
        if listening.paused:
            await self._send_acks(listening)
            if self._consumer_tag is not None:
                await self._queue.cancel(self._consumer_tag)
                self._consumer_tag = None
            await self._requeue_unhanded(listening)
        else:
            self._consumer_tag = await self._queue.consume(self._on_message(listening))

    async def _requeue_unhanded(self, listening: Listening[Any]) -> None:
        for delivery in listening.unhanded():
            await delivery.handle.reject(requeue=True)

    def _on_message(self, listening: Listening[Any]) -> Any:
        generation = listening.generation

        async def on_message(message: Any) -> None:
            listening.received(
                Delivery(
                    exchange=str(message.exchange or ""),
                    routing_key=str(message.routing_key or ""),
                    body=message.body,
                    cc=cc_of(message.headers),
                    redelivered=bool(message.redelivered),
                    generation=generation,
                    handle=message,
                )
            )
            self._poke()

        return on_message

    async def _connect(self, listening: Listening[Any], *, first: bool = False) -> None:
        import aiormq.exceptions

        transient = (ConnectionError, OSError, asyncio.TimeoutError, aiormq.exceptions.AMQPError)
        backoff = Backoff(self.settings.reconnect)
        while True:
            try:
                await self._open(listening)
                return
            except PulseBrokerError:
                await self._disconnect()
                raise
            except transient as error:
                await self._disconnect()
                delay = backoff.next_delay()
                if delay is None:
                    what = "connect to" if first else "reconnect to"
                    raise PulseConnectionError(
                        f"could not {what} Pulse at {self.settings.safe_url} for "
                        f"{self.settings.reconnect.give_up_after:g} s: {error!r}"
                    ) from None
                await asyncio.sleep(delay)

    async def _reconnect(self, listening: Listening[Any]) -> None:
        await self._disconnect()
        await self._connect(listening)

    async def _open(self, listening: Listening[Any]) -> None:
        import aio_pika
        import aiormq.exceptions

        self._wake = self._wake or asyncio.Event()
        self._lost = None
        try:
            connection: Any = await aio_pika.connect(
                self.settings.url, heartbeat=self.heartbeat, timeout=10
            )
        except aiormq.exceptions.ProbableAuthenticationError as error:
            raise broker_refusal(
                operation="log in", code=403, reply=str(error), settings=self.settings, queue=""
            ) from None
        self._connection = connection

        def on_close(_: object, error: BaseException | None = None) -> None:
            if self._connection is connection and not self._closed:
                self._lost = error or _ConnectionLost("connection closed")
                self._poke()

        connection.close_callbacks.add(on_close)
        spec = listening.connected()
        channel: Any = await connection.channel()
        await channel.set_qos(prefetch_count=self.settings.prefetch)
        exchanges = [b.exchange for b in listening.router.bindings]
        operation = "declare queue"
        try:
            queue: Any = await channel.declare_queue(
                spec.name,
                durable=spec.durable,
                exclusive=spec.exclusive,
                auto_delete=spec.auto_delete,
                arguments=dict(spec.arguments) or None,
            )
            operation = "bind"
            for binding in listening.router.bindings:
                await queue.bind(binding.exchange, routing_key=binding.routing_key_pattern)
            operation = "consume"
            self._queue = queue
            if not listening.paused:
                self._consumer_tag = await queue.consume(self._on_message(listening))
        except aiormq.exceptions.ChannelClosed as error:
            raise broker_refusal(
                operation=operation,
                code=_reply_code(error),
                reply=str(error.args[0]) if error.args else str(error),
                settings=self.settings,
                queue=spec.name,
                exchanges=exchanges,
            ) from None

    async def _settle(
        self, listening: Listening[Any], decision: tuple[Delivery, Settlement] | None
    ) -> None:
        if decision is None or self._connection is None or self._lost is not None:
            return
        delivery, settlement = decision
        if settlement is Settlement.ACK:
            listening.ack(delivery)
            return
        await self._send_acks(listening)
        # A dying connection: the broker requeues what was not settled.
        with contextlib.suppress(Exception):
            await delivery.handle.reject(requeue=settlement is Settlement.REQUEUE)

    async def _send_acks(self, listening: Listening[Any]) -> None:
        acks = listening.due_acks()
        if not acks or self._connection is None or self._lost is not None:
            return
        # A dying connection: the broker requeues them, and they come again.
        with contextlib.suppress(Exception):
            await acks[-1].handle.ack(multiple=True)  # and every earlier tag of the channel

    async def _stop_consuming(self, listening: Listening[Any]) -> None:
        tag, self._consumer_tag = self._consumer_tag, None
        if self._connection is None or self._lost is not None:
            return
        await self._send_acks(listening)
        with contextlib.suppress(Exception):
            if tag is not None:
                await self._queue.cancel(tag)
            for delivery in listening.unhanded():
                await delivery.handle.reject(requeue=True)

    async def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        self._queue = None
        self._consumer_tag = None
        if connection is None:
            return
        # A dying connection may fail to close: the broker requeues what was unsettled.
        with contextlib.suppress(Exception):
            await connection.close()
