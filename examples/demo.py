"""`make demo`: start a local Taskcluster and run the examples against it, as one story.

The examples only read TASKCLUSTER_ROOT_URL, TASKCLUSTER_CLIENT_ID and
TASKCLUSTER_ACCESS_TOKEN (through ``Queue.from_env()`` and friends): point those at a real
deployment and they run there unchanged. See docs/examples.md.

python examples/demo.py            # against LocalTaskcluster, started here
python examples/demo.py --real     # against the deployment in TASKCLUSTER_* and PULSE_URL

With ``--real`` (``make demo REAL=1`` starts the real services first), the TASKCLUSTER_*
credentials must be allowed to create clients and roles: the demo makes a client holding only
the examples' scopes (deleted at the end), the role its hook's tasks need, and runs the story
with that client.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import fetch_artifact
import listen_completed
import manage_secrets
import rotate_credentials
import sharing
import submit_task_graph
import trigger_hook
import wait_for_group
import worker

from taskcluster_typed import (
    Auth,
    AuthenticationFailed,
    Credentials,
    Hooks,
    Queue,
    ResourceNotFound,
    Secrets,
    from_now,
    slugid,
)
from taskcluster_typed.models.auth import CreateRoleRequestDict
from taskcluster_typed.pulse import PulseConsumer
from taskcluster_typed.testing import LocalTaskcluster

SCOPES = [
    "queue:*",
    "assume:scheduler-id:taskcluster-typed-demo/*",
    "secrets:get:project/taskcluster-typed-demo/*",
    "secrets:set:project/taskcluster-typed-demo/*",
    "secrets:list-secrets",
    f"hooks:get:{trigger_hook.HOOK_GROUP}:*",
    f"hooks:modify-hook:{trigger_hook.HOOK_GROUP}/*",
    f"assume:hook-id:{trigger_hook.HOOK_GROUP}/*",
    f"hooks:trigger-hook:{trigger_hook.HOOK_GROUP}/*",
]
# The hooks create their tasks with the scopes of the role hook-id:<group>/<id>.
HOOK_ROLE = f"hook-id:{trigger_hook.HOOK_GROUP}/*"
HOOK_ROLE_SCOPES = ["queue:create-task:*", "queue:scheduler-id:*"]


def main() -> None:
    """Run every example against one fresh local Taskcluster (or, with ``--real``, the
    deployment in the environment) and tell what happens."""
    parser = argparse.ArgumentParser(prog="demo.py", description=main.__doc__)
    parser.add_argument(
        "--real", action="store_true", help="run against TASKCLUSTER_ROOT_URL and credentials"
    )
    if parser.parse_args().real:
        real()
        return
    with LocalTaskcluster(pulse_url="memory://") as tc:
        credentials = tc.add_client("demo/client", SCOPES)
        tc.add_role(HOOK_ROLE, HOOK_ROLE_SCOPES)
        print(f"local Taskcluster at {tc.root_url} (python -m taskcluster_typed.testing.server)")
        print("it checks Hawk signatures, scopes and schemas as the real services do\n")
        story(tc.root_url, credentials, "memory://")


def real() -> None:
    """The story against a real deployment, with a client made for it and deleted after."""
    with Auth.from_env() as auth:
        client_id = f"demo/client-{slugid()}"
        made = auth.create_client(
            client_id,
            {"description": "taskcluster-typed demo", "expires": from_now("1 hour"),
             "scopes": SCOPES},
        )  # fmt: skip
        # the hook's tasks are created with its role's scopes (hook-id:<group>/<id>)
        _ensure_role(auth, HOOK_ROLE, HOOK_ROLE_SCOPES)
        print(f"real Taskcluster at {auth.root_url}, as {client_id} (the examples' scopes only)")
        print("every call below is served by the real services\n")
        try:
            story(
                auth.root_url,
                Credentials(client_id, made.access_token),
                os.environ.get("PULSE_URL", "amqp://admin:admin@127.0.0.1:5672/local"),
            )
        finally:
            auth.delete_client(client_id)


def _ensure_role(auth: Auth, role_id: str, scopes: list[str]) -> None:
    payload: CreateRoleRequestDict = {"description": "the demo hook's tasks", "scopes": scopes}
    try:
        auth.role(role_id)
    except ResourceNotFound:
        auth.create_role(role_id, payload)
    else:
        auth.update_role(role_id, payload)


def story(root_url: str, credentials: Credentials, pulse_url: str) -> None:
    """Every example, in order, as the client `credentials` (through ``from_env``)."""
    os.environ.update(
        TASKCLUSTER_ROOT_URL=root_url,
        TASKCLUSTER_CLIENT_ID=credentials.client_id,
        TASKCLUSTER_ACCESS_TOKEN=credentials.access_token,
    )
    os.environ.pop("TASKCLUSTER_CERTIFICATE", None)
    with Queue.from_env() as queue:
        print("1. submit_task_graph.py: a task group from typed task definitions")
        task_queue_id = submit_task_graph.new_task_queue_id()
        group_id, task_ids = submit_task_graph.create_group(queue, task_queue_id)
        created = [queue.status(t).status.state for t in task_ids]
        print(f"  status: {', '.join(created)}")

        print("\n2. worker.py: claim and resolve them (build first, then the tests)")
        if pulse_url == "memory://":
            print("   listen_completed.py listens on the in-process Pulse broker (memory://)")
        else:
            print("   listen_completed.py listens on the real RabbitMQ")
        print(
            "   with a typed PulseConsumer: each event is acknowledged when its loop body is done"
        )
        with PulseConsumer(url=pulse_url, namespace="demo") as consumer:
            events = consumer.listen(*listen_completed.bindings(group_id), idle_timeout=5)
            print(f"   bound {consumer.queue}")
            worker.work(queue, task_queue_id, limit=len(task_ids))
            for count, event in enumerate(events, start=1):
                print(f"  pulse: {listen_completed.describe(event)}")
                if count == len(task_ids):
                    break

        print("\n3. wait_for_group.py: the group is finished; two tasks a page")
        states = wait_for_group.wait_for_group(queue, group_id, timeout=10, poll=0.1)
        print(f"  all states: {', '.join(states.values())}")
        wait_for_group.show_group(queue, group_id)

        print("\n4. fetch_artifact.py: the build log, downloaded to a file")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "live.log"
            fetch_artifact.fetch(queue, task_ids[0], worker.LOG_NAME, path)
            print(f"  contents: {path.read_text().strip()!r}")

        print("\n5. a wrong access token")
        intruder = queue.with_options(credentials=Credentials("demo/client", "not-the-token"))
        try:
            intruder.status(task_ids[0])
        except AuthenticationFailed as error:
            print(f"  {error.status_code} {error.code}: {error.message.split(chr(10))[0]}")
        print(f"  client repr never shows secrets: {intruder!r}")

        print("\n6. rotate_credentials.py: calls made with rotating temporary credentials")
        assert queue.credentials is not None
        rotating = rotate_credentials.RotatingCredentials(queue.credentials, ["queue:*"])
        as_temporary = rotate_credentials.with_fresh_credentials(queue, rotating)
        state = as_temporary.status(task_ids[0]).status.state
        print(f"  status with temporary credentials: {state} (issued {rotating.issued})")

    print("\n7. trigger_hook.py: a hook renders its task from the trigger payload")
    with Hooks.from_env() as hooks, Queue.from_env() as queue:
        trigger_hook.ensure_hook(hooks, task_queue_id)
        fired = trigger_hook.fire(hooks, "main")
        print(f"  the queue has it: {queue.task(fired).metadata.name}")

    print("\n8. manage_secrets.py: set, get, list, remove")
    manage_secrets.main()

    print("\n9. sharing.py: temporary credentials, a signed URL, validation before sending")
    sharing.main()
    with Secrets.from_env() as secrets:
        left = manage_secrets.names(secrets)
        print(f"\nsecrets left behind: {left}")


if __name__ == "__main__":
    main()
