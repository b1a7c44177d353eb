"""The request pipeline, written once for sync and async (sans-IO).

`call_flow` is a generator: it builds and signs the request, *yields* a `Send` effect and
receives the `httpx.Response` (or has the transport's exception thrown into it), decides
whether to retry, *yields* a `Sleep` effect before each retry, and finally returns the
`Reply` or raises the typed error. It never does I/O itself: `drivers.run_sync` and
`drivers.run_async` perform the effects, and are the only code that differs between the two
worlds. Each attempt is signed anew (fresh Hawk timestamp and nonce).

Retry safety: a failure before the request was sent (no connection could be made) is always
retried; a failure after it may have reached the server (a read timeout, a connection closed
or reset after sending) is retried only when the call is idempotent (GET, HEAD, PUT, DELETE,
and the POST methods the reference documents as idempotent, `Endpoint.idempotent`). Each
attempt is bounded by the call's `timeout` from its start to the last byte of the reply, and
the whole call, its retries and waits included, by its `deadline`.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import platform
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from ..credentials import Credentials
from . import hawk
from .errors import (
    ConfigurationError,
    RequestTimeoutError,
    RequestValidationError,
    ResponseValidationError,
    TaskclusterError,
    TransportError,
    make_api_error,
    redact_url,
)
from .retry import RetryPolicy

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("taskcluster_typed")

JSON_CONTENT_TYPE = "application/json"

#: The request extension holding an attempt's bound in seconds, from the start of the request
#: to the last byte of the reply (`Urllib3Transport` enforces it; the async pipes too).
ATTEMPT_TIMEOUT = "taskcluster_attempt_timeout"


@functools.cache
def user_agent() -> str:
    """``taskcluster-typed/<version> python/<version>``, sent with every request."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("taskcluster-typed")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        ours = "0"
    return f"taskcluster-typed/{ours} python/{platform.python_version()}"


