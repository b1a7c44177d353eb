"""Connecting: a broker that is not there is retried with backoff up to the policy's bound,
then a `PulseConnectionError` without the password; nothing else is retried."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from taskcluster_typed import QueueEvents
from taskcluster_typed.pulse import (
    AsyncPulseConsumer,
    PulseConnectionError,
    PulseConsumer,
    ReconnectPolicy,
)

SECRET = "hunter2-secret"
POLICY = ReconnectPolicy(base_delay=0.05, max_delay=0.1, give_up_after=0.5)


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_sync_gives_up_after_the_bound(closed_port: int) -> None:
    url = f"amqp://bot:{SECRET}@127.0.0.1:{closed_port}/v"
    started = time.monotonic()
    with (
        pytest.raises(PulseConnectionError) as raised,
        PulseConsumer(url=url, reconnect=POLICY) as c,
    ):
        c.listen(QueueEvents().task_completed())
    elapsed = time.monotonic() - started
    assert 0.5 <= elapsed < 5
    assert f"amqp://bot:**@127.0.0.1:{closed_port}/v" in str(raised.value)
    assert "for 0.5 s" in str(raised.value)
    assert SECRET not in str(raised.value)


def test_async_gives_up_after_the_bound(closed_port: int) -> None:
    url = f"amqp://bot:{SECRET}@127.0.0.1:{closed_port}/v"

    async def main() -> None:
        async with AsyncPulseConsumer(url=url, reconnect=POLICY) as consumer:
            async for _ in consumer.listen(QueueEvents().task_completed()):
                pass

    started = time.monotonic()
    with pytest.raises(PulseConnectionError) as raised:
        asyncio.run(main())
    assert 0.5 <= time.monotonic() - started < 5
    assert SECRET not in str(raised.value) and "bot:**@" in str(raised.value)


def test_a_closed_consumer_refuses_to_listen() -> None:
    consumer = PulseConsumer(url="memory://", namespace="x")
    consumer.close()
    with pytest.raises(RuntimeError, match="closed"):
        consumer.listen(QueueEvents().task_completed())
