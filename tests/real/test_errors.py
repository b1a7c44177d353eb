"""Real error replies map to the documented error classes (and keep the service's code)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from taskcluster_typed import Auth, Credentials, Queue, Secrets, from_now, slugid
from taskcluster_typed._core import errors as tce

from .conftest import RealTaskcluster
from .world import World, task_definition


@pytest.fixture(scope="module")
def world(real: RealTaskcluster) -> Iterator[World]:
    made = World(real)
    yield made
    made.close()


def _limited(real: RealTaskcluster, world: World) -> Queue:
    _, credentials = world.client(["queue:get-task:nothing"])
    return Queue(real.root_url, credentials=credentials, max_retries=0)


ERRORS: dict[
    str, tuple[type[tce.APIError], str | None, Callable[[RealTaskcluster, World], Any]]
] = {
    "401 unknown client": (
        tce.AuthenticationFailed,
        "AuthenticationFailed",
        lambda real, w: Queue(
            real.root_url, credentials=Credentials("no/such/client", "x" * 44), max_retries=0
        ).task(slugid()),
    ),
    "401 wrong access token": (
        tce.AuthenticationFailed,
        "AuthenticationFailed",
        lambda real, w: Secrets(
            real.root_url,
            credentials=Credentials(real.credentials.client_id, "y" * 44),
            max_retries=0,
        ).list(),
    ),
    "403 missing scopes": (
        tce.InsufficientScopes,
        "InsufficientScopes",
        lambda real, w: _limited(real, w).create_task(
            slugid(), task_definition(w.task_queue(), w.group_id)
        ),
    ),
    "404 unknown task": (
        tce.ResourceNotFound,
        "ResourceNotFound",
        lambda real, w: w.queue.status(slugid()),
    ),
    "409 task id reused with another definition": (
        tce.RequestConflict,
        "RequestConflict",
        lambda real, w: w.queue.create_task(w.task(), task_definition(w.task_queue(), w.group_id)),
    ),
    "409 resolving a resolved run": (
        tce.RequestConflict,
        "RequestConflict",
        lambda real, w: w.queue.report_failed(w.completed(), 0),
    ),
    "400 invalid URL parameter": (
        tce.InvalidRequestArguments,
        "InvalidRequestArguments",
        lambda real, w: w.queue.status("not-a-slug-id"),
    ),
    "400 deadline after expires": (
        tce.InputError,
        "InputError",
        lambda real, w: w.queue.create_task(
            slugid(),
            task_definition(
                w.task_queue(), w.group_id, deadline=from_now("3 days"), expires=from_now("1 day")
            ),
        ),
    ),
    "400 payload rejected by the service's schema": (
        tce.InputValidationError,
        "InputValidationError",
        lambda real, w: w.secrets.request(
            "PUT", f"secret/typed-{w.run}-invalid", json={"secret": {}}
        ),
    ),
    "400 body that is not JSON": (
        tce.MalformedPayload,
        "MalformedPayload",
        lambda real, w: w.auth.request("POST", "scopes/expand", json="not an object"),
    ),
    "424 an error artifact": (
        tce.APIError,
        None,
        lambda real, w: w.queue.get_artifact(w.resolved.task_id, 0, "public/error"),
    ),
    "403 role assumed beyond the caller's scopes": (
        tce.InsufficientScopes,
        "InsufficientScopes",
        lambda real, w: Auth(
            real.root_url, credentials=w.client(["auth:create-role:x/*"])[1], max_retries=0
        ).create_role("x/y", {"description": "d", "scopes": ["queue:*"]}),
    ),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_real_error_maps_to_its_class(name: str, real: RealTaskcluster, world: World) -> None:
    expected, code, action = ERRORS[name]
    with pytest.raises(expected) as caught:
        action(real, world)
    error = caught.value
    assert type(error) is expected, f"{name}: {type(error).__name__}"
    assert (error.status_code, error.code) == (int(name[:3]), code)
    assert real.credentials.access_token not in str(error)
    assert real.credentials.access_token not in repr(error)
