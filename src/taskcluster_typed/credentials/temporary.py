"""Temporary credentials: issued locally, without calling the server, from permanent ones.

The issuer signs a certificate (version, scopes, start, expiry, a random seed, and for
named credentials the issuer) with its access token; the temporary access token is derived
from the seed. The auth service checks the certificate on every request, so temporary
credentials can do at most what the issuer can, within their scopes, between start and
expiry, and for 31 days at most.

The certificate and token are byte-for-byte what the official Python client's
``createTemporaryCredentials`` makes from the same inputs (times in whole seconds, the seed
two nice slug ids), with more checks before signing: permanent issuer only, a name different
from the issuer, valid scopes, expiry after start. An empty scope list signs correctly (the
JavaScript client signs it wrongly, so the server refuses those).
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
from datetime import datetime, timedelta, timezone
from typing import Any

from .._core.errors import ArgumentError, CredentialsError
from ..scopes import Scopes, valid_scope
from ..slugids import slugid
from .client_credentials import Credentials

__all__ = ["MAX_TEMPORARY_CREDENTIALS_LIFETIME", "create_temporary_credentials"]

MAX_TEMPORARY_CREDENTIALS_LIFETIME = timedelta(days=31)


def _new_seed() -> str:
    """44 random characters: two nice slug ids, as both official clients make the seed."""
    return slugid() + slugid()


def _when(value: datetime | timedelta, now: datetime, name: str) -> datetime:
    """A datetime as given (naive means UTC), or a timedelta from now."""
    if isinstance(value, timedelta):
        return now + value
    if isinstance(value, datetime):  # pyright: ignore[reportUnnecessaryIsInstance]
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    raise ArgumentError(f"{name} must be a datetime or a timedelta, not {type(value).__name__}")


def _milliseconds(value: datetime) -> int:
    """Whole seconds since the epoch, in milliseconds (the official Python client's rounding)."""
    return calendar.timegm(value.utctimetuple()) * 1000


def _sign(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def create_temporary_credentials(
    issuer: Credentials,
    *,
    scopes: Scopes,
    expiry: datetime | timedelta,
    start: datetime | timedelta | None = None,
    name: str | None = None,
) -> Credentials:
    """Temporary credentials signed by `issuer`, holding `scopes` from `start` to `expiry`.

    ``start`` and ``expiry`` are datetimes (naive ones are UTC) or timedeltas from now;
    ``start`` defaults to now. With a `name`, the credentials are "named": their client id is
    `name` (the issuer needs the scope ``auth:create-client:<name>``), else it is the
    issuer's. The result is ready to use::

        temporary = create_temporary_credentials(
            credentials, scopes=["queue:get-artifact:private/*"], expiry=timedelta(hours=1)
        )
        Queue(root_url, credentials=temporary)

    Raises `CredentialsError` when `issuer` is itself temporary or `name` is the issuer's
    client id, and `ValueError` for invalid scopes, an expiry not after the start, or a
    lifetime over 31 days.
    """
    if not isinstance(issuer, Credentials):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise CredentialsError("issuer must be taskcluster_typed.Credentials")
    if issuer.is_temporary:
        raise CredentialsError("temporary credentials cannot issue temporary credentials")
    if name is not None and name == issuer.client_id:
        raise CredentialsError(
            f"the name of temporary credentials must differ from the issuer ({name!r})"
        )
    if name == "":
        raise CredentialsError("the name of temporary credentials must not be empty")
    if isinstance(scopes, str):
        raise ArgumentError("scopes must be a sequence of scopes, not a str")
    scope_list = list(scopes)
    invalid = [s for s in scope_list if not valid_scope(s)]
    if invalid:
        raise ArgumentError(f"invalid scopes (a scope is printable ASCII): {invalid!r}")
    now = datetime.now(timezone.utc)
    start_ms = _milliseconds(_when(now if start is None else start, now, "start"))
    expiry_ms = _milliseconds(_when(expiry, now, "expiry"))
    if expiry_ms <= start_ms:
        raise ArgumentError("the expiry of temporary credentials must be after their start")
    if expiry_ms - start_ms > MAX_TEMPORARY_CREDENTIALS_LIFETIME // timedelta(milliseconds=1):
        raise ArgumentError("temporary credentials can last 31 days at most")

    seed = _new_seed()
    certificate: dict[str, Any] = {
        "version": 1,
        "scopes": scope_list,
        "start": start_ms,
        "expiry": expiry_ms,
        "seed": seed,
    }
    lines = ["version:1"]
    if name is not None:
        certificate["issuer"] = issuer.client_id
        lines += [f"clientId:{name}", f"issuer:{issuer.client_id}"]
    lines += [f"seed:{seed}", f"start:{start_ms}", f"expiry:{expiry_ms}", "scopes:", *scope_list]
    key = issuer.access_token.encode("ascii")
    signature = _sign(key, "\n".join(lines).encode("utf-8"))
    certificate["signature"] = base64.b64encode(signature).decode("ascii")
    token = base64.urlsafe_b64encode(_sign(key, seed.encode("ascii"))).decode("ascii")
    return Credentials(name or issuer.client_id, token.rstrip("="), certificate)
