"""The local Taskcluster's Pulse publisher: the queue's exchange messages.

With ``LocalTaskcluster(pulse_url=...)`` (``--pulse-url`` on the command line) the queue
publishes ``task-defined``, ``task-pending``, ``task-running``, ``artifact-created``,
``task-completed``, ``task-failed`` and ``task-exception`` messages as the real queue does:
to the exchange ``exchange/taskcluster-queue/v1/<name>`` (topic), with the primary routing key
built from the exchange's routing-key entries in the reference (``_`` for an entry without a
value) and, in the ``CC`` header, ``route.<route>`` for each of the task's ``routes``. Each
body is validated against the exchange's generated message model before it is sent, so a
message the local queue publishes is one the models accept. (``artifact-created`` is not
published for ``s3`` artifacts: the reference's message schema has no such storage type.)

Every message is recorded in `PulsePublisher.messages` (also without a URL). kombu is imported
only when a URL is given (``pip install 'taskcluster-typed[pulse]'``). Any kombu URL works:
``amqp://...`` for a RabbitMQ broker, ``memory://`` in tests. The memory transport ignores the
``CC`` header (only RabbitMQ does sender-selected distribution): there, only the primary
routing key is routed.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pydantic

from ..._core.exchanges import TopicExchange, exchange_name, format_routing_key
from ...events.queue import QueueEvents

__all__ = ["PublishedMessage", "PulsePublisher"]


@dataclass(frozen=True)
class PublishedMessage:
    """One message the local queue published."""

    exchange: str
    routing_key: str
    body: dict[str, Any]
    cc: tuple[str, ...] = ()
    """The ``CC`` routing keys: ``route.<route>`` for each of the task's routes."""


class PulsePublisher:
    """Publishes the queue's messages to `url` (a kombu URL), or only records them."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url
        self.messages: list[PublishedMessage] = []
        """Every message published, in order."""
        events = QueueEvents()
        self._prefix = events.exchange_prefix
        self._topics: dict[str, TopicExchange[Any]] = {
            t.method: t for t in QueueEvents.topic_exchanges
        }
        self._adapters: dict[str, pydantic.TypeAdapter[Any]] = {}
        self._lock = threading.Lock()
        self._connection: Any = None
        self._producer: Any = None

    def publish(
        self,
        method: str,
        routing: Mapping[str, object],
        body: dict[str, Any],
        routes: Sequence[str] = (),
    ) -> PublishedMessage:
        """Publish on the exchange of ``QueueEvents.<method>``; `routing` by entry name
        (``task_id``, ...). Raises `pydantic.ValidationError` for a body its model refuses."""
        topic = self._topics[method]
        adapter = self._adapters.get(method)
        if adapter is None:
            adapter = self._adapters[method] = pydantic.TypeAdapter(topic.payload_type)
        adapter.validate_python(body)
        message = PublishedMessage(
            exchange=exchange_name(self._prefix, topic.exchange),
            routing_key=format_routing_key(topic.routing_key, routing),
            body=copy.deepcopy(body),
            cc=tuple(f"route.{route}" for route in routes),
        )
        with self._lock:
            self.messages.append(message)
            if self.url is not None:
                self._send(message)
        return message

    def open(self) -> None:
        """Connect (when there is a URL) and declare every queue exchange, as
        taskcluster-lib-pulse's publisher does at start-up: consumers may bind at once."""
        with self._lock:
            if self.url is not None:
                self._open()

    def _open(self) -> None:
        # The optional "pulse" extra: only needed when publishing for real.
        from kombu.connection import Connection
        from kombu.entity import Exchange

        if self._producer is not None:
            return
        assert self.url is not None
        self._connection = Connection(self.url)
        self._producer = self._connection.Producer(serializer="json")
        channel: Any = self._connection.default_channel
        for topic in self._topics.values():
            name = exchange_name(self._prefix, topic.exchange)
            exchange: Any = Exchange(name, type="topic", durable=True)
            exchange(channel).declare()

    def _send(self, message: PublishedMessage) -> None:
        from kombu.entity import Exchange

        self._open()
        exchange = Exchange(message.exchange, type="topic", durable=True)
        self._producer.publish(
            message.body,
            exchange=exchange,
            routing_key=message.routing_key,
            declare=[exchange],
            headers={"CC": list(message.cc)} if message.cc else {},
            retry=True,
        )

    def close(self) -> None:
        """Close the broker connection, if one was opened."""
        with self._lock:
            if self._connection is not None:
                self._connection.release()
            self._connection = self._producer = None


def routing_values(status: Mapping[str, Any], run: Mapping[str, Any] | None) -> dict[str, object]:
    """The queue exchanges' routing-key values for a task status and one of its runs."""
    return {
        "task_id": status["taskId"],
        "run_id": None if run is None else run["runId"],
        "worker_group": None if run is None else run.get("workerGroup"),
        "worker_id": None if run is None else run.get("workerId"),
        "provisioner_id": status["provisionerId"],
        "worker_type": status["workerType"],
        "scheduler_id": status["schedulerId"],
        "task_group_id": status["taskGroupId"],
    }
