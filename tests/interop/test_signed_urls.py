"""Signed URLs from ``client.signed_urls`` verify with the reference Hawk server (npm `hawk`).

The Node server (hawk_server.js) checks bewits as Taskcluster's lib-api does and echoes what
it verified: the client id, the expiry and the ext (certificate, authorizedScopes).
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskcluster_typed import Credentials, Queue
from taskcluster_typed import url_builders as ub

from .conftest import NodeHawkServer
from .support import PERMANENT, authorized_scopes, path_segments

pytestmark = pytest.mark.interop

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fetch(http: httpx.Client, url: str) -> tuple[int, Any]:
    response = http.get(url)
    return response.status_code, response.json()


@SETTINGS
@given(
    client_id=st.sampled_from(sorted(PERMANENT)),
    task_id=path_segments,
    name=path_segments,
    scopes=authorized_scopes,
    limit=st.none() | st.integers(min_value=1, max_value=1000),
)
def test_signed_urls_verify_with_node_hawk(
    hawk_server: NodeHawkServer,
    http: httpx.Client,
    client_id: str,
    task_id: str,
    name: str,
    scopes: list[str] | None,
    limit: int | None,
) -> None:
    credentials = Credentials(client_id, PERMANENT[client_id])
    queue = Queue(hawk_server.root_url, credentials=credentials, authorized_scopes=scopes)
    for url in (
        queue.signed_urls.get_artifact(task_id, 0, name),
        queue.signed_urls.list_artifacts(task_id, "1", limit=limit),
    ):
        status, reply = fetch(http, url)
        assert status == 200, reply
        assert reply["scheme"] == "bewit"
        assert reply["id"] == client_id
        assert abs(reply["exp"] - (time.time() + 900)) < 5
        assert reply["ext"] == ({"authorizedScopes": scopes} if scopes is not None else None)


def test_temporary_credentials_send_their_certificate(
    hawk_server: NodeHawkServer, http: httpx.Client
) -> None:
    temporary = hawk_server.temporary
    credentials = Credentials(temporary.client_id, temporary.access_token, temporary.certificate)
    queue = Queue(hawk_server.root_url, credentials=credentials, authorized_scopes=["a:b"])
    status, reply = fetch(http, queue.signed_urls.get_latest_artifact("abc", "private/x"))
    assert status == 200, reply
    assert reply["id"] == temporary.client_id
    assert reply["ext"] == {"certificate": credentials.certificate, "authorizedScopes": ["a:b"]}


def test_tampered_or_expired_bewits_are_refused(
    hawk_server: NodeHawkServer, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = Queue(hawk_server.root_url, credentials=Credentials("tester", PERMANENT["tester"]))
    url = queue.signed_urls.get_artifact("abc", 0, "public/x")
    assert fetch(http, url)[0] == 200
    tampered = url.replace("/abc/", "/abd/")
    status, reply = fetch(http, tampered)
    assert (status, reply["code"]) == (401, "AuthenticationFailed")
    wrong_key = Queue(hawk_server.root_url, credentials=Credentials("tester", "not-the-key"))
    assert fetch(http, wrong_key.signed_urls.task("abc"))[0] == 401

    an_hour_ago = time.time() - 3600
    monkeypatch.setattr(ub, "_now", lambda: an_hour_ago)
    expired = queue.signed_urls.task("abc", expires_in=60)
    status, reply = fetch(http, expired)
    assert status == 401
    assert "expired" in reply["message"].lower()
