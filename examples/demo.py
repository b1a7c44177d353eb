"""`make demo`: start a local Taskcluster and run the examples against it, as one story.

The examples only read TASKCLUSTER_ROOT_URL, TASKCLUSTER_CLIENT_ID and
TASKCLUSTER_ACCESS_TOKEN (through ``Queue.from_env()`` and friends): point those at a real
deployment and they run there unchanged. See docs/examples.md.

python examples/demo.py
"""

from __future__ import annotations

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

from taskcluster_typed import AuthenticationFailed, Credentials, Hooks, Queue, Secrets
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


def main() -> None:
    """Run every example against one fresh local Taskcluster and tell what happens."""
    with LocalTaskcluster(pulse_url="memory://") as tc:
        credentials = tc.add_client("demo/client", SCOPES)
        os.environ.update(
            TASKCLUSTER_ROOT_URL=tc.root_url,
            TASKCLUSTER_CLIENT_ID=credentials.client_id,
            TASKCLUSTER_ACCESS_TOKEN=credentials.access_token,
        )
        os.environ.pop("TASKCLUSTER_CERTIFICATE", None)
        print(f"local Taskcluster at {tc.root_url} (python -m taskcluster_typed.testing.server)")
        print("it checks Hawk signatures, scopes and schemas as the real services do\n")

        with Queue.from_env() as queue:
            print("1. submit_task_graph.py: a task group from typed task definitions")
            task_queue_id = submit_task_graph.new_task_queue_id()
            group_id, task_ids = submit_task_graph.create_group(queue, task_queue_id)
            created = [queue.status(t).status.state for t in task_ids]
            print(f"  status: {', '.join(created)}")

            print("\n2. worker.py: claim and resolve them (build first, then the tests)")
            print("   listen_completed.py: a typed PulseConsumer on the in-process broker")
            print("   (memory://); each event is acknowledged when its loop body is done")
            with PulseConsumer(url="memory://", namespace="demo") as consumer:
                events = consumer.listen(*listen_completed.bindings(group_id), idle_timeout=1)
                print(f"   bound {consumer.queue}")
                while worker.work(queue, task_queue_id):
                    pass
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
