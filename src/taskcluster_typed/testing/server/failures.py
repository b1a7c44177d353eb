"""Error replies with the server's shape: ``{code, message, requestInfo}``."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any


class Failure(Exception):
    """Raised by handlers and checks; becomes an error reply."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def not_found(message: str) -> Failure:
    """``404 ResourceNotFound`` with the service's message."""
    return Failure(404, "ResourceNotFound", message)


def conflict(message: str) -> Failure:
    return Failure(409, "RequestConflict", message)


def input_error(message: str) -> Failure:
    return Failure(400, "InputError", message)


def error_body(
    failure: Failure, *, method: str, params: dict[str, str], payload: Any
) -> dict[str, Any]:
    """The body lib-api sends: the message ends with a summary of the call."""
    time = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    message = (
        f"{failure.message}\n\n---\n\n* method: {method}\n* errorCode: {failure.code}\n"
        f"* statusCode: {failure.status}\n* time: {time}"
    )
    return {
        "code": failure.code,
        "message": message,
        "requestInfo": {"method": method, "params": params, "payload": payload, "time": time},
    }
