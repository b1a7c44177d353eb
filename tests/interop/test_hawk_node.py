"""Requests signed by taskcluster-typed verify with the reference Hawk server (npm `hawk`).

The Node server (hawk_server.js) checks what Taskcluster's services check: the MAC over the
request as received (host and port from the Host header), the payload hash over the raw body
and Content-Type, the timestamp within 15 minutes, and bewits. It echoes what it verified, so
the tests also check that the server saw exactly the URL, body and ext that were meant.
"""

from __future__ import annotations

import base64
import json
import re
import time
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskcluster_typed import AsyncClient, Credentials, SyncClient
from taskcluster_typed._core import errors as tce
from taskcluster_typed._core import hawk
from taskcluster_typed._core.urls import api_url, encode_param, encode_query

from .conftest import NodeHawkServer
from .support import (
    PERMANENT,
    SKEW_SECONDS,
    authorized_scopes,
    certificates,
    decode_ext,
    dotted_segments,
    expected_ext,
    json_bodies,
    path_segments,
    queries,
)

pytestmark = pytest.mark.interop

PREFIX = "/api/queue/v1/"
METHODS = st.sampled_from(["GET", "POST", "PUT", "DELETE"])
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# Helpers -----------------------------------------------------------------------------------


Signer = tuple[Credentials, dict[str, Any] | None, list[str] | None]


@st.composite
def signers(draw: st.DrawFn) -> Signer:
    """Credentials (permanent or with a certificate, as a dict or a JSON string) and scopes."""
    client_id = draw(st.sampled_from(sorted(PERMANENT)))
    certificate = draw(st.none() | certificates)
    given_as: str | dict[str, Any] | None = certificate
    if certificate is not None and draw(st.booleans()):
        given_as = json.dumps(certificate, ensure_ascii=draw(st.booleans()))
    credentials = Credentials(client_id, PERMANENT[client_id], given_as)
    return credentials, certificate, draw(authorized_scopes)


def segment_lists() -> st.SearchStrategy[list[str]]:
    return st.lists(path_segments | dotted_segments, min_size=1, max_size=4)


def encoded_path(segments: list[str]) -> str:
    return "/".join(encode_param("interop", "param", segment) for segment in segments)


def expected_query(query: dict[str, object]) -> list[tuple[str, str]]:
    """The (key, value) pairs the server must decode; booleans are sent lowercase."""
    pairs = []
    for key, value in query.items():
        if value is None:
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        pairs.append((key, text))
    return pairs


def compact_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def check_seen(
    seen: dict[str, Any],
    *,
    signer: Signer,
    method: str,
    segments: list[str],
    query: dict[str, object],
    body: Any,
    scheme: str = "hawk",
) -> None:
    """What the server verified is what was meant."""
    credentials, certificate, scopes = signer
    assert seen["scheme"] == scheme
    assert seen["id"] == credentials.client_id
    assert seen["method"] == method
    check_ext(seen, expected_ext(certificate, scopes))
    path, _, raw_query = seen["url"].partition("?")
    assert path.startswith(PREFIX)
    assert [unquote(part) for part in path[len(PREFIX) :].split("/")] == segments
    pairs = parse_qsl(raw_query, keep_blank_values=True, strict_parsing=bool(raw_query))
    if scheme == "bewit":
        pairs = [(key, value) for key, value in pairs if key != "bewit"]
    assert pairs == expected_query(query)
    if not expected_query(query):
        assert "?" not in seen["url"] or scheme == "bewit"
    received = base64.b64decode(seen["bodyBase64"])
    if body is None:
        assert received == b""
        assert seen["contentType"] is None
    else:
        assert received == compact_json(body)  # compact, raw UTF-8 (not \\u-escaped)
        assert json.loads(received) == body
        assert seen["contentType"] == "application/json"
    if scheme == "hawk":
        assert seen["hashChecked"] is True  # a payload hash is always sent, and it matched


def check_ext(seen: dict[str, Any], expected: Any) -> None:
    """The server parsed the ext it verified, and it holds the JSON object that was meant.

    The object is compared after decoding the raw ext here: the server's copy went through
    JavaScript numbers (4.097436095531186e+16 comes back as 40974360955311860).
    """
    if expected is None:
        assert seen["extRaw"] is None  # an empty ext is left out, not sent as "e30="
        assert seen["ext"] is None
        return
    assert isinstance(seen["ext"], dict)
    assert seen["ext"].keys() == expected.keys()
    assert decode_ext(seen["extRaw"]) == expected


