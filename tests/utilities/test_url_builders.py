"""URL builders: ``client.urls.<method>(...)`` is the URL the call requests, for every method;
``client.signed_urls.<method>(...)`` exists for GET methods only and carries a bewit that
mohawk verifies (the Node `hawk` server check is in tests/interop/test_signed_urls.py)."""

from __future__ import annotations

import base64
import json
import logging
import time
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import mohawk.bewit  # type: ignore[import-untyped]
import mohawk.exc  # type: ignore[import-untyped]
import pytest
import taskcluster  # type: ignore[import-untyped]

from codegen.naming import snake_case
from taskcluster_typed import (
    AsyncQueue,
    Credentials,
    CredentialsError,
    Queue,
    RequestValidationError,
    Secrets,
    sign_url,
)
from taskcluster_typed import url_builders as ub
from taskcluster_typed._core.endpoint import Endpoint
from taskcluster_typed._core.errors import TransportError, make_api_error, redact_url
from tests.services.test_every_method import ENTRIES, ROOT, Entry, client_classes, plan

SECRET = "secret-access-token-0123456789"
CREDS = Credentials("project/ci", SECRET)
CERTIFICATE = {
    "version": 1,
    "scopes": ["queue:get-artifact:private/*"],
    "start": 1_700_000_000_000,
    "expiry": 1_700_000_600_000,
    "seed": "s" * 44,
    "signature": "c2lnbmF0dXJl",
    "issuer": "project/issuer",
}
TEMPORARY = Credentials("project/temporary", SECRET, CERTIFICATE)
NOW = 1_800_000_000


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(ub, "_now", lambda: NOW + 0.75)
    return NOW


def url_arguments(entry: Entry) -> dict[str, Any]:
    kwargs, _, _ = plan(entry)
    kwargs.pop("payload", None)
    return kwargs


def split_bewit(url: str) -> tuple[str, str]:
    base, _, token = url.rpartition("bewit=")
    return base[:-1], token


def decode_bewit(token: str) -> tuple[str, int, str, Any]:
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    client_id, exp, mac, ext = raw.split("\\")
    decoded = json.loads(base64.b64decode(ext)) if ext else None
    return client_id, int(exp), mac, decoded


def mohawk_check(url: str, credentials: Credentials, now: int) -> bool:
    """mohawk.bewit.check_bewit over `url` (its parser wants standard base64 with padding)."""
    base, token = split_bewit(url)
    token = token.replace("-", "+").replace("_", "/") + "=" * (-len(token) % 4)
    separator = "&" if "?" in base else "?"

    def lookup(client_id: str) -> dict[str, str]:
        assert client_id == credentials.client_id
        return {"id": client_id, "key": credentials.access_token, "algorithm": "sha256"}

    result: bool = mohawk.bewit.check_bewit(f"{base}{separator}bewit={token}", lookup, now=now)
    return result


# Unsigned ----------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_every_method_has_the_url_its_call_requests(entry: Entry) -> None:
    sync_cls, async_cls = client_classes(entry.service)
    _, url, query = plan(entry)
    expected = f"{url}?{query.decode()}" if query else url
    arguments = url_arguments(entry)
    name = snake_case(entry.name)
    assert getattr(sync_cls(ROOT).urls, name)(**arguments) == expected
    assert getattr(async_cls(ROOT).urls, name)(**arguments) == expected


def test_urls_match_the_official_clients_build_url() -> None:
    official = taskcluster.Queue({"rootUrl": ROOT})
    queue = Queue(ROOT)
    assert queue.urls.get_artifact("abc", 0, "public~log.txt") == official.buildUrl(
        "getArtifact", "abc", 0, "public~log.txt"
    )
    assert queue.urls.list_task_group("g", limit=5) == official.buildUrl(
        "listTaskGroup", "g", query={"limit": 5}
    )
    assert queue.urls.ping() == official.buildUrl("ping")


