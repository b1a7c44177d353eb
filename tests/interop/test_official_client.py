"""Parity with the official `taskcluster` 106.0.0 Python client, and where we differ on purpose.

Differences found (each is asserted below, so a change on either side shows up):

- Route parameters "", "." and "..": the official client sends them; a ".." is then removed by
  requests' URL normalisation (getArtifact(..., "..") requests .../runs/0/). We refuse them.
- Booleans in route parameters: the official client sends str(True) == "True"; we refuse them.
- Routes ending in "/" (auth listClients "/clients/", listRoles, listRoles2, listRoleIds,
  testAuthenticateGet): the official client's calls strip the "/" when there is no query
  (_constructUrl), but keep it with a query and in buildUrl. We keep the route as the reference
  has it, as the JS client does. The services route both forms alike (lib-api mounts entries on
  `express.Router()`, non-strict: a trailing "/" is optional), and Hawk signs the path as sent,
  so both verify (checked against the Node server).
- Query strings: the official client uses urlencode (quote_plus: " " -> "+", True -> "True",
  None -> "None"); we percent-encode everything (" " -> "%20"), send booleans as "true"/"false"
  (lib-api's boolean query patterns are ^(true|false)$) and leave None out. Decoded, str and
  int values are the same.
- ext: the official client always sends one when it has credentials, "e30=" ({}) included, in
  the URL-safe base64 alphabet, with ASCII-escaped JSON, and with "authorizedScopes": null when
  the option is present but None. We leave an empty ext out, use standard base64 and raw UTF-8
  JSON, and treat authorized_scopes=None as "not restricted". Decoded, the objects are equal.
- Certificates: the official client refuses a dict certificate and a JSON string with raw
  non-ASCII characters (it .encode("ascii")s every credential value); we take a dict or any
  JSON string. Its createTemporaryCredentials returns the access
  token as bytes, which our Credentials refuses (str only): decode it first.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import inspect
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
import taskcluster  # type: ignore[import-untyped]
import taskcluster.exceptions  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskcluster_typed import Credentials, SyncClient
from taskcluster_typed._core import errors as tce
from taskcluster_typed._core.urls import api_url, encode_query, expand_route
from taskcluster_typed.credentials import hawk_ext

from .conftest import NodeHawkServer
from .support import PERMANENT, certificates, decode_ext, odd_text, path_segments, scopes

REFERENCES = Path(__file__).resolve().parents[2] / "references"
ROOT = "https://tc.example.com"
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def official_classes() -> dict[str, Any]:
    """serviceName -> the official API client class (not the *Events classes)."""
    classes = {}
    for name in dir(taskcluster):
        cls: Any = getattr(taskcluster, name)
        service: Any = getattr(cls, "serviceName", None)
        if inspect.isclass(cls) and getattr(cls, "funcinfo", None) and "Events" not in name:
            classes[service] = cls
    return classes


OFFICIAL = official_classes()


def reference_entries() -> list[tuple[str, dict[str, Any]]]:
    entries = []
    for path in sorted(REFERENCES.glob("*/v1/api.json")):
        reference = json.loads(path.read_text())
        for entry in reference["entries"]:
            if entry["type"] == "function":
                entries.append((reference["serviceName"], entry))
    return entries


ENTRIES = reference_entries()
TRAILING_SLASH = [(service, e) for service, e in ENTRIES if e["route"].endswith("/")]


def official(service: str, root_url: str = ROOT, **options: Any) -> Any:
    return OFFICIAL[service]({"rootUrl": root_url, **options})


def ours_url(
    root_url: str, service: str, entry: dict[str, Any], params: dict[str, object], query: Any
) -> str:
    """The URL our client sends (client._url): api_url + encode_query."""
    url = api_url(root_url, service, expand_route(entry["name"], entry["route"], params))
    encoded = encode_query(query)
    return f"{url}?{encoded}" if encoded else url


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """The official client's requests, captured instead of sent."""
    calls: list[dict[str, Any]] = []

    class FakeResponse:
        status_code = 200

        def raise_for_status(self) -> None:
            return None

        def json(self) -> Any:
            return {}

    def fake(
        method: str, url: str, payload: Any, headers: dict[str, str], session: Any = None
    ) -> FakeResponse:
        calls.append({"method": method, "url": url, "payload": payload, "headers": headers})
        return FakeResponse()

    monkeypatch.setattr(taskcluster.utils, "makeSingleHttpRequest", fake)
    yield calls


