"""Hawk signing, as Taskcluster's services verify it.

The MAC and payload hash are computed here directly with `hmac`/`hashlib`, so the values are
the ones mohawk's `Sender` makes (the tests prove it, and verify every header with mohawk's
`Receiver` and the Node `hawk` package) without `Sender`'s debug formatting, which costs about
1 ms per kilobyte-sized body even with logging off.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..credentials import Credentials, hawk_ext


def payload_hash(body: bytes, content_type: str) -> str:
    """``base64(sha256("hawk.1.payload\\n{type}\\n{body}\\n"))``; the type without parameters."""
    kind = content_type.split(";", 1)[0].strip().lower()
    digest = hashlib.sha256()
    digest.update(f"hawk.1.payload\n{kind}\n".encode())
    digest.update(body)
    digest.update(b"\n")
    return base64.b64encode(digest.digest()).decode("ascii")


@functools.lru_cache(maxsize=16)
def _empty_payload_hash(content_type: str) -> str:
    """`payload_hash` of an empty body (every GET): the same for every request."""
    return payload_hash(b"", content_type)


def _mac(key: str, normalized: str) -> str:
    digest = hmac.new(key.encode("ascii"), normalized.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def nonce() -> str:
    """Six random characters from the URL-safe base64 alphabet (as mohawk makes them).

    The first six characters of the URL-safe base64 of six random bytes: each encodes six
    uniformly random bits (36 bits in all), drawn with one ``os.urandom`` call, which costs a
    fraction of six ``secrets.choice`` calls.
    """
    return base64.urlsafe_b64encode(os.urandom(6))[:6].decode("ascii")


@dataclass(frozen=True, slots=True)
class Target:
    """What Hawk signs of a URL: the resource (path and query as sent), host and port."""

    resource: str
    host: str
    port: int

    @classmethod
    def from_url(cls, url: str) -> Target:
        parts = urlsplit(url)
        resource = parts.path or "/"
        if parts.query:
            resource = f"{resource}?{parts.query}"
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return cls(resource, host, port)


def header(
    *,
    credentials: Credentials,
    method: str,
    url: str | Target,
    content_hash: str | None,
    ext: str | None,
    ts: int | None = None,
    nonce_value: str | None = None,
) -> str:
    """The ``Authorization`` header value for one request (`url`: the URL as sent, or what
    Hawk signs of it, its `Target`)."""
    target = url if isinstance(url, Target) else Target.from_url(url)
    ts = int(time.time()) if ts is None else ts
    nonce_value = nonce() if nonce_value is None else nonce_value
    normalized = (
        f"hawk.1.header\n{ts}\n{nonce_value}\n{method.upper()}\n{target.resource}\n"
        f"{target.host}\n{target.port}\n{content_hash or ''}\n{ext or ''}\n"
    )
    mac = _mac(credentials.access_token, normalized)
    value = f'Hawk mac="{mac}"'
    if content_hash:
        value += f', hash="{content_hash}"'
    value += f', id="{credentials.client_id}", ts="{ts}", nonce="{nonce_value}"'
    if ext:
        value += f', ext="{ext}"'
    return value


def request_header(
    *,
    credentials: Credentials,
    authorized_scopes: list[str] | tuple[str, ...] | None,
    method: str,
    url: str | Target,
    body: bytes | None,
    content_type: str | None,
) -> str:
    """Sign one request: the payload hash is always sent (over the exact body bytes, or empty)."""
    if body:
        content_hash = payload_hash(body, content_type or "")
    else:
        content_hash = _empty_payload_hash(content_type or "")
    return header(
        credentials=credentials,
        method=method,
        url=url,
        content_hash=content_hash,
        ext=hawk_ext(credentials, authorized_scopes),
    )


def bewit(
    *,
    credentials: Credentials,
    authorized_scopes: list[str] | tuple[str, ...] | None,
    url: str,
    expires_at: int,
) -> str:
    """The ``bewit`` query value that signs a GET of `url` until `expires_at` (Unix seconds).

    URL-safe base64 of ``id\\exp\\mac\\ext`` without padding, as mohawk's `get_bewit` and the
    official Python client make it.
    """
    target = Target.from_url(url)
    ext = hawk_ext(credentials, authorized_scopes) or ""
    normalized = (
        f"hawk.1.bewit\n{expires_at}\n\nGET\n{target.resource}\n{target.host}\n{target.port}\n\n"
        f"{ext}\n"
    )
    mac = _mac(credentials.access_token, normalized)
    raw = f"{credentials.client_id}\\{expires_at}\\{mac}\\{ext}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
