"""Temporary credentials: byte-identical to the official Python client's, checked before
signing, signed as the auth service verifies them (also with no scopes), ready to use."""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from unittest import mock

import httpx
import mohawk  # type: ignore[import-untyped]
import pytest
import respx
import taskcluster  # type: ignore[import-untyped]
import taskcluster.utils  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from taskcluster_typed import Credentials, CredentialsError, Queue, create_temporary_credentials
from taskcluster_typed.credentials import temporary as tc

# respx intercepts httpx's own transport: clients use it in this module.
pytestmark = pytest.mark.usefixtures("httpx_transport")

ISSUER = Credentials("project/issuer", "issuer-access-token-0123456789")
START = datetime(2026, 3, 4, 5, 6, 7, 891000, tzinfo=timezone.utc)
SEEDS = ("A" * 22, "fB-_" + "x" * 18)
SEED = "".join(SEEDS)

printable = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
client_ids = st.text(alphabet=st.sampled_from("abcXYZ019/:|@._-+!"), min_size=1, max_size=20)
scope_lists = st.lists(st.text(alphabet=printable, max_size=12), max_size=4)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)
)


@pytest.fixture
def fixed_seed() -> Iterator[None]:
    with mock.patch.object(tc, "_new_seed", return_value=SEED):
        yield


def official(
    issuer: Credentials, start: datetime, expiry: datetime, scopes: list[str], name: str | None
) -> dict[str, Any]:
    seeds = iter(SEEDS)
    with mock.patch.object(taskcluster.utils, "slugId", side_effect=lambda: next(seeds)):
        made: dict[str, Any] = taskcluster.createTemporaryCredentials(
            issuer.client_id, issuer.access_token, start, expiry, scopes, name=name
        )
    return made


def server_signature(certificate: dict[str, Any], issuer_token: str, name: str) -> str:
    """The signature the auth service expects (behaviour doc, "Signature message")."""
    lines = ["version:1"]
    if "issuer" in certificate:
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


# Parity with the official client ---------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    issuer_id=client_ids,
    token=st.text(alphabet=printable.filter(lambda c: c not in '"\\'), min_size=1, max_size=30),
    start=moments,
    lifetime=st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=31)),
    scopes=scope_lists,
    name=st.none() | client_ids,
    naive=st.booleans(),
)
def test_byte_identical_to_the_official_python_client(
    issuer_id: str,
    token: str,
    start: datetime,
    lifetime: timedelta,
    scopes: list[str],
    name: str | None,
    naive: bool,
) -> None:
    if name == issuer_id:
        name = None
    issuer = Credentials(issuer_id, token)
    expiry = start + lifetime
    if naive:  # naive datetimes are UTC in both
        start, expiry = start.replace(tzinfo=None), expiry.replace(tzinfo=None)
    if calendar.timegm(expiry.utctimetuple()) <= calendar.timegm(start.utctimetuple()):
        return  # within one second: refused here (see below), accepted there
    theirs = official(issuer, start, expiry, scopes, name)
    with mock.patch.object(tc, "_new_seed", return_value=SEED):
        ours = create_temporary_credentials(
            issuer, scopes=scopes, start=start, expiry=expiry, name=name
        )
    assert ours.certificate_json == theirs["certificate"]
    assert ours.access_token.encode() == theirs["accessToken"]
    assert ours.client_id == theirs["clientId"]
    certificate = ours.certificate
    assert certificate is not None
    assert certificate["signature"] == server_signature(certificate, token, ours.client_id)


def test_the_certificate_layout(fixed_seed: None) -> None:
    made = create_temporary_credentials(
        ISSUER, scopes=["queue:*"], start=START, expiry=START + timedelta(hours=1), name="proj/t"
    )
    assert made.client_id == "proj/t"
    assert made.is_temporary
    certificate = made.certificate
    assert certificate is not None
    assert list(certificate) == [
        "version",
        "scopes",
        "start",
        "expiry",
        "seed",
        "issuer",
        "signature",
    ]
    assert certificate["start"] == 1772600767000  # whole seconds, in milliseconds
    assert certificate["expiry"] == certificate["start"] + 3_600_000
    assert certificate["issuer"] == "project/issuer"
    assert len(certificate["seed"]) == 44
    expected_token = hmac.new(ISSUER.access_token.encode(), SEED.encode(), hashlib.sha256).digest()
    assert made.access_token == base64.urlsafe_b64encode(expected_token).decode().rstrip("=")
    unnamed = create_temporary_credentials(
        ISSUER, scopes=[], expiry=START, start=START - timedelta(days=1)
    )
    assert unnamed.client_id == ISSUER.client_id
    assert unnamed.certificate is not None
    assert "issuer" not in unnamed.certificate


def test_an_empty_scope_list_signs_as_the_server_expects(fixed_seed: None) -> None:
    made = create_temporary_credentials(
        ISSUER, scopes=[], start=START, expiry=START + timedelta(hours=1)
    )
    certificate = made.certificate
    assert certificate is not None
    assert certificate["scopes"] == []
    assert certificate["signature"] == server_signature(certificate, ISSUER.access_token, "")
    # The JavaScript client signs "...scopes:\n", which the server refuses.
    start, expiry = certificate["start"], certificate["expiry"]
    message = f"version:1\nseed:{SEED}\nstart:{start}\nexpiry:{expiry}\nscopes:\n"
    js = hmac.new(ISSUER.access_token.encode(), message.encode(), hashlib.sha256).digest()
    assert certificate["signature"] != base64.b64encode(js).decode()


