"""Types that match the run time, rejected by both type checkers."""

from __future__ import annotations

from datetime import timedelta

from taskcluster_typed import Credentials, Queue, create_temporary_credentials, sign_url
from taskcluster_typed.payloads import DockerWorkerPayload, DockerWorkerPayloadDict
from taskcluster_typed.scopes import satisfies_expression, scope_match

CREDS = Credentials("c", "a")


def a_str_is_not_scopes() -> None:
    Queue("https://tc.example.com", authorized_scopes="queue:*")  # E: arg-type
    Queue("https://tc.example.com").with_options(authorized_scopes="queue:*")  # E: arg-type
    create_temporary_credentials(CREDS, scopes="queue:*", expiry=timedelta(hours=1))  # E: arg-type
    sign_url("https://x/y", CREDS, authorized_scopes="queue:*")  # E: arg-type
    satisfies_expression("queue:*", "queue:x")  # E: arg-type
    scope_match(["queue:*"], ["queue:x"])  # E: list-item


def a_model_takes_python_names() -> DockerWorkerPayload:
    return DockerWorkerPayload(image="ubuntu:24.04", maxRunTime=600)  # E: call-arg


def a_dict_takes_wire_names() -> DockerWorkerPayloadDict:
    return {"image": "u", "maxRunTime": 6, "on_exit_status": {}}  # E: typeddict-unknown-key
