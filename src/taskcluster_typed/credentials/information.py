"""What a deployment says about a set of credentials (the JavaScript client's
``credentialInformation``).

Two calls through the generated Auth client: ``auth.client(<issuer or client id>)`` for the
client's expiry and whether it is disabled, and ``auth.currentScopes()`` with the
credentials, for the scopes they carry. Temporary credentials add their certificate's start
and expiry.

Scopes: ``auth.client`` needs ``auth:get-client:<clientId>`` (the issuer's id for named
temporary credentials); it is asked anonymously first (a deployment's ``anonymous`` role
often grants it), then with the credentials themselves. ``auth.currentScopes`` needs
``auth:current-scopes``. Credentials that are expired, not yet valid, disabled or refused by
the service are not an error: the answer says ``active=False`` and why (`reason`), as the
JavaScript client answers ``active: false``. Other errors (no such client, missing scopes,
the service down) raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

import httpx

from .._core.errors import AuthenticationFailed, InsufficientScopes
from .client_credentials import Credentials

if TYPE_CHECKING:
    from ..models.auth import GetClientResponse

__all__ = ["CredentialInformation", "async_credential_information", "credential_information"]


@dataclass(frozen=True, slots=True)
class CredentialInformation:
    """The answer of `credential_information`.

    `client_id` is the credentials' client id; `type` is ``"temporary"`` when they carry a
    certificate. `start` is the certificate's start (None for permanent credentials);
    `expiry` the earlier of the certificate's expiry and the (issuing) client's. `active` is
    False when the client is disabled, or now is before `start` or after `expiry`, or the
    service refused the credentials; `reason` then says which (None when active). `scopes`
    are the scopes the credentials carry, expanded by the server (for inactive credentials:
    the certificate's scopes, or the client's expanded scopes).
    """

    client_id: str
    type: Literal["permanent", "temporary"]
    active: bool
    start: datetime | None
    expiry: datetime | None
    scopes: tuple[str, ...]
    reason: str | None = None


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
    credentials: Credentials,
    client: GetClientResponse | None,
    scopes: Sequence[str] | None,
    refused: str | None = None,
) -> CredentialInformation:
    """The answer from the client lookup (None if the service refused the credentials for
    it) and the current scopes (None when not asked, or `refused` says why not)."""
    certificate = credentials.certificate
    start = expiry = None
    if certificate is not None:
        start = _from_ms(certificate.get("start"), "start")
        expiry = _from_ms(certificate.get("expiry"), "expiry")
    if client is not None and (expiry is None or client.expires < expiry):
        expiry = client.expires
    now = datetime.now(timezone.utc)
    reason = refused
    if client is not None and client.disabled:
        reason = f"the client {client.client_id} is disabled"
    elif start is not None and start > now:
        reason = f"not valid before {start.isoformat()}"
    elif expiry is not None and now > expiry:
        reason = f"expired at {expiry.isoformat()}"
    if scopes is None:
        if certificate is not None:
            scopes = [str(s) for s in certificate.get("scopes") or ()]
        else:
            scopes = [s for s in client.expanded_scopes] if client is not None else []
    return CredentialInformation(
        client_id=credentials.client_id,
        type="temporary" if certificate is not None else "permanent",
        active=reason is None,
        start=start,
        expiry=expiry,
        scopes=tuple(scopes),
        reason=reason,
    )


def _refusal(error: AuthenticationFailed) -> str:
    return "the service refused the credentials: " + error.message.split("\n\n---", 1)[0].strip()


def credential_information(
    root_url: str, credentials: Credentials, *, http_client: httpx.Client | None = None
) -> CredentialInformation:
    """What the deployment at `root_url` says about `credentials` (two or three requests).

    Expired, disabled or refused credentials give ``active=False`` and a `reason`, not an
    error. Needs ``auth:get-client:<clientId>`` (anonymously or held by the credentials)
    and ``auth:current-scopes``.

    >>> info = credential_information("https://tc.example.com", credentials)
    >>> info.type, info.active, info.reason, info.expiry, info.scopes
    """
    from ..services.auth import Auth

    with Auth(root_url, http_client=http_client) as anonymous:
        signed = anonymous.with_options(credentials=credentials)
        try:
            try:
                client = anonymous.client(_lookup_id(credentials))
            except InsufficientScopes:
                client = signed.client(_lookup_id(credentials))
        except AuthenticationFailed as error:
            return _assemble(credentials, None, None, _refusal(error))
        answer = _assemble(credentials, client, None)
        if not answer.active:
            return answer  # the service would refuse them: no signed call is made
        try:
            scopes = signed.current_scopes()
        except AuthenticationFailed as error:
            return _assemble(credentials, client, None, _refusal(error))
    return _assemble(credentials, client, scopes.scopes)


async def async_credential_information(
    root_url: str, credentials: Credentials, *, http_client: httpx.AsyncClient | None = None
) -> CredentialInformation:
    """`credential_information` for async code."""
    from ..services.auth import AsyncAuth

    async with AsyncAuth(root_url, http_client=http_client) as anonymous:
        signed = anonymous.with_options(credentials=credentials)
        try:
            try:
                client = await anonymous.client(_lookup_id(credentials))
            except InsufficientScopes:
                client = await signed.client(_lookup_id(credentials))
        except AuthenticationFailed as error:
            return _assemble(credentials, None, None, _refusal(error))
        answer = _assemble(credentials, client, None)
        if not answer.active:
            return answer
        try:
            scopes = await signed.current_scopes()
        except AuthenticationFailed as error:
            return _assemble(credentials, client, None, _refusal(error))
    return _assemble(credentials, client, scopes.scopes)