def test_seeds_are_two_nice_slugids() -> None:
    seeds = {tc._new_seed() for _ in range(50)}
    assert len(seeds) == 50
    for seed in seeds:
        assert len(seed) == 44
        assert seed[0] in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
        assert seed[22] in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"


# Times -----------------------------------------------------------------------------------


def test_timedeltas_are_from_now_and_start_defaults_to_now() -> None:
    before = int(datetime.now(timezone.utc).timestamp())
    made = create_temporary_credentials(ISSUER, scopes=["a"], expiry=timedelta(hours=2))
    after = int(datetime.now(timezone.utc).timestamp())
    certificate = made.certificate
    assert certificate is not None
    assert before * 1000 <= certificate["start"] <= after * 1000
    assert certificate["expiry"] - certificate["start"] in range(7_199_000, 7_201_000)
    early = create_temporary_credentials(
        ISSUER, scopes=["a"], start=timedelta(minutes=-5), expiry=timedelta(minutes=5)
    )
    assert early.certificate is not None
    assert early.certificate["expiry"] - early.certificate["start"] in range(599_000, 601_000)


def test_31_days_at_most() -> None:
    create_temporary_credentials(ISSUER, scopes=[], start=START, expiry=START + timedelta(days=31))
    with pytest.raises(ValueError, match="31 days at most"):
        create_temporary_credentials(
            ISSUER, scopes=[], start=START, expiry=START + timedelta(days=31, seconds=1)
        )


def test_expiry_must_follow_start() -> None:
    with pytest.raises(ValueError, match="after their start"):
        create_temporary_credentials(ISSUER, scopes=[], start=START, expiry=START)
    with pytest.raises(ValueError, match="after their start"):
        create_temporary_credentials(
            ISSUER, scopes=[], start=START, expiry=START - timedelta(hours=1)
        )


def test_a_timezone_is_honoured() -> None:
    local = START.astimezone(timezone(timedelta(hours=-7)))
    made = create_temporary_credentials(
        ISSUER, scopes=[], start=local, expiry=local + timedelta(hours=1)
    )
    assert made.certificate is not None
    assert made.certificate["start"] == 1772600767000


# Refusals --------------------------------------------------------------------------------


def test_temporary_credentials_cannot_issue() -> None:
    temporary = create_temporary_credentials(ISSUER, scopes=[], expiry=timedelta(hours=1))
    with pytest.raises(CredentialsError, match="cannot issue"):
        create_temporary_credentials(temporary, scopes=[], expiry=timedelta(hours=1))


def test_the_name_must_differ_from_the_issuer() -> None:
    with pytest.raises(CredentialsError, match="must differ from the issuer"):
        create_temporary_credentials(
            ISSUER, scopes=[], expiry=timedelta(hours=1), name=ISSUER.client_id
        )
    with pytest.raises(CredentialsError, match="must not be empty"):
        create_temporary_credentials(ISSUER, scopes=[], expiry=timedelta(hours=1), name="")


@pytest.mark.parametrize(
    "scopes", [["queue:é"], ["line\nbreak"], [1]], ids=["non-ascii", "newline", "int"]
)
def test_invalid_scopes_are_refused(scopes: list[Any]) -> None:
    with pytest.raises(ValueError, match="invalid scopes"):
        create_temporary_credentials(ISSUER, scopes=scopes, expiry=timedelta(hours=1))


def test_a_str_is_not_a_scope_list() -> None:
    with pytest.raises(TypeError, match="not a str"):
        create_temporary_credentials(ISSUER, scopes="queue:*", expiry=timedelta(hours=1))  # type: ignore[arg-type]


def test_no_secret_in_errors_or_reprs() -> None:
    messages = []
    cases: list[dict[str, Any]] = [
        {"scopes": ["é"], "expiry": timedelta(hours=1)},
        {"scopes": [], "expiry": timedelta(days=40)},
        {"scopes": [], "expiry": timedelta(hours=1), "name": ISSUER.client_id},
    ]
    for kwargs in cases:
        with pytest.raises(ValueError) as caught:
            create_temporary_credentials(ISSUER, **kwargs)
        messages.append(str(caught.value))
    made = create_temporary_credentials(ISSUER, scopes=[], expiry=timedelta(hours=1))
    messages += [repr(made), str(made)]
    assert made.certificate is not None
    for text in messages:
        assert ISSUER.access_token not in text
        assert made.access_token not in text
        assert made.certificate["signature"] not in text


# Ready to use ----------------------------------------------------------------------------


def test_the_credentials_sign_requests_with_their_certificate() -> None:
    made = create_temporary_credentials(
        ISSUER, scopes=["queue:get-task:*"], expiry=timedelta(hours=1), name="project/temporary"
    )
    url = "https://tc.example.com/api/queue/v1/task/abc"
    with respx.mock() as router:
        route = router.get(url).mock(return_value=httpx.Response(200, json={}))
        with Queue("https://tc.example.com", credentials=made) as queue:
            queue.request("GET", "task/abc")
    request = route.calls.last.request
    receiver = mohawk.Receiver(
        lambda client_id: {"id": client_id, "key": made.access_token, "algorithm": "sha256"},
        request.headers["authorization"],
        url,
        "GET",
        content=b"",
        content_type="",
    )
    assert receiver.parsed_header["id"] == "project/temporary"
    ext = json.loads(base64.b64decode(receiver.parsed_header["ext"]))
    assert ext == {"certificate": made.certificate}
    assert made.certificate_json is not None
    assert json.loads(made.certificate_json) == made.certificate
