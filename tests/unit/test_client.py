"""The clients end to end over a mocked transport (respx), sync and async."""

from __future__ import annotations

import json
import logging
import pickle
from typing import Any

import httpx
import pytest
import respx

from taskcluster_typed import AsyncClient, Credentials, RetryPolicy, SyncClient, from_env
from taskcluster_typed._core import errors as tce
from taskcluster_typed._core.client import NOT_GIVEN

# respx intercepts httpx's own transport: clients use it in this module.
pytestmark = pytest.mark.usefixtures("httpx_transport")

ROOT = "https://tc.example.com"
SECRET = "very-secret-access-token-0123456789"
CERT_SIGNATURE = "certificate-signature-that-is-secret"
CREDS = Credentials("project/ci", SECRET)
TEMP = Credentials(
    "project/ci", SECRET, {"version": 1, "signature": CERT_SIGNATURE, "seed": "s" * 44}
)


def no_sleep(_: float) -> None:
    return None


async def no_async_sleep(_: float) -> None:
    return None


def sync_client(**kwargs: Any) -> SyncClient:
    client = SyncClient(ROOT, service="queue", **kwargs)
    client._sleep = no_sleep
    return client


def async_client(**kwargs: Any) -> AsyncClient:
    client = AsyncClient(ROOT, service="queue", **kwargs)
    client._sleep = no_async_sleep
    return client


@respx.mock
def test_request_builds_the_url_and_signs() -> None:
    route = respx.get(f"{ROOT}/api/queue/v1/task/abc/status").respond(
        json={"status": {"taskId": "abc"}}
    )
    with sync_client(credentials=CREDS, trace_id="trace-1") as client:
        reply = client.request("GET", "task/abc/status")
    assert reply.json() == {"status": {"taskId": "abc"}}
    request = route.calls.last.request
    assert request.headers["authorization"].startswith('Hawk mac="')
    assert 'id="project/ci"' in request.headers["authorization"]
    assert request.headers["x-taskcluster-trace-id"] == "trace-1"
    assert "content-type" not in request.headers
    assert request.content == b""


@respx.mock
def test_no_credentials_means_no_authorization_header() -> None:
    route = respx.get(f"{ROOT}/api/queue/v1/ping").respond(204)
    with sync_client() as client:
        reply = client.request("GET", "/ping")
    assert reply.json() is None and reply.status_code == 204
    assert "authorization" not in route.calls.last.request.headers


@respx.mock
def test_json_body_is_raw_utf8_and_signed_over_those_bytes() -> None:
    route = respx.put(f"{ROOT}/api/queue/v1/task/abc").respond(json={})
    with sync_client(credentials=CREDS) as client:
        client.request("PUT", "task/abc", json={"name": "tâche ✓"})
    request = route.calls.last.request
    assert request.content == '{"name":"tâche ✓"}'.encode()
    assert request.headers["content-type"] == "application/json"
    assert 'hash="' in request.headers["authorization"]


@respx.mock
def test_query_is_encoded_with_lowercase_booleans() -> None:
    route = respx.get(url__startswith=f"{ROOT}/api/queue/v1/provisioners").respond(json={})
    with sync_client() as client:
        client.request(
            "GET",
            "provisioners",
            query={"limit": 5, "quarantined": True, "continuationToken": None},
        )
    assert route.calls.last.request.url.query == b"limit=5&quarantined=true"


@respx.mock
def test_timeouts_default_to_30s_and_can_be_overridden() -> None:
    route = respx.get(f"{ROOT}/api/queue/v1/ping").respond(204)
    with sync_client() as client:
        client.request("GET", "ping")
        assert route.calls.last.request.extensions["timeout"]["read"] == 30.0
        client.request("GET", "ping", timeout=2.5)
        assert route.calls.last.request.extensions["timeout"]["read"] == 2.5
        client.request("GET", "ping", timeout=None)  # then the deadline (120 s) bounds it
        assert 119 < route.calls.last.request.extensions["timeout"]["read"] <= 120
        client.request("GET", "ping", timeout=None, deadline=None)
        assert route.calls.last.request.extensions["timeout"]["read"] is None
        client.with_options(timeout=7).request("GET", "ping")
        assert route.calls.last.request.extensions["timeout"]["read"] == 7


@respx.mock
def test_retries_resign_and_then_raise_the_mapped_error() -> None:
    route = respx.get(f"{ROOT}/api/queue/v1/task/abc").mock(
        side_effect=[
            httpx.Response(500, json={"code": "InternalServerError", "message": "boom"}),
            httpx.Response(404, json={"code": "ResourceNotFound", "message": "no task abc"}),
        ]
    )
    with sync_client(credentials=CREDS) as client, pytest.raises(tce.ResourceNotFound) as info:
        client.request("GET", "task/abc")
    assert route.call_count == 2
    auths = [call.request.headers["authorization"] for call in route.calls]
    assert auths[0] != auths[1]
    assert "no task abc" in str(info.value) and f"{ROOT}/api/queue/v1/task/abc" in str(info.value)


@respx.mock
def test_max_retries_option_and_with_options() -> None:
    route = respx.get(f"{ROOT}/api/queue/v1/ping").respond(503)
    with sync_client(max_retries=2) as client:
        with pytest.raises(tce.ServerError):
            client.request("GET", "ping")
        assert route.call_count == 3
        with pytest.raises(tce.ServerError):
            client.with_options(max_retries=0).request("GET", "ping")
        assert route.call_count == 4


