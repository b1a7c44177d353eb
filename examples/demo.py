"""`make demo`: start a local Taskcluster and run the examples against it.

The examples (task_group.py, sharing.py) only read TASKCLUSTER_ROOT_URL, TASKCLUSTER_CLIENT_ID
and TASKCLUSTER_ACCESS_TOKEN: point those at a real deployment and they run there unchanged.

python examples/demo.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import httpx
import sharing
import task_group

from taskcluster_typed import AuthenticationFailed, Credentials, Queue
from taskcluster_typed.models.queue import ArtifactContentResponseS3
from taskcluster_typed.testing import LocalTaskcluster


def main() -> None:
    with LocalTaskcluster() as tc:
        credentials = tc.add_client(
            "demo/client",
            [
                "queue:*",
                "assume:scheduler-id:taskcluster-typed-demo/*",
                "secrets:get:project/taskcluster-typed-demo/*",
                "secrets:set:project/taskcluster-typed-demo/*",
            ],
        )
        os.environ.update(
            TASKCLUSTER_ROOT_URL=tc.root_url,
            TASKCLUSTER_CLIENT_ID=credentials.client_id,
            TASKCLUSTER_ACCESS_TOKEN=credentials.access_token,
        )
        os.environ.pop("TASKCLUSTER_CERTIFICATE", None)
        print(f"local Taskcluster at {tc.root_url} (python -m taskcluster_typed.testing.server)")
        print("it checks Hawk signatures, scopes and schemas as the real services do\n")

        print("1. a task group from typed task definitions")
        with Queue.from_env() as queue:
            task_queue_id = f"{task_group.PROJECT}/demo-workers"
            group_id, task_ids = task_group.create_group(queue, task_queue_id)
            print("\n2. a worker claims and resolves them (build first, then the tests)")
            while task_group.work(queue, task_queue_id):
                pass
            states = [queue.status(t).status.state for t in task_ids]
            print(f"  all states: {', '.join(states)}")
            print("\n3. the group, two tasks a page")
            task_group.show_group(queue, group_id)
            artifact = queue.latest_artifact(task_ids[0], "public/logs/live.log")
            if isinstance(artifact, ArtifactContentResponseS3):
                log = httpx.get(artifact.url).text.strip()
                print(f"\n   build log artifact (s3): {artifact.url} -> {log!r}")

            print("\n4. a wrong access token")
            intruder = queue.with_options(credentials=Credentials("demo/client", "not-the-token"))
            try:
                intruder.status(task_ids[0])
            except AuthenticationFailed as error:
                print(f"  {error.status_code} {error.code}: {error.message.split(chr(10))[0]}")
            print(f"  client repr never shows secrets: {intruder!r}")

        print("\n5. temporary credentials, a signed URL, validation before sending")
        sharing.main()


if __name__ == "__main__":
    main()
