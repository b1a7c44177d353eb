"""Wait for a task group to finish: page through ``listTaskGroup`` with the typed paginator
until every task is resolved, polling a bounded number of times. Reads only
TASKCLUSTER_ROOT_URL, TASKCLUSTER_CLIENT_ID, TASKCLUSTER_ACCESS_TOKEN (and
TASKCLUSTER_CERTIFICATE) through ``Queue.from_env()``, so it runs against a real deployment
unchanged (``listTaskGroup`` needs no scopes).

python examples/wait_for_group.py <task-group-id> [timeout-seconds]
"""

from __future__ import annotations

import argparse
import time

from taskcluster_typed import Queue

RESOLVED = frozenset({"completed", "failed", "exception"})


def group_states(queue: Queue, group_id: str, page_size: int = 100) -> dict[str, str]:
    """The state of every task of the group by task name, `page_size` tasks a page."""
    states: dict[str, str] = {}
    for entry in queue.iter_list_task_group(group_id, limit=page_size):
        states[entry.task.metadata.name] = entry.status.state
    return states


def show_group(queue: Queue, group_id: str, page_size: int = 2) -> None:
    """Print the group page by page (each page one ``listTaskGroup`` call)."""
    paginator = queue.iter_list_task_group(group_id, limit=page_size)
    for number, page in enumerate(paginator.pages(), start=1):
        for entry in page.tasks:
            print(f"  page {number}: {entry.task.metadata.name:<18} {entry.status.state}")


def wait_for_group(
    queue: Queue, group_id: str, *, timeout: float = 600.0, poll: float = 5.0
) -> dict[str, str]:
    """Poll until every task of the group is resolved; returns the states by task name.

    Raises `TimeoutError` after `timeout` seconds (the loop is bounded either way).
    """
    deadline = time.monotonic() + timeout
    while True:
        states = group_states(queue, group_id)
        if states and all(state in RESOLVED for state in states.values()):
            return states
        if time.monotonic() + poll > deadline:
            pending = sorted(n for n, s in states.items() if s not in RESOLVED)
            raise TimeoutError(f"task group {group_id} unfinished after {timeout}s: {pending}")
        time.sleep(poll)


def main() -> None:
    """Wait for the group given on the command line and print each task's state."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("group_id", metavar="task-group-id")
    parser.add_argument("timeout", metavar="timeout-seconds", nargs="?", type=float, default=600.0)
    args = parser.parse_args()
    with Queue.from_env() as queue:
        for name, state in wait_for_group(queue, args.group_id, timeout=args.timeout).items():
            print(f"{name}: {state}")


if __name__ == "__main__":
    main()