def attributes(header: str) -> dict[str, str]:
    assert header.startswith("Hawk ")
    return dict(re.findall(r'(\w+)="([^"]*)"', header))


def rebuild(attrs: dict[str, str]) -> str:
    return "Hawk " + ", ".join(f'{key}="{value}"' for key, value in attrs.items())


def other_ext(ext: str | None) -> str:
    """A valid ext that differs from `ext`."""
    for scopes in (["*"], ["**"]):
        candidate = base64.b64encode(json.dumps({"authorizedScopes": scopes}).encode()).decode()
        if candidate != ext:
            return candidate
    raise AssertionError("unreachable")


def flip(text: str, index: int) -> str:
    """`text` with the character at `index` replaced by another base64 character."""
    index %= len(text.rstrip("="))
    replacement = "A" if text[index] != "A" else "B"
    return text[:index] + replacement + text[index + 1 :]


def send(
    http: httpx.Client,
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    response = http.request(method, url, content=body, headers=headers or {})
    return response.status_code, response.json()


# Requests from the clients ------------------------------------------------------------------


@SETTINGS
@given(
    method=METHODS,
    segments=segment_lists(),
    query=queries,
    body=st.none() | json_bodies,
    signer=signers(),
)
def test_sync_client_requests_verify(
    queue: SyncClient,
    method: str,
    segments: list[str],
    query: dict[str, object],
    body: Any,
    signer: Signer,
) -> None:
    if method in ("GET", "DELETE"):
        body = None
    credentials, _, scopes = signer
    client = queue.with_options(credentials=credentials, authorized_scopes=scopes)
    try:
        reply = client.request(method, encoded_path(segments), query=query, json=body)
    except tce.AuthenticationFailed as error:
        pytest.fail(f"the Node hawk server refused the request: {error.message}")
    assert reply.status_code == 200
    check_seen(
        reply.json(), signer=signer, method=method, segments=segments, query=query, body=body
    )


ASYNC_CASES: list[tuple[str, list[str], dict[str, object], Any, list[str] | None]] = [
    ("GET", ["task", "abc"], {}, None, None),
    ("GET", ["a b/c", "é☃😀", "%41", "..x"], {"q": "a b&c=d", "flag": True}, None, []),
    ("POST", ["task", "ü"], {"limit": 5}, {"name": "naïve ☃", "list": [1, 2.5, None]}, ["x:*"]),
    ("PUT", ["?#", "..."], {"k é": "v/é"}, [], ["a", "é"]),
    ("DELETE", ["x"], {"none": None}, None, None),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("method", "segments", "query", "body", "scopes"), ASYNC_CASES)
async def test_async_client_requests_verify(
    hawk_server: NodeHawkServer,
    method: str,
    segments: list[str],
    query: dict[str, object],
    body: Any,
    scopes: list[str] | None,
) -> None:
    credentials = Credentials("tester", PERMANENT["tester"])
    async with AsyncClient(
        hawk_server.root_url, service="queue", credentials=credentials, authorized_scopes=scopes
    ) as client:
        reply = await client.request(method, encoded_path(segments), query=query, json=body)
    check_seen(
        reply.json(),
        signer=(credentials, None, scopes),
        method=method,
        segments=segments,
        query=query,
        body=body,
    )


@pytest.mark.anyio
async def test_async_client_concurrent_requests_verify(hawk_server: NodeHawkServer) -> None:
    """Concurrent requests on one pool each carry their own valid signature."""
    credentials = Credentials("tester", PERMANENT["tester"])
    seen: list[dict[str, Any]] = []
    async with AsyncClient(
        hawk_server.root_url, service="queue", credentials=credentials
    ) as client:

        async def one(i: int) -> None:
            reply = await client.request("POST", f"item/{i}", json={"i": i, "s": "é" * i})
            seen.append(reply.json())

        async with anyio.create_task_group() as group:
            for i in range(20):
                group.start_soon(one, i)
    assert sorted(item["url"] for item in seen) == sorted(f"{PREFIX}item/{i}" for i in range(20))
    assert all(item["hashChecked"] for item in seen)
    assert len({item["nonce"] for item in seen}) == 20


def test_temporary_credentials_from_the_official_client_verify(
    hawk_server: NodeHawkServer,
) -> None:
    temporary = hawk_server.temporary
    credentials = Credentials(temporary.client_id, temporary.access_token, temporary.certificate)
    with SyncClient(
        hawk_server.root_url, service="queue", credentials=credentials, authorized_scopes=["a"]
    ) as client:
        seen = client.request("GET", "task/x", query={"flag": False}).json()
    assert seen["id"] == temporary.client_id
    assert seen["ext"] == {
        "certificate": json.loads(temporary.certificate),
        "authorizedScopes": ["a"],
    }
    assert seen["ext"]["certificate"]["issuer"] == temporary.issuer
    assert seen["url"] == f"{PREFIX}task/x?flag=false"


def test_root_url_with_a_path_and_trailing_slashes_verifies(hawk_server: NodeHawkServer) -> None:
    credentials = Credentials("tester", PERMANENT["tester"])
    with SyncClient(
        f"{hawk_server.root_url}/tc//", service="queue", credentials=credentials
    ) as client:
        seen = client.request("GET", "//ping").json()
    assert seen["url"] == "/tc/api/queue/v1/ping"


# A path handed to request() unencoded --------------------------------------------------------

RAW_PATHS = ["task/a b/status", "artifact/é☃", 'a"b', "a<b>/c{d}`e", "a/./b", "a/../b"]


@pytest.mark.parametrize("path", RAW_PATHS)
def test_unencoded_path_is_signed_as_sent_or_refused(queue: SyncClient, path: str) -> None:
    client = queue.with_options(credentials=Credentials("tester", PERMANENT["tester"]))
    try:
        reply = client.request("GET", path)
    except (tce.RequestValidationError, tce.ConfigurationError):
        return  # refused before anything was sent: acceptable
    except tce.AuthenticationFailed as error:
        pytest.fail(f"signed one URL, sent another: {error.message}")
    seen = reply.json()
    assert seen["scheme"] == "hawk"


class ToLocalServer(httpx.BaseTransport):
    """Connects to the Node server whatever the URL's host; the Host header stays as built."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(host="127.0.0.1", port=self.port)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def request_via_host(hawk_server: NodeHawkServer, host: str) -> dict[str, Any]:
    transport = ToLocalServer(hawk_server.port)
    with (
        httpx.Client(transport=transport) as http_client,
        SyncClient(
            f"http://{host}:{hawk_server.port}",
            service="queue",
            credentials=Credentials("tester", PERMANENT["tester"]),
            http_client=http_client,
        ) as client,
    ):
        try:
            seen: dict[str, Any] = client.request("GET", "ping").json()
        except tce.AuthenticationFailed as error:
            pytest.fail(f"signed one host, sent another: {error.message}")
    return seen


@pytest.mark.parametrize("host", ["tc.example.com", "TC.Example.COM"])
def test_host_comes_from_the_host_header(hawk_server: NodeHawkServer, host: str) -> None:
    seen = request_via_host(hawk_server, host)
    assert seen["host"] == host.lower()
    assert seen["port"] == hawk_server.port


def test_internationalized_root_url_host_is_signed_as_sent(hawk_server: NodeHawkServer) -> None:
    seen = request_via_host(hawk_server, "bücher.example")
    assert seen["host"] == "xn--bcher-kva.example"


# Tampering after signing -------------------------------------------------------------------

TAMPERINGS = [
    "body",
    "content-type",
    "path",
    "query",
    "method",
    "mac",
    "ext",
    "hash-removed",
    "host",
    "port",
    "key",
]


@pytest.mark.parametrize("tampering", TAMPERINGS)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=METHODS,
    segments=segment_lists(),
    query=queries,
    body=st.none() | json_bodies,
    signer=signers(),
    index=st.integers(min_value=0),
)
def test_tampering_after_signing_fails(
    hawk_server: NodeHawkServer,
    http: httpx.Client,
    tampering: str,
    method: str,
    segments: list[str],
    query: dict[str, object],
    body: Any,
    signer: Signer,
    index: int,
) -> None:
    credentials, _, scopes = signer
    url = api_url(hawk_server.root_url, "queue", encoded_path(segments))
    if encode_query(query):
        url = f"{url}?{encode_query(query)}"
    raw = None if body is None else compact_json(body)
    content_type = None if raw is None else "application/json"
    header = hawk.request_header(
        credentials=credentials,
        authorized_scopes=scopes,
        method=method,
        url=url,
        body=raw,
        content_type=content_type,
    )
    headers = {"authorization": header}
    if content_type:
        headers["content-type"] = content_type

    # The control: sent as signed, it verifies.
    status, seen = send(http, method, url, body=raw, headers=headers)
    assert status == 200, seen
    check_ext(seen, expected_ext(signer[1], scopes))

    attrs = attributes(header)
    expected_message = "Bad mac"
    if tampering == "body":
        raw = (raw or b"") + b" "  # the same JSON value, other bytes
        expected_message = "Bad payload hash"
    elif tampering == "content-type":
        headers["content-type"] = "text/plain" if content_type else "application/json"
        expected_message = "Bad payload hash"
    elif tampering == "path":
        url = url.replace(PREFIX, f"{PREFIX}x", 1)
    elif tampering == "query":
        url = f"{url}&x=1" if "?" in url else f"{url}?x=1"
    elif tampering == "method":
        method = {"GET": "DELETE", "DELETE": "PUT", "PUT": "POST", "POST": "GET"}[method]
    elif tampering == "mac":
        headers["authorization"] = rebuild({**attrs, "mac": flip(attrs["mac"], index)})
    elif tampering == "ext":
        headers["authorization"] = rebuild({**attrs, "ext": other_ext(attrs.get("ext"))})
    elif tampering == "hash-removed":
        headers["authorization"] = rebuild({k: v for k, v in attrs.items() if k != "hash"})
    elif tampering == "host":
        headers["host"] = f"localhost:{hawk_server.port}"
    elif tampering == "port":
        headers["x-forwarded-port"] = "443"
    elif tampering == "key":
        wrong = Credentials(credentials.client_id, credentials.access_token + "x")
        headers["authorization"] = hawk.request_header(
            credentials=wrong,
            authorized_scopes=scopes,
            method=method,
            url=url,
            body=raw,
            content_type=content_type,
        )
    status, seen = send(http, method, url, body=raw, headers=headers)
    assert status == 401, seen
    assert seen["message"] == expected_message


def test_stale_timestamp_fails_and_skew_within_15_minutes_passes(
    hawk_server: NodeHawkServer, http: httpx.Client
) -> None:
    credentials = Credentials("tester", PERMANENT["tester"])
    url = api_url(hawk_server.root_url, "queue", "ping")
    now = int(time.time())
    results = {}
    for offset in (-SKEW_SECONDS + 60, SKEW_SECONDS - 60, -SKEW_SECONDS - 60, SKEW_SECONDS + 60):
        header = hawk.header(
            credentials=credentials,
            method="GET",
            url=url,
            content_hash=hawk.payload_hash(b"", ""),
            ext=None,
            ts=now + offset,
        )
        results[offset] = send(http, "GET", url, headers={"authorization": header})
    assert results[-SKEW_SECONDS + 60][0] == 200
    assert results[SKEW_SECONDS - 60][0] == 200
    assert results[-SKEW_SECONDS - 60] == (
        401,
        {"code": "AuthenticationFailed", "message": "Stale timestamp"},
    )
    assert results[SKEW_SECONDS + 60][0] == 401


def test_unknown_client_fails(hawk_server: NodeHawkServer) -> None:
    credentials = Credentials("nobody", "some-token")
    with (
        SyncClient(hawk_server.root_url, service="queue", credentials=credentials) as client,
        pytest.raises(tce.AuthenticationFailed) as caught,
    ):
        client.request("GET", "ping")
    assert caught.value.message == "Unknown credentials"
    assert caught.value.status_code == 401


def test_header_without_hash_verifies_and_the_hash_is_otherwise_checked(
    hawk_server: NodeHawkServer, http: httpx.Client
) -> None:
    """The server only checks a hash that is sent (as lib-api): ours always is, see above."""
    credentials = Credentials("tester", PERMANENT["tester"])
    url = api_url(hawk_server.root_url, "queue", "ping")
    header = hawk.header(
        credentials=credentials, method="POST", url=url, content_hash=None, ext=None
    )
    status, seen = send(
        http,
        "POST",
        url,
        body=b"{}",
        headers={"authorization": header, "content-type": "application/json"},
    )
    assert status == 200
    assert seen["hashChecked"] is False
    assert "hash" not in attributes(header)


# Bewits ------------------------------------------------------------------------------------


def bewit_url(url: str, token: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}bewit={token}"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def b64url_decode(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(segments=segment_lists(), query=queries, signer=signers(), lifetime=st.integers(5, 10**6))
def test_bewits_verify(
    hawk_server: NodeHawkServer,
    http: httpx.Client,
    segments: list[str],
    query: dict[str, object],
    signer: Signer,
    lifetime: int,
) -> None:
    credentials, _, scopes = signer
    url = api_url(hawk_server.root_url, "queue", encoded_path(segments))
    if encode_query(query):
        url = f"{url}?{encode_query(query)}"
    expires_at = int(time.time()) + lifetime
    token = hawk.bewit(
        credentials=credentials, authorized_scopes=scopes, url=url, expires_at=expires_at
    )
    assert re.fullmatch(r"[\w-]*", token), "the server refuses tokens with '=', '+' or '/'"
    signed = bewit_url(url, token)
    status, seen = send(http, "GET", signed)
    assert status == 200, seen
    check_seen(
        seen,
        signer=signer,
        method="GET",
        segments=segments,
        query=query,
        body=None,
        scheme="bewit",
    )
    assert seen["exp"] == expires_at
    split = urlsplit(signed)
    assert seen["url"] == f"{split.path}?{split.query}"  # sent exactly as built


BEWIT_TAMPERINGS = ["path", "query", "exp", "mac", "ext", "id", "host", "expired", "method"]


@pytest.mark.parametrize("tampering", BEWIT_TAMPERINGS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    segments=segment_lists(),
    query=queries,
    signer=signers(),
    index=st.integers(min_value=0),
)
def test_tampered_or_expired_bewits_fail(
    hawk_server: NodeHawkServer,
    http: httpx.Client,
    tampering: str,
    segments: list[str],
    query: dict[str, object],
    signer: Signer,
    index: int,
) -> None:
    credentials, _, scopes = signer
    url = api_url(hawk_server.root_url, "queue", encoded_path(segments))
    if encode_query(query):
        url = f"{url}?{encode_query(query)}"
    expires_at = int(time.time()) + 600
    token = hawk.bewit(
        credentials=credentials, authorized_scopes=scopes, url=url, expires_at=expires_at
    )
    assert send(http, "GET", bewit_url(url, token))[0] == 200  # the control

    client_id, exp, mac, ext = b64url_decode(token).decode().split("\\")
    method = "GET"
    headers: dict[str, str] = {}
    expected_status, expected_message = 401, "Bad mac"
    if tampering == "path":
        url = url.replace(PREFIX, f"{PREFIX}x", 1)
    elif tampering == "query":
        url = f"{url}&x=1" if "?" in url else f"{url}?x=1"
    elif tampering == "exp":
        token = b64url(f"{client_id}\\{int(exp) + 3600}\\{mac}\\{ext}".encode())
    elif tampering == "mac":
        token = b64url(f"{client_id}\\{exp}\\{flip(mac, index)}\\{ext}".encode())
    elif tampering == "ext":
        token = b64url(f"{client_id}\\{exp}\\{mac}\\{other_ext(ext)}".encode())
    elif tampering == "id":
        other_id = next(key for key in sorted(PERMANENT) if key != client_id)
        token = b64url(f"{other_id}\\{exp}\\{mac}\\{ext}".encode())
    elif tampering == "host":
        headers["host"] = f"localhost:{hawk_server.port}"
    elif tampering == "expired":
        token = hawk.bewit(
            credentials=credentials,
            authorized_scopes=scopes,
            url=url,
            expires_at=int(time.time()) - 1,
        )
        expected_message = "Access expired"
    elif tampering == "method":
        method, expected_message = "POST", "Invalid method"
    response = http.request(method, bewit_url(url, token), headers=headers)
    assert response.status_code == expected_status, response.text
    assert response.json()["message"] == expected_message


def test_bewit_and_header_together_are_refused(
    hawk_server: NodeHawkServer, http: httpx.Client
) -> None:
    credentials = Credentials("tester", PERMANENT["tester"])
    url = api_url(hawk_server.root_url, "queue", "ping")
    token = hawk.bewit(
        credentials=credentials,
        authorized_scopes=None,
        url=url,
        expires_at=int(time.time()) + 60,
    )
    signed = bewit_url(url, token)
    header = hawk.request_header(
        credentials=credentials,
        authorized_scopes=None,
        method="GET",
        url=signed,
        body=None,
        content_type=None,
    )
    assert send(http, "GET", signed)[0] == 200
    status, seen = send(http, "GET", signed, headers={"authorization": header})
    assert status == 401
    assert "two authentication schemes" in seen["message"]