# URLs --------------------------------------------------------------------------------------


def test_every_reference_entry_has_an_official_method_with_the_same_route() -> None:
    assert len(ENTRIES) > 150
    for service, entry in ENTRIES:
        if service not in OFFICIAL:
            continue  # services the official Python client has no class for
        info = OFFICIAL[service].funcinfo.get(entry["name"])
        assert info is not None, (service, entry["name"])
        assert info["route"] == entry["route"]
        assert info["args"] == entry["args"]
    assert {"auth", "queue", "index", "hooks", "worker-manager"} <= {s for s, _ in ENTRIES}


param_values = st.one_of(
    path_segments,
    st.sampled_from(["public/logs/live.log", "a/b/../c", "..x", "%2F", "é 😀", "+&=?#"]),
    st.integers(min_value=0, max_value=10**6),
)
roots = st.sampled_from(
    [ROOT, f"{ROOT}/", f"{ROOT}//", "http://127.0.0.1:8080/prefix/", "https://TC.example.com"]
)
plain_query_values = st.one_of(
    st.integers(min_value=0), st.text(alphabet="abcXYZ019-_.~", max_size=8)
)
odd_query_values = st.one_of(plain_query_values, odd_text)


@SETTINGS
@given(
    item=st.sampled_from([item for item in ENTRIES if item[0] in OFFICIAL]),
    data=st.data(),
    root_url=roots,
)
def test_urls_match_the_official_build_url(
    item: tuple[str, dict[str, Any]], data: st.DataObject, root_url: str
) -> None:
    service, entry = item
    params: dict[str, object] = {
        name: data.draw(param_values, label=name) for name in entry["args"]
    }
    keys = entry.get("query", [])
    query = data.draw(
        st.dictionaries(st.sampled_from(keys), odd_query_values) if keys else st.just({}),
        label="query",
    )
    theirs = official(service, root_url).buildUrl(
        entry["name"], params=params, query=query, payload={}
    )
    ours = ours_url(root_url, service, entry, params, query)
    our_base, _, our_query = ours.partition("?")
    their_base, _, their_query = theirs.partition("?")
    assert our_base == their_base  # path parameters are encoded alike ("/" -> %2F, ...)
    assert parse_qsl(our_query, strict_parsing=bool(our_query)) == parse_qsl(
        their_query, strict_parsing=bool(their_query)
    )
    if all(isinstance(v, int) or re.fullmatch(r"[\w.~-]*", v) for v in query.values()):
        assert ours == theirs  # byte for byte, where quote and quote_plus agree


@pytest.mark.parametrize(
    "name",
    ["public/build/target.tar.gz", "a b/c d", "é/😀", "%41", "x?y=1#z", "..x", "~!*'()", "a+b&c"],
)
def test_get_artifact_urls_match(name: str) -> None:
    theirs = official("queue").buildUrl("getArtifact", "fN1SbArXTPSVFNUvaOlinQ", 3, name)
    ours = ours_url(
        ROOT,
        "queue",
        {"name": "getArtifact", "route": "/task/<taskId>/runs/<runId>/artifacts/<name>"},
        {"taskId": "fN1SbArXTPSVFNUvaOlinQ", "runId": 3, "name": name},
        {},
    )
    assert ours == theirs
    assert "/" not in ours.split("/artifacts/", 1)[1]  # the whole name is one segment


