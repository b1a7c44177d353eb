"""Misuse of the utilities that mypy --strict must reject (``# E: code`` on each line).

tests/typing/test_typing.py runs mypy on this file and compares the errors line by line.
"""

from __future__ import annotations

from datetime import timedelta

from taskcluster_typed import (
    AsyncQueue,
    Credentials,
    Queue,
    ScopeExpression,
    create_temporary_credentials,
    from_now,
)
from taskcluster_typed.models.queue import ArtifactResponse


def signed_urls_are_for_get_methods_only(queue: Queue) -> None:
    queue.signed_urls.create_task("task")  # E: attr-defined
    queue.signed_urls.cancel_task("task")  # E: attr-defined


def url_builders_take_the_methods_arguments(queue: Queue) -> None:
    queue.urls.get_artifact("task", 0)  # E: call-arg
    queue.urls.list_task_group("group", limit="5")  # E: arg-type
    queue.signed_urls.get_artifact("task", 0, "x", expires_in="1 hour")  # E: arg-type


def items_have_their_exact_type(queue: Queue) -> None:
    for task in queue.iter_list_task_group("group"):
        artifact: ArtifactResponse = task  # E: assignment
        del artifact


def async_paginators_need_async_for(queue: AsyncQueue) -> None:
    for task in queue.iter_list_task_group("group"):  # E: attr-defined
        del task


def methods_without_a_token_have_no_iterator(queue: Queue) -> None:
    queue.iter_get_task_group("group")  # E: attr-defined


def utilities(credentials: Credentials) -> None:
    create_temporary_credentials(credentials, scopes=["a"], expiry="1 hour")  # E: arg-type
    create_temporary_credentials(credentials, ["a"], expiry=timedelta(hours=1))  # E: call-arg
    from_now(timedelta(days=1))  # E: arg-type
    expression: ScopeExpression = {"AllOff": ["a"]}  # E: assignment
    del expression
