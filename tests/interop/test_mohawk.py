"""Headers and bewits made by taskcluster-typed agree with mohawk (the official client's Hawk).

Every header verifies with `mohawk.Receiver`; with the timestamp and nonce fixed, the header
is byte for byte the one `mohawk.Sender` makes; bewits are `mohawk.bewit.get_bewit`'s with the
"=" padding stripped (as the official client sends them) and pass `mohawk.bewit.check_bewit`.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import mohawk  # type: ignore[import-untyped]
import mohawk.base  # type: ignore[import-untyped]
import mohawk.bewit  # type: ignore[import-untyped]
import mohawk.exc  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskcluster_typed import Credentials
from taskcluster_typed._core import hawk
from taskcluster_typed._core.urls import encode_param, encode_query
from taskcluster_typed.credentials import hawk_ext

from .support import (
    authorized_scopes,
    certificates,
    decode_ext,
    expected_ext,
    odd_text,
    path_segments,
    queries,
)

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# What a Hawk header attribute may hold (id, and the access token in these tests).
header_safe = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters='"\\'),
    min_size=1,
    max_size=24,
)
hosts = st.sampled_from(
    ["tc.example.com", "TC.Example.COM", "127.0.0.1", "localhost", "xn--bcher-kva.example"]
)
methods = st.sampled_from(["GET", "POST", "PUT", "DELETE", "get", "Patch"])
content_types = st.sampled_from(
    ["application/json", "Application/JSON; charset=utf-8", " text/plain ;q=1", ""]
)


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https"]))
    port = draw(st.none() | st.integers(min_value=1, max_value=65535))
    netloc = draw(hosts) + ("" if port is None else f":{port}")
    prefix = draw(st.sampled_from(["", "/tc", "/a%20b"]))
    segments = draw(st.lists(path_segments, max_size=4))
    path = "/".join(encode_param("interop", "p", s) for s in segments)
    url = f"{scheme}://{netloc}{prefix}/api/queue/v1/{path}"
    query = encode_query(draw(queries))
    return f"{url}?{query}" if query else url


@st.composite
def credentials_and_scopes(draw: st.DrawFn) -> tuple[Credentials, list[str] | None, Any]:
    certificate = draw(st.none() | certificates)
    given_as: Any = certificate
    if certificate is not None and draw(st.booleans()):
        given_as = json.dumps(certificate)
    credentials = Credentials(draw(header_safe), draw(header_safe), given_as)
    scopes = draw(authorized_scopes)
    return credentials, scopes, expected_ext(certificate, scopes)


def mohawk_credentials(credentials: Credentials) -> dict[str, str]:
    return {"id": credentials.client_id, "key": credentials.access_token, "algorithm": "sha256"}


def lookup_for(credentials: Credentials) -> Any:
    def lookup(client_id: str) -> dict[str, str]:
        if client_id != credentials.client_id:
            raise LookupError(client_id)
        return mohawk_credentials(credentials)

    return lookup


# Headers -----------------------------------------------------------------------------------


@SETTINGS
@given(
    signer=credentials_and_scopes(),
    url=urls(),
    method=methods,
    body=st.none() | st.binary(max_size=64) | odd_text.map(str.encode),
    content_type=content_types,
)
def test_every_header_verifies_with_mohawk_receiver(
    signer: tuple[Credentials, list[str] | None, Any],
    url: str,
    method: str,
    body: bytes | None,
    content_type: str,
) -> None:
    credentials, scopes, expected = signer
    header = hawk.request_header(
        credentials=credentials,
        authorized_scopes=scopes,
        method=method,
        url=url,
        body=body,
        content_type=content_type,
    )
    receiver = mohawk.Receiver(
        lookup_for(credentials),
        header,
        url,
        method,
        content=body or b"",
        content_type=content_type,
    )
    assert receiver.parsed_header["id"] == credentials.client_id
    assert decode_ext(receiver.parsed_header.get("ext")) == expected
    assert "hash" in receiver.parsed_header  # always sent, over b"" when there is no body

    # The same header does not verify for other content, content type, URL or method.
    with pytest.raises(mohawk.exc.MisComputedContentHash):
        mohawk.Receiver(
            lookup_for(credentials),
            header,
            url,
            method,
            content=(body or b"") + b"x",
            content_type=content_type,
        )
    with pytest.raises(mohawk.exc.MisComputedContentHash):
        mohawk.Receiver(
            lookup_for(credentials),
            header,
            url,
            method,
            content=body or b"",
            content_type="image/png" if content_type.strip() else "application/json",
        )
    with pytest.raises(mohawk.exc.MacMismatch):
        mohawk.Receiver(
            lookup_for(credentials),
            header,
            url + ("&" if "?" in url else "?") + "x=1",
            method,
            content=body or b"",
            content_type=content_type,
        )
    with pytest.raises(mohawk.exc.MacMismatch):
        mohawk.Receiver(
            lookup_for(credentials),
            header,
            url,
            "OPTIONS",
            content=body or b"",
            content_type=content_type,
        )


@SETTINGS
@given(
    signer=credentials_and_scopes(),
    url=urls(),
    method=methods,
    body=st.binary(max_size=64) | odd_text.map(str.encode),
    content_type=content_types,
    # mohawk takes a timestamp of 0 as "not given" (`timestamp or utc_now()`).
    ts=st.integers(min_value=1, max_value=2**40),
    nonce=header_safe,
)
def test_header_is_exactly_mohawk_senders(
    signer: tuple[Credentials, list[str] | None, Any],
    url: str,
    method: str,
    body: bytes,
    content_type: str,
    ts: int,
    nonce: str,
) -> None:
    credentials, scopes, _ = signer
    ext = hawk_ext(credentials, scopes)
    ours = hawk.header(
        credentials=credentials,
        method=method,
        url=url,
        content_hash=hawk.payload_hash(body, content_type),
        ext=ext,
        ts=ts,
        nonce_value=nonce,
    )
    sender = mohawk.Sender(
        mohawk_credentials(credentials),
        url,
        method,
        content=body,
        content_type=content_type,
        nonce=nonce,
        ext=ext,
        _timestamp=ts,
    )
    assert ours == sender.request_header
    assert hawk.payload_hash(body, content_type) == sender.req_resource.content_hash.decode()


def test_request_header_without_body_hashes_like_the_official_client() -> None:
    """The official client gives mohawk content "" and content_type "" when there is no body."""
    credentials = Credentials("tester", "secret")
    url = "https://tc.example.com/api/queue/v1/task/abc"
    header = hawk.request_header(
        credentials=credentials,
        authorized_scopes=None,
        method="GET",
        url=url,
        body=None,
        content_type=None,
    )
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', header))
    sender = mohawk.Sender(
        mohawk_credentials(credentials),
        url,
        "GET",
        content="",
        content_type="",
        nonce=attrs["nonce"],
        _timestamp=int(attrs["ts"]),
    )
    assert header == sender.request_header
    assert abs(int(attrs["ts"]) - time.time()) < 5
    assert re.fullmatch(r"[A-Za-z0-9_-]{6}", attrs["nonce"])


def test_nonces_are_fresh() -> None:
    nonces = {hawk.nonce() for _ in range(200)}
    assert len(nonces) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{6}", n) for n in nonces)


# Bewits ------------------------------------------------------------------------------------


def for_mohawk_check(token: str) -> str:
    """The token in the form mohawk's check_bewit decodes.

    mohawk's parse_bewit uses `base64.b64decode` (standard alphabet, padding required) while
    get_bewit encodes URL-safe: a token holding "-" or "_" (an id with ">", "?" or "~" can
    cause them) fails mohawk's own check. Translating the alphabet back is lossless.
    """
    return token.replace("-", "+").replace("_", "/") + "=" * (-len(token) % 4)


@SETTINGS
@given(
    signer=credentials_and_scopes(),
    url=urls(),
    expires_at=st.integers(min_value=10**9, max_value=2**40),
)
def test_bewit_is_mohawks_with_padding_stripped_and_checks(
    signer: tuple[Credentials, list[str] | None, Any], url: str, expires_at: int
) -> None:
    credentials, scopes, expected = signer
    token = hawk.bewit(
        credentials=credentials, authorized_scopes=scopes, url=url, expires_at=expires_at
    )
    ext = hawk_ext(credentials, scopes)
    resource = mohawk.base.Resource(
        credentials=mohawk_credentials(credentials),
        method="GET",
        url=url,
        timestamp=expires_at,
        nonce="",
        ext=ext,
    )
    theirs = mohawk.bewit.get_bewit(resource)
    assert token == theirs.rstrip("=")  # the official client's choice
    assert "=" not in token
    parsed = mohawk.bewit.parse_bewit(for_mohawk_check(token))
    assert parsed.id == credentials.client_id
    assert int(parsed.expiration) == expires_at
    assert decode_ext(parsed.ext or None) == expected

    separator = "&" if "?" in url else "?"
    signed = f"{url}{separator}bewit={for_mohawk_check(token)}"
    lookup = lookup_for(credentials)
    assert mohawk.bewit.check_bewit(signed, lookup, now=expires_at - 1) is True
    with pytest.raises(mohawk.exc.TokenExpired):
        mohawk.bewit.check_bewit(signed, lookup, now=expires_at + 1)
    tampered = f"{url}{separator}x=1&bewit={for_mohawk_check(token)}"
    with pytest.raises(mohawk.exc.MacMismatch):
        mohawk.bewit.check_bewit(tampered, lookup, now=expires_at - 1)
