"""Differential testing: one scenario runs against the real services and `LocalTaskcluster`,
and what each observes is compared.

A scenario is a function of a `Backend`. It makes calls through the typed clients and records
each outcome with `Backend.call` (``("ok", <deterministic part of the reply>)`` or
``("error", status, code)``) or `Backend.note`. `compare` runs it on both backends and fails
with the first differing observation, naming it.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar, cast

import pydantic

from taskcluster_typed import (
    APIError,
    AsyncClient,
    Auth,
    Credentials,
    Queue,
    SyncClient,
    from_now,
    slugid,
)
from taskcluster_typed.models.queue import CreateTaskRequestDict, TaskStatusResponse
from taskcluster_typed.testing import LocalTaskcluster

C = TypeVar("C", bound=SyncClient | AsyncClient)
T = TypeVar("T")

Outcome = tuple[Any, ...]


@dataclass
class Backend:
    """One deployment a scenario runs against, and what the scenario observed on it."""

    name: str  # "real" or "local"
    root_url: str
    credentials: Credentials
    observed: list[tuple[str, Outcome]] = field(default_factory=lambda: [])
    aliases: dict[str, str] = field(default_factory=lambda: {})
    """Random values (ids made by the scenario) and the names they are recorded under."""

    def alias(self, value: str, name: str) -> str:
        """Record `value` as `name` in every observation (a random id differs per backend)."""
        self.aliases[value] = name
        return value

    def _scrub(self, value: Any) -> Any:
        if isinstance(value, str):
            for random, name in self.aliases.items():
                value = value.replace(random, name)
            return value
        if isinstance(value, list | tuple):
            items = [self._scrub(v) for v in cast("list[Any]", value)]
            return items if isinstance(value, list) else tuple(items)
        if isinstance(value, dict):
            return {k: self._scrub(v) for k, v in cast("dict[str, Any]", value).items()}
        if isinstance(value, set | frozenset):  # order-insensitive: sorted once aliased
            return sorted(self._scrub(v) for v in cast("set[Any]", value))
        return value

    def client(self, cls: type[C], *, credentials: Credentials | None = None, **options: Any) -> C:
        options.setdefault("max_retries", 0)
        return cls(self.root_url, credentials=credentials or self.credentials, **options)

    def call(
        self,
        label: str,
        action: Callable[[], T],
        project: Callable[[T], Any] = repr,
        *,
        message: bool = True,
    ) -> T | None:
        """Run `action`; record ``ok`` and `project` of the reply, or the API error's status,
        code and first line of its message (unless `message` is false: a known difference of
        wording); None is then returned."""
        try:
            result = action()
        except APIError as error:
            first_line = _generic(self._scrub(error.message.split("\n", 1)[0]))
            outcome = (error.status_code, error.code, first_line if message else "")
            self.observed.append((label, ("error", *outcome)))
            return None
        self.observed.append((label, ("ok", self._scrub(project(result)))))
        return result

    def note(self, label: str, value: Any) -> None:
        self.observed.append((label, ("note", self._scrub(value))))

    def new_client(self, scopes: Sequence[str]) -> Credentials:
        """A new permanent client holding `scopes` (created through the auth service)."""
        client_id = f"diff/{slugid()}"
        auth = self.client(Auth)
        created = auth.create_client(
            client_id,
            {
                "description": "differential test",
                "expires": from_now("1 hour"),
                "scopes": list(scopes),
            },
        )
        return Credentials(client_id, created.access_token)

    def new_role(self, role_id: str, scopes: Sequence[str]) -> list[str]:
        """Create a role (through the auth service); its expanded scopes."""
        role = self.client(Auth).create_role(
            role_id, {"description": "differential test", "scopes": list(scopes)}
        )
        return role.expanded_scopes


_SLUGID = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
_UNTIL = re.compile(r"/until/[0-9.]+")


def _generic(message: str) -> str:
    """An error message's first line without the ids and times it quotes."""
    message = _TIME.sub("<time>", _UNTIL.sub("/until/<time>", message))
    return _SLUGID.sub("<id>", message)


_SECRET_FIELDS = frozenset({"accessToken", "certificate", "putUrl", "token"})


def shape(reply: object) -> Any:
    """The whole reply, with what differs from run to run masked: times, slugids, and the
    fields holding secrets or signed URLs."""
    if isinstance(reply, pydantic.BaseModel):
        reply = reply.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(reply, dict):
        items = cast("dict[str, Any]", reply).items()
        return {k: "<masked>" if k in _SECRET_FIELDS else shape(v) for k, v in sorted(items)}
    if isinstance(reply, list):
        return [shape(v) for v in reply]  # pyright: ignore[reportUnknownVariableType]
    if isinstance(reply, str):
        return _generic(reply)
    return reply


def ok(result: object) -> None:
    """A projection for replies whose content is not deterministic."""
    return None


def run_states(reply: TaskStatusResponse) -> Any:
    """A task status's state, its runs' states and reasons, and the retries left."""
    status = reply.status
    return (
        status.state,
        [(r.state, r.reason_created, r.reason_resolved) for r in status.runs],
        status.retries_left,
    )


def task_definition(queue_id: str, **extra: Any) -> CreateTaskRequestDict:
    task: CreateTaskRequestDict = {
        "taskQueueId": queue_id,
        "created": from_now("0 seconds"),
        "deadline": from_now("1 hour"),
        "payload": {},
        "metadata": {
            "name": "differential",
            "description": "differential test task",
            "owner": "diff@example.com",
            "source": "https://example.com/diff",
        },
    }
    return {**task, **extra}  # type: ignore[typeddict-item]


def queue_id(backend: Backend | None = None) -> str:
    """A task queue of its own for one scenario run (so claims see only its tasks); recorded
    as ``<provisioner>/wt`` in `backend`'s observations."""
    provisioner = f"diff-{slugid()[:10].lower().replace('_', 'x').replace('-', 'y')}"
    if backend is not None:
        backend.alias(provisioner, "<provisioner>")
    return f"{provisioner}/wt"


def wait_for_state(queue: Queue, task_id: str, states: Sequence[str], timeout: float = 20) -> str:
    """The task's state, once it is one of `states` (the real dependency resolver works in the
    background) or `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        state = queue.status(task_id).status.state
        if state in states or time.monotonic() > deadline:
            return state
        time.sleep(0.2)


@contextlib.contextmanager
def local_backend() -> Generator[Backend]:
    # the deployment's deadline resolver resolves a task 10 minutes after its deadline (the
    # queue's default deadlineDelay); the local one is told to do the same
    with LocalTaskcluster(deadline_delay=timedelta(minutes=10)) as tc:
        yield Backend("local", tc.root_url, tc.root_credentials)


def compare(
    scenario: Callable[[Backend], None], real: Backend, local: Backend
) -> list[tuple[str, Outcome]]:
    """Run `scenario` on both backends; fail at the first observation that differs."""
    scenario(real)
    scenario(local)
    for index, (expected, got) in enumerate(zip(real.observed, local.observed, strict=False)):
        assert got == expected, (
            f"{scenario.__name__}, observation {index} {expected[0]!r}: "
            f"real {expected[1]!r}, local {got[1]!r}"
        )
    assert len(real.observed) == len(local.observed), (
        f"{scenario.__name__}: {len(real.observed)} observations on real, "
        f"{len(local.observed)} on local"
    )
    return real.observed
