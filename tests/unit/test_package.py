"""The package's public surface: lazy service imports, names, py.typed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pydantic
import pytest
import respx

import taskcluster_typed
from taskcluster_typed import RequestValidationError

# respx intercepts httpx's own transport: clients use it in this module.
pytestmark = pytest.mark.usefixtures("httpx_transport")

SERVICES = [
    "Auth", "Github", "Hooks", "Index", "Notify", "Object",
    "PurgeCache", "Queue", "Secrets", "WebServer", "WorkerManager",
]  # fmt: skip


def loaded_modules(code: str) -> list[str]:
    script = f"import sys\n{code}\nimport json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return list(json.loads(out.stdout))


def test_importing_the_package_imports_no_service_or_model() -> None:
    modules = loaded_modules("import taskcluster_typed")
    assert not [
        m
        for m in modules
        if m.startswith(("taskcluster_typed.services", "taskcluster_typed._models"))
    ]


def test_importing_the_package_imports_no_http_validation_or_mail_library() -> None:
    modules = set(loaded_modules("import taskcluster_typed"))
    heavy = {"httpx", "anyio", "pydantic", "pydantic_core", "mohawk", "email", "ssl"}
    assert not {m.split(".")[0] for m in modules} & heavy
    assert not [m for m in modules if m.startswith("taskcluster_typed.")]


def test_constructing_a_client_imports_no_model_and_no_pydantic() -> None:
    modules = loaded_modules(
        "from taskcluster_typed import Queue\nQueue(root_url='https://tc.example.com')"
    )
    assert not [m for m in modules if m.startswith("taskcluster_typed._models")]
    heavy = {"pydantic", "pydantic_core", "httpx", "anyio", "ssl", "email", "mohawk"}
    assert not {m.split(".")[0] for m in modules} & heavy


def test_models_are_imported_on_first_use_of_an_endpoint() -> None:
    modules = loaded_modules(
        "from taskcluster_typed.services import queue\n"
        "assert queue._TASK.output_type.__name__ == 'Task'"
    )
    assert "taskcluster_typed._models.queue.v1.task" in modules
    assert "taskcluster_typed._models.queue.v1.tasks_response" not in modules


def test_every_public_name_resolves_in_a_fresh_process() -> None:
    script = (
        "import taskcluster_typed as t\n"
        "missing = [n for n in t.__all__ if getattr(t, n, None) is None]\n"
        "assert not missing, missing\n"
        "assert set(t.__all__) <= set(dir(t))\n"
        "assert len(t.__all__) == len(set(t.__all__))"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


def test_importing_queue_imports_only_the_queue_service() -> None:
    modules = loaded_modules("from taskcluster_typed import Queue")
    services = {m for m in modules if m.startswith("taskcluster_typed.services.")}
    assert services == {"taskcluster_typed.services.queue"}
    model_services = {
        m.split(".")[2] for m in modules if m.startswith("taskcluster_typed._models.")
    }
    assert model_services <= {"queue"}


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_has_sync_and_async_clients(name: str) -> None:
    sync_cls = getattr(taskcluster_typed, name)
    async_cls = getattr(taskcluster_typed, f"Async{name}")
    assert sync_cls.service_name == async_cls.service_name
    assert name in taskcluster_typed.__all__ and f"Async{name}" in taskcluster_typed.__all__
    assert name in dir(taskcluster_typed)


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchService"):
        _ = taskcluster_typed.NoSuchService  # type: ignore[attr-defined]


def test_py_typed_is_shipped() -> None:
    assert (Path(taskcluster_typed.__file__).parent / "py.typed").exists()


@respx.mock(assert_all_called=False)
def test_a_bad_task_definition_is_refused_before_sending_naming_the_field() -> None:
    route = respx.put(url__startswith="https://tc.example.com/").respond(json={})
    queue = taskcluster_typed.Queue("https://tc.example.com")
    task = {
        "created": "2026-01-01T00:00:00Z",
        "deadline": "2026-01-01T01:00:00Z",
        "payload": {},
        "metadata": {
            "name": "n",
            "description": "d",
            "owner": "o@example.com",
            "source": "https://x",
        },
        "priority": "urgent",
        "retries": 500,
        "tags": {"kind": 5},
    }
    with pytest.raises(RequestValidationError) as info:
        queue.create_task("fN1SbArXTPSVFNUvaOlinQ", task)  # type: ignore[arg-type]
    assert route.call_count == 0
    message = str(info.value)
    assert message.startswith("createTask: invalid input, nothing was sent")
    assert "payload.priority: Input should be 'highest'" in message
    assert "payload.retries: Input should be less than or equal to 49" in message
    assert "payload.tags.kind: Input should be a valid string" in message
    with pytest.raises(
        RequestValidationError, match=r"payload\.created: Input should have timezone info"
    ):
        naive = {
            **task,
            "priority": "low",
            "retries": 1,
            "tags": {},
            "created": "2026-01-01T00:00:00",
        }
        queue.create_task("fN1SbArXTPSVFNUvaOlinQ", naive)  # type: ignore[arg-type]
    assert route.call_count == 0


def test_naive_datetimes_are_utc_and_naive_strings_are_refused() -> None:
    """A naive datetime is UTC, as in the official Python client; a string is the wire
    format and needs its offset."""
    from datetime import datetime, timezone

    from taskcluster_typed.models.queue import CreateTaskRequest

    metadata = {"name": "n", "description": "d", "owner": "o@x.org", "source": "https://x"}
    task = CreateTaskRequest.model_validate(
        {
            "created": datetime(2026, 1, 1, 12),
            "deadline": "2026-01-01T13:00:00Z",
            "payload": {},
            "metadata": metadata,
        }
    )
    assert task.created == datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
    assert task.model_dump(mode="json", by_alias=True)["created"] == "2026-01-01T12:00:00Z"
    with pytest.raises(pydantic.ValidationError, match="timezone"):
        CreateTaskRequest.model_validate(
            {
                "created": "2026-01-01T00:00:00",
                "deadline": "2026-01-01T00:00:00Z",
                "payload": {},
                "metadata": metadata,
            }
        )
