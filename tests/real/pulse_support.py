"""Helpers of the Pulse tests on the real broker: tasks that make the real queue publish,
RabbitMQ users made with ``rabbitmqctl``, and a look at the broker's queues."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator, Sequence
from typing import Any

from kombu.connection import Connection

from taskcluster_typed import Queue, from_now, slugid

from .conftest import RealTaskcluster
from .deployment import Deployment

SCHEDULER = "typed-pulse"


def task_queue(real: RealTaskcluster) -> str:
    """A task queue no worker of the deployment claims from."""
    return f"typed-pulse/q-{real.run_id}"


def create_task(real: RealTaskcluster, group: str, *, routes: Sequence[str] = ()) -> str:
    """A task in `group` (the real queue publishes task-defined and task-pending)."""
    with real.client(Queue) as queue:
        return _create_task(queue, real, group, routes)


def _create_task(queue: Queue, real: RealTaskcluster, group: str, routes: Sequence[str]) -> str:
    task_id = slugid()
    queue.create_task(
        task_id,
        {
            "taskQueueId": task_queue(real),
            "schedulerId": SCHEDULER,
            "taskGroupId": group,
            "created": from_now("0 seconds"),
            "deadline": from_now("1 hour"),
            "routes": list(routes),
            "payload": {},
            "metadata": {
                "name": "pulse test",
                "description": "a task of the Pulse consumer tests",
                "owner": "typed-tests@example.com",
                "source": "https://example.com/typed-tests",
            },
        },
    )
    return task_id


def claim(queue: Queue, real: RealTaskcluster, count: int = 1) -> list[tuple[str, int]]:
    """Claim up to `count` pending tasks of the test task queue: (task id, run id)."""
    claimed = queue.claim_work(
        task_queue(real), {"workerGroup": "wg", "workerId": "pulse-tests", "tasks": count}
    )
    return [(c.status.task_id, c.run_id) for c in claimed.tasks]


def rabbitmqctl(deployment: Deployment, *args: str) -> str:
    """Run ``rabbitmqctl`` against the deployment's broker, as its user, with its cookie."""
    home = deployment.state / "rabbit"
    cookie = (home / ".erlang.cookie").read_text().strip()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}
    command = ["rabbitmqctl", "-n", "rabbit@localhost", "--erlang-cookie", cookie, *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "rabbitmq", "--", *command]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {args[0]}: {done.stderr.strip() or done.stdout}")
    return done.stdout


@contextlib.contextmanager
def pulse_user(real: RealTaskcluster, name: str, read: str) -> Iterator[str]:
    """A broker user with Pulse's permissions (configure and write only in its own
    namespace) and reading `read`; yields its URL, deletes the user afterwards."""
    password = slugid()
    deployment = real.deployment
    rabbitmqctl(deployment, "add_user", name, password)
    try:
        own = f"^(queue/{name}/.*|exchange/{name}/.*)$"
        rabbitmqctl(deployment, "set_permissions", "-p", "local", name, own, own, read)
        yield f"amqp://{name}:{password}@127.0.0.1:5672/local"
    finally:
        rabbitmqctl(deployment, "delete_user", name)


def queue_exists(url: str, name: str) -> bool:
    """Whether the broker has queue `name`: a passive declare answers 404 if not, and 405
    (RESOURCE_LOCKED) for another connection's exclusive queue."""
    with Connection(url) as connection:
        channel: Any = connection.channel()
        try:
            channel.queue_declare(name, passive=True)
        except connection.channel_errors as error:
            code = int(getattr(error, "reply_code", 0))
            assert code in (404, 405), error
            return code == 405
        return True


def delete_queue(url: str, name: str) -> None:
    with Connection(url) as connection:
        channel: Any = connection.channel()
        channel.queue_delete(name)


def publish_raw(url: str, exchange: str, routing_key: str, body: bytes) -> None:
    """Publish as the admin user onto an existing exchange (for messages the real queue
    would never send)."""
    with Connection(url) as connection:
        channel: Any = connection.channel()
        message = channel.prepare_message(body, content_type="application/json")
        channel.basic_publish(message, exchange=exchange, routing_key=routing_key)
