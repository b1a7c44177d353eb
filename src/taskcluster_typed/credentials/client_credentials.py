"""Taskcluster credentials: permanent, or temporary (with a certificate).

`Credentials` never shows its secret: not in `repr`, `str`, logs or error messages. The
certificate of temporary credentials may be given as the JSON string Taskcluster hands out or
as a dict; it is kept as a dict and sent as a JSON object inside the Hawk ``ext``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

from .._core.errors import CredentialsError

# Characters a Hawk header attribute may hold (mohawk and the Node hawk package agree).
_HEADER_SAFE = frozenset(chr(c) for c in range(0x20, 0x7F)) - {'"', "\\"}


def _require_ascii(name: str, value: object, *, secret: bool) -> str:
    if not isinstance(value, str):
        raise CredentialsError(f"{name} must be a str, not {type(value).__name__}")
    if not value:
        raise CredentialsError(f"{name} must not be empty")
    if not value.isascii():
        shown = "" if secret else f" ({value!r})"
        raise CredentialsError(f"{name} must contain only ASCII characters{shown}")
    if not set(value) <= _HEADER_SAFE:
        shown = "" if secret else f" ({value!r})"
        raise CredentialsError(f"{name} contains characters that cannot be sent{shown}")
    return value


def _parse_certificate(certificate: str | Mapping[str, Any]) -> dict[str, Any]:
    parsed: Any
    if isinstance(certificate, str):
        try:
            parsed = json.loads(certificate)
        except ValueError:
            raise CredentialsError("certificate is not valid JSON") from None
    elif isinstance(certificate, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
        parsed = dict(certificate)
    else:
        raise CredentialsError(
            f"certificate must be a JSON string or a dict, not {type(certificate).__name__}"
        )
    if not isinstance(parsed, dict):
        raise CredentialsError("certificate must be a JSON object")
    return cast("dict[str, Any]", parsed)


class Credentials:
    """A client id and access token, and for temporary credentials their certificate.

    >>> Credentials(client_id="project/ci", access_token="...")
    Credentials(client_id='project/ci', access_token=<redacted>)
    """

    __slots__ = ("_access_token", "_certificate", "_client_id")

    def __init__(
        self,
        client_id: str,
        access_token: str,
        certificate: str | Mapping[str, Any] | None = None,
    ) -> None:
        self._client_id = _require_ascii("client_id", client_id, secret=False)
        self._access_token = _require_ascii("access_token", access_token, secret=True)
        self._certificate = None if certificate is None else _parse_certificate(certificate)

    @property
    def client_id(self) -> str:
        return self._client_id

    @property
    def access_token(self) -> str:
        return self._access_token

    @property
    def certificate(self) -> dict[str, Any] | None:
        """The certificate of temporary credentials (a copy), or None for permanent ones."""
        return None if self._certificate is None else dict(self._certificate)

    @property
    def certificate_json(self) -> str | None:
        """The certificate as compact JSON (what ``TASKCLUSTER_CERTIFICATE`` holds), or None."""
        if self._certificate is None:
            return None
        return json.dumps(self._certificate, separators=(",", ":"), ensure_ascii=False)

    @property
    def is_temporary(self) -> bool:
        return self._certificate is not None

    def __repr__(self) -> str:
        extra = ", certificate=<redacted>" if self._certificate is not None else ""
        return f"Credentials(client_id={self._client_id!r}, access_token=<redacted>{extra})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Credentials):
            return NotImplemented
        return (self._client_id, self._access_token, self._certificate) == (
            other._client_id,
            other._access_token,
            other._certificate,
        )

    def __hash__(self) -> int:
        return hash((self._client_id, self._access_token))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Credentials, (self._client_id, self._access_token, self._certificate))
