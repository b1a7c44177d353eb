"""Typed fakes: validated like real calls, answered by handlers, recorded."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from taskcluster_typed import (
    AsyncSecrets,
    Queue,
    RequestValidationError,
    ResourceNotFound,
    ResponseValidationError,
    Secrets,
    from_now,
)
from taskcluster_typed.models.secrets import Secret, SecretList
from taskcluster_typed.testing import Fake, FakeCall, FakeNotImplementedError

TASK_ID = "fN1hTG2bQ8ipgvlpCs7hZA"


def test_handler_answers_with_validated_arguments_and_is_recorded() -> None:
    seen: list[tuple[str, Secret]] = []

    def set_secret(name: str, payload: Secret) -> None:
        seen.append((name, payload))

    fake = Fake(Secrets, {"set": set_secret})
    fake.client.set("a/b", {"secret": {"x": 1}, "expires": from_now("1 hour")})
    assert seen[0][0] == "a/b"
    assert isinstance(seen[0][1], Secret) and seen[0][1].secret == {"x": 1}
    [call] = fake.calls
    assert call.method == "set" and call.name == "set" and call.params == {"name": "a/b"}
    assert isinstance(call.payload, Secret) and call.query == {}


def test_return_values_are_validated_as_replies() -> None:
    fake = Fake(Secrets)
    fake.implement(
        Secrets.get, lambda name: {"secret": {"n": name}, "expires": "2030-01-01T00:00:00Z"}
    )
    assert fake.client.get("x").secret == {"n": "x"}
    fake.implement("get", lambda name: {"secret": "not an object"})
    with pytest.raises(ResponseValidationError):
        fake.client.get("x")


def test_invalid_payload_never_reaches_the_handler() -> None:
    fake = Fake(Secrets, {"set": lambda name, payload: None})
    with pytest.raises(RequestValidationError):
        fake.client.set("a", {"secret": {}})  # type: ignore[arg-type]
    assert fake.calls == []


def test_missing_implementation_is_a_clear_error_after_recording() -> None:
    fake = Fake(Queue)
    with pytest.raises(FakeNotImplementedError, match="does not have an implementation of status"):
        fake.client.status(TASK_ID)
    assert fake.calls_to(Queue.status) == [FakeCall("status", "status", {"taskId": TASK_ID})]


def test_unknown_method_names_are_refused() -> None:
    with pytest.raises(ValueError, match="no method 'nope'"):
        Fake(Queue, {"nope": lambda: None})


def test_api_errors_raised_by_handlers_reach_the_caller() -> None:
    fake = Fake(Secrets)

    @fake.on(Secrets.get)
    def get(name: str) -> Secret:
        raise ResourceNotFound(
            status_code=404, code="ResourceNotFound", message="gone", method="get", url=""
        )

    with pytest.raises(ResourceNotFound) as raised:
        fake.client.get("x")
    assert raised.value.code == "ResourceNotFound" and raised.value.message == "gone"


def test_query_options_are_keyword_arguments() -> None:
    got: dict[str, Any] = {}

    def list_secrets(**query: Any) -> SecretList:
        got.update(query)
        return SecretList(secrets=["a"])

    fake = Fake(Secrets, {"list": list_secrets})
    assert fake.client.list(limit=5, continuation_token="t").secrets == ["a"]
    assert got == {"limit": 5, "continuation_token": "t"}
    assert fake.calls[0].query == {"limit": "5", "continuationToken": "t"}


def test_async_clients_take_plain_and_async_handlers() -> None:
    async def get(name: str) -> dict[str, Any]:
        return {"secret": {"n": name}, "expires": "2030-01-01T00:00:00Z"}

    fake = Fake(AsyncSecrets, {"get": get, "remove": lambda name: None})

    async def run() -> None:
        assert (await fake.client.get("x")).secret == {"n": "x"}
        await fake.client.remove("x")
        with pytest.raises(FakeNotImplementedError):
            await fake.client.list()

    anyio.run(run)
    assert [c.method for c in fake.calls] == ["get", "remove", "list"]
