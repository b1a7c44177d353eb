"""Pulse exchanges: bindings to listen with, and typed messages from what arrives.

The generated events classes (`QueueEvents`, `AuthEvents`, ... in
``taskcluster_typed.events.<service>``) describe each exchange of a service with a
`TopicExchange`; this module is what they share.

Binding (as the official clients build ``{exchange, routingKeyPattern}``): the exchange name
is the reference's ``exchangePrefix`` joined to the entry's ``exchange``, whatever the root
URL. The pattern has one word per routing-key entry: a constant always, a given value as a
string (an int is written in decimal), ``*`` for a single-word entry not given (``None``)
and ``#`` for the multi-word one. A ``"."`` in a single-word value is an error naming the
argument, raised before anything is returned. A raw pattern string is used verbatim.

Parsing (as taskcluster-lib-pulse's consumer does): the routing key's words go to the
single-word entries from the front up to the multi-word entry, then to the rest from the
back; the multi-word entry gets what is left, joined by ``"."``. Stricter than the consumer:
the word count must fit, constants must match, and an integer entry (``runId``) must be
decimal. The publisher writes ``"_"`` for an optional entry it has no value for; that is read
as ``None``. The body is validated leniently (`lenient.validate_leniently`) into the
exchange's message model, and the CC'ed ``route.<route>`` keys are kept as `Event.routes`.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar, cast, overload

import pydantic
from typing_extensions import TypeVar as DefaultTypeVar

from .errors import RequestValidationError, TaskclusterError
from .lenient import validate_leniently

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

# What a consumer library hands over as the body: raw bytes, text, or already-decoded JSON.
MessageBody: TypeAlias = bytes | bytearray | str | Mapping[str, Any]

RoutingT = TypeVar("RoutingT")
PayloadT = TypeVar("PayloadT")
EventT = TypeVar("EventT", bound="Event[Any, Any]")
EventT2 = TypeVar("EventT2", bound="Event[Any, Any]")

# What a `Binding` parses its messages into: its exchange's event class, or `RawMessage` for a
# binding made by hand (``Binding(exchange, pattern)``, no schema known).
# A bare ``Binding`` annotation means ``Binding[Any]``.
BoundT = DefaultTypeVar("BoundT", covariant=True, default=Any)

_UNPARSED: Any = object()  # no payload yet
_DECIMAL = re.compile(r"[0-9]+")
_ROUTE_PREFIX = "route."


@dataclass(frozen=True, slots=True)
class RawMessage:
    """A message received through a `Binding` made by hand (no exchange schema known):
    the body is the decoded JSON, unchecked."""

    exchange: str
    routing_key: str
    payload: Any
    routes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, init=False)
class Binding(Generic[BoundT]):
    """An exchange and a routing-key pattern: what to bind a queue with.

    A binding from an events class (``QueueEvents().task_completed(...)``) is a
    ``Binding[TaskCompletedEvent]``: it knows its exchange (`topic`) and `parse` gives the
    typed event. One made by hand, ``Binding(exchange, routing_key_pattern)``, is a
    ``Binding[RawMessage]``: any exchange, bodies decoded as JSON but not checked.
    `to_dict` gives the official clients' shape, ``{"exchange", "routingKeyPattern"}``.
    """

    exchange: str
    routing_key_pattern: str
    topic: TopicExchange[Any] | None = field(default=None, repr=False, compare=False)

    @overload
    def __init__(
        self: Binding[RawMessage], exchange: str, routing_key_pattern: str, topic: None = None
    ) -> None: ...
    @overload
    def __init__(
        self: Binding[EventT], exchange: str, routing_key_pattern: str, topic: TopicExchange[EventT]
    ) -> None: ...
    def __init__(
        self, exchange: str, routing_key_pattern: str, topic: TopicExchange[Any] | None = None
    ) -> None:
        object.__setattr__(self, "exchange", exchange)
        object.__setattr__(self, "routing_key_pattern", routing_key_pattern)
        object.__setattr__(self, "topic", topic)

    def to_dict(self) -> dict[str, str]:
        return {"exchange": self.exchange, "routingKeyPattern": self.routing_key_pattern}

    def parse(
        self,
        exchange: str,
        routing_key: str,
        body: MessageBody,
        cc: Iterable[str | bytes] | None = None,
    ) -> BoundT:
        """The event for a message received through this binding (from `exchange`).

        Raises `MessageParseError` when it does not fit the exchange (its schema, or, for
        a hand-made binding, when the body is not JSON)."""
        if self.topic is not None:
            return cast(BoundT, self.topic.parse(exchange, routing_key, body, cc))
        try:
            payload = _decode(body)
        except ValueError as error:
            raise MessageParseError(
                exchange, routing_key, f"body is not JSON: {error}", body
            ) from None
        return cast(BoundT, RawMessage(exchange, routing_key, payload, _routes(cc)))


@dataclass(frozen=True, slots=True)
class RoutingKeyEntry:
    """One word (or, if `multiple_words`, several) of an exchange's routing key."""

    wire_name: str  # "taskId", as in the reference
    name: str  # "task_id": the keyword argument and the parsed field
    required: bool = False
    multiple_words: bool = False
    constant: str | None = None
    integer: bool = False  # parsed as an int (runId)


