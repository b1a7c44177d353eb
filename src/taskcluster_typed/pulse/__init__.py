"""Typed Pulse consumers: listen to Taskcluster's exchanges and get typed events.

``PulseConsumer`` (kombu, synchronous) and ``AsyncPulseConsumer`` (aio-pika, asyncio) share
one implementation of the logic (`core`, `settings`); see docs/pulse.md. Both need the
``pulse`` extra: ``pip install 'taskcluster-typed[pulse]'``. For tests of your own code,
`taskcluster_typed.testing.FakePulseConsumer` needs no broker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._core.exchanges import Binding as Binding
from .._core.exchanges import MessageParseError as MessageParseError
from .._core.exchanges import RawMessage as RawMessage
from .core import Settlement as Settlement
from .core import settlement_for as settlement_for
from .errors import PulseBrokerError as PulseBrokerError
from .errors import PulseConfigurationError as PulseConfigurationError
from .errors import PulseConnectionError as PulseConnectionError
from .errors import PulseError as PulseError
from .errors import PulsePermissionError as PulsePermissionError
from .listener import AsyncListener as AsyncListener
from .listener import Listener as Listener
from .settings import PulseSettings as PulseSettings
from .settings import ReconnectPolicy as ReconnectPolicy
from .settings import queue_name as queue_name

if TYPE_CHECKING:
    from .aio import AsyncPulseConsumer as AsyncPulseConsumer
    from .consumer import PulseConsumer as PulseConsumer

__all__ = [
    "AsyncListener",
    "AsyncPulseConsumer",
    "Binding",
    "Listener",
    "MessageParseError",
    "PulseBrokerError",
    "PulseConfigurationError",
    "PulseConnectionError",
    "PulseConsumer",
    "PulseError",
    "PulsePermissionError",
    "PulseSettings",
    "RawMessage",
    "ReconnectPolicy",
    "Settlement",
    "queue_name",
    "settlement_for",
]


def __getattr__(name: str) -> Any:
    # The drivers on first use: `AsyncPulseConsumer` imports nothing of aio-pika until it
    # connects, but keeping both lazy keeps `import taskcluster_typed.pulse` light.
    if name == "PulseConsumer":
        from .consumer import PulseConsumer

        return PulseConsumer
    if name == "AsyncPulseConsumer":
        from .aio import AsyncPulseConsumer

        return AsyncPulseConsumer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
