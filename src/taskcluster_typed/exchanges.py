"""Pulse bindings and parsing messages into typed events (the runtime of `events/`).

The public import path of `taskcluster_typed._core.exchanges`
(where the code lives): this module only re-exports it.
"""

from ._core.exchanges import Binding as Binding
from ._core.exchanges import Event as Event
from ._core.exchanges import Events as Events
from ._core.exchanges import MessageBody as MessageBody
from ._core.exchanges import MessageParseError as MessageParseError
from ._core.exchanges import RawMessage as RawMessage
from ._core.exchanges import RoutingKeyEntry as RoutingKeyEntry
from ._core.exchanges import TopicExchange as TopicExchange
from ._core.exchanges import UnknownExchangeError as UnknownExchangeError
from ._core.exchanges import exchange_name as exchange_name
from ._core.exchanges import parse_from as parse_from

__all__ = [
    "Binding",
    "Event",
    "Events",
    "MessageBody",
    "MessageParseError",
    "RawMessage",
    "RoutingKeyEntry",
    "TopicExchange",
    "UnknownExchangeError",
    "exchange_name",
    "parse_from",
]
