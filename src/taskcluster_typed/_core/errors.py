"""Errors raised by taskcluster-typed.

The hierarchy::

    TaskclusterError
    ├── ConfigurationError          bad client options (no root URL, bad environment)
    ├── CredentialsError            unusable credentials (non-ASCII, bad certificate)
    ├── RequestValidationError      bad input, raised before anything is sent
    ├── ArgumentError               a bad argument to a local helper (URL builders, temporary
    │                               credentials); also a ValueError and a TypeError
    ├── ResponseValidationError     a reply that does not match the reference's output schema
    ├── TransportError              no HTTP reply, after all retries
    │   └── RequestTimeoutError     ... because the request timed out
    └── APIError                    the service answered with an error status
        ├── BadRequest              400
        │   ├── MalformedPayload
        │   ├── InvalidRequestArguments
        │   ├── InputValidationError
        │   ├── InputError
        │   ├── DenylistedAddress   (notify)
        │   └── NoMatchingBackend   (object)
        ├── AuthenticationFailed    401
        ├── Forbidden               403
        │   ├── InsufficientScopes
        │   ├── AuthorizationFailed
        │   └── ForbiddenByGithub   (github)
        ├── ResourceNotFound        404
        ├── NoMatchingMethod        406 (object)
        ├── RequestConflict         409
        ├── ResourceExpired         410
        ├── InputTooLarge           413
        ├── TooManyRequests         429
        └── ServerError             5xx
            ├── InternalServerError
            └── ProviderSetupFailed 503 (worker-manager)

`make_api_error` is the one place that maps a reply to its class: by the Taskcluster error
`code` in the body first (every code the services declare: lib-api's own and each service's
``errorCodes``), then by HTTP status. A code this package does not know gets the class of its
status family, never the class of another code: a 403 with a new code is a `Forbidden`, not
an `InsufficientScopes`. Every error pickles (state is kept in
`__dict__`), and no message or repr ever holds a secret: URLs have their bewit redacted and
request payloads are kept out of messages.

Deprecated aliases: `TimeoutError` is `RequestTimeoutError` and `ValidationError` is
`RequestValidationError` (the same classes, so ``except`` clauses written with either name
catch the same errors); the old names shadowed the builtin `TimeoutError` and looked like
pydantic's `ValidationError`. Use the new names.
"""

from __future__ import annotations

import re
from typing import Any, cast

_BEWIT = re.compile(r"([?&]bewit=)[^&#]*")


def redact_url(url: str) -> str:
    """The URL with any bewit (a signed-URL credential) replaced by ``REDACTED``."""
    return _BEWIT.sub(r"\1REDACTED", url)


