"""Types that match the run time, accepted by both type checkers.

Type-checked by `make typecheck`, never run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from taskcluster_typed import Credentials, Queue, Scopes, create_temporary_credentials
from taskcluster_typed.models.queue import CreateTaskRequestDict
from taskcluster_typed.payloads import DockerWorkerPayload
from taskcluster_typed.scopes import scope_match, scope_union

CREDS = Credentials("c", "a")


def scopes_as_lists_or_tuples() -> Scopes:
    Queue("https://tc.example.com", authorized_scopes=["queue:*"])
    Queue("https://tc.example.com", authorized_scopes=("queue:*",)).with_options(
        authorized_scopes=None
    )
    create_temporary_credentials(CREDS, scopes=[], expiry=timedelta(hours=1))
    assert scope_match(["queue:*"], [["queue:x"], ("queue:y",)])
    return scope_union(["a"], {"b"})


def naive_datetimes_are_utc(queue: Queue) -> None:
    naive = datetime(2026, 1, 1, 12)
    task: CreateTaskRequestDict = {
        "created": naive,
        "deadline": naive,
        "payload": {"k": "v"},
        "metadata": {"name": "n", "description": "d", "owner": "o", "source": "https://x"},
    }
    queue.create_task("abc", task)


def models_take_python_names() -> DockerWorkerPayload:
    return DockerWorkerPayload(image="ubuntu:24.04", max_run_time=600)
