"""``request(params=)`` and ``for_route``: any route, its parameters encoded as the generated
methods encode them, and signed URLs for any GET route."""

from __future__ import annotations

import asyncio

import pytest
import respx

from taskcluster_typed import (
    AsyncQueue,
    Credentials,
    CredentialsError,
    Queue,
    RequestValidationError,
    url_builders,
)

pytestmark = pytest.mark.usefixtures("httpx_transport")

ROOT = "https://tc.example.com"
CREDS = Credentials("project/ci", "access-token-0123456789")
ARTIFACT = "task/<taskId>/runs/<runId>/artifacts/<name>"


def test_params_are_encoded_like_a_generated_methods() -> None:
    with respx.mock() as mock:
        route = mock.get(url__regex=".*").respond(json={})
        with Queue(ROOT) as queue:
            queue.request(
                "GET", ARTIFACT, params={"taskId": "abc", "runId": 0, "name": "public/a b.txt"}
            )
            generated = queue.urls.get_artifact("abc", 0, "public/a b.txt")
    sent = str(route.calls[0].request.url)
    assert sent == f"{ROOT}/api/queue/v1/task/abc/runs/0/artifacts/public%2Fa%20b.txt"
    assert sent == generated


@pytest.mark.parametrize(
    ("path", "params", "problem"),
    [
        ("task/<taskId>/status", {}, "taskId: is required"),
        ("task/<taskId>/status", {"taskId": ".."}, "taskId: must not be '..'"),
        ("task/<taskId>/status", {"taskId": "a", "extra": "b"}, "extra: is not a <parameter>"),
        ("task/abc/status", {"taskId": "a"}, "taskId: is not a <parameter>"),
        ("task/../status", None, "path: must not contain '.' or '..' segments"),
    ],
)
def test_bad_params_are_refused_before_sending(
    path: str, params: dict[str, str] | None, problem: str
) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.get(url__regex=".*").respond(json={})
        with Queue(ROOT) as queue, pytest.raises(RequestValidationError, match=problem):
            queue.request("GET", path, params=params)
        assert not route.called


def test_async_request_takes_params() -> None:
    async def main() -> None:
        async with AsyncQueue(ROOT) as queue:
            await queue.request("GET", "task/<taskId>/status", params={"taskId": "a/b"})

    with respx.mock() as mock:
        route = mock.get(f"{ROOT}/api/queue/v1/task/a%2Fb/status").respond(json={})
        asyncio.run(main())
    assert route.called


def test_a_signed_url_for_any_get_route_equals_the_generated_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(url_builders, "_now", lambda: 1_800_000_000.0)
    queue = Queue(ROOT, credentials=CREDS, authorized_scopes=["queue:get-artifact:*"])
    params: dict[str, str | int] = {"taskId": "abc", "runId": 1, "name": "private/x"}
    by_route = queue.signed_urls.for_route(ARTIFACT, params=params, expires_in=60)
    assert by_route == queue.signed_urls.get_artifact("abc", 1, "private/x", expires_in=60)
    assert "bewit=" in by_route
    unsigned = queue.urls.for_route("provisioners", query={"limit": 5})
    assert unsigned == f"{ROOT}/api/queue/v1/provisioners?limit=5"


def test_a_signed_url_needs_credentials() -> None:
    with pytest.raises(CredentialsError, match="needs credentials"):
        Queue(ROOT).signed_urls.for_route("task/abc/status")