def _rebuild(cls: type[TaskclusterError], state: dict[str, Any], args: tuple[Any, ...]) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class TaskclusterError(Exception):
    """The base of every error this package raises."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), dict(self.__dict__), self.args))


class ConfigurationError(TaskclusterError, ValueError):
    """The client was configured wrongly (for example, no root URL)."""


class CredentialsError(TaskclusterError, ValueError):
    """Credentials that cannot be used; the message never contains the secret."""


class RequestValidationError(TaskclusterError, ValueError):
    """Input rejected before anything was sent.

    `errors` lists each problem as ``(location, message)``; the location is a dotted path
    starting at the argument name (``payload.metadata.owner``).
    """

    def __init__(self, method: str, errors: list[tuple[str, str]]) -> None:
        self.method = method
        self.errors = errors
        lines = "; ".join(f"{loc}: {msg}" for loc, msg in errors)
        super().__init__(f"{method}: invalid input, nothing was sent: {lines}")


class ArgumentError(TaskclusterError, ValueError, TypeError):
    """A bad argument to a local helper (a URL builder, temporary credentials), refused before
    anything is computed or sent. It is also a `ValueError` and a `TypeError`, what such
    refusals were before."""


class ResponseValidationError(TaskclusterError):
    """The service's reply did not match the output schema of the reference.

    `body` holds the parsed JSON reply so that nothing is lost.
    """

    def __init__(self, method: str, url: str, detail: str, body: Any) -> None:
        self.method = method
        self.url = redact_url(url)
        self.body = body
        super().__init__(f"{method}: reply from {self.url} does not match its schema: {detail}")


class TransportError(TaskclusterError):
    """No HTTP reply could be had (connection refused, reset, DNS...), after all retries."""

    def __init__(self, method: str, url: str, attempts: int, reason: str) -> None:
        self.method = method
        self.url = redact_url(url)
        self.attempts = attempts
        self.reason = reason
        super().__init__(f"{method}: {self.url}: no reply after {attempts} attempt(s): {reason}")


class RequestTimeoutError(TransportError):
    """The request timed out, after all retries."""


#: Deprecated alias of `RequestTimeoutError` (the same class), kept for code written before
#: the rename: the old name shadowed the builtin `TimeoutError`.
TimeoutError = RequestTimeoutError
#: Deprecated alias of `RequestValidationError` (the same class), kept for code written
#: before the rename: the old name was easily mistaken for pydantic's `ValidationError`.
ValidationError = RequestValidationError


class APIError(TaskclusterError):
    """The service answered with an error status.

    Attributes: `status_code`, `code` (Taskcluster's error code, e.g. ``InsufficientScopes``,
    or ``None`` when the body had none), `message` (the server's message), `request_info`
    (the server's ``requestInfo``), `method` (the API method name), `url` (bewit redacted),
    `body` (the parsed JSON body, or the text when it was not JSON).
    """

    def __init__(
        self,
        *,
        status_code: int,
        code: str | None,
        message: str,
        method: str,
        url: str,
        request_info: Any = None,
        body: Any = None,
    ) -> None:
        self.status_code = status_code
        self.code = code
        self.message = message
        self.method = method
        self.url = redact_url(url)
        self.request_info = request_info
        self.body = body
        summary = message.split("\n\n---", 1)[0].strip() or "(no message)"
        label = f"{status_code} {code}" if code else str(status_code)
        super().__init__(f"{method}: {label} from {self.url}: {summary}")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, code={self.code!r}, "
            f"method={self.method!r}, url={self.url!r})"
        )


class BadRequest(APIError):
    """400: the request was not acceptable."""


class MalformedPayload(BadRequest):
    """400: the body was not JSON, or not an object/array."""


class InvalidRequestArguments(BadRequest):
    """400: a URL or query argument was not acceptable."""


class InputValidationError(BadRequest):
    """400: the body did not validate against the method's input schema."""


class InputError(BadRequest):
    """400: the input was well-formed but not acceptable."""


class AuthenticationFailed(APIError):
    """401: the credentials were not accepted."""


class Forbidden(APIError):
    """403: the request is not allowed (see the subclasses; a new code is a plain Forbidden)."""


class InsufficientScopes(Forbidden):
    """403: the credentials lack the scopes this call needs."""


class AuthorizationFailed(Forbidden):
    """403 ``AuthorizationFailed``: not authorized for another reason than missing scopes."""


class ForbiddenByGithub(Forbidden):
    """403 ``ForbiddenByGithub`` (github service): GitHub refused the service's request."""


class DenylistedAddress(BadRequest):
    """400 ``DenylistedAddress`` (notify service): the address is on the denylist."""


class NoMatchingBackend(BadRequest):
    """400 ``NoMatchingBackend`` (object service): no backend stores this object."""


class NoMatchingMethod(APIError):
    """406 ``NoMatchingMethod`` (object service): no upload/download method both sides know."""


class ResourceNotFound(APIError):
    """404: no such resource."""


class RequestConflict(APIError):
    """409: the request conflicts with the resource's current state."""


class ResourceExpired(APIError):
    """410: the resource has expired."""


class InputTooLarge(APIError):
    """413: the request body was too large."""


class TooManyRequests(APIError):
    """429: slow down."""


class ServerError(APIError):
    """5xx: the service failed."""


class InternalServerError(ServerError):
    """500: the service failed (the message usually carries an incident id)."""


class ProviderSetupFailed(ServerError):
    """503 ``ProviderSetupFailed`` (worker-manager): the worker pool's provider is not ready."""


_BY_CODE: dict[str, type[APIError]] = {
    cls.__name__: cls
    for cls in (
        MalformedPayload,
        InvalidRequestArguments,
        InputValidationError,
        InputError,
        AuthenticationFailed,
        InsufficientScopes,
        ResourceNotFound,
        RequestConflict,
        ResourceExpired,
        InputTooLarge,
        InternalServerError,
        TooManyRequests,
        AuthorizationFailed,
        ForbiddenByGithub,
        DenylistedAddress,
        NoMatchingBackend,
        NoMatchingMethod,
        ProviderSetupFailed,
    )
}

_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequest,
    401: AuthenticationFailed,
    403: Forbidden,
    404: ResourceNotFound,
    409: RequestConflict,
    410: ResourceExpired,
    413: InputTooLarge,
    429: TooManyRequests,
    500: InternalServerError,
}

_DEFAULT_MESSAGES = {401: "Authentication Error", 500: "Internal Server Error"}


def error_class(status_code: int, code: str | None) -> type[APIError]:
    """The error class for a status and Taskcluster error code."""
    if code is not None and code in _BY_CODE:
        return _BY_CODE[code]
    if status_code in _BY_STATUS:
        return _BY_STATUS[status_code]
    if status_code >= 500:
        return ServerError
    return APIError


def make_api_error(*, status_code: int, body: Any, text: str, method: str, url: str) -> APIError:
    """The error for an error reply; `body` is the parsed JSON (or None), `text` the raw text."""
    code: str | None = None
    message: str | None = None
    request_info: Any = None
    if isinstance(body, dict):
        fields = cast("dict[str, Any]", body)
        raw_code = fields.get("code")
        code = raw_code if isinstance(raw_code, str) else None
        raw_message = fields.get("message")
        message = raw_message if isinstance(raw_message, str) else None
        request_info = fields.get("requestInfo")
    if message is None:
        snippet = text.strip()[:1024]
        default = _DEFAULT_MESSAGES.get(status_code, "Unknown Server Error")
        message = f"{default}: {snippet}" if snippet else default
    cls = error_class(status_code, code)
    return cls(
        status_code=status_code,
        code=code,
        message=message,
        method=method,
        url=url,
        request_info=request_info,
        body=body if body is not None else text,
    )
