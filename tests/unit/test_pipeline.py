"""The sans-IO flow, driven by hand: which effects it yields, in what order, and why."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import httpx
import pytest

from taskcluster_typed import Credentials, RetryPolicy
from taskcluster_typed._core import errors as tce
from taskcluster_typed._core.pipeline import Call, Reply, Send, Signer, Sleep, call_flow

URL = "https://tc.example.com/api/queue/v1/task/abc"
CALL = Call("createTask", "PUT", URL, b'{"a":1}', 30.0, idempotent=True)
SIGNER = Signer(Credentials("client", "token"), None, None)


def response(
    status: int, body: bytes = b"{}", headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(
        status, content=body, headers={"content-type": "application/json", **(headers or {})}
    )


def drive(
    outcomes: list[httpx.Response | Exception], policy: RetryPolicy | None = None
) -> tuple[list[Send | Sleep], Reply | BaseException]:
    """Run the flow, answering each Send with the next outcome; return effects and result."""
    flow: Generator[Send | Sleep, Any, Reply] = call_flow(
        CALL, SIGNER, policy or RetryPolicy(random=lambda: 0.5)
    )
    effects: list[Send | Sleep] = []
    pending = list(outcomes)
    try:
        effect = next(flow)
        while True:
            effects.append(effect)
            if isinstance(effect, Sleep):
                effect = flow.send(None)
                continue
            outcome = pending.pop(0)
            effect = flow.throw(outcome) if isinstance(outcome, Exception) else flow.send(outcome)
    except StopIteration as stop:
        return effects, stop.value
    except tce.TaskclusterError as error:
        return effects, error


def kinds(effects: list[Send | Sleep]) -> list[str]:
    return [type(e).__name__ for e in effects]


def test_success_on_first_attempt() -> None:
    effects, result = drive([response(200, b'{"ok":true}')])
    assert kinds(effects) == ["Send"]
    assert isinstance(result, Reply) and result.json() == {"ok": True}


def test_5xx_is_retried_with_backoff_then_succeeds() -> None:
    effects, result = drive([response(500), response(503), response(200)])
    assert kinds(effects) == ["Send", "Sleep", "Send", "Sleep", "Send"]
    assert [e.seconds for e in effects if isinstance(e, Sleep)] == pytest.approx([0.1, 0.2])
    assert isinstance(result, Reply)


def test_each_attempt_is_signed_anew() -> None:
    effects, _ = drive([response(500), response(500), response(200)])
    headers = [e.request.headers["authorization"] for e in effects if isinstance(e, Send)]
    nonces = {h.split('nonce="')[1].split('"')[0] for h in headers}
    assert len(nonces) == 3


def test_default_is_five_retries_then_the_error() -> None:
    effects, result = drive([response(500, b'{"code":"InternalServerError","message":"boom"}')] * 6)
    assert kinds(effects).count("Send") == 6
    assert kinds(effects).count("Sleep") == 5
    assert isinstance(result, tce.InternalServerError)
    assert result.status_code == 500 and result.message == "boom"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 410, 413, 424])
def test_4xx_is_never_retried(status: int) -> None:
    effects, result = drive([response(status, b'{"code":"X","message":"no"}')])
    assert kinds(effects) == ["Send"]
    assert isinstance(result, tce.APIError) and result.status_code == status


def test_429_honours_retry_after() -> None:
    effects, result = drive([response(429, headers={"retry-after": "2"}), response(200)])
    assert [e.seconds for e in effects if isinstance(e, Sleep)] == [2.0]
    assert isinstance(result, Reply)


def test_connection_errors_are_retried_then_raised() -> None:
    request = httpx.Request("GET", URL)
    failures: list[httpx.Response | Exception] = [
        httpx.ConnectError("refused", request=request)
    ] * 3
    effects, result = drive(failures, RetryPolicy(max_retries=2, random=lambda: 0.5))
    assert kinds(effects) == ["Send", "Sleep", "Send", "Sleep", "Send"]
    assert type(result) is tce.TransportError
    assert result.attempts == 3
    assert "createTask" in str(result) and URL in str(result)


def test_timeouts_are_retried_then_raised_as_timeout_error() -> None:
    request = httpx.Request("GET", URL)
    failures: list[httpx.Response | Exception] = [
        httpx.ReadTimeout("slow", request=request),
        response(200),
    ]
    _effects, result = drive(failures)
    assert isinstance(result, Reply)
    _effects, result = drive(
        [httpx.ReadTimeout("slow", request=request)], RetryPolicy(max_retries=0)
    )
    assert isinstance(result, tce.RequestTimeoutError)


def test_unrecoverable_transport_errors_are_not_retried() -> None:
    request = httpx.Request("GET", URL)
    effects, result = drive([httpx.UnsupportedProtocol("ftp?", request=request)])
    assert kinds(effects) == ["Send"]
    assert isinstance(result, tce.TransportError)


def test_redirects_are_replies() -> None:
    body = b'{"storageType":"s3","url":"https://bucket/x"}'
    _effects, result = drive([response(303, body, {"location": "https://bucket/x"})])
    assert isinstance(result, Reply)
    assert result.status_code == 303 and result.json()["url"] == "https://bucket/x"


def test_request_carries_timeout_and_exact_body() -> None:
    effects, _ = drive([response(200)])
    send = effects[0]
    assert isinstance(send, Send)
    assert send.request.content == b'{"a":1}'
    assert send.request.headers["content-type"] == "application/json"
    assert send.request.timeout == 30.0
    # The same request for an httpx client: its target, headers, body and timeouts.
    as_httpx = send.request.to_httpx()
    assert str(as_httpx.url) == URL
    assert as_httpx.content == b'{"a":1}'
    assert as_httpx.headers["authorization"] == send.request.headers["authorization"]
    assert as_httpx.extensions["timeout"] == httpx.Timeout(30.0).as_dict()