@pytest.mark.parametrize("value", ["", ".", ".."])
def test_dot_and_empty_params_are_sent_by_the_official_client_and_refused_by_us(
    value: str,
) -> None:
    theirs = official("queue").buildUrl("getArtifact", "abc", 0, value)
    assert theirs == f"{ROOT}/api/queue/v1/task/abc/runs/0/artifacts/{value}"
    if value == "..":
        # What requests then sends is another resource: the run itself.
        sent = requests.Request("GET", theirs).prepare().url
        assert sent == f"{ROOT}/api/queue/v1/task/abc/runs/0/"
    with pytest.raises(tce.RequestValidationError):
        expand_route(
            "getArtifact",
            "/task/<taskId>/runs/<runId>/artifacts/<name>",
            {"taskId": "abc", "runId": 0, "name": value},
        )


def test_boolean_params_the_official_client_sends_as_str_true_are_refused() -> None:
    theirs = official("queue").buildUrl("getArtifact", "abc", True, "x")
    assert "/runs/True/" in theirs
    with pytest.raises(tce.RequestValidationError):
        expand_route(
            "getArtifact",
            "/task/<taskId>/runs/<runId>/artifacts/<name>",
            {"taskId": "abc", "runId": True, "name": "x"},
        )


@pytest.mark.parametrize(
    ("service", "entry"), TRAILING_SLASH, ids=[f"{s}.{e['name']}" for s, e in TRAILING_SLASH]
)
def test_trailing_slash_routes(
    service: str, entry: dict[str, Any], captured: list[dict[str, Any]]
) -> None:
    """We keep the reference's trailing "/"; the official client drops it on query-less calls."""
    assert entry["args"] == []
    ours = ours_url(ROOT, service, entry, {}, {})
    assert ours.endswith("/")
    assert ours == f"{ROOT}/api/{service}/v1/{entry['route'].lstrip('/')}"
    client = official(service, credentials={"clientId": "tester", "accessToken": "x"})
    assert client.buildUrl(entry["name"]) == ours  # buildUrl keeps it ...
    getattr(client, entry["name"])()
    assert captured[-1]["url"] == ours.rstrip("/")  # ... the call strips it
    if entry.get("query"):
        key = entry["query"][0]
        getattr(client, entry["name"])(query={key: "1"})
        assert captured[-1]["url"] == f"{ours}?{key}=1"  # but not when there is a query
        assert ours_url(ROOT, service, entry, {}, {key: "1"}) == f"{ours}?{key}=1"


@pytest.mark.interop
def test_both_trailing_slash_forms_verify_as_sent(hawk_server: NodeHawkServer) -> None:
    root = hawk_server.root_url
    official_auth = taskcluster.Auth(
        {"rootUrl": root, "credentials": {"clientId": "tester", "accessToken": PERMANENT["tester"]}}
    )
    theirs = official_auth.listClients()
    assert theirs["url"] == "/api/auth/v1/clients"
    assert theirs["hashChecked"] is True
    assert theirs["extRaw"] == "e30="  # {} is always sent by the official client
    credentials = Credentials("tester", PERMANENT["tester"])
    with SyncClient(root, service="auth", credentials=credentials) as client:
        ours = client.request("GET", "clients/").json()
    assert ours["url"] == "/api/auth/v1/clients/"
    assert ours["extRaw"] is None


@pytest.mark.parametrize("root_url", [ROOT, f"{ROOT}/", f"{ROOT}///", f"{ROOT}/prefix//"])
@pytest.mark.parametrize("path", ["ping", "/ping", "//ping"])
def test_root_urls_with_trailing_slashes(root_url: str, path: str) -> None:
    theirs = official("auth", root_url).buildUrl("ping")
    assert api_url(root_url, "auth", path) == theirs
    assert theirs == f"{root_url.rstrip('/')}/api/auth/v1/ping"


# Query strings -----------------------------------------------------------------------------


