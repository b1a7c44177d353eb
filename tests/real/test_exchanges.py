"""Every exchange the local services publish, received from the real RabbitMQ.

One AMQP queue (kombu) is bound with bindings built by the typed ``*Events`` classes: by this
run's task group, provisioner and ids where the routing key has them, ``#`` where it is only
``reserved``, and a raw ``route.<route>`` pattern for the routes a task's messages are CC'ed
to. The module fixture provokes every event through the SDK, collects what arrives (bounded
wait), and each test checks one exchange's messages, parsed strictly with `parse_message`,
against the action that caused it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from kombu.connection import Connection
from kombu.entity import Exchange, binding
from kombu.entity import Queue as AmqpQueue

from taskcluster_typed import from_now, slugid
from taskcluster_typed._core.exchanges import Binding, Event, Events
from taskcluster_typed._core.lenient import strict_replies, unknown_fields
from taskcluster_typed.events import parse_message
from taskcluster_typed.events.auth import AuthEvents
from taskcluster_typed.events.github import GithubEvents
from taskcluster_typed.events.hooks import HooksEvents
from taskcluster_typed.events.notify import NotifyEvents
from taskcluster_typed.events.queue import QueueEvents
from taskcluster_typed.events.worker_manager import WorkerManagerEvents
from taskcluster_typed.models.worker_manager import UpdateWorkerPoolRequestDict

from .conftest import RealTaskcluster
from .report import RECORD
from .world import World, hook_definition, worker_pool_definition

WAIT_SECONDS = 30.0

ALL_EVENTS: tuple[Events[Any], ...] = (
    AuthEvents(),
    GithubEvents(),
    HooksEvents(),
    NotifyEvents(),
    QueueEvents(),
    WorkerManagerEvents(),
)
_GITHUB = "the github service is not started locally (it needs a GitHub App and GitHub's webhooks)"
_CLOUD = (
    "only the cloud providers (aws, google, azure) publish it; the local deployment has the "
    "static provider only"
)
_LAUNCH = (
    "launch configs belong to cloud providers' pools (config.launchConfigs); the static "
    "provider's pools have none"
)
NOT_FIRING = {
    "exchange/taskcluster-github/v1/pull-request": _GITHUB,
    "exchange/taskcluster-github/v1/push": _GITHUB,
    "exchange/taskcluster-github/v1/release": _GITHUB,
    "exchange/taskcluster-github/v1/rerun": _GITHUB,
    "exchange/taskcluster-github/v1/task-group-creation-requested": _GITHUB,
    "exchange/taskcluster-worker-manager/v1/worker-requested": _CLOUD,
    "exchange/taskcluster-worker-manager/v1/worker-running": _CLOUD,
    "exchange/taskcluster-worker-manager/v1/worker-stopped": _CLOUD,
    "exchange/taskcluster-worker-manager/v1/worker-removed": _CLOUD,
    "exchange/taskcluster-worker-manager/v1/launch-config-created": _LAUNCH,
    "exchange/taskcluster-worker-manager/v1/launch-config-updated": _LAUNCH,
    "exchange/taskcluster-worker-manager/v1/launch-config-archived": _LAUNCH,
}
EXCHANGES = sorted(name for events in ALL_EVENTS for name in events.exchanges)
RECORD.exchanges_total = len(EXCHANGES)
RECORD.not_firing.update(NOT_FIRING)


@dataclass
class Story:
    """What the fixture did (the ids to look for) and what arrived, by exchange."""

    world: World
    route: str
    group_id: str = field(default_factory=slugid)
    tasks: dict[str, str] = field(default_factory=dict[str, str])
    ids: dict[str, str] = field(default_factory=dict[str, str])
    received: dict[str, list[Event[Any, Any]]] = field(
        default_factory=lambda: defaultdict[str, list[Event[Any, Any]]](list)
    )
    errors: list[str] = field(default_factory=list[str])
    """Messages that did not parse strictly, or kept fields their model does not declare."""

    def events(self, exchange: str, match: Callable[[Event[Any, Any]], bool]) -> list[Any]:
        return [e for e in self.received.get(exchange, []) if match(e)]


def _bindings(story: Story) -> list[Binding]:
    w = story.world
    queue, auth, hooks, group = QueueEvents(), AuthEvents(), HooksEvents(), story.group_id
    pool_provisioner = w.provisioner
    return [
        queue.task_defined(task_group_id=group),
        queue.task_pending(task_group_id=group),
        queue.task_running(task_group_id=group),
        queue.artifact_created(task_group_id=group),
        queue.task_completed(task_group_id=group),
        queue.task_failed(task_group_id=group),
        queue.task_exception(task_group_id=group),
        queue.task_group_resolved(task_group_id=group),
        queue.task_group_sealed(task_group_id=group),
        queue.task_priority_changed(task_group_id=group),
        queue.task_group_priority_changed(task_group_id=group),
        queue.task_completed(f"route.{story.route}"),
        auth.client_created(),
        auth.client_updated(),
        auth.client_deleted(),
        auth.role_created(),
        auth.role_updated(),
        auth.role_deleted(),
        hooks.hook_created(),
        hooks.hook_updated(),
        hooks.hook_deleted(),
        NotifyEvents().notify(f"route.{story.route}.notify"),
        # v106 publishes worker-pool-created/-updated with every routing-key entry "_" (its
        # routingKeyBuilder returns ""), whatever its reference says: bind those unfiltered.
        WorkerManagerEvents().worker_pool_created(),
        WorkerManagerEvents().worker_pool_updated(),
        *(
            getattr(WorkerManagerEvents(), topic.method)(provisioner_id=pool_provisioner)
            for topic in WorkerManagerEvents().exchanges.values()
            if topic.method not in ("worker_pool_created", "worker_pool_updated")
        ),
    ]


def _provoke(story: Story) -> None:
    """Every action whose event the tests look for (see each test for what it expects)."""
    w, group = story.world, story.group_id
    queue_id = w.task_queue("events")

    def task(name: str, **changes: Any) -> str:
        story.tasks[name] = w.task(queue_id, taskGroupId=group, **changes)
        return story.tasks[name]

    completed = task("completed", routes=[story.route])
    failed, cancelled, reprioritized = task("failed"), task("cancelled"), task("reprioritized")
    w.queue.change_task_priority(reprioritized, {"newPriority": "low"})
    w.queue.change_task_group_priority(group, {"newPriority": "very-low"})
    claimed = w.queue.claim_work(
        queue_id, {"workerGroup": "typed-group", "workerId": "typed-worker", "tasks": 2}
    )
    assert sorted(t.status.task_id for t in claimed.tasks) == sorted([completed, failed])
    w.queue.create_artifact(
        completed,
        0,
        "public/events.txt",
        {
            "storageType": "reference",
            "url": "https://example.com",
            "contentType": "text/plain",
            "expires": from_now("1 day"),
        },
    )
    w.queue.report_completed(completed, 0)
    w.queue.report_failed(failed, 0)
    w.queue.cancel_task(cancelled)
    w.queue.cancel_task(reprioritized)
    w.queue.seal_task_group(group)

    client_id, _ = w.client()
    story.ids["client"] = client_id
    w.auth.update_client(client_id, {"description": "updated", "expires": from_now("1 day")})
    w.auth.delete_client(client_id)
    role_id = w.role()
    story.ids["role"] = role_id
    w.auth.update_role(role_id, {"description": "updated", "scopes": []})
    w.auth.delete_role(role_id)

    hook_id = w.unique("evhook")
    story.ids["hook"] = hook_id
    definition = hook_definition(f"{w.provisioner}/hooked")
    w.hooks.create_hook(w.hook_group, hook_id, definition)
    w.hooks.update_hook(w.hook_group, hook_id, {**definition, "schedule": ["0 0 0 1 1 *"]})
    w.hooks.remove_hook(w.hook_group, hook_id)

    w.notify.pulse({"routingKey": f"{story.route}.notify", "message": {"run": w.run}})

    pool_id = w.worker_pool()
    story.ids["pool"] = pool_id
    updated = worker_pool_definition(description="updated")
    w.worker_manager.update_worker_pool(pool_id, cast("UpdateWorkerPoolRequestDict", updated))
    group_name, worker_id, _ = w.static_worker(pool_id)
    w.worker_manager.report_worker_error(
        pool_id,
        {
            "kind": "typed-error",
            "title": "t",
            "description": "d",
            "extra": {},
            "workerGroup": group_name,
            "workerId": worker_id,
        },
    )


def _all_arrived(story: Story) -> bool:
    """Whether every check has a matching message (the wait ends then, or at its deadline)."""
    return all(_matching(story, exchange) for exchange in CHECKS)


def _matching(story: Story, exchange: str) -> list[Any]:
    check = CHECKS[exchange]
    return story.events(exchange, lambda event: check(story, event))


@pytest.fixture(scope="module")
def story(real: RealTaskcluster) -> Iterator[Story]:
    world = World(real)
    made = Story(world, route=f"typed.{world.run}.cc")
    bindings = _bindings(made)
    errors = made.errors

    def on_message(body: Any, message: Any) -> None:
        info = message.delivery_info
        exchange, routing_key = str(info["exchange"]), str(info["routing_key"])
        headers: dict[str, Any] = message.headers or {}
        cc: list[str] | None = headers.get("CC")
        try:
            with strict_replies():
                event = parse_message(exchange, routing_key, message.body, cc=cc)
        except Exception as error:  # a test fails below, naming the exchange and the field
            errors.append(f"{exchange} {routing_key}: {error}")
        else:
            extra = unknown_fields(event.payload, "body")
            if extra:
                errors.append(f"{exchange}: fields the model does not declare: {extra}")
            made.received[exchange].append(event)
        message.ack()

    connection: Any = Connection(real.pulse_url, connect_timeout=10)
    with connection:
        amqp_queue = AmqpQueue(
            f"queue/typed-conformance/{world.run}",
            bindings=[
                binding(Exchange(b.exchange, type="topic", passive=True), b.routing_key_pattern)
                for b in bindings
            ],
            exclusive=True,
            auto_delete=True,
        )
        with connection.Consumer(amqp_queue, callbacks=[on_message], accept=["json"]):
            _provoke(made)
            deadline = time.monotonic() + WAIT_SECONDS
            while not _all_arrived(made) and time.monotonic() < deadline:
                try:
                    connection.drain_events(timeout=1)
                except TimeoutError:
                    continue
    yield made
    world.close()


def test_every_message_parsed_strictly(story: Story) -> None:
    assert story.errors == []


def test_every_exchange_is_checked_or_listed_as_not_firing() -> None:
    assert sorted(set(CHECKS) | set(NOT_FIRING)) == EXCHANGES
    assert set(CHECKS).isdisjoint(NOT_FIRING)


Q = "exchange/taskcluster-queue/v1/"
A = "exchange/taskcluster-auth/v1/"
H = "exchange/taskcluster-hooks/v1/"
WM = "exchange/taskcluster-worker-manager/v1/"


def _task_state(name: str, state: str) -> Callable[[Story, Any], bool]:
    return lambda s, e: e.routing.task_id == s.tasks[name] and e.payload.status.state == state


CHECKS: dict[str, Callable[[Story, Any], bool]] = {
    Q + "task-defined": lambda s, e: (
        e.routing.task_id == s.tasks["completed"]
        and e.routing.task_group_id == s.group_id
        and e.payload.status.state == "unscheduled"
    ),
    Q + "task-pending": lambda s, e: (
        e.routing.task_id == s.tasks["failed"] and e.payload.status.state == "pending"
    ),
    Q + "task-running": lambda s, e: (
        e.routing.task_id == s.tasks["completed"]
        and (e.routing.worker_group, e.routing.worker_id) == ("typed-group", "typed-worker")
        and e.payload.worker_id == "typed-worker"
    ),
    Q + "artifact-created": lambda s, e: (
        e.routing.task_id == s.tasks["completed"] and e.payload.artifact.name == "public/events.txt"
    ),
    Q + "task-completed": lambda s, e: (
        _task_state("completed", "completed")(s, e) and s.route in e.routes
    ),
    Q + "task-failed": _task_state("failed", "failed"),
    Q + "task-exception": _task_state("cancelled", "exception"),
    Q + "task-group-resolved": lambda s, e: (
        e.routing.task_group_id == s.group_id and e.payload.task_group_id == s.group_id
    ),
    Q + "task-group-sealed": lambda s, e: e.payload.task_group_id == s.group_id,
    Q + "task-priority-changed": lambda s, e: (
        e.routing.task_id == s.tasks["reprioritized"] and e.payload.new_priority == "low"
    ),
    Q + "task-group-priority-changed": lambda s, e: (
        e.routing.task_group_id == s.group_id and e.payload.new_priority == "very-low"
    ),
    A + "client-created": lambda s, e: e.payload.client_id == s.ids["client"],
    A + "client-updated": lambda s, e: e.payload.client_id == s.ids["client"],
    A + "client-deleted": lambda s, e: e.payload.client_id == s.ids["client"],
    A + "role-created": lambda s, e: e.payload.role_id == s.ids["role"],
    A + "role-updated": lambda s, e: e.payload.role_id == s.ids["role"],
    A + "role-deleted": lambda s, e: e.payload.role_id == s.ids["role"],
    H + "hook-created": lambda s, e: e.payload.hook_id == s.ids["hook"],
    H + "hook-updated": lambda s, e: e.payload.hook_id == s.ids["hook"],
    H + "hook-deleted": lambda s, e: e.payload.hook_id == s.ids["hook"],
    "exchange/taskcluster-notify/v1/notification": lambda s, e: (
        e.payload.message == {"run": s.world.run} and f"{s.route}.notify" in e.routes
    ),
    WM + "worker-pool-created": lambda s, e: e.payload.worker_pool_id == s.ids["pool"],
    WM + "worker-pool-updated": lambda s, e: e.payload.worker_pool_id == s.ids["pool"],
    WM + "worker-pool-error": lambda s, e: (
        e.payload.worker_pool_id == s.ids["pool"] and e.payload.kind == "typed-error"
    ),
}


@pytest.mark.parametrize("exchange", sorted(CHECKS))
def test_exchange_received_and_matches_its_action(exchange: str, story: Story) -> None:
    matching = _matching(story, exchange)
    arrived = [(e.routing_key, e.payload) for e in story.received.get(exchange, [])]
    assert matching, f"{exchange}: nothing matching the action among {arrived!r}"[:3000]
    RECORD.received.add(exchange)
