"""credential_information against the real auth service."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from taskcluster_typed import Auth, Credentials, create_temporary_credentials
from taskcluster_typed.credentials.information import credential_information

from .conftest import RealTaskcluster


def test_active_root_and_inactive_disabled_and_expired(real: RealTaskcluster) -> None:
    root = credential_information(real.root_url, real.credentials)
    assert (root.active, root.reason, root.type) == (True, None, "permanent")
    assert "*" in root.scopes

    client_id = f"typed/credential-info-{real.run_id}"
    expires = datetime.now(timezone.utc) + timedelta(hours=1)
    with real.client(Auth) as auth:
        created = auth.create_client(
            client_id,
            {
                "expires": expires,
                "description": "d",
                "scopes": ["auth:current-scopes", f"auth:get-client:{client_id}"],
            },
        )
        credentials = Credentials(client_id, created.access_token)
        assert credential_information(real.root_url, credentials).active is True
        auth.disable_client(client_id)
    disabled = credential_information(real.root_url, credentials)
    assert disabled.active is False
    assert disabled.reason is not None and "disable" in disabled.reason

    now = datetime.now(timezone.utc)
    expired = create_temporary_credentials(
        real.credentials,
        scopes=["auth:current-scopes"],
        start=now - timedelta(hours=2),
        expiry=now - timedelta(hours=1),
    )
    info = credential_information(real.root_url, expired)
    assert (info.active, info.type) == (False, "temporary")
    assert info.reason is not None and info.reason.startswith("expired at")