@respx.mock
def test_connection_errors_after_retries() -> None:
    respx.get(f"{ROOT}/api/queue/v1/ping").mock(side_effect=httpx.ConnectError("refused"))
    with (
        sync_client(retry=RetryPolicy(max_retries=1)) as client,
        pytest.raises(tce.TransportError) as info,
    ):
        client.request("GET", "ping")
    assert info.value.attempts == 2


@respx.mock
def test_non_json_reply_is_available_as_bytes() -> None:
    respx.get(f"{ROOT}/api/queue/v1/badge.svg").respond(
        200, content=b"<svg/>", headers={"content-type": "image/svg+xml"}
    )
    with sync_client() as client:
        reply = client.request("GET", "badge.svg")
    assert (
        reply.content == b"<svg/>" and reply.content_type == "image/svg+xml" and not reply.is_json
    )


@respx.mock
def test_secrets_never_reach_logs_reprs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    respx.get(f"{ROOT}/api/queue/v1/task/abc").mock(
        side_effect=[httpx.Response(500, text="oops"), httpx.Response(401, json={"message": "bad"})]
    )
    caplog.set_level(logging.DEBUG)
    client = sync_client(credentials=TEMP, authorized_scopes=["a"])
    with client, pytest.raises(tce.AuthenticationFailed) as info:
        client.request("GET", "task/abc")
    shown = [
        caplog.text,
        repr(client),
        str(client),
        str(info.value),
        repr(info.value),
        repr(client.credentials),
    ]
    shown.append(str(pickle.loads(pickle.dumps(info.value))))
    for text in shown:
        assert SECRET not in text
        assert CERT_SIGNATURE not in text
    assert "attempt 2" in caplog.text  # the debug lines are there, just without secrets


def test_root_url_is_required() -> None:
    with pytest.raises(tce.ConfigurationError, match="root_url"):
        SyncClient("", service="queue")


def test_from_env_reads_the_variables() -> None:
    env = {
        "TASKCLUSTER_ROOT_URL": "https://tc.example.com/",
        "TASKCLUSTER_CLIENT_ID": "c",
        "TASKCLUSTER_ACCESS_TOKEN": SECRET,
        "TASKCLUSTER_CERTIFICATE": json.dumps({"version": 1}),
    }
    options = from_env(environ=env)
    assert options["root_url"] == "https://tc.example.com"
    assert options["credentials"] == Credentials("c", SECRET, {"version": 1})
    assert (
        from_env(environ={"TASKCLUSTER_ROOT_URL": "https://x", "TASKCLUSTER_CLIENT_ID": ""})[
            "credentials"
        ]
        is None
    )


def test_from_env_errors_name_the_variables() -> None:
    with pytest.raises(tce.ConfigurationError, match="TASKCLUSTER_ROOT_URL"):
        from_env(environ={})
    with pytest.raises(tce.ConfigurationError, match="TASKCLUSTER_ACCESS_TOKEN"):
        from_env(environ={"TASKCLUSTER_ROOT_URL": "https://x", "TASKCLUSTER_CLIENT_ID": "c"})
    with pytest.raises(tce.ConfigurationError, match="TASKCLUSTER_PROXY_URL"):
        from_env(use_proxy=True, environ={"TASKCLUSTER_ROOT_URL": "https://x"})


def test_from_env_inside_a_task_uses_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKCLUSTER_PROXY_URL", "http://taskcluster/")
    monkeypatch.setenv("TASKCLUSTER_CLIENT_ID", "ignored")
    client = SyncClient.from_env(use_proxy=True, service="queue")
    assert client.root_url == "http://taskcluster" and client.credentials is None


def test_with_options_shares_the_pool_and_close_closes_it() -> None:
    client = sync_client(credentials=CREDS)
    copy = client.with_options(authorized_scopes=[], trace_id=NOT_GIVEN)
    assert copy.authorized_scopes == () and client.authorized_scopes is None
    assert copy.credentials is CREDS
    assert copy._http.client() is client._http.client()
    pool = client._http.client()
    client.close()
    assert pool.is_closed


def test_a_passed_http_client_is_not_closed() -> None:
    mine = httpx.Client()
    with SyncClient(ROOT, service="queue", http_client=mine):
        pass
    assert not mine.is_closed
    mine.close()


@pytest.mark.anyio
@respx.mock
async def test_async_client_shares_the_same_behaviour() -> None:
    route = respx.get(f"{ROOT}/api/queue/v1/task/abc").mock(
        side_effect=[httpx.Response(502), httpx.Response(200, json={"ok": 1})]
    )
    async with async_client(credentials=CREDS) as client:
        reply = await client.request("GET", "task/abc", timeout=3)
    assert reply.json() == {"ok": 1}
    assert route.call_count == 2
    assert route.calls.last.request.extensions["timeout"]["read"] == 3


@pytest.mark.anyio
@respx.mock
async def test_async_errors_are_mapped() -> None:
    respx.get(f"{ROOT}/api/queue/v1/task/abc").respond(
        403, json={"code": "InsufficientScopes", "message": "no"}
    )
    async with async_client(credentials=CREDS) as client:
        with pytest.raises(tce.InsufficientScopes):
            await client.request("GET", "task/abc")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@respx.mock
def test_with_options_can_change_the_root_url() -> None:
    route = respx.get("https://other.example.com/api/queue/v1/ping").respond(204)
    with sync_client() as client:
        other = client.with_options(root_url="https://other.example.com/")
        other.request("GET", "ping")
        assert other.root_url == "https://other.example.com" and client.root_url == ROOT
        assert other._http is client._http
        with pytest.raises(tce.ConfigurationError):
            client.with_options(root_url="")
    assert route.call_count == 1
