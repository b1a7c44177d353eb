"""What a deployment says about a set of credentials (the JavaScript client's
``credentialInformation``).

Two calls through the generated Auth client: ``auth.client(<issuer or client id>)``,
anonymously, for the client's expiry and whether it is disabled, and ``auth.currentScopes()``
with the credentials, for the scopes they carry (this also proves they work: bad
credentials raise `AuthenticationFailed`). Temporary credentials add their certificate's
start and expiry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

import httpx

from .credentials import Credentials

if TYPE_CHECKING:
    from .models.auth import GetClientResponse

__all__ = ["CredentialInformation", "async_credential_information", "credential_information"]


@dataclass(frozen=True, slots=True)
class CredentialInformation:
    """The answer of `credential_information`.

    `client_id` is the credentials' client id; `type` is ``"temporary"`` when they carry a
    certificate. `start` is the certificate's start (None for permanent credentials);
    `expiry` the earlier of the certificate's expiry and the (issuing) client's. `active` is
    False when the client is disabled, or now is before `start` or after `expiry`. `scopes`
    are the scopes the credentials carry, expanded by the server.
    """

    client_id: str
    type: Literal["permanent", "temporary"]
    active: bool
    start: datetime | None
    expiry: datetime | None
    scopes: tuple[str, ...]


def _from_ms(value: Any, field: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"the certificate's {field} is not a time in milliseconds")
    return datetime.fromtimestamp(value / 1000, tz=timezone.utc)


def _lookup_id(credentials: Credentials) -> str:
    """The client whose expiry and status count: the issuer of named temporary credentials."""
    certificate = credentials.certificate
    issuer = certificate.get("issuer") if certificate is not None else None
    return issuer if isinstance(issuer, str) and issuer else credentials.client_id


def _assemble(
    credentials: Credentials, client: GetClientResponse, scopes: Sequence[str]
) -> CredentialInformation:
    certificate = credentials.certificate
    start = expiry = None
    if certificate is not None:
        start = _from_ms(certificate.get("start"), "start")
        expiry = _from_ms(certificate.get("expiry"), "expiry")
    if expiry is None or client.expires < expiry:
        expiry = client.expires
    now = datetime.now(timezone.utc)
    active = not client.disabled and not (start is not None and start > now) and not now > expiry
    return CredentialInformation(
        client_id=credentials.client_id,
        type="temporary" if certificate is not None else "permanent",
        active=active,
        start=start,
        expiry=expiry,
        scopes=tuple(scopes),
    )


def credential_information(
    root_url: str, credentials: Credentials, *, http_client: httpx.Client | None = None
) -> CredentialInformation:
    """What the deployment at `root_url` says about `credentials` (two requests).

    >>> info = credential_information("https://tc.example.com", credentials)
    >>> info.type, info.active, info.expiry, info.scopes
    """
    from .services.auth import Auth

    with Auth(root_url, http_client=http_client) as anonymous:
        client = anonymous.client(_lookup_id(credentials))
        scopes = anonymous.with_options(credentials=credentials).current_scopes()
    return _assemble(credentials, client, scopes.scopes)


async def async_credential_information(
    root_url: str, credentials: Credentials, *, http_client: httpx.AsyncClient | None = None
) -> CredentialInformation:
    """`credential_information` for async code."""
    from .services.auth import AsyncAuth

    async with AsyncAuth(root_url, http_client=http_client) as anonymous:
        client = await anonymous.client(_lookup_id(credentials))
        scopes = await anonymous.with_options(credentials=credentials).current_scopes()
    return _assemble(credentials, client, scopes.scopes)