@dataclass(frozen=True, slots=True)
class Event(Generic[RoutingT, PayloadT]):
    """A message received from a Taskcluster exchange, parsed.

    `routing` is the routing key split into its entries, `payload` the validated body,
    `routes` the task-specific routes the message was CC'ed to (``route.`` removed).
    """

    exchange: str
    routing_key: str
    routing: RoutingT
    payload: PayloadT
    routes: tuple[str, ...] = ()


class MessageParseError(TaskclusterError, ValueError):
    """A received message does not fit its exchange: unknown exchange, a routing key of the
    wrong shape, or a body that does not match the exchange's schema.

    `body` holds what was given, so that nothing is lost; it is not part of the message.
    """

    def __init__(self, exchange: str, routing_key: str, reason: str, body: Any = None) -> None:
        self.exchange = exchange
        self.routing_key = routing_key
        self.reason = reason
        self.body = body
        super().__init__(f"{exchange} ({routing_key!r}): {reason}")


class UnknownExchangeError(MessageParseError, LookupError):
    """The message came from an exchange that this events class (or package) does not know."""


def exchange_name(prefix: str, exchange: str) -> str:
    """``exchange/taskcluster-queue/v1/`` + ``task-completed``, with exactly one "/" between
    (as the official Python client joins them)."""
    return f"{prefix.rstrip('/')}/{exchange.lstrip('/')}"


def _word(value: object) -> str | None:
    """A routing-key word from a str or an int; None for anything else (bool included)."""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int.__repr__(value)
    return None


def routing_key_pattern(
    entries: Sequence[RoutingKeyEntry], values: Mapping[str, object], *, method: str
) -> str:
    """The binding pattern for `values` (argument name -> value, None for "not given")."""
    problems: list[tuple[str, str]] = []
    known = {e.name for e in entries if e.constant is None}
    problems += [(name, "is not a routing-key entry") for name in values if name not in known]
    words: list[str] = []
    for entry in entries:
        if entry.constant is not None:
            words.append(entry.constant)
            continue
        value = values.get(entry.name)
        if value is None:
            words.append("#" if entry.multiple_words else "*")
            continue
        word = _word(value)
        if word is None:
            problems.append((entry.name, f"must be a str or an int, not {type(value).__name__}"))
        elif "." in word and not entry.multiple_words:
            problems.append(
                (
                    entry.name,
                    f"{word!r} contains '.', but {entry.wire_name} is a single word "
                    "of the routing key",
                )
            )
        else:
            words.append(word)
    if problems:
        raise RequestValidationError(method, problems)
    return ".".join(words)


