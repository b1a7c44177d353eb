"""The local Taskcluster authenticates and authorizes like the services (behaviour doc §2-3):
same status and error code for bad signatures, expired certificates, missing scopes and
schema-invalid input."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import taskcluster  # type: ignore[import-untyped]

from taskcluster_typed import (
    APIError,
    Auth,
    AuthenticationFailed,
    Credentials,
    InsufficientScopes,
    Queue,
    Secrets,
    WorkerManager,
    create_temporary_credentials,
    from_now,
)
from taskcluster_typed._core import hawk as hawk_signing
from taskcluster_typed.testing import LocalTaskcluster


@pytest.fixture(scope="module")
def tc() -> Iterator[LocalTaskcluster]:
    with LocalTaskcluster() as deployment:
        deployment.secrets.secrets["s/one"] = {
            "secret": {"v": 1},
            "expires": "2099-01-01T00:00:00Z",
        }
        yield deployment


def _code(error: pytest.ExceptionInfo[APIError]) -> tuple[int, str | None]:
    return error.value.status_code, error.value.code


def test_root_credentials_work(tc: LocalTaskcluster) -> None:
    assert tc.client(Auth).current_scopes().scopes == ["*"]


def test_wrong_token_unknown_client_and_disabled_client_are_401(tc: LocalTaskcluster) -> None:
    for credentials in (
        Credentials(tc.root_credentials.client_id, "wrong"),
        Credentials("nobody", "x"),
    ):
        with pytest.raises(AuthenticationFailed) as raised:
            tc.client(Secrets, credentials=credentials).get("s/one")
        assert _code(raised) == (401, "AuthenticationFailed")
        assert raised.value.request_info["method"] == "get"


def test_expired_client_is_401(tc: LocalTaskcluster) -> None:
    old = tc.add_client("old", ["*"], expires_in=timedelta(seconds=-1))
    with pytest.raises(AuthenticationFailed, match="expired"):
        tc.client(Secrets, credentials=old).get("s/one")


def test_insufficient_scopes_is_403(tc: LocalTaskcluster) -> None:
    secrets = tc.client(Secrets, scopes=["secrets:get:other/*"])
    with pytest.raises(InsufficientScopes) as raised:
        secrets.get("s/one")
    assert _code(raised) == (403, "InsufficientScopes")
    assert "secrets:get:s/one" in raised.value.message


def test_roles_expand(tc: LocalTaskcluster) -> None:
    tc.add_role("project:reader", ["secrets:get:s/*"])
    assert tc.client(Secrets, scopes=["assume:project:reader"]).get("s/one").secret == {"v": 1}


def test_temporary_credentials(tc: LocalTaskcluster) -> None:
    temporary = create_temporary_credentials(
        tc.root_credentials, scopes=["secrets:get:s/*"], expiry=timedelta(minutes=5)
    )
    assert tc.client(Secrets, credentials=temporary).get("s/one").secret == {"v": 1}
    with pytest.raises(InsufficientScopes):
        tc.client(Secrets, credentials=temporary).get("t/one")
    named = create_temporary_credentials(
        tc.root_credentials, scopes=["auth:current-scopes"], expiry=timedelta(minutes=5), name="me"
    )
    scopes = tc.client(Auth, credentials=named).current_scopes().scopes
    assert scopes == ["assume:anonymous", "auth:current-scopes"]


def test_expired_certificate_is_401(tc: LocalTaskcluster) -> None:
    temporary = create_temporary_credentials(
        tc.root_credentials,
        scopes=["*"],
        start=datetime.now(timezone.utc) - timedelta(hours=2),
        expiry=datetime.now(timezone.utc) - timedelta(hours=1),
    )
    with pytest.raises(AuthenticationFailed, match="expiry < now"):
        tc.client(Secrets, credentials=temporary).get("s/one")


def test_certificate_beyond_the_issuer_scopes_or_tampered_is_401(tc: LocalTaskcluster) -> None:
    small = tc.add_client("small", ["secrets:get:s/*"])
    temporary = create_temporary_credentials(small, scopes=["*"], expiry=timedelta(minutes=5))
    with pytest.raises(AuthenticationFailed, match="satisfy all certificate scopes"):
        tc.client(Secrets, credentials=temporary).get("s/one")
    good = create_temporary_credentials(
        small, scopes=["secrets:get:s/one"], expiry=timedelta(minutes=5)
    )
    certificate = good.certificate or {}
    forged = Credentials(
        good.client_id, good.access_token, {**certificate, "scopes": ["secrets:get:s/*"]}
    )
    with pytest.raises(AuthenticationFailed, match="signature"):
        tc.client(Secrets, credentials=forged).get("s/one")
    named = create_temporary_credentials(small, scopes=[], expiry=timedelta(minutes=5), name="x")
    with pytest.raises(AuthenticationFailed, match="auth:create-client:x"):
        tc.client(Auth, credentials=named).current_scopes()


def test_authorized_scopes_restrict_and_cannot_overstep(tc: LocalTaskcluster) -> None:
    auth = tc.client(Auth, authorized_scopes=["auth:current-scopes"])
    assert auth.current_scopes().scopes == ["assume:anonymous", "auth:current-scopes"]
    with pytest.raises(InsufficientScopes):
        tc.client(Secrets, authorized_scopes=["auth:current-scopes"]).get("s/one")
    small = tc.add_client("small2", ["auth:current-scopes"])
    with pytest.raises(AuthenticationFailed, match="authorizedScopes"):
        tc.client(Auth, credentials=small, authorized_scopes=["*"]).current_scopes()


def _signed(tc: LocalTaskcluster, method: str, url: str, body: bytes | None, **kw: Any) -> str:
    return hawk_signing.header(
        credentials=tc.root_credentials,
        method=method,
        url=url,
        content_hash=hawk_signing.payload_hash(body or b"", "application/json"),
        ext=None,
        **kw,
    )


def test_stale_timestamp_and_payload_hash_mismatch_are_401(tc: LocalTaskcluster) -> None:
    url = f"{tc.root_url}/api/secrets/v1/secret/s%2Fnew"
    body = json.dumps({"secret": {}, "expires": "2099-01-01T00:00:00Z"}).encode()
    stale = _signed(tc, "PUT", url, body, ts=int(time.time()) - 3600)
    headers = {"content-type": "application/json"}
    reply = httpx.put(url, content=body, headers={**headers, "authorization": stale})
    assert reply.status_code == 401 and reply.json()["code"] == "AuthenticationFailed"
    header = _signed(tc, "PUT", url, body)
    tampered = body.replace(b"{}", b'{"a":1}')
    reply = httpx.put(url, content=tampered, headers={**headers, "authorization": header})
    assert (reply.status_code, reply.json()["code"]) == (401, "AuthenticationFailed")
    assert "Bad payload hash" in reply.json()["message"]
    ok = httpx.put(url, content=body, headers={**headers, "authorization": header})
    assert ok.status_code == 204


def test_bewits(tc: LocalTaskcluster) -> None:
    secrets = tc.client(Secrets)
    url = secrets.signed_urls.get("s/one")
    assert httpx.get(url).json()["secret"] == {"v": 1}
    unsigned = secrets.urls.get("s/one")
    expired_at = int(time.time()) - 5
    bewit = hawk_signing.bewit(
        credentials=tc.root_credentials, authorized_scopes=None, url=unsigned, expires_at=expired_at
    )
    expired = f"{unsigned}?bewit={bewit}"
    reply = httpx.get(expired)
    assert (reply.status_code, reply.json()["code"]) == (401, "AuthenticationFailed")
    other = url.replace("s%2Fone", "s%2Ftwo")
    assert httpx.get(other).status_code == 401
    both = httpx.get(url, headers={"authorization": 'Hawk id="x"'})
    assert both.status_code == 401
    limited = tc.client(Secrets, authorized_scopes=["secrets:get:other"]).signed_urls.get("s/one")
    assert httpx.get(limited).json()["code"] == "InsufficientScopes"


def _raw(tc: LocalTaskcluster) -> Secrets:
    return tc.client(Secrets)


def test_schema_invalid_body_is_400_input_validation_error(tc: LocalTaskcluster) -> None:
    with pytest.raises(APIError) as raised:
        _raw(tc).request("PUT", "secret/s%2Fbad", json={"secret": {}, "expires": "soon"})
    assert _code(raised) == (400, "InputValidationError")
    body = raised.value.body
    assert set(body) == {"code", "message", "requestInfo"}
    assert (
        "* data.expires: " in body["message"]
        and "* errorCode: InputValidationError" in body["message"]
    )
    assert body["requestInfo"]["params"] == {"name": "s/bad"}
    with pytest.raises(APIError) as raised:
        _raw(tc).request(
            "PUT", "secret/s%2Fbad", json={"secret": {}, "expires": "2099-01-01T00:00:00Z", "x": 1}
        )
    assert _code(raised) == (400, "InputValidationError")
    with pytest.raises(APIError) as raised:
        _raw(tc).request("PUT", "secret/s%2Fbad", json="a string")
    assert _code(raised) == (400, "MalformedPayload")


def test_unknown_query_options_are_400_invalid_request_arguments(tc: LocalTaskcluster) -> None:
    with pytest.raises(APIError) as raised:
        _raw(tc).request("GET", "secrets", query={"colour": "blue"})
    assert _code(raised) == (400, "InvalidRequestArguments")
    with pytest.raises(APIError) as raised:
        _raw(tc).request("GET", "secrets", query={"limit": "ten"})
    assert _code(raised) == (400, "InvalidRequestArguments")


def test_services_not_imitated_are_501_naming_the_method_and_unknown_routes_404(
    tc: LocalTaskcluster,
) -> None:
    queue = tc.client(Queue, max_retries=0)
    with pytest.raises(APIError) as raised:
        tc.client(WorkerManager, max_retries=0).list_providers()
    assert raised.value.status_code == 501
    assert "worker-manager.listProviders is not imitated" in raised.value.message
    with pytest.raises(APIError) as raised:
        queue.request("GET", "no/such/route")
    assert _code(raised) == (404, "ResourceNotFound")
    queue.ping()


def test_test_authenticate_endpoints(tc: LocalTaskcluster) -> None:
    tester = Credentials("tester", "no-secret")
    auth = tc.client(Auth, credentials=tester)
    reply = auth.test_authenticate({"clientScopes": ["a:*"], "requiredScopes": ["a:b"]})
    assert reply.client_id == "tester" and "a:*" in reply.scopes
    with pytest.raises(InsufficientScopes):
        auth.test_authenticate({"clientScopes": ["a:*"], "requiredScopes": ["c"]})
    assert auth.test_authenticate_get().client_id == "tester"
    with pytest.raises(AuthenticationFailed):
        tc.client(Auth).test_authenticate_get()


def test_the_official_client_works_against_it(tc: LocalTaskcluster) -> None:
    options: dict[str, Any] = {
        "rootUrl": tc.root_url,
        "credentials": {
            "clientId": tc.root_credentials.client_id,
            "accessToken": tc.root_credentials.access_token,
        },
        "maxRetries": 0,
    }
    secrets = taskcluster.Secrets(options)
    secrets.set("s/official", {"secret": {"ok": True}, "expires": from_now("1 hour").isoformat()})
    assert secrets.get("s/official")["secret"] == {"ok": True}
    url = secrets.buildSignedUrl("get", "s/official")
    assert httpx.get(url).json()["secret"] == {"ok": True}
    temporary = taskcluster.createTemporaryCredentials(
        options["credentials"]["clientId"],
        options["credentials"]["accessToken"],
        datetime.now(timezone.utc) - timedelta(minutes=1),
        datetime.now(timezone.utc) + timedelta(minutes=5),
        ["secrets:get:s/*"],
    )
    limited = taskcluster.Secrets({**options, "credentials": temporary})
    assert limited.get("s/official")["secret"] == {"ok": True}
    ext = base64.b64encode(b"not json").decode()
    url = f"{tc.root_url}/api/auth/v1/scopes/current"
    header = hawk_signing.header(
        credentials=tc.root_credentials, method="GET", url=url, content_hash=None, ext=ext
    )
    reply = httpx.get(url, headers={"authorization": header})
    assert reply.status_code == 401 and "Failed to parse ext" in reply.json()["message"]
