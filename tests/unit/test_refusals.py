"""Refusals that used to be plain ValueError/TypeError: each is a TaskclusterError
now (`ArgumentError`, still a ValueError and a TypeError), with its message, and a reply body
that is not JSON is a `ResponseValidationError` from `Reply.json()`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest

from taskcluster_typed import (
    ArgumentError,
    Credentials,
    Queue,
    Reply,
    ResponseValidationError,
    SyncClient,
    TaskclusterError,
    TransportError,
    create_temporary_credentials,
    sign_url,
)
from taskcluster_typed.services.queue import _CREATE_TASK

ISSUER = Credentials("issuer", "a-secret-that-must-not-show")


def test_refusals_are_taskcluster_errors_that_keep_their_old_classes() -> None:
    queue = Queue("https://tc.example.com", credentials=ISSUER)
    refusals: dict[str, Callable[[], object]] = {
        "signed URL for a PUT": lambda: queue._url_context().signed_url(
            _CREATE_TASK, {"taskId": "a"}
        ),
        "expires_in <= 0": lambda: sign_url("https://x.example/a", ISSUER, expires_in=0),
        "over 31 days": lambda: create_temporary_credentials(
            ISSUER, scopes=["a"], expiry=timedelta(days=32)
        ),
        "scopes as a str": lambda: create_temporary_credentials(
            ISSUER,
            scopes="a-string",  # type: ignore[arg-type]  # untyped callers are refused too
            expiry=timedelta(hours=1),
        ),
        "authorized_scopes as a str": lambda: sign_url(
            "https://x.example/a",
            ISSUER,
            authorized_scopes="a-string",  # type: ignore[arg-type]  # untyped callers too
        ),
    }
    for what, refuse in refusals.items():
        with pytest.raises(ArgumentError) as info:
            refuse()
        error = info.value
        assert isinstance(error, TaskclusterError), what
        assert isinstance(error, ValueError) and isinstance(error, TypeError), what
        assert "a-secret-that-must-not-show" not in str(error), what


def test_a_reply_that_is_not_json_is_a_response_validation_error() -> None:
    reply = Reply(200, httpx.Headers({"content-type": "application/json"}), b"{nope", "https://x/a")
    with pytest.raises(ResponseValidationError, match="not JSON") as info:
        reply.json()
    assert isinstance(info.value.__cause__, ValueError)


def test_any_failure_of_a_transport_is_a_transport_error() -> None:
    # aiohttp refusing a header raises ValueError; any transport may raise its own errors:
    # the call raises a TransportError with the original as its cause.
    def refuse(request: httpx.Request) -> httpx.Response:
        raise ValueError("Newline or carriage return character detected in HTTP status message")

    http = httpx.Client(transport=httpx.MockTransport(refuse))
    client = SyncClient("https://tc.example.com", service="queue", http_client=http)
    with pytest.raises(TransportError) as info:
        client.request("GET", "ping")
    assert isinstance(info.value.__cause__, ValueError) and info.value.attempts == 1
    http.close()