def split_routing_key(entries: Sequence[RoutingKeyEntry], routing_key: str) -> dict[str, Any]:
    """Field name -> value of a received routing key; raises ValueError if it does not fit."""
    words = routing_key.split(".")
    multi = next((i for i, e in enumerate(entries) if e.multiple_words), None)
    if multi is None:
        if len(words) != len(entries):
            raise ValueError(f"has {len(words)} words, the exchange's keys have {len(entries)}")
        parts = words
    else:
        if len(words) < len(entries):
            raise ValueError(
                f"has {len(words)} words, the exchange's keys have at least {len(entries)}"
            )
        end = len(words) - (len(entries) - multi - 1)
        parts = [*words[:multi], ".".join(words[multi:end]), *words[end:]]
    values: dict[str, Any] = {}
    for entry, word in zip(entries, parts, strict=True):
        if entry.constant is not None:
            if word != entry.constant:
                raise ValueError(f"{entry.wire_name} is {word!r}, not {entry.constant!r}")
        elif word == "_" and not entry.required:
            values[entry.name] = None
        elif entry.integer:
            if not _DECIMAL.fullmatch(word):
                raise ValueError(f"{entry.wire_name} is {word!r}, not a decimal number")
            values[entry.name] = int(word)
        else:
            values[entry.name] = word
    return values


def format_routing_key(entries: Sequence[RoutingKeyEntry], values: Mapping[str, object]) -> str:
    """The routing key a publisher sends for `values`: ``"_"`` for an optional entry that is
    None. (Useful to fake messages in tests; consumers only need `routing_key_pattern`.)"""
    words: list[str] = []
    for entry in entries:
        value = entry.constant if entry.constant is not None else values.get(entry.name)
        if value is None:
            if entry.required:
                raise ValueError(f"{entry.wire_name} is required")
            words.append("_")
            continue
        word = _word(value)
        if word is None or ("." in word and not entry.multiple_words):
            raise ValueError(f"{entry.wire_name}: {value!r} is not a routing-key word")
        words.append(word)
    return ".".join(words)


def _decode(body: object) -> Any:
    if isinstance(body, (bytes, bytearray)):
        return json.loads(bytes(body).decode("utf-8"))
    if isinstance(body, str):
        return json.loads(body)
    return body


def _routes(cc: Iterable[str | bytes] | None) -> tuple[str, ...]:
    routes: list[str] = []
    for key in cc or ():
        text = key.decode("utf-8") if isinstance(key, bytes) else key
        if text.startswith(_ROUTE_PREFIX):
            routes.append(text[len(_ROUTE_PREFIX) :])
    return tuple(routes)


class TopicExchange(Generic[EventT]):
    """One exchange of a service, as its reference describes it, and its generated types."""

    __slots__ = (
        "_adapter",
        "event_type",
        "exchange",
        "method",
        "name",
        "payload_type",
        "routing_key",
        "routing_type",
        "service",
    )

    def __init__(
        self,
        *,
        service: str,
        name: str,
        method: str,
        exchange: str,
        routing_key: tuple[RoutingKeyEntry, ...],
        routing_type: Callable[..., Any],
        payload_type: Any,
        event_type: Callable[..., EventT],
    ) -> None:
        self.service = service
        self.name = name  # the reference entry's name: "taskCompleted"
        self.method = method  # the binding method's name: "task_completed"
        self.exchange = exchange  # the part after the prefix: "task-completed"
        self.routing_key = routing_key
        self.routing_type = routing_type
        self.payload_type = payload_type
        self.event_type = event_type
        self._adapter: pydantic.TypeAdapter[Any] | None = None

    def __repr__(self) -> str:
        return f"TopicExchange({self.service}.{self.name}: {self.exchange})"

    def pattern(self, values: Mapping[str, object], *, method: str) -> str:
        return routing_key_pattern(self.routing_key, values, method=method)

    def format_routing_key(self, routing: object) -> str:
        """The routing key a publisher would send for a parsed routing-key object."""
        values = {e.name: getattr(routing, e.name) for e in self.routing_key if e.constant is None}
        return format_routing_key(self.routing_key, values)

    def parse(
        self,
        exchange: str,
        routing_key: str,
        body: MessageBody,
        cc: Iterable[str | bytes] | None = None,
    ) -> EventT:
        """The typed event for a message received from this exchange (named `exchange`)."""
        try:
            routing = self.routing_type(**split_routing_key(self.routing_key, routing_key))
        except ValueError as error:
            raise MessageParseError(exchange, routing_key, f"routing key {error}", body) from None
        adapter = self._adapter
        if adapter is None:
            adapter = self._adapter = pydantic.TypeAdapter(self.payload_type)
        payload: Any = _UNPARSED
        if isinstance(body, (bytes, bytearray, str)):
            # The common case in one step (JSON read by pydantic-core); anything it refuses
            # takes the lenient road below, which also words the errors.
            with contextlib.suppress(pydantic.ValidationError):
                payload = adapter.validate_json(body, extra="allow")
        if payload is _UNPARSED:
            try:
                data = _decode(body)
            except ValueError as error:
                raise MessageParseError(
                    exchange, routing_key, f"body is not JSON: {error}", body
                ) from None
            try:
                payload = validate_leniently(adapter, data)
            except pydantic.ValidationError as error:
                detail = "; ".join(
                    ".".join(str(p) for p in ("body", *e["loc"])) + f": {e['msg']}"
                    for e in error.errors(include_url=False)
                )
                raise MessageParseError(
                    exchange, routing_key, f"body does not match its schema: {detail}", body
                ) from None
        return self.event_type(
            exchange=exchange,
            routing_key=routing_key,
            routing=routing,
            payload=payload,
            routes=_routes(cc),
        )