def test_url_arguments_are_checked() -> None:
    with pytest.raises(RequestValidationError, match="taskId"):
        Queue(ROOT).urls.task("")
    with pytest.raises(RequestValidationError, match=r"must not be '\.\.'"):
        Queue(ROOT, credentials=CREDS).signed_urls.task("..")


def test_urls_need_no_credentials_and_none_appear() -> None:
    assert Queue(ROOT).urls.task("abc") == f"{ROOT}/api/queue/v1/task/abc"
    assert "bewit" not in Queue(ROOT, credentials=CREDS).urls.task("abc")


# Signed ------------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_signed_urls_exist_for_get_methods_only(entry: Entry, frozen: int) -> None:
    sync_cls, async_cls = client_classes(entry.service)
    name = snake_case(entry.name)
    for cls in (sync_cls, async_cls):
        signed_urls = cls(ROOT, credentials=CREDS).signed_urls
        assert hasattr(signed_urls, name) == (entry.method == "GET"), entry.id
    if entry.method != "GET":
        return
    _, url, query = plan(entry)
    signed = getattr(sync_cls(ROOT, credentials=CREDS).signed_urls, name)(**url_arguments(entry))
    base, token = split_bewit(signed)
    assert base == (f"{url}?{query.decode()}" if query else url)
    assert decode_bewit(token)[:2] == (CREDS.client_id, frozen + 900)
    assert mohawk_check(signed, CREDS, now=frozen)


def test_bewit_is_appended_last_with_the_right_separator(frozen: int) -> None:
    queue = Queue(ROOT, credentials=CREDS)
    plain = queue.signed_urls.task("abc")
    assert plain.startswith(f"{ROOT}/api/queue/v1/task/abc?bewit=")
    with_query = queue.signed_urls.list_task_group("g", limit=3, continuation_token="t")
    assert with_query.startswith(
        f"{ROOT}/api/queue/v1/task-group/g/list?continuationToken=t&limit=3&bewit="
    )
    assert list(dict(parse_qsl(urlsplit(with_query).query))) == [
        "continuationToken",
        "limit",
        "bewit",
    ]
    assert mohawk_check(with_query, CREDS, now=frozen)


def test_expiry_defaults_to_15_minutes_and_takes_a_timedelta_or_seconds(frozen: int) -> None:
    signed = Queue(ROOT, credentials=CREDS).signed_urls
    assert timedelta(minutes=15) == ub.DEFAULT_SIGNED_URL_EXPIRY
    assert decode_bewit(split_bewit(signed.task("a"))[1])[1] == frozen + 900
    hour = signed.task("a", expires_in=timedelta(hours=1))
    assert decode_bewit(split_bewit(hour)[1])[1] == frozen + 3600
    seconds = signed.task("a", expires_in=30)
    assert decode_bewit(split_bewit(seconds)[1])[1] == frozen + 30
    with pytest.raises(ValueError, match="positive"):
        signed.task("a", expires_in=0)
    with pytest.raises(ValueError, match="positive"):
        signed.task("a", expires_in=timedelta(seconds=-1))


def test_a_bewit_expires() -> None:
    url = Queue(ROOT, credentials=CREDS).signed_urls.task("a", expires_in=60)
    exp = decode_bewit(split_bewit(url)[1])[1]
    assert abs(exp - (time.time() + 60)) < 5
    assert mohawk_check(url, CREDS, now=exp - 1)
    with pytest.raises(mohawk.exc.TokenExpired):
        mohawk_check(url, CREDS, now=exp + 1)


def test_ext_carries_the_certificate_and_authorized_scopes(frozen: int) -> None:
    queue = Queue(ROOT, credentials=TEMPORARY, authorized_scopes=["queue:get-artifact:x"])
    url = queue.signed_urls.get_artifact("abc", 0, "private/x")
    client_id, _, _, ext = decode_bewit(split_bewit(url)[1])
    assert client_id == "project/temporary"
    assert ext == {"certificate": CERTIFICATE, "authorizedScopes": ["queue:get-artifact:x"]}
    assert mohawk_check(url, TEMPORARY, now=frozen)
    # An empty list restricts to no scopes, which differs from not restricting.
    empty = Queue(ROOT, credentials=CREDS, authorized_scopes=[]).signed_urls.task("abc")
    assert decode_bewit(split_bewit(empty)[1])[3] == {"authorizedScopes": []}
    assert (
        decode_bewit(split_bewit(Queue(ROOT, credentials=CREDS).signed_urls.task("a"))[1])[3]
        is None
    )


