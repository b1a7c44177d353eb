"""The request pipeline, written once for sync and async (sans-IO).

`call_flow` is a generator: it builds and signs the request, *yields* a `Send` effect and
receives the `httpx.Response` (or has the transport's exception thrown into it), decides
whether to retry, *yields* a `Sleep` effect before each retry, and finally returns the
`Reply` or raises the typed error. It never does I/O itself: `transport.run_sync` and
`transport.run_async` perform the effects, and are the only code that differs between the two
worlds. Each attempt is signed anew (fresh Hawk timestamp and nonce).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import hawk
from .credentials import Credentials
from .errors import TimeoutError, TransportError, make_api_error, redact_url
from .retry import RetryPolicy

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("taskcluster_typed")

JSON_CONTENT_TYPE = "application/json"


@functools.cache
def retryable_exceptions() -> tuple[type[Exception], ...]:
    """The failures with no reply that are worth another attempt (httpx imported on first use)."""
    import httpx  # at the first request, not with this module

    return (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True, slots=True)
class Call:
    """A call ready to be signed and sent."""

    name: str
    method: str
    url: str
    body: bytes | None
    timeout: float | None


@dataclass(frozen=True, slots=True)
class Signer:
    """What every request of a client carries: credentials, restrictions, trace id."""

    credentials: Credentials | None
    authorized_scopes: tuple[str, ...] | None
    trace_id: str | None

    def sign(self, request: httpx.Request) -> None:
        """Add the Hawk header, computed over the URL and body exactly as httpx sends them
        (httpx percent-encodes what was left raw, drops dot segments, IDNA-encodes hosts)."""
        if self.credentials is None:
            return
        request.headers["authorization"] = hawk.request_header(
            credentials=self.credentials,
            authorized_scopes=self.authorized_scopes,
            method=request.method,
            url=str(request.url),
            body=request.content if request.content else None,
            content_type=request.headers.get("content-type"),
        )


@dataclass(frozen=True, slots=True)
class Send:
    request: httpx.Request


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


Effect = Send | Sleep


@dataclass(frozen=True, slots=True)
class Reply:
    """A successful (< 400) reply. Redirects are not followed: a 3xx is a reply too."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    url: str

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", ""))

    @property
    def is_json(self) -> bool:
        return bool(self.content) and "json" in self.content_type.lower()

    def json(self) -> Any:
        """The parsed JSON body; None for an empty body (e.g. 204)."""
        if not self.content:
            return None
        return json.loads(self.content)


def _decode_error_body(response: httpx.Response) -> tuple[Any, str]:
    text = response.content.decode("utf-8", errors="replace")
    try:
        return json.loads(text), text
    except ValueError:
        return None, text


def build_request(call: Call, signer: Signer) -> httpx.Request:
    """The signed request for one attempt."""
    import httpx  # at the first request, not with this module

    headers: dict[str, str] = {}
    if call.body is not None:
        headers["content-type"] = JSON_CONTENT_TYPE
    if signer.trace_id is not None:
        headers["x-taskcluster-trace-id"] = signer.trace_id
    request = httpx.Request(
        call.method,
        call.url,
        headers=headers,
        content=call.body,
        extensions={"timeout": httpx.Timeout(call.timeout).as_dict()},
    )
    signer.sign(request)
    return request


def call_flow(
    call: Call, signer: Signer, policy: RetryPolicy
) -> Generator[Effect, httpx.Response | None, Reply]:
    """Send `call`, retrying as `policy` says; return the reply or raise the typed error."""
    import httpx  # at the first request, not with this module

    retryable = retryable_exceptions()
    shown_url = redact_url(call.url)
    retries = 0
    while True:
        attempt = retries + 1
        log.debug("%s: %s %s (attempt %d)", call.name, call.method, shown_url, attempt)
        try:
            response = yield Send(build_request(call, signer))
        except retryable as exc:
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            if policy.can_retry(retries):
                delay = policy.backoff(retries)
                log.debug("%s: %s; retrying in %.3f s", call.name, reason, delay)
                yield Sleep(delay)
                retries += 1
                continue
            error_type = TimeoutError if isinstance(exc, httpx.TimeoutException) else TransportError
            raise error_type(call.name, call.url, attempt, reason) from exc
        except httpx.TransportError as exc:
            raise TransportError(
                call.name, call.url, attempt, f"{type(exc).__name__}: {exc}"
            ) from exc
        assert response is not None
        status = response.status_code
        if status < 400:
            return Reply(status, response.headers, response.content, call.url)
        if policy.retryable_status(status) and policy.can_retry(retries):
            delay = policy.delay_after_status(retries, status, response.headers)
            log.debug("%s: status %d; retrying in %.3f s", call.name, status, delay)
            yield Sleep(delay)
            retries += 1
            continue
        body, text = _decode_error_body(response)
        raise make_api_error(
            status_code=status, body=body, text=text, method=call.name, url=call.url
        )


def encode_json(value: Any) -> bytes:
    """JSON as sent: compact, raw UTF-8 (not ASCII-escaped)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def as_scopes(scopes: Sequence[str] | None) -> tuple[str, ...] | None:
    if scopes is None:
        return None
    if isinstance(scopes, str):
        raise TypeError("authorized_scopes must be a sequence of scopes, not a str")
    return tuple(scopes)