def parse_from(
    exchanges: Mapping[str, TopicExchange[Any]],
    exchange: str,
    routing_key: str,
    body: MessageBody,
    cc: Iterable[str | bytes] | None = None,
) -> Any:
    """Parse a message with the `TopicExchange` that `exchanges` has for its exchange name."""
    topic = exchanges.get(exchange)
    if topic is None:
        raise UnknownExchangeError(exchange, routing_key, "not a known exchange", body)
    return topic.parse(exchange, routing_key, body, cc)


class Events(Generic[EventT]):
    """The base of the generated events classes (`QueueEvents`, ...): one method per
    exchange that returns a `Binding`, and `parse` for the messages that arrive.

    Exchange names do not depend on the deployment's root URL, so there is none to give.
    `exchange_prefix` replaces the reference's prefix, for a deployment that publishes
    under another namespace (taskcluster-lib-pulse outside production does).
    """

    __slots__ = ("_by_name", "exchange_prefix")

    service_name: ClassVar[str]
    default_exchange_prefix: ClassVar[str]
    topic_exchanges: ClassVar[tuple[TopicExchange[Any], ...]]

    def __init__(self, *, exchange_prefix: str | None = None) -> None:
        prefix = self.default_exchange_prefix if exchange_prefix is None else exchange_prefix
        self.exchange_prefix = prefix
        self._by_name = {exchange_name(prefix, t.exchange): t for t in self.topic_exchanges}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(exchange_prefix={self.exchange_prefix!r})"

    @property
    def exchanges(self) -> Mapping[str, TopicExchange[Any]]:
        """Full exchange name -> its `TopicExchange`, in reference order."""
        return dict(self._by_name)

    def _bind(
        self,
        topic: TopicExchange[EventT2],
        routing_key_pattern: str | None,
        values: Mapping[str, object],
    ) -> Binding[EventT2]:
        exchange = exchange_name(self.exchange_prefix, topic.exchange)
        method = f"{type(self).__name__}.{topic.method}"
        if routing_key_pattern is None:
            return Binding(exchange, topic.pattern(values, method=method), topic)
        if not isinstance(routing_key_pattern, str):  # pyright: ignore[reportUnnecessaryIsInstance]
            kind = type(routing_key_pattern).__name__
            raise RequestValidationError(
                method, [("routing_key_pattern", f"must be a str, not {kind}")]
            )
        given = [name for name, value in values.items() if value is not None]
        if given:
            reason = "give either routing_key_pattern or keyword arguments, not both"
            raise RequestValidationError(method, [(name, reason) for name in given])
        return Binding(exchange, routing_key_pattern, topic)

    def parse(
        self,
        exchange: str,
        routing_key: str,
        body: MessageBody,
        *,
        cc: Iterable[str | bytes] | None = None,
    ) -> EventT:
        """The typed event for a message from one of this service's exchanges.

        `exchange` and `routing_key` as delivered; `body` as bytes, text or decoded JSON;
        `cc` the message's ``CC`` header, if any. Raises `UnknownExchangeError` for an
        exchange of another service, `MessageParseError` for a message that does not fit.
        """
        return cast(EventT, parse_from(self._by_name, exchange, routing_key, body, cc))
