"""Shared data and hypothesis strategies of the interop tests."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import strategies as st

# The credentials the Node server knows (clientId -> accessToken). Ids and keys use every
# character a Hawk header attribute may hold: Taskcluster client ids contain "/", "|", "@"...
PERMANENT: dict[str, str] = {
    "tester": "no-secret-0123456789abcdefghijklmnopqrstuv",
    "mozilla-auth0/ad|Mozilla-LDAP|someone@example.com/ci": "k!#$%&'()*+,-./:;<=>?@[]^_`{|}~ 9",
    "odd id !#$%&'()*+,-./:;<=>?@[]^_`{|}~": "another key with spaces",
}
# Temporary credentials (named) made at session start with the official client.
TEMP_NAME = "project/temporary-named"
# Taskcluster's services allow this much clock skew for the header scheme.
SKEW_SECONDS = 15 * 60

# Text that exercises encoders: unicode (BMP and astral), spaces, reserved and "%" characters.
ODD_CHARS = " /%?#&=+;:@!$'()*,[]~.\\\"<>^`{|}\t\né☃😀\u2028\x7f"
odd_chars = st.one_of(st.sampled_from(ODD_CHARS), st.characters(codec="utf-8"))
odd_text = st.text(alphabet=odd_chars, max_size=12)

json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | odd_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(odd_text, inner, max_size=3),
    max_leaves=8,
)
json_bodies: st.SearchStrategy[Any] = st.one_of(
    st.dictionaries(odd_text, json_values, max_size=4), st.lists(json_values, max_size=3)
)

# Route parameters: encoded with nothing safe, they must not be "", "." or ".." (refused).
path_segments = st.text(alphabet=odd_chars, min_size=1, max_size=12).filter(
    lambda s: s not in (".", "..")
)
dotted_segments = st.sampled_from(["...", "..a", "a..", ".a", "a.", "..%", ". .", "%2e%2E"])

query_values = st.one_of(st.none(), st.booleans(), st.integers(), odd_text)
# "bewit" is the signed-URL parameter, which the server treats as a scheme of its own.
queries = st.dictionaries(
    st.text(alphabet=odd_chars, min_size=1, max_size=12).filter(lambda k: k != "bewit"),
    query_values,
    max_size=4,
)

scopes = st.lists(
    st.one_of(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)), odd_text),
    max_size=3,
)
authorized_scopes: st.SearchStrategy[list[str] | None] = st.one_of(st.none(), st.just([]), scopes)
# Extra certificate fields are kept small: the server refuses headers and URLs over 4096
# characters, and a bewit carries the certificate twice base64-encoded.
certificates = st.dictionaries(
    odd_text, odd_text | st.integers() | st.lists(odd_text, max_size=2), max_size=3
).map(
    lambda extra: {
        "version": 1,
        "scopes": ["queue:*", "assume:project:é"],
        "start": 1_700_000_000_000,
        "expiry": 1_700_000_600_000,
        "seed": "s" * 44,
        "signature": "c2lnbmF0dXJl",
        **extra,
    }
)


def decode_ext(ext: str | bytes | None) -> Any:
    """The JSON object inside a Hawk ext (standard or URL-safe base64, padded or not)."""
    if ext is None:
        return None
    text = ext.decode("ascii") if isinstance(ext, bytes) else ext
    text = text.replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    return json.loads(base64.b64decode(text, validate=True))


def expected_ext(certificate: dict[str, Any] | None, scopes: list[str] | None) -> Any:
    """What the server must find in ext: None when there is nothing to say."""
    ext: dict[str, Any] = {}
    if certificate is not None:
        ext["certificate"] = certificate
    if scopes is not None:
        ext["authorizedScopes"] = scopes
    return ext or None