def test_query_encoding_differences(captured: list[dict[str, Any]]) -> None:
    query = {"continuationToken": "a b/+é", "limit": 10}
    # Booleans: deliberately lowercase. lib-api checks boolean query options against
    # ^(true|false)$, so the official client's str(True) == "True" would be refused (400).
    assert encode_query({"flag": True, "other": False}) == "flag=true&other=false"
    assert urlencode({"flag": True}) == "flag=True"
    # Spaces: %20 here, "+" from quote_plus; both decode to the same value.
    assert encode_query(query) == "continuationToken=a%20b%2F%2B%C3%A9&limit=10"
    client = official("queue", credentials={"clientId": "tester", "accessToken": "x"})
    client.listTaskGroup("g", query=query)
    sent = captured[-1]["url"]
    assert sent == f"{ROOT}/api/queue/v1/task-group/g/list?{urlencode(query)}"
    assert "continuationToken=a+b%2F%2B%C3%A9" in sent
    assert parse_qsl(urlsplit(sent).query) == parse_qsl(encode_query(query))
    # None: the official client sends "None"; we leave the option out.
    assert urlencode({"limit": None}) == "limit=None"
    assert encode_query({"limit": None}) == ""


# ext ---------------------------------------------------------------------------------------


def official_ext(
    certificate: str | None, authorized_scopes: Any = ..., client_id: str = "tester"
) -> str:
    credentials: dict[str, Any] = {"clientId": client_id, "accessToken": "secret"}
    if certificate is not None:
        credentials["certificate"] = certificate
    options: dict[str, Any] = {"credentials": credentials}
    if authorized_scopes is not ...:
        options["authorizedScopes"] = authorized_scopes
    ext = official("queue", **options).makeHawkExt()
    assert isinstance(ext, bytes)
    return ext.decode("ascii")


STANDARD_B64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
URLSAFE_B64 = re.compile(r"[A-Za-z0-9_-]*={0,2}")


@SETTINGS
@given(
    certificate=st.none() | certificates,
    authorized=st.none() | st.just([]) | scopes,
    ensure_ascii=st.booleans(),
)
def test_ext_decodes_to_the_official_clients_object(
    certificate: dict[str, Any] | None, authorized: list[str] | None, ensure_ascii: bool
) -> None:
    # The official client needs an ASCII certificate string (it .encode("ascii")s it).
    their_text = None if certificate is None else json.dumps(certificate)
    cert_text = None if certificate is None else json.dumps(certificate, ensure_ascii=ensure_ascii)
    theirs = official_ext(their_text, authorized if authorized is not None else ...)
    ours = hawk_ext(Credentials("tester", "secret", cert_text), authorized)
    if cert_text is not None and not cert_text.isascii():
        with pytest.raises(taskcluster.exceptions.TaskclusterAuthFailure):
            official_ext(cert_text)
    assert URLSAFE_B64.fullmatch(theirs)
    if ours is None:
        # Nothing to say: we send no ext, the official client sends {} ("e30=").
        assert certificate is None and authorized is None
        assert theirs == "e30="
        return
    assert STANDARD_B64.fullmatch(ours)
    assert decode_ext(ours) == decode_ext(theirs)
    # A dict certificate gives the same ext as its JSON string.
    if certificate is not None:
        assert hawk_ext(Credentials("tester", "secret", certificate), authorized) == ours
    # Printable-ASCII JSON (nothing json.dumps would \u-escape): the same bytes but for the
    # base64 alphabet.
    raw = base64.b64decode(ours)
    if all(0x20 <= byte <= 0x7E for byte in raw):
        assert ours.replace("+", "-").replace("/", "_") == theirs


