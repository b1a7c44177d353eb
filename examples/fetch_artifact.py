"""Download an artifact of a task to a file with ``taskcluster_typed.transfers``: the queue is
asked where the artifact is (latest run, or a given run) and the bytes are streamed to disk,
whatever the storage type (s3, reference, or object with hash checks). Reads only
TASKCLUSTER_ROOT_URL, TASKCLUSTER_CLIENT_ID, TASKCLUSTER_ACCESS_TOKEN (and
TASKCLUSTER_CERTIFICATE) through ``Queue.from_env()``, so it runs against a real deployment
unchanged (public artifacts need no scopes).

python examples/fetch_artifact.py <task-id> <artifact-name> <file>
"""

from __future__ import annotations

import argparse
from pathlib import Path

from taskcluster_typed import Queue
from taskcluster_typed.transfers import Downloaded, download_artifact


def fetch(queue: Queue, task_id: str, name: str, path: Path) -> Downloaded:
    """Save the artifact `name` of the task's latest run to `path`."""
    downloaded = download_artifact(queue, task_id, name, path)
    print(f"  fetched {name} of {task_id}: {path.stat().st_size} bytes -> {path}")
    return downloaded


def main() -> None:
    """Fetch the artifact given on the command line."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("task_id", metavar="task-id")
    parser.add_argument("name", metavar="artifact-name")
    parser.add_argument("path", metavar="file", type=Path)
    args = parser.parse_args()
    with Queue.from_env() as queue:
        fetch(queue, args.task_id, args.name, args.path)


if __name__ == "__main__":
    main()