def test_the_builders_follow_with_options(frozen: int) -> None:
    queue = Queue(ROOT, credentials=CREDS)
    copy = queue.with_options(credentials=TEMPORARY)
    assert decode_bewit(split_bewit(copy.signed_urls.task("a"))[1])[0] == "project/temporary"
    assert decode_bewit(split_bewit(queue.signed_urls.task("a"))[1])[0] == "project/ci"


def test_signing_needs_credentials() -> None:
    with pytest.raises(CredentialsError, match="needs a client with credentials"):
        Queue(ROOT).signed_urls.task("abc")


def test_non_get_methods_are_refused_by_the_core() -> None:
    endpoint: Endpoint[None] = Endpoint(
        service="queue", name="createTask", method="PUT", route="/task/<taskId>"
    )
    context = Queue(ROOT, credentials=CREDS)._url_context()
    assert context.url(endpoint, {"taskId": "a"}) == f"{ROOT}/api/queue/v1/task/a"
    with pytest.raises(ValueError, match="only GET methods can have a signed URL"):
        context.signed_url(endpoint, {"taskId": "a"})
    assert not hasattr(Queue(ROOT, credentials=CREDS).signed_urls, "create_task")


def test_sign_url_signs_any_url(frozen: int) -> None:
    url = "https://tc.example.com/api/queue/v1/task/a/artifacts/public%2Fx?a=1"
    signed = sign_url(url, CREDS, expires_in=timedelta(minutes=1), authorized_scopes=["s"])
    assert signed.startswith(url + "&bewit=")
    assert decode_bewit(split_bewit(signed)[1])[1:2] == (frozen + 60,)
    assert mohawk_check(signed, CREDS, now=frozen)
    with pytest.raises(ValueError, match="fragment"):
        sign_url(url + "#top", CREDS)
    with pytest.raises(TypeError, match="not a str"):
        sign_url(url, CREDS, authorized_scopes="scope")  # type: ignore[arg-type]


# Secrets stay secret -----------------------------------------------------------------------


def test_bewits_are_redacted_and_builders_show_no_secret(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="taskcluster_typed")
    queue = Queue(ROOT, credentials=TEMPORARY)
    url = queue.signed_urls.get_artifact("abc", 0, "private/x")
    token = split_bewit(url)[1]
    assert redact_url(url) == split_bewit(url)[0] + "?bewit=REDACTED"
    error = make_api_error(
        status_code=404, body={"message": "nope"}, text="", method="getArtifact", url=url
    )
    transport = TransportError("getArtifact", url, 1, "refused")
    for text in (str(error), repr(error), str(transport), repr(queue.signed_urls)):
        assert token not in text
        assert SECRET not in text
    assert "REDACTED" in str(transport)
    assert repr(queue.urls) == f"QueueUrls({ROOT!r})"
    assert SECRET not in repr(queue._url_context())
    assert all(token not in record.getMessage() for record in caplog.records)


@pytest.mark.anyio
async def test_async_clients_have_the_same_builders(frozen: int) -> None:
    async with AsyncQueue(ROOT, credentials=CREDS) as queue:
        assert queue.urls.task("a") == Queue(ROOT).urls.task("a")
        assert queue.signed_urls.task("a") == Queue(ROOT, credentials=CREDS).signed_urls.task("a")
    secrets = Secrets(ROOT, credentials=CREDS)
    assert secrets.signed_urls.get("a/b").startswith(f"{ROOT}/api/secrets/v1/secret/a%2Fb?bewit=")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
