"""credential_information: auth.client (anonymous) and auth.currentScopes (signed), combined
as the JavaScript client's credentialInformation does, sync and async (respx)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import respx

from taskcluster_typed import (
    CredentialInformation,
    Credentials,
    ResourceNotFound,
    async_credential_information,
    create_temporary_credentials,
    credential_information,
)
from taskcluster_typed.dates import stringify_date
from tests.support.examples import example

# respx intercepts httpx's own transport: clients use it in this module.
pytestmark = pytest.mark.usefixtures("httpx_transport")

ROOT = "https://tc.example.com"
AUTH = f"{ROOT}/api/auth/v1"
PERMANENT = Credentials("project/ci", "access-token-0123456789")
NOW = datetime.now(timezone.utc).replace(microsecond=0)


def client_reply(client_id: str, expires: datetime, disabled: bool = False) -> dict[str, Any]:
    reply = example("auth", "v1/get-client-response.json#")
    return {
        **reply,
        "clientId": client_id,
        "expires": stringify_date(expires),
        "disabled": disabled,
    }


@dataclass
class Mocked:
    client: respx.Route
    scopes: respx.Route


@pytest.fixture
def auth_service() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


def mock_auth(
    router: respx.MockRouter,
    client_id: str,
    *,
    expires: datetime,
    disabled: bool = False,
    scopes: list[str] | None = None,
) -> Mocked:
    client = router.get(f"{AUTH}/clients/{client_id.replace('/', '%2F')}").mock(
        return_value=httpx.Response(200, json=client_reply(client_id, expires, disabled))
    )
    current = router.get(f"{AUTH}/scopes/current").mock(
        return_value=httpx.Response(200, json={"scopes": scopes or ["assume:anonymous"]})
    )
    return Mocked(client, current)


def test_permanent_credentials(auth_service: respx.MockRouter) -> None:
    expires = NOW + timedelta(days=365)
    routes = mock_auth(auth_service, "project/ci", expires=expires, scopes=["queue:*", "a"])
    info = credential_information(ROOT, PERMANENT)
    assert info == CredentialInformation(
        client_id="project/ci",
        type="permanent",
        active=True,
        start=None,
        expiry=expires,
        scopes=("queue:*", "a"),
    )
    # The client lookup is anonymous; the scopes are asked with the credentials.
    assert "authorization" not in routes.client.calls.last.request.headers
    assert routes.scopes.calls.last.request.headers["authorization"].startswith('Hawk mac="')
    assert 'id="project/ci"' in routes.scopes.calls.last.request.headers["authorization"]


def test_named_temporary_credentials_look_up_their_issuer(auth_service: respx.MockRouter) -> None:
    temporary = create_temporary_credentials(
        PERMANENT,
        scopes=["queue:get-task:*"],
        start=NOW - timedelta(minutes=1),
        expiry=NOW + timedelta(hours=1),
        name="project/temporary",
    )
    routes = mock_auth(auth_service, "project/ci", expires=NOW + timedelta(days=30))
    info = credential_information(ROOT, temporary)
    assert routes.client.call_count == 1
    assert info.client_id == "project/temporary"
    assert info.type == "temporary"
    assert info.active
    assert info.start == NOW - timedelta(minutes=1)
    assert info.expiry == NOW + timedelta(hours=1)  # the certificate's, earlier than the client's
    assert 'id="project/temporary"' in routes.scopes.calls.last.request.headers["authorization"]


def test_the_client_expiry_wins_when_earlier(auth_service: respx.MockRouter) -> None:
    certificate = {"version": 1, "start": 0, "expiry": 4_000_000_000_000, "seed": "s" * 44}
    temporary = Credentials("project/ci", "token", certificate)  # unnamed: the same client
    mock_auth(auth_service, "project/ci", expires=NOW + timedelta(days=2))
    info = credential_information(ROOT, temporary)
    assert info.expiry == NOW + timedelta(days=2)
    assert info.start == datetime(1970, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("start", "expiry", "client_expires", "disabled"),
    [
        (timedelta(hours=1), timedelta(hours=2), timedelta(days=1), False),  # not started
        (timedelta(hours=-2), timedelta(hours=-1), timedelta(days=1), False),  # expired
        (timedelta(hours=-1), timedelta(hours=1), timedelta(minutes=-1), False),  # client gone
        (timedelta(hours=-1), timedelta(hours=1), timedelta(days=1), True),  # disabled
    ],
    ids=["not-started", "expired", "client-expired", "disabled"],
)
def test_inactive(
    auth_service: respx.MockRouter,
    start: timedelta,
    expiry: timedelta,
    client_expires: timedelta,
    disabled: bool,
) -> None:
    certificate = {
        "version": 1,
        "start": int((NOW + start).timestamp() * 1000),
        "expiry": int((NOW + expiry).timestamp() * 1000),
    }
    credentials = Credentials("project/ci", "token", certificate)
    mock_auth(auth_service, "project/ci", expires=NOW + client_expires, disabled=disabled)
    assert credential_information(ROOT, credentials).active is False


def test_refused_credentials_are_inactive_with_the_services_reason(
    auth_service: respx.MockRouter,
) -> None:
    mock_auth(auth_service, "project/ci", expires=NOW + timedelta(days=1))
    auth_service.get(f"{AUTH}/scopes/current").mock(
        return_value=httpx.Response(
            401, json={"code": "AuthenticationFailed", "message": "bad mac\n\n---\n\n* x"}
        )
    )
    info = credential_information(ROOT, PERMANENT)
    assert info.active is False
    assert info.reason == "the service refused the credentials: bad mac"


def test_a_disabled_client_is_inactive_without_a_signed_call(
    auth_service: respx.MockRouter,
) -> None:
    routes = mock_auth(auth_service, "project/ci", expires=NOW + timedelta(days=1), disabled=True)
    info = credential_information(ROOT, PERMANENT)
    assert (info.active, info.reason) == (False, "the client project/ci is disabled")
    assert routes.scopes.call_count == 0
    assert info.scopes  # the client's expanded scopes


def test_the_lookup_is_signed_when_anonymous_may_not(auth_service: respx.MockRouter) -> None:
    expires = NOW - timedelta(hours=1)
    certificate = {
        "version": 1,
        "start": int((NOW - timedelta(hours=2)).timestamp() * 1000),
        "expiry": int(expires.timestamp() * 1000),
        "scopes": ["queue:x"],
    }
    temporary = Credentials("project/ci", "token", certificate)
    lookup = auth_service.get(f"{AUTH}/clients/project%2Fci").mock(
        side_effect=[
            httpx.Response(403, json={"code": "InsufficientScopes", "message": "anonymous"}),
            httpx.Response(401, json={"code": "AuthenticationFailed", "message": "expired"}),
        ]
    )
    info = credential_information(ROOT, temporary)
    assert lookup.call_count == 2
    assert "authorization" not in lookup.calls[0].request.headers
    assert "authorization" in lookup.calls[1].request.headers
    assert info.active is False
    assert info.reason == f"expired at {expires.isoformat()}"
    assert info.scopes == ("queue:x",)


def test_other_errors_raise(auth_service: respx.MockRouter) -> None:
    auth_service.get(f"{AUTH}/clients/project%2Fci").mock(
        return_value=httpx.Response(404, json={"code": "ResourceNotFound", "message": "no"})
    )
    with pytest.raises(ResourceNotFound):
        credential_information(ROOT, PERMANENT)


def test_a_caller_http_client_is_used_and_left_open(auth_service: respx.MockRouter) -> None:
    routes = mock_auth(auth_service, "project/ci", expires=NOW + timedelta(days=1))
    with httpx.Client() as http:
        credential_information(ROOT, PERMANENT, http_client=http)
        assert not http.is_closed
    assert routes.scopes.call_count == 1


@pytest.mark.anyio
async def test_async(auth_service: respx.MockRouter) -> None:
    temporary = create_temporary_credentials(
        PERMANENT, scopes=[], start=NOW, expiry=NOW + timedelta(hours=1)
    )
    routes = mock_auth(auth_service, "project/ci", expires=NOW + timedelta(days=1), scopes=["x"])
    info = await async_credential_information(ROOT, temporary)
    assert info == CredentialInformation(
        client_id="project/ci",
        type="temporary",
        active=True,
        start=NOW,
        expiry=NOW + timedelta(hours=1),
        scopes=("x",),
    )
    assert routes.client.call_count == 1
    assert routes.scopes.call_count == 1


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
