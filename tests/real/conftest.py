"""The `real` fixture: the real Taskcluster services (see `deployment.py`), provisioned through
the SDK itself. Every test in this folder is marked ``real`` (``make test-offline`` leaves them
out); the services start once per session, when the first such test needs them, and stop at the
end of the session if this session started them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

from taskcluster_typed import Auth, Credentials, Hooks, WorkerManager, slugid

from .deployment import ROOT_ACCESS_TOKEN, ROOT_CLIENT_ID, Deployment, DeploymentError
from .report import pytest_terminal_summary as pytest_terminal_summary

C = TypeVar("C")

HOOK_GROUP = "taskcluster-typed"
LIMITED_SCOPES = ["queue:get-artifact:public/*", "secrets:get:typed/readable/*"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = __file__.rsplit("/", 1)[0]
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.real)


@dataclass(frozen=True)
class RealTaskcluster:
    """What the conformance tests get: where the services are, and what was provisioned."""

    deployment: Deployment
    root_url: str
    credentials: Credentials  # the root client (scope ``*``)
    pulse_url: str
    run_id: str  # unique per session: names made with it do not collide with earlier runs
    limited: Credentials  # a client holding only LIMITED_SCOPES
    worker_pool_id: str  # a static worker pool
    hook_group_id: str
    hook_id: str  # a hook whose role may create its task

    def client(self, cls: type[C], **options: Any) -> C:
        """A typed client (sync or async class) against the real services, root credentials
        unless others are given."""
        options.setdefault("credentials", self.credentials)
        return cls(self.root_url, **options)  # type: ignore[call-arg]


def _provision(deployment: Deployment) -> RealTaskcluster:
    root = Credentials(client_id=ROOT_CLIENT_ID, access_token=ROOT_ACCESS_TOKEN)
    run_id = slugid()[:10].lower().replace("_", "x").replace("-", "x")
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    url = deployment.root_url
    with Auth(url, credentials=root) as auth:
        created = auth.create_client(
            f"typed-tests/limited-{run_id}",
            {"description": "limited client of the conformance suite", "expires": expires,
             "scopes": LIMITED_SCOPES},
        )  # fmt: skip
        limited = Credentials(client_id=created.client_id, access_token=created.access_token)
        # a hook may create only what its role grants: grant the hook's task its scopes
        auth.create_role(
            f"hook-id:{HOOK_GROUP}/*",
            {"description": "hooks of the conformance suite",
             "scopes": ["queue:create-task:*", "queue:scheduler-id:*", "queue:route:*"]},
        )  # fmt: skip
    worker_pool_id = f"typed-tests/static-{run_id}"
    with WorkerManager(url, credentials=root) as worker_manager:
        worker_manager.create_worker_pool(
            worker_pool_id,
            {"providerId": "static", "description": "static pool of the conformance suite",
             "owner": "typed-tests@example.com", "emailOnError": False,
             "config": {"lifecycle": {"reregistrationTimeout": 3600}}},
        )  # fmt: skip
    hook_id = f"hello-{run_id}"
    with Hooks(url, credentials=root) as hooks:
        hooks.create_hook(
            HOOK_GROUP,
            hook_id,
            {"metadata": {"name": "hello", "description": "a hook of the conformance suite",
                          "owner": "typed-tests@example.com", "emailOnError": False},
             "schedule": [],
             "task": {"provisionerId": "built-in", "workerType": "succeed",
                      "created": {"$fromNow": "0 seconds"}, "deadline": {"$fromNow": "1 hour"},
                      "payload": {},
                      "metadata": {"name": "hello", "description": "from a hook",
                                   "owner": "typed-tests@example.com",
                                   "source": "https://example.com/typed-tests"}},
             "triggerSchema": {"type": "object"}},
        )  # fmt: skip
    return RealTaskcluster(
        deployment=deployment,
        root_url=url,
        credentials=root,
        pulse_url=deployment.pulse_url,
        run_id=run_id,
        limited=limited,
        worker_pool_id=worker_pool_id,
        hook_group_id=HOOK_GROUP,
        hook_id=hook_id,
    )


@pytest.fixture(scope="session")
def real() -> Iterator[RealTaskcluster]:
    """The real services, started (or reused) once per session and provisioned."""
    deployment = Deployment.default()
    try:
        deployment.start()
    except DeploymentError as exc:
        pytest.fail(f"the real Taskcluster services could not be started: {exc}", pytrace=False)
    try:
        yield _provision(deployment)
    finally:
        if deployment.owned:
            deployment.stop()
