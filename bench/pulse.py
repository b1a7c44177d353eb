"""Pulse consumer throughput on a real RabbitMQ: ``python bench/pulse.py [--messages N]``.

Messages per second received, parsed and acknowledged: `PulseConsumer` (typed events: routing
key split, body validated into the generated model, CC routes, acknowledged when the loop
asks for the next one) against the same loop written by hand with kombu and ``json.loads``
(the target: at least 0.8x); and `AsyncPulseConsumer` against the same loop with
aio-pika. Each drains a durable queue filled beforehand with the same task-completed
messages (about 0.7 KB, shaped like Firefox CI's), with the same prefetch (5, lib-pulse's
default, and 50) and the same queue type (quorum, as lib-pulse declares), in interleaved
rounds; the median of the rounds is reported. Each timing runs from the first message handed
to the loop's code to the last one (connecting, declaring and binding are not counted):
N - 1 messages received, parsed and acknowledged.

The broker: ``PULSE_URL`` or ``--url`` (default: the local deployment's
``amqp://admin:admin@127.0.0.1:5672/local``). The messages go to an exchange of the
benchmark's own, ``exchange/typed-bench/v1/task-completed``, bound through
``QueueEvents(exchange_prefix=...)``, so no other consumer of the queue exchanges sees them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # `python bench/pulse.py`: the project root on sys.path
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import aio_pika
from kombu.connection import Connection
from kombu.entity import Exchange
from kombu.entity import Queue as KombuQueue
from kombu.messaging import Consumer

from bench.fixtures import task_status
from taskcluster_typed import QueueEvents, slugid
from taskcluster_typed.events.queue import TaskCompletedEvent
from taskcluster_typed.pulse import AsyncPulseConsumer, PulseConsumer

PREFIX = "exchange/typed-bench/v1/"
NAMESPACE = "typed-bench"
EVENTS = QueueEvents(exchange_prefix=PREFIX)
QUEUE_ARGUMENTS = {"x-queue-type": "quorum"}


def message() -> tuple[str, bytes, list[str]]:
    """A task-completed message: routing key, body, CC."""
    task_id, group_id = slugid(), slugid()
    body = {
        "status": task_status(task_id, group_id),
        "runId": 0,
        "workerGroup": "us-central1-b",
        "workerId": "1234567890123456789",
        "version": 1,
    }
    key = f"primary.{task_id}.0.us-central1-b.1234567890123456789.gecko-3.b-linux-gcp"
    key += f".gecko-level-3.{group_id}._"
    return key, json.dumps(body, separators=(",", ":")).encode(), [f"route.index.{task_id}"]


def fill(url: str, queue: str, count: int) -> None:
    """Declare `queue` (durable, quorum), bind it and publish `count` messages into it."""
    key, body, cc = message()
    binding = EVENTS.task_completed()
    with Connection(url) as connection:
        channel: Any = connection.channel()
        exchange: Any = Exchange(binding.exchange, type="topic", durable=True)
        exchange(channel).declare()
        kombu_queue: Any = KombuQueue(
            queue, durable=True, queue_arguments=QUEUE_ARGUMENTS, channel=channel
        )
        kombu_queue.declare()
        kombu_queue.bind_to(exchange=binding.exchange, routing_key=binding.routing_key_pattern)
        producer: Any = connection.Producer(channel)
        for _ in range(count):
            producer.publish(
                body,
                exchange=binding.exchange,
                routing_key=key,
                headers={"CC": cc},
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=2,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            _, ready, _ = channel.queue_declare(queue, passive=True)
            if ready >= count:
                return
            time.sleep(0.05)
        raise RuntimeError(f"{queue}: the broker did not take {count} messages in 60 s")


def delete(url: str, queue: str) -> None:
    with Connection(url) as connection:
        channel: Any = connection.channel()
        channel.queue_delete(queue)


def run_typed(url: str, name: str, count: int, prefetch: int) -> float:
    started = 0.0
    received = 0
    with PulseConsumer(url=url, namespace=NAMESPACE, queue_name=name, prefetch=prefetch) as c:
        for event in c.listen(EVENTS.task_completed(), idle_timeout=10):
            assert isinstance(event, TaskCompletedEvent)  # parsed and validated
            if received == 0:
                started = time.perf_counter()
            received += 1
            if received == count:
                break
        elapsed = time.perf_counter() - started
    assert received == count, received
    return elapsed


def run_kombu(url: str, name: str, count: int, prefetch: int) -> float:
    started = 0.0
    received = 0

    def on_message(message: Any) -> None:
        nonlocal received, started
        json.loads(message.body)
        if received == 0:
            started = time.perf_counter()
        received += 1
        message.ack()

    with Connection(url) as connection:
        channel: Any = connection.channel()
        queue: Any = KombuQueue(
            f"queue/{NAMESPACE}/{name}",
            durable=True,
            queue_arguments=QUEUE_ARGUMENTS,
            channel=channel,
        )
        consumer: Any = Consumer(
            channel,
            queues=[queue],
            on_message=on_message,
            prefetch_count=prefetch,
            no_ack=False,
            auto_declare=False,
        )
        consumer.consume()
        while received < count:
            connection.drain_events(timeout=10)
        elapsed = time.perf_counter() - started
    return elapsed


def run_async_typed(url: str, name: str, count: int, prefetch: int) -> float:
    async def main() -> float:
        started = 0.0
        received = 0
        async with AsyncPulseConsumer(
            url=url, namespace=NAMESPACE, queue_name=name, prefetch=prefetch
        ) as consumer:
            async for event in consumer.listen(EVENTS.task_completed(), idle_timeout=10):
                assert isinstance(event, TaskCompletedEvent)
                if received == 0:
                    started = time.perf_counter()
                received += 1
                if received == count:
                    break
            return time.perf_counter() - started

    return asyncio.run(main())


def run_aio_pika(url: str, name: str, count: int, prefetch: int) -> float:
    async def main() -> float:
        started = 0.0
        received = 0
        connection = await aio_pika.connect(url)
        async with connection:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=prefetch)
            queue = await channel.declare_queue(
                f"queue/{NAMESPACE}/{name}", durable=True, arguments=QUEUE_ARGUMENTS
            )
            async with queue.iterator() as messages:
                async for message in messages:
                    json.loads(message.body)
                    if received == 0:
                        started = time.perf_counter()
                    received += 1
                    await message.ack()
                    if received == count:
                        break
            return time.perf_counter() - started

    return asyncio.run(main())


CONTENDERS: dict[str, Callable[[str, str, int, int], float]] = {
    "kombu + json.loads": run_kombu,
    "PulseConsumer (typed)": run_typed,
    "aio-pika + json.loads": run_aio_pika,
    "AsyncPulseConsumer (typed)": run_async_typed,
}
BASELINES = {
    "kombu + json.loads": "kombu + json.loads",
    "PulseConsumer (typed)": "kombu + json.loads",
    "aio-pika + json.loads": "aio-pika + json.loads",
    "AsyncPulseConsumer (typed)": "aio-pika + json.loads",
}


def measure(url: str, count: int, rounds: int, prefetch: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {name: [] for name in CONTENDERS}
    for round_number in range(rounds):
        order = list(CONTENDERS)
        if round_number % 2:
            order.reverse()
        for contender in order:
            name = f"q-{slugid()}"
            queue = f"queue/{NAMESPACE}/{name}"
            fill(url, queue, count)
            try:
                results[contender].append(CONTENDERS[contender](url, name, count, prefetch))
            finally:
                delete(url, queue)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    default_url = os.environ.get("PULSE_URL", "amqp://admin:admin@127.0.0.1:5672/local")
    parser.add_argument("--url", default=default_url)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--prefetch", type=int, nargs="*", default=[5, 50])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("RESULTS-pulse.md"))
    args = parser.parse_args()
    started = time.time()
    load_before = os.getloadavg()
    lines = [
        "| prefetch | loop | messages/s (median) | vs the same loop by hand (target >= 0.8x) |",
        "|---|---|---|---|",
    ]
    for prefetch in args.prefetch:
        results = measure(args.url, args.messages, args.rounds, prefetch)
        rates = {c: (args.messages - 1) / statistics.median(t) for c, t in results.items()}
        for contender, rate in rates.items():
            base = rates[BASELINES[contender]]
            lines.append(f"| {prefetch} | {contender} | {rate:,.0f} | {rate / base:.2f}x |")
    took = time.time() - started
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
    load_after = os.getloadavg()
    text = "\n".join(
        [
            "# Pulse consumer throughput on the real RabbitMQ (`make bench-real`)",
            "",
            f"Written by `python bench/pulse.py` on {when} (took {took:.0f} s): "
            f"{args.messages} task-completed messages per run, {args.rounds} rounds, median. "
            f"Machine load average {load_before[0]:.2f} -> {load_after[0]:.2f}.",
            "",
            *lines,
            "",
        ]
    )
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
