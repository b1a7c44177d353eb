"""Authentication as the auth service does it (libraries/api middleware/auth.js and the
signature validator): Hawk headers and bewits, temporary credentials (certificates),
``authorizedScopes``, and the expansion of scopes through roles.

MACs are recomputed with `taskcluster_typed._core.hawk`, the code the clients sign with.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Any, cast

from ..._core import hawk
from ..._core.errors import CredentialsError
from ...credentials import Credentials
from ...scopes import satisfies_expression, valid_scope
from .auth_state import AuthState, Client
from .failures import Failure

SKEW_SECONDS = 900
_ATTRIBUTE = re.compile(r'(\w+)="([^"\\]*)"')
_BEWIT_TOKEN = re.compile(r"^[\w-]*$")
_MAX_CERTIFICATE_MS = 31 * 24 * 3600 * 1000
_CLOCK_DRIFT_MS = 5 * 60 * 1000


@dataclass(frozen=True)
class Caller:
    """Who made a request: the client id (None: anonymous) and the scopes it holds."""

    client_id: str | None
    scopes: list[str]
    expires_ms: float | None = None
    payload_hash: str | None = None  # the Hawk header's ``hash``, when it has one


@dataclass(frozen=True)
class RequestData:
    method: str
    resource: str  # path and query as sent
    host: str
    port: int
    authorization: str | None
    content_type: str
    body: bytes


def _fail(message: str) -> Failure:
    return Failure(401, "AuthenticationFailed", message)


def _b64decode(text: str, *, urlsafe: bool) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    try:
        if urlsafe:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise _fail("Failed to parse ext") from None


def _parse_ext(ext: str) -> dict[str, Any]:
    if not ext:
        return {}
    try:
        parsed = json.loads(_b64decode(ext, urlsafe=False))
    except ValueError:
        raise _fail("Failed to parse ext") from None
    if not isinstance(parsed, dict):
        raise _fail("Failed to parse ext")
    return cast("dict[str, Any]", parsed)


def _js_number(value: float) -> str:
    """A number as JavaScript prints it in the signed text (``1700000000000``, not ``.0``)."""
    return str(int(value)) if float(value).is_integer() else repr(value)


def _scope_list(value: object) -> bool:
    """Whether `value` is a JSON array of valid scopes."""
    if type(value) is not list:
        return False
    return all(valid_scope(s) for s in cast("list[object]", value))


class Authenticator:
    def __init__(self, state: AuthState) -> None:
        self.state = state

    def _client(self, client_id: str) -> Client:
        with self.state.lock:
            client = self.state.clients.get(client_id)
        if client is None:
            raise _fail(f"Client with clientId '{client_id}' not found")
        if client.disabled:
            raise _fail(f"Client with clientId '{client_id}' is disabled")
        if client.expires.timestamp() < time.time():
            raise _fail(f"Client with clientId: '{client_id}' has expired")
        return client

    def authenticate(self, request: RequestData, *, check_payload: bool = True) -> Caller:
        """The caller of `request`; `Failure` (401) when the signature does not hold.
        `check_payload`: check the header's payload hash against the body (not for
        ``authenticateHawk``, whose caller checks it)."""
        has_bewit = re.search(r"[?&]bewit=", request.resource) is not None
        if request.authorization is not None and has_bewit:
            raise _fail("Cannot use both a Hawk header and a bewit")
        if request.authorization is not None:
            return self._header(request, check_payload)
        if has_bewit:
            return self._bewit(request)
        return Caller(None, self.state.expand(["assume:anonymous"]))

    # The two schemes ----------------------------------------------------------

    def _header(self, request: RequestData, check_payload: bool) -> Caller:
        value = request.authorization or ""
        if not value.startswith("Hawk "):
            raise _fail("Unsupported authorization scheme")
        attributes = dict(_ATTRIBUTE.findall(value))
        for required in ("id", "ts", "nonce", "mac"):
            if not attributes.get(required):
                raise _fail(f"Missing attribute: {required}")
        if not attributes["ts"].isdigit():
            raise _fail("Invalid timestamp")
        ext = attributes.get("ext", "")
        client_id, key, scopes, expires = self._credentials(attributes["id"], _parse_ext(ext))
        try:
            signing = Credentials(client_id, key)
        except CredentialsError:
            raise _fail("Invalid client id or access token") from None
        expected = hawk.header(
            credentials=signing,
            method=request.method,
            url=f"http://{request.host}:{request.port}{request.resource}",
            content_hash=attributes.get("hash") or None,
            ext=ext or None,
            ts=int(attributes["ts"]),
            nonce_value=attributes["nonce"],
        )
        mac = dict(_ATTRIBUTE.findall(expected))["mac"]
        if not hmac.compare_digest(mac, attributes["mac"]):
            raise _fail("Unauthorized: Bad mac")
        if abs(int(attributes["ts"]) - time.time()) > SKEW_SECONDS:
            raise _fail("Unauthorized: Stale timestamp")
        if attributes.get("hash") and check_payload:
            computed = hawk.payload_hash(request.body, request.content_type)
            if not hmac.compare_digest(computed, attributes["hash"]):
                raise _fail("Unauthorized: Bad payload hash")
        caller = self._result(client_id, scopes, _parse_ext(ext), expires)
        return dataclasses.replace(caller, payload_hash=attributes.get("hash") or None)

    def _bewit(self, request: RequestData) -> Caller:
        if request.method not in ("GET", "HEAD"):
            raise _fail("Invalid method for bewit")
        found = re.search(r"([?&])bewit=([^&]*)(&|$)", request.resource)
        assert found is not None
        token = found.group(2)
        if not _BEWIT_TOKEN.match(token):
            raise _fail("Invalid bewit encoding")
        try:
            parts = _b64decode(token, urlsafe=True).decode("utf-8").split("\\")
        except UnicodeDecodeError:
            raise _fail("Invalid bewit encoding") from None
        if len(parts) != 4 or not parts[1].isdigit():
            raise _fail("Invalid bewit structure")
        bewit_id, exp, mac, ext = parts
        start, end = found.span()
        separator = found.group(1) if found.group(3) else ""
        resource = request.resource[:start] + separator + request.resource[end:]
        if resource.endswith("?"):
            resource = resource[:-1]
        client_id, key, scopes, expires = self._credentials(bewit_id, _parse_ext(ext))
        normalized = (
            f"hawk.1.bewit\n{exp}\n\nGET\n{resource}\n{request.host}\n{request.port}\n\n{ext}\n"
        )
        digest = hmac.new(key.encode("ascii"), normalized.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(base64.b64encode(digest).decode("ascii"), mac):
            raise _fail("Unauthorized: Bad mac")
        if int(exp) * 1000 <= time.time() * 1000:
            raise _fail("Unauthorized: Access expired")
        return self._result(client_id, scopes, _parse_ext(ext), expires)

    # Credentials ----------------------------------------------------------------

    def _credentials(
        self, client_id: str, ext: dict[str, Any]
    ) -> tuple[str, str, list[str], float]:
        """(client id, key to check the MAC with, scopes before restriction, expiry in ms)."""
        certificate = ext.get("certificate")
        if certificate is None:
            client = self._client(client_id)
            return (
                client_id,
                client.access_token,
                self.state.client_scopes(client),
                (client.expires.timestamp() * 1000),
            )
        return self._temporary(client_id, certificate)

    def _temporary(self, client_id: str, cert: Any) -> tuple[str, str, list[str], float]:
        if not isinstance(cert, dict):
            raise _fail("ext.certificate must be a JSON object")
        certificate = cast("dict[str, Any]", cert)
        issuer_id = certificate.get("issuer")
        if issuer_id is not None and (not isinstance(issuer_id, str) or issuer_id == client_id):
            raise _fail("ext.certificate.issuer must be a string and differ from the client id")
        issuer = self._client(issuer_id if isinstance(issuer_id, str) else client_id)
        if certificate.get("version") != 1:
            raise _fail("ext.certificate.version must be 1")
        seed = certificate.get("seed")
        if not isinstance(seed, str) or len(seed) != 44:
            raise _fail("ext.certificate.seed must be a string of 44 characters")
        start, expiry = certificate.get("start"), certificate.get("expiry")
        if not isinstance(start, int | float) or not isinstance(expiry, int | float):
            raise _fail("ext.certificate.start and expiry must be numbers")
        scopes = certificate.get("scopes")
        if not _scope_list(scopes):
            raise _fail("ext.certificate.scopes must be an array of valid scopes")
        cert_scopes = cast("list[str]", scopes)
        now_ms = time.time() * 1000
        if start > now_ms + _CLOCK_DRIFT_MS:
            raise _fail("ext.certificate.start > now")
        if expiry < now_ms - _CLOCK_DRIFT_MS:
            raise _fail("ext.certificate.expiry < now")
        if expiry - start > _MAX_CERTIFICATE_MS:
            raise _fail("ext.certificate cannot last longer than 31 days!")
        issuer_scopes = self.state.client_scopes(issuer)
        if issuer_id is not None and not satisfies_expression(
            issuer_scopes, f"auth:create-client:{client_id}"
        ):
            raise _fail(
                f"ext.certificate issuer `{issuer_id}` doesn't have "
                f"`auth:create-client:{client_id}` for supplied clientId."
            )
        if not satisfies_expression(issuer_scopes, {"AllOf": cert_scopes}):
            raise _fail(
                f"ext.certificate issuer `{issuer.client_id}` doesn't satisfy all certificate "
                f"scopes {', '.join(cert_scopes)}.  The temporary credentials were not "
                "generated correctly."
            )
        lines = ["version:1"]
        if issuer_id is not None:
            lines += [f"clientId:{client_id}", f"issuer:{issuer_id}"]
        lines += [
            f"seed:{seed}",
            f"start:{_js_number(start)}",
            f"expiry:{_js_number(expiry)}",
            "scopes:",
            *cert_scopes,
        ]
        key = issuer.access_token.encode("ascii")
        signature = hmac.new(key, "\n".join(lines).encode(), hashlib.sha256).digest()
        given = certificate.get("signature")
        if not isinstance(given, str) or not hmac.compare_digest(
            base64.b64encode(signature).decode("ascii"), given
        ):
            raise _fail(
                "ext.certificate.signature is not valid"
                + (", or wrong clientId provided" if issuer_id is not None else "")
            )
        token = hmac.new(key, seed.encode("ascii"), hashlib.sha256).digest()
        access_token = base64.urlsafe_b64encode(token).decode("ascii").rstrip("=")
        expires = min(issuer.expires.timestamp() * 1000, float(expiry))
        return client_id, access_token, cert_scopes, expires

    def _result(
        self, client_id: str, scopes: list[str], ext: dict[str, Any], expires: float
    ) -> Caller:
        expanded = self.state.expand([*scopes, "assume:anonymous"])
        if "authorizedScopes" in ext:
            authorized = ext["authorizedScopes"]
            if not _scope_list(authorized):
                raise _fail("ext.authorizedScopes must be an array of valid scopes")
            wanted = cast("list[str]", authorized)
            if not satisfies_expression(expanded, {"AllOf": wanted}):
                raise _fail(
                    "Supplied credentials do not satisfy authorizedScopes; credentials have "
                    f"scopes:\n\n```\n{chr(10).join(expanded)}\n```\n\nauthorizedScopes "
                    f"are:\n\n```\n{chr(10).join(wanted)}\n```"
                )
            expanded = self.state.expand([*wanted, "assume:anonymous"])
        return Caller(client_id, expanded, expires)