def test_ext_cases() -> None:
    cert = {"version": 1, "scopes": ["a"], "start": 1, "expiry": 2, "seed": "s" * 44}
    cert_text = json.dumps(cert)
    # Permanent credentials, no restriction: official "e30=" ({}); ours: no ext at all.
    assert official_ext(None) == "e30="
    assert hawk_ext(Credentials("tester", "secret"), None) is None
    # authorizedScopes [] is a restriction to no scopes: sent by both.
    assert decode_ext(official_ext(None, [])) == {"authorizedScopes": []}
    assert decode_ext(hawk_ext(Credentials("tester", "secret"), [])) == {"authorizedScopes": []}
    # A list.
    listed = ["queue:create-task:*", "assume:project:x/é"]
    assert decode_ext(official_ext(None, listed)) == {"authorizedScopes": listed}
    assert decode_ext(hawk_ext(Credentials("tester", "secret"), listed)) == {
        "authorizedScopes": listed
    }
    # The option present but None: official sends null; for us None means "not restricted".
    assert decode_ext(official_ext(None, None)) == {"authorizedScopes": None}
    assert hawk_ext(Credentials("tester", "secret"), None) is None
    # A certificate as a JSON string, and as a dict (which the official client refuses).
    expected = {"certificate": cert, "authorizedScopes": listed}
    assert decode_ext(official_ext(cert_text, listed)) == expected
    assert decode_ext(hawk_ext(Credentials("tester", "secret", cert_text), listed)) == expected
    assert decode_ext(hawk_ext(Credentials("tester", "secret", cert), listed)) == expected
    with pytest.raises(taskcluster.exceptions.TaskclusterAuthFailure):
        official("queue", credentials={"clientId": "t", "accessToken": "s", "certificate": cert})


# Temporary credentials ---------------------------------------------------------------------


def expected_signature(certificate: dict[str, Any], name: str | None, issuer_token: str) -> str:
    lines = [f"version:{certificate['version']}"]
    if certificate.get("issuer"):
        lines += [f"clientId:{name}", f"issuer:{certificate['issuer']}"]
    lines += [
        f"seed:{certificate['seed']}",
        f"start:{certificate['start']}",
        f"expiry:{certificate['expiry']}",
        "scopes:",
        *certificate["scopes"],
    ]
    digest = hmac.new(issuer_token.encode(), "\n".join(lines).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@pytest.mark.parametrize("name", [None, "project/temporary"])
@pytest.mark.parametrize(
    "granted", [[], ["queue:create-task:*"], ["assume:project:é", "secrets:get:x/*"]]
)
def test_temporary_credentials_round_trip_into_ext(name: str | None, granted: list[str]) -> None:
    issuer, issuer_token = "tester", PERMANENT["tester"]
    start = datetime.datetime(2030, 1, 1, 12, 0, 0, 999_000, tzinfo=datetime.timezone.utc)
    made = taskcluster.createTemporaryCredentials(
        issuer, issuer_token, start, start + datetime.timedelta(days=1), granted, name=name
    )
    with pytest.raises(tce.CredentialsError):
        Credentials(made["clientId"], made["accessToken"], made["certificate"])
    assert isinstance(made["accessToken"], bytes)
    credentials = Credentials(
        made["clientId"], made["accessToken"].decode("ascii"), made["certificate"]
    )
    assert isinstance(made["certificate"], str)
    certificate = credentials.certificate
    assert certificate == json.loads(made["certificate"])
    assert credentials.client_id == (name or issuer)
    # Still the certificate the auth service checks: no field changed on the way.
    assert certificate is not None
    assert isinstance(certificate["start"], int)
    assert certificate["start"] == 1_893_499_200_000  # whole seconds x 1000
    assert certificate["signature"] == expected_signature(certificate, name, issuer_token)
    ext = hawk_ext(credentials, ["queue:create-task:*"])
    assert decode_ext(ext) == {
        "certificate": certificate,
        "authorizedScopes": ["queue:create-task:*"],
    }
    # The official client, given the same temporary credentials, puts the same object in ext.
    theirs = official_ext(made["certificate"], ["queue:create-task:*"], client_id=made["clientId"])
    assert decode_ext(theirs) == decode_ext(ext)
