"""The real queue publishes, PulseConsumer receives typed events: every queue exchange on
one queue with several bindings, and the CC'ed ``route.`` keys."""

from __future__ import annotations

import collections
import time

from taskcluster_typed import Queue, QueueEvents, from_now, slugid
from taskcluster_typed.events.queue import (
    AnyQueueEvent,
    ArtifactCreatedEvent,
    TaskCompletedEvent,
    TaskDefinedEvent,
    TaskGroupResolvedEvent,
    TaskPendingEvent,
)
from taskcluster_typed.pulse import PulseConsumer

from .conftest import RealTaskcluster
from .pulse_support import claim, create_task

EVENTS = QueueEvents()


def collect(consumer_events: object, until: int, timeout: float) -> list[AnyQueueEvent]:
    """Events until `until` of them arrived, or `timeout` seconds passed."""
    got: list[AnyQueueEvent] = []
    deadline = time.monotonic() + timeout
    for event in consumer_events:  # type: ignore[attr-defined]
        got.append(event)
        if len(got) >= until or time.monotonic() > deadline:
            break
    return got


def test_every_queue_exchange_on_one_queue(real: RealTaskcluster) -> None:
    group = slugid()
    bindings = [getattr(EVENTS, t.method)(task_group_id=group) for t in EVENTS.topic_exchanges]
    with (
        real.client(Queue) as queue,
        PulseConsumer(url=real.pulse_url, namespace="typed-tests") as consumer,
    ):
        stream = consumer.listen(*bindings, idle_timeout=20)
        # completed, with an artifact; failed; exception (after a priority change)
        done, failed, cancelled = (create_task(real, group) for _ in range(3))
        queue.change_task_priority(cancelled, {"newPriority": "high"})
        queue.change_task_group_priority(group, {"newPriority": "low"})
        runs = dict(claim(queue, real, 2))
        assert set(runs) == {done, failed}
        queue.create_artifact(
            done,
            runs[done],
            "public/link",
            {"storageType": "reference", "url": "https://example.com/x",
             "contentType": "text/plain", "expires": from_now("1 day")},
        )  # fmt: skip
        queue.report_completed(done, runs[done])
        queue.report_failed(failed, runs[failed])
        queue.cancel_task(cancelled)
        queue.seal_task_group(group)
        expected = {t.exchange for t in EVENTS.topic_exchanges}
        seen: dict[str, list[AnyQueueEvent]] = collections.defaultdict(list)
        for event in stream:
            seen[event.exchange.rsplit("/", 1)[1]].append(event)
            if set(seen) == expected:
                break
    assert set(seen) == expected, f"missing: {expected - set(seen)}"
    assert {type(e) for events in seen.values() for e in events} == {
        t.event_type for t in EVENTS.topic_exchanges
    }
    (completed,) = seen["task-completed"]
    assert isinstance(completed, TaskCompletedEvent)
    assert completed.routing.task_id == done and completed.payload.status.state == "completed"
    assert completed.routing.worker_id == "pulse-tests"
    (artifact,) = seen["artifact-created"]
    assert isinstance(artifact, ArtifactCreatedEvent)
    assert artifact.payload.artifact.name == "public/link"
    assert {e.routing.task_id for e in seen["task-defined"] if isinstance(e, TaskDefinedEvent)} == {
        done,
        failed,
        cancelled,
    }
    resolved = seen["task-group-resolved"][0]
    assert isinstance(resolved, TaskGroupResolvedEvent) and resolved.routing.task_group_id == group


def test_cc_routes_reach_a_route_binding(real: RealTaskcluster) -> None:
    route = f"typed-tests.{real.run_id}.{slugid()}"
    other_group = slugid()
    with PulseConsumer(url=real.pulse_url, namespace="typed-tests") as consumer:
        # Bound only by route: the primary routing key (another group) does not match.
        stream = consumer.listen(
            EVENTS.task_pending(f"route.{route}"),
            EVENTS.task_defined(f"route.{route}"),
            idle_timeout=15,
        )
        task_id = create_task(real, other_group, routes=[route, "other.route"])
        got = collect(stream, until=2, timeout=15)
    assert sorted(type(e).__name__ for e in got) == ["TaskDefinedEvent", "TaskPendingEvent"]
    for event in got:
        assert isinstance(event, (TaskDefinedEvent, TaskPendingEvent))
        assert event.routing.task_id == task_id
        assert event.routing_key.startswith("primary.")  # delivered with its own key
        assert event.routes == (route, "other.route")
