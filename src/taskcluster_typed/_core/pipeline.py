"""The request pipeline, written once for sync and async (sans-IO).

`call_flow` is a generator: it builds and signs the request (an `Outgoing`: method, target,
headers, body and the attempt's bound; no `httpx.Request` is built for the engines the
package builds), *yields* a `Send` effect and receives the read reply (an `Incoming`: the
engine's `WireReply`, or an `httpx.Response` from an httpx client), or has the transport's
exception thrown into it, decides whether to retry, *yields* a `Sleep` effect before each
retry, and finally returns the `Reply` or raises the typed error. It never does I/O itself:
`drivers.run_sync` and `drivers.run_async` perform the effects, and are the only code that
differs between the two worlds. Each attempt is signed anew (fresh Hawk timestamp and nonce).

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
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

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

    def sign(self, request: Outgoing) -> None:
        """Add the Hawk header, computed over the request target exactly as it is sent (the
        URL as httpx parses it: raw characters percent-encoded, dot segments dropped, hosts
        IDNA-encoded)."""
        if self.credentials is None:
            return
        target = request.target
        headers = request.headers
        headers["authorization"] = hawk.request_header(
            credentials=self.credentials,
            authorized_scopes=self.authorized_scopes,
            method=request.method,
            url=hawk.Target(target.resource, target.host, target.port),
            body=request.content or None,
            content_type=headers.get("content-type"),
        )


@dataclass(frozen=True, slots=True)
class Target:
    """Where a URL sends, as it goes on the wire (derived once per URL, see `target_of`)."""

    scheme: str
    host: str
    #: The port, the scheme's default when the URL gives none.
    port: int
    #: The request target in origin form (path and query, percent-encoded as sent).
    path: str
    #: What Hawk signs of the target: `path`, without a trailing ``?`` of an empty query.
    resource: str
    #: The whole URL as sent (the absolute form, for an HTTP proxy).
    absolute: str


@dataclass(slots=True)
class Outgoing:
    """One attempt's request as the SDK's own transports send it, without building an
    `httpx.Request` (`to_httpx` builds one for an httpx client)."""

    method: str
    url: str
    target: Target
    #: Lower-case names; values checked (no CR/LF, ASCII) before they get here.
    headers: dict[str, str]
    content: bytes | None
    #: The attempt's bound in seconds, from its start to the last byte of the reply.
    timeout: float | None

    def to_httpx(self) -> httpx.Request:
        """The same request as an `httpx.Request` (for a user's httpx client, or httpx's own
        transport), its target the one that was signed."""
        import httpx

        return httpx.Request(
            self.method,
            parsed_url(self.url),
            headers=self.headers,
            content=self.content,
            extensions={"timeout": _timeouts(self.timeout), ATTEMPT_TIMEOUT: self.timeout},
        )


class ReplyHeaders(Protocol):
    """The reply headers every transport gives: a case-insensitive mapping (`httpx.Headers`,
    urllib3's `HTTPHeaderDict`, aiohttp's `CIMultiDictProxy`)."""

    def get(self, key: str, /) -> str | None: ...

    def items(self) -> Iterable[tuple[str, str]]: ...


class Incoming(Protocol):
    """A read reply, as a transport hands it back (an `httpx.Response` is one)."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Any: ...

    @property
    def content(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class WireReply:
    """A read reply of the SDK's own transports (no `httpx.Response` built)."""

    status_code: int
    headers: ReplyHeaders
    content: bytes


@dataclass(frozen=True, slots=True)
class Send:
    request: Outgoing


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


Effect = Send | Sleep


@dataclass(frozen=True, slots=True)
class Reply:
    """A successful (< 400) reply. Redirects are not followed: a 3xx is a reply too."""

    status_code: int
    #: The headers as the transport gave them (a case-insensitive mapping); `headers` gives
    #: them as `httpx.Headers`.
    raw_headers: ReplyHeaders
    content: bytes
    url: str

    @property
    def headers(self) -> httpx.Headers:
        """The reply's headers (case-insensitive; a repeated name keeps each value)."""
        import httpx

        headers = self.raw_headers
        if isinstance(headers, httpx.Headers):
            return headers
        return httpx.Headers(list(headers.items()))

    @property
    def content_type(self) -> str:
        return self.raw_headers.get("content-type") or ""

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


def _decode_error_body(response: Incoming) -> tuple[Any, str]:
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


@functools.cache
def _url_errors() -> tuple[type[Exception], ...]:
    """What parsing a URL that cannot be sent raises."""
    import httpx

    return (httpx.InvalidURL, UnicodeError)


@functools.lru_cache(maxsize=1024)
def target_of(url: str) -> Target:
    """Where `url` sends, from httpx's parse of it (`parsed_url`), kept like it."""
    parsed = parsed_url(url)
    path = parsed.raw_path.decode("ascii")
    resource = path[:-1] if path.endswith("?") and not parsed.query else path
    scheme = parsed.scheme
    port = parsed.port or (443 if scheme == "https" else 80)
    host = parsed.raw_host.decode("ascii")
    return Target(scheme, host, port, path, resource, str(parsed))


def build_request(call: Call, signer: Signer, attempt_timeout: float | None) -> Outgoing:
    """The signed request for one attempt."""
    try:
        target = target_of(call.url)
    except _url_errors() as exc:  # (evaluated only when something was raised)
        raise RequestValidationError(
            call.name, [("url", f"{redact_url(call.url)}: {exc}")]
        ) from exc
    headers: dict[str, str] = {"user-agent": user_agent()}
    if call.body is not None:
        headers["content-type"] = JSON_CONTENT_TYPE
    if signer.trace_id is not None:
        headers["x-taskcluster-trace-id"] = signer.trace_id
    request = Outgoing(call.method, call.url, target, headers, call.body, attempt_timeout)
    signer.sign(request)
    return request


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def call_flow(
    call: Call, signer: Signer, policy: RetryPolicy, clock: Callable[[], float] = time.monotonic
) -> Generator[Effect, Incoming | None, Reply]:
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
