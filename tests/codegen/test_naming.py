"""Naming helpers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codegen.naming import is_counter_name, pascal_case, snake_case


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("create-task-request", "CreateTaskRequest"),
        ("list-lastFires-response", "ListLastFiresResponse"),
        ("taskcluster-github-config.v1", "TaskclusterGithubConfigV1"),
        ("multiuser_posix", "MultiuserPosix"),
        ("worker-manager", "WorkerManager"),
        ("queue", "Queue"),
    ],
)
def test_pascal_case(name: str, expected: str) -> None:
    assert pascal_case(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("createTask", "create_task"),
        ("listRoles2", "list_roles2"),
        ("azureTableSAS", "azure_table_sas"),
        ("awsS3Credentials", "aws_s3_credentials"),
        ("worker-manager", "worker_manager"),
        ("list-lastFires-response", "list_last_fires_response"),
        ("import", "import_"),
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name) == expected


@pytest.mark.parametrize("bad", ["", "-", "1abc"])
def test_unusable_names_are_errors(bad: str) -> None:
    with pytest.raises(ValueError):
        pascal_case(bad)


@given(st.from_regex(r"[a-z][a-zA-Z0-9]{0,15}(-[a-z][a-zA-Z0-9]{0,8}){0,3}", fullmatch=True))
def test_generated_names_are_identifiers(name: str) -> None:
    assert pascal_case(name).isidentifier()
    assert snake_case(name).isidentifier()
    assert snake_case(name) == snake_case(name).lower()


@pytest.mark.parametrize(
    ("name", "explanations", "counter_made"),
    [
        ("Owner18", ["1", "owner"], True),
        ("TriggerHookResponse1", ["0", ""], True),
        ("ArtifactContentResponseS3", ["0", "", "s3"], False),
        ("TaskclusterGithubConfigV1", ["", "TaskclusterGithubConfigV1"], False),
        ("ListRoles2Response", [], False),
        ("Sha256", ["sha256"], False),
    ],
)
def test_counter_made_names(name: str, explanations: list[str], counter_made: bool) -> None:
    assert is_counter_name(name, explanations) is counter_made
