"""What a Pulse consumer raises.

::

    TaskclusterError
    ├── PulseError
    │   ├── PulseConfigurationError   bad options or PULSE_* variables; nothing was sent
    │   ├── PulseConnectionError      the broker stayed unreachable past the reconnect bound
    │   ├── PulsePermissionError      the broker refused an operation (names the permission)
    │   └── PulseBrokerError          another refusal: a missing exchange, a queue declared
    │                                 before with other arguments, ...
    └── MessageParseError             (taskcluster_typed._core.exchanges) a message that does not
                                      fit its exchange, raised or handed to `on_error`

No message contains the broker password.
"""

from __future__ import annotations

from .._core.errors import TaskclusterError

__all__ = [
    "PulseBrokerError",
    "PulseConfigurationError",
    "PulseConnectionError",
    "PulseError",
    "PulsePermissionError",
]


class PulseError(TaskclusterError):
    """Something went wrong talking to Pulse."""


class PulseConfigurationError(PulseError, ValueError):
    """The consumer's options (or ``PULSE_*`` variables) are wrong; nothing was sent."""


class PulseConnectionError(PulseError, ConnectionError):
    """The broker could not be reached within the reconnect policy's bound."""


class PulseBrokerError(PulseError):
    """The broker refused an operation (`operation` says which; `reply` is its text)."""

    def __init__(self, message: str, *, operation: str, reply: str) -> None:
        self.operation = operation
        self.reply = reply
        super().__init__(message)


class PulsePermissionError(PulseBrokerError, PermissionError):
    """The broker refused an operation for lack of a permission: `permission` names it
    (``"configure"``, ``"write"`` or ``"read"``) and `resource` the queue or exchange.
    """

    def __init__(
        self, message: str, *, operation: str, reply: str, permission: str, resource: str
    ) -> None:
        self.permission = permission
        self.resource = resource
        super().__init__(message, operation=operation, reply=reply)