@functools.cache
def retryable_exceptions() -> tuple[type[Exception], ...]:
    """The failures with no reply that are worth another attempt (httpx imported on first use)."""
    import httpx  # at the first request, not with this module

    return (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@functools.cache
def unsent_exceptions() -> tuple[type[Exception], ...]:
    """Failures that happen before any byte of the request was sent: always safe to retry."""
    import httpx  # at the first request, not with this module

    return (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True, slots=True)
class Call:
    """A call ready to be signed and sent."""

    name: str
    method: str
    url: str
    body: bytes | None
    timeout: float | None
    #: Safe to send again after it may have reached the server.
    idempotent: bool = False
    #: Seconds for the whole call, retries and waits included (None: unbounded).
    deadline: float | None = None


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
        url = request.url
        # What Hawk signs of the URL, from httpx's parts (as `hawk.Target.from_url` reads the
        # URL httpx sends: an empty query is not signed, the port is the scheme's default).
        resource = url.raw_path.decode("ascii")
        if resource.endswith("?") and not url.query:
            resource = resource[:-1]
        port = url.port or (443 if url.scheme == "https" else 80)
        content = request.content
        request.headers["authorization"] = hawk.request_header(
            credentials=self.credentials,
            authorized_scopes=self.authorized_scopes,
            method=request.method,
            url=hawk.Target(resource, url.raw_host.decode("ascii"), port),
            body=content or None,
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
        """The parsed JSON body; None for an empty body (e.g. 204). A body that is not JSON
        raises `ResponseValidationError`."""
        if not self.content:
            return None
        try:
            return json.loads(self.content)
        except ValueError as exc:
            raise ResponseValidationError(
                "request", self.url, f"the reply is not JSON: {exc}", self.content
            ) from exc


def _decode_error_body(response: httpx.Response) -> tuple[Any, str]:
    text = response.content.decode("utf-8", errors="replace")
    try:
        return json.loads(text), text
    except ValueError:
        return None, text


@functools.lru_cache(maxsize=1024)
def parsed_url(url: str) -> httpx.URL:
    """``httpx.URL(url)``, kept for the URLs called most recently: parsing and validating a
    URL is a good part of building a request, and a worker or a script polling a task calls
    the same URLs again and again (an `httpx.URL` is immutable; a URL that does not parse is
    not kept)."""
    import httpx  # at the first request, not with this module

    return httpx.URL(url)


@functools.lru_cache(maxsize=64)
def _timeouts(seconds: float | None) -> dict[str, float | None]:
    """httpx's ``timeout`` request extension for one attempt bound (read only by transports)."""
    return {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}


def build_request(call: Call, signer: Signer, attempt_timeout: float | None) -> httpx.Request:
    """The signed request for one attempt."""
    import httpx  # at the first request, not with this module

    headers: dict[str, str] = {"user-agent": user_agent()}
    if call.body is not None:
        headers["content-type"] = JSON_CONTENT_TYPE
    if signer.trace_id is not None:
        headers["x-taskcluster-trace-id"] = signer.trace_id
    try:
        request = httpx.Request(
            call.method,
            parsed_url(call.url),
            headers=headers,
            content=call.body,
            extensions={"timeout": _timeouts(attempt_timeout), ATTEMPT_TIMEOUT: attempt_timeout},
        )
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise RequestValidationError(
            call.name, [("url", f"{redact_url(call.url)}: {exc}")]
        ) from exc
    signer.sign(request)
    return request


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def call_flow(
    call: Call, signer: Signer, policy: RetryPolicy, clock: Callable[[], float] = time.monotonic
) -> Generator[Effect, httpx.Response | None, Reply]:
    """Send `call`, retrying as `policy` says; return the reply or raise the typed error."""
    import httpx  # at the first request, not with this module

    retryable = retryable_exceptions()
    unsent = unsent_exceptions()
    end = None if call.deadline is None else clock() + call.deadline
    retries = 0

    def out_of_time(attempt: int, reason: str, wait: float = 0.0) -> RequestTimeoutError | None:
        """The error to raise if the deadline leaves no time for `wait` and another attempt."""
        if end is None or clock() + wait < end:
            return None
        return RequestTimeoutError(
            call.name,
            call.url,
            attempt,
            f"{reason}; the call's deadline of {call.deadline:g} s leaves no time to retry",
        )

    while True:
        attempt = retries + 1
        if log.isEnabledFor(logging.DEBUG):
            shown = redact_url(call.url)
            log.debug("%s: %s %s (attempt %d)", call.name, call.method, shown, attempt)
        bound = call.timeout
        if end is not None:
            left = max(end - clock(), 0.001)
            bound = left if bound is None else min(bound, left)
        try:
            response = yield Send(build_request(call, signer, bound))
        except TaskclusterError:
            raise
        except retryable as exc:
            reason = _reason(exc)
            safe = call.idempotent or isinstance(exc, unsent)
            if safe and policy.can_retry(retries):
                delay = policy.backoff(retries)
                late = out_of_time(attempt, reason, delay)
                if late is not None:
                    raise late from exc
                log.debug("%s: %s; retrying in %.3f s", call.name, reason, delay)
                yield Sleep(delay)
                retries += 1
                continue
            if not safe:
                reason += f" (not retried: {call.method} {call.name} is not idempotent)"
            error_type = (
                RequestTimeoutError if isinstance(exc, httpx.TimeoutException) else TransportError
            )
            raise error_type(call.name, call.url, attempt, reason) from exc
        except Exception as exc:  # any other failure of a transport, typed
            raise TransportError(call.name, call.url, attempt, _reason(exc)) from exc
        assert response is not None
        status = response.status_code
        if status < 400:
            return Reply(status, response.headers, response.content, call.url)
        if policy.retryable_status(status) and policy.can_retry(retries):
            delay = policy.delay_after_status(retries, status, response.headers)
            if out_of_time(attempt, f"status {status}", delay) is None:
                log.debug("%s: status %d; retrying in %.3f s", call.name, status, delay)
                yield Sleep(delay)
                retries += 1
                continue
        body, text = _decode_error_body(response)
        raise make_api_error(
            status_code=status, body=body, text=text, method=call.name, url=call.url
        )


def encode_json(value: Any, name: str = "request", root: str = "json") -> bytes:
    """JSON as sent: compact, raw UTF-8 (not ASCII-escaped); NaN and Infinity refused (they
    are not JSON) with a `RequestValidationError` naming where they are."""
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
            "utf-8"
        )
    except ValueError as exc:
        where = find_non_finite(value, root) or root
        raise RequestValidationError(name, [(where, f"is not valid JSON: {exc}")]) from None
    except TypeError as exc:
        raise RequestValidationError(name, [(root, f"is not JSON-serializable: {exc}")]) from None


def find_non_finite(value: Any, path: str) -> str | None:
    """The dotted path of the first NaN or Infinity in `value` (JSON-like data, or models),
    if any."""
    if isinstance(value, float):
        return None if math.isfinite(value) else path
    kind: type[object] = type(value)  # pyright: ignore[reportUnknownVariableType]
    fields = getattr(kind, "model_fields", None)  # pydantic's public model API
    if isinstance(fields, dict):  # a model: its fields (by wire name) and extra values
        fields = cast("dict[str, Any]", fields)
        extra: dict[str, Any] = getattr(value, "model_extra", None) or {}
        items = {info.alias or name: getattr(value, name) for name, info in fields.items()}
        return find_non_finite({**items, **extra}, path)
    if isinstance(value, dict):
        for key, item in value.items():  # pyright: ignore[reportUnknownVariableType]
            found = find_non_finite(item, f"{path}.{key}")
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
            found = find_non_finite(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def as_scopes(scopes: Sequence[str] | None) -> tuple[str, ...] | None:
    if scopes is None:
        return None
    if isinstance(scopes, str):
        raise ConfigurationError("authorized_scopes must be a sequence of scopes, not a str")
    return tuple(scopes)
