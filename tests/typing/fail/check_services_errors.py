"""Calls that mypy --strict must reject, each with the error code on its line (``# E: code``).

tests/typing/test_typing.py runs mypy on this file and compares the errors line by line.
"""

from __future__ import annotations

from datetime import datetime, timezone

from taskcluster_typed import AsyncQueue, Queue, Secrets
from taskcluster_typed.models.queue import CreateTaskRequest, CreateTaskRequestDict, TaskMetadata

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
METADATA = TaskMetadata(name="n", description="d", owner="o@example.com", source="https://x")


def inline_dict_with_misspelt_key(queue: Queue) -> None:
    # An inline literal is checked against "CreateTaskRequest | CreateTaskRequestDict"; mypy
    # reports the call, not the key (annotate the dict, as below, to have the key named).
    queue.create_task(
        "abc",
        {  # E: arg-type
            "created": NOW,
            "deadline": NOW,
            "payload": {},
            "metadata": {"name": "n", "description": "d", "owner": "o", "source": "s"},
            "priorty": "high",
        },
    )


def inline_dict_with_wrong_enum(queue: Queue) -> None:
    queue.create_task(
        "abc",
        {  # E: arg-type
            "created": NOW,
            "deadline": NOW,
            "payload": {},
            "metadata": {"name": "n", "description": "d", "owner": "o", "source": "s"},
            "priority": "urgent",
        },
    )


def annotated_dict_names_the_key() -> None:
    task: CreateTaskRequestDict = {  # E[mypy]: typeddict-unknown-key
        "created": NOW,
        "deadline": NOW,
        "payload": {},
        "metadata": {"name": "n", "description": "d", "owner": "o", "source": "s"},
        "priorty": "high",  # E[pyright]
    }
    del task


def annotated_dict_wrong_value_type() -> None:
    task: CreateTaskRequestDict = {
        "created": NOW,
        "deadline": NOW,
        "payload": {},
        "metadata": {"name": "n", "description": "d", "owner": "o", "source": "s"},
        "retries": "five",  # E: typeddict-item
    }
    del task


def annotated_dict_wrong_enum_literal() -> None:
    task: CreateTaskRequestDict = {
        "created": NOW,
        "deadline": NOW,
        "payload": {},
        "metadata": {"name": "n", "description": "d", "owner": "o", "source": "s"},
        "priority": "urgent",  # E: typeddict-item
    }
    del task


def annotated_dict_missing_required_key() -> None:
    task: CreateTaskRequestDict = {  # E: typeddict-item
        "created": NOW,
        "deadline": NOW,
        "payload": {},
    }
    del task


def naive_values_of_the_wrong_type(queue: Queue) -> None:
    queue.create_artifact(
        "abc",
        0,
        "public/x",
        {"storageType": "s3", "contentType": 5, "expires": NOW},  # E: arg-type
    )


def missing_url_param(queue: Queue) -> None:
    queue.get_artifact("abc", "public/x")  # E: call-arg


def unknown_query_option(queue: Queue) -> None:
    queue.list_task_group("abc", page_size=10)  # E: call-arg


def wrong_query_type(queue: Queue) -> None:
    queue.list_task_group("abc", limit="10")  # E: arg-type


def query_is_keyword_only(queue: Queue) -> None:
    queue.list_task_group("abc", None, 10)  # E: call-arg


def payload_required(secrets: Secrets) -> None:
    secrets.set("name")  # E: call-arg


def model_field_typo() -> None:
    CreateTaskRequest(  # E[mypy]: call-arg
        created=NOW,
        deadline=NOW,
        payload={"k": 1},
        metadata=METADATA,
        priorty="high",  # E[pyright]
    )


def model_enum_literal() -> None:
    CreateTaskRequest(
        created=NOW,
        deadline=NOW,
        payload={"k": "v"},
        metadata=METADATA,
        priority="urgent",  # E: arg-type
    )


def result_attribute_typo(queue: Queue) -> None:
    print(queue.status("abc").status.stat)  # E: attr-defined


async def missing_await(queue: AsyncQueue) -> None:
    print(queue.status("abc").status)  # E: attr-defined


def misspelt_service_name() -> None:
    from taskcluster_typed import Qeueu  # E: attr-defined

    del Qeueu
