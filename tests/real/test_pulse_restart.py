"""RabbitMQ restarts in the middle of a stream: both consumers reconnect (with backoff),
re-declare and re-bind, and every message that was not acknowledged comes again.

One restart serves the sync and the async consumer together (each on its own durable queue),
so the shared broker is down only once, for a few seconds; it is always started again.
"""

from __future__ import annotations

import asyncio
import threading

from taskcluster_typed import QueueEvents, slugid
from taskcluster_typed.pulse import AsyncPulseConsumer, PulseConsumer, ReconnectPolicy

from .conftest import RealTaskcluster
from .pulse_support import create_task, delete_queue

EVENTS = QueueEvents()
NAMESPACE = "typed-tests"
POLICY = ReconnectPolicy(base_delay=0.2, max_delay=2.0, give_up_after=120.0)
COUNT = 6


def test_both_consumers_survive_a_broker_restart(real: RealTaskcluster) -> None:
    group = slugid()
    binding = EVENTS.task_defined(task_group_id=group)
    names = {"sync": f"restart-sync-{slugid()}", "async": f"restart-async-{slugid()}"}
    options = {"url": real.pulse_url, "namespace": NAMESPACE, "reconnect": POLICY}
    for name in names.values():
        with PulseConsumer(queue_name=name, **options) as consumer:  # type: ignore[arg-type]
            consumer.listen(binding)  # declared and bound: the queue keeps what comes
    tasks = {create_task(real, group) for _ in range(COUNT)}

    holding = {kind: threading.Event() for kind in names}
    restarted = threading.Event()
    received: dict[str, list[str]] = {kind: [] for kind in names}
    failures: list[BaseException] = []

    def sync_consumer() -> None:
        with PulseConsumer(queue_name=names["sync"], **options) as consumer:  # type: ignore[arg-type]
            for event in consumer.listen(binding, idle_timeout=30):
                received["sync"].append(event.routing.task_id)
                if len(received["sync"]) == 2:  # one acknowledged, this one in hand
                    holding["sync"].set()
                    restarted.wait(120)
                if set(received["sync"]) == tasks:
                    return

    async def async_consumer() -> None:
        async with AsyncPulseConsumer(queue_name=names["async"], **options) as consumer:  # type: ignore[arg-type]
            async for event in consumer.listen(binding, idle_timeout=30):
                received["async"].append(event.routing.task_id)
                if len(received["async"]) == 2:
                    holding["async"].set()
                    await asyncio.to_thread(restarted.wait, 120)
                if set(received["async"]) == tasks:
                    return

    def run(target: object) -> None:
        try:
            if asyncio.iscoroutinefunction(target):
                asyncio.run(target())
            else:
                target()  # type: ignore[operator]
        except BaseException as error:  # reported by the test below
            failures.append(error)

    threads = [
        threading.Thread(target=run, args=(sync_consumer,)),
        threading.Thread(target=run, args=(async_consumer,)),
    ]
    for thread in threads:
        thread.start()
    try:
        assert all(event.wait(30) for event in holding.values()), received
        real.deployment.stop_rabbitmq()
    finally:
        real.deployment.start_rabbitmq()
        restarted.set()
    for thread in threads:
        thread.join(150)
    try:
        assert not failures, failures
        for kind in names:
            # nothing lost: every task came, the one in hand again after the restart
            assert set(received[kind]) == tasks, (kind, received[kind])
            assert len(received[kind]) >= COUNT
    finally:
        for name in names.values():
            delete_queue(real.pulse_url, f"queue/{NAMESPACE}/{name}")
