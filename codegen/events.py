"""Exchange references -> the event sets the events templates render.

Reads ``references/<service>/v1/exchanges.json`` (every one the manifest lists) and turns
each topic exchange into a `TopicExchangeSpec`: the binding method's name and keyword
arguments, the routing-key and event class names, the message model found by the model
index, and the docstring parts. Everything a template would otherwise have to guess is
checked here: one multi-word entry at most, unique names, identifiers that clash with
nothing.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from codegen.jsonfiles import read_json
from codegen.model_index import TypeRef
from codegen.naming import pascal_case, snake_case

_EXCHANGES = re.compile(r"/references/(?P<path>[^/]+/v\d+/exchanges\.json)")
# Names a binding method already uses for itself.
_RESERVED_ARGUMENTS = frozenset({"self", "routing_key_pattern"})


class EventsError(ValueError):
    """An exchange reference the generator cannot turn into typed bindings."""


@dataclass(frozen=True)
class RoutingKeyPart:
    wire: str  # "taskId"
    name: str  # "task_id"
    summary: str
    required: bool
    multiple_words: bool
    constant: str | None
    integer: bool  # also accepts an int, parsed as an int (runId)

    @property
    def argument_annotation(self) -> str:
        return "int | str | None" if self.integer else "str | None"

    @property
    def field_annotation(self) -> str:
        base = "int" if self.integer else "str"
        return base if self.required else f"{base} | None"

    @property
    def placeholder(self) -> str:
        """How the docstring shows the word: ``<taskId>``, ``<reserved...>``, ``primary``."""
        if self.constant is not None:
            return self.constant
        return f"<{self.wire}...>" if self.multiple_words else f"<{self.wire}>"


@dataclass(frozen=True)
class TopicExchangeSpec:
    wire_name: str  # the reference entry's name: "taskCompleted"
    exchange: str  # after the prefix: "task-completed"
    title: str
    description: str
    schema: str  # "v1/task-completed-message.json#"
    payload: TypeRef
    routing_key: tuple[RoutingKeyPart, ...]

    @property
    def method(self) -> str:
        return snake_case(self.wire_name)

    @property
    def stem(self) -> str:
        return pascal_case(self.wire_name)

    @property
    def routing_class(self) -> str:
        return f"{self.stem}RoutingKey"

    @property
    def event_class(self) -> str:
        return f"{self.stem}Event"

    @property
    def var(self) -> str:
        return f"_{self.method.upper()}"

    @property
    def arguments(self) -> tuple[RoutingKeyPart, ...]:
        """The entries a caller may give: everything but the constants."""
        return tuple(p for p in self.routing_key if p.constant is None)

    @property
    def fields(self) -> tuple[RoutingKeyPart, ...]:
        """The parsed routing key's fields, in routing-key order (keyword-only, so an optional
        one with a default may come before a required one)."""
        return self.arguments

    @property
    def shape(self) -> str:
        return ".".join(p.placeholder for p in self.routing_key)


@dataclass(frozen=True)
class EventSet:
    service: str  # "worker-manager"
    title: str
    description: str
    exchange_prefix: str
    reference_path: str  # "worker-manager/v1/exchanges.json"
    exchanges: tuple[TopicExchangeSpec, ...]

    @property
    def module(self) -> str:
        return snake_case(self.service)

    @property
    def class_name(self) -> str:
        return f"{pascal_case(self.service)}Events"

    @property
    def union_name(self) -> str:
        return f"Any{pascal_case(self.service)}Event"

    def payload_refs(self) -> list[TypeRef]:
        return sorted({e.payload for e in self.exchanges})

    def full_name(self, exchange: TopicExchangeSpec) -> str:
        return f"{self.exchange_prefix.rstrip('/')}/{exchange.exchange.lstrip('/')}"


def _part(raw: dict[str, object], integer_keys: Collection[str], where: str) -> RoutingKeyPart:
    wire = str(raw["name"])
    constant = raw.get("constant")
    if constant is not None and (not isinstance(constant, str) or "." in constant):
        raise EventsError(f"{where}: constant of {wire} must be one word, not {constant!r}")
    name = snake_case(wire)
    if keyword.iskeyword(name.rstrip("_")) or name in _RESERVED_ARGUMENTS:
        raise EventsError(f"{where}: routing-key entry {wire} would be argument {name!r}")
    return RoutingKeyPart(
        wire=wire,
        name=name,
        summary=str(raw.get("summary", "")),
        required=bool(raw.get("required", False)),
        multiple_words=bool(raw.get("multipleWords", False)),
        constant=constant,
        integer=wire in integer_keys,
    )


def load_event_set(
    path: Path,
    reference_path: str,
    model_of: Callable[[str, str], TypeRef],
    integer_keys: Collection[str],
) -> EventSet:
    doc = read_json(path)
    service = doc["serviceName"]
    exchanges = []
    for entry in doc["entries"]:
        if entry.get("type") != "topic-exchange":
            continue
        where = f"{service}.{entry['name']}"
        parts = tuple(_part(k, integer_keys, where) for k in entry["routingKey"])
        if sum(p.multiple_words for p in parts) > 1:
            raise EventsError(f"{where}: more than one multi-word routing-key entry")
        names = [p.name for p in parts]
        if len(set(names)) != len(names):
            raise EventsError(f"{where}: routing-key entries clash as Python names: {names}")
        exchanges.append(
            TopicExchangeSpec(
                wire_name=entry["name"],
                exchange=entry["exchange"],
                title=entry.get("title", ""),
                description=entry.get("description", ""),
                schema=entry["schema"],
                payload=model_of(service, entry["schema"]),
                routing_key=parts,
            )
        )
    return EventSet(
        service=service,
        title=doc.get("title", ""),
        description=doc.get("description", ""),
        exchange_prefix=doc["exchangePrefix"],
        reference_path=reference_path,
        exchanges=tuple(exchanges),
    )


def load_event_sets(
    refs_dir: Path,
    model_of: Callable[[str, str], TypeRef],
    integer_keys: Collection[str] = (),
) -> list[EventSet]:
    """Every service with exchanges, sorted by service name; fails on any name clash."""
    manifest = read_json(refs_dir / "manifest.json")
    sets = []
    for served in manifest["references"]:
        match = _EXCHANGES.fullmatch(served)
        if match is not None:
            path = match["path"]
            sets.append(load_event_set(refs_dir / path, path, model_of, integer_keys))
    sets.sort(key=lambda s: s.service)
    _check_names(sets)
    return sets


def _check_names(sets: list[EventSet]) -> None:
    """Class and method names must be unique: within a module, and across the package
    (`parse_message`'s union names every event class)."""
    seen: dict[str, str] = {}
    for event_set in sets:
        methods = [e.method for e in event_set.exchanges]
        if len(set(methods)) != len(methods):
            raise EventsError(f"{event_set.service}: binding methods clash: {methods}")
        payloads = {ref.name for ref in event_set.payload_refs()}
        if len(payloads) != len(event_set.payload_refs()):
            raise EventsError(f"{event_set.service}: two message models share a name")
        names = [event_set.class_name, event_set.union_name]
        for exchange in event_set.exchanges:
            names += [exchange.routing_class, exchange.event_class]
            if exchange.method in ("parse", "exchanges", "exchange_prefix"):
                raise EventsError(f"{event_set.service}.{exchange.wire_name}: method name taken")
        for name in names:
            if name in payloads or name in seen:
                other = seen.get(name, event_set.service)
                raise EventsError(f"{event_set.service}: {name} clashes with a name in {other}")
            seen[name] = event_set.service


@dataclass(frozen=True)
class EventDocs:
    """The docstrings of one events module, by exchange (reference entry name)."""

    events: str
    method: dict[str, str]
    routing: dict[str, str]
    event: dict[str, str]


def _entries(parts: tuple[RoutingKeyPart, ...], heading: str) -> list[str]:
    lines = ["", f"{heading}:"]
    for part in parts:
        summary = " ".join(part.summary.split()) or part.wire
        lines.append(f"    {part.name}: {summary}")
    return lines


def method_doc(event_set: EventSet, exchange: TopicExchangeSpec) -> str:
    lines = [exchange.title.strip() or exchange.wire_name, "", exchange.description.strip(), ""]
    lines += [
        f"Binds to ``{event_set.full_name(exchange)}`` with the pattern",
        f"``{exchange.shape}``,",
        "where a keyword left out (or None) matches any word (``*``; ``#`` for a multi-word",
        "entry). `routing_key_pattern` instead gives the whole pattern, used verbatim.",
    ]
    if exchange.arguments:
        lines += _entries(exchange.arguments, "Args")
    lines += ["", f"Messages parse into `{exchange.event_class}`."]
    return "\n".join(lines)


def routing_doc(event_set: EventSet, exchange: TopicExchangeSpec) -> str:
    lines = [
        f"The routing key of a ``{exchange.exchange}`` message, parsed.",
        "",
        f"``{exchange.shape}``; an optional entry the publisher wrote as ``_`` is None.",
    ]
    if exchange.fields:
        lines += _entries(exchange.fields, "Attributes")
    return "\n".join(lines)


def event_doc(event_set: EventSet, exchange: TopicExchangeSpec) -> str:
    title = exchange.title.strip() or exchange.wire_name
    lines = [
        f"{title}: a message from ``{event_set.full_name(exchange)}``.",
        "",
        exchange.description.strip(),
        "",
        f"`routing` is a `{exchange.routing_class}`, `payload` a `{exchange.payload.name}`.",
    ]
    return "\n".join(lines)


def events_doc(event_set: EventSet) -> str:
    return "\n".join(
        [
            f"{event_set.title.strip()}: bindings and messages of the exchanges.",
            "",
            event_set.description.strip(),
            "",
            f"Exchange names are ``{event_set.exchange_prefix}<exchange>`` on every deployment,",
            "so there is no root URL to give; ``exchange_prefix=`` replaces the prefix.",
        ]
    )


def event_docs(event_set: EventSet) -> EventDocs:
    return EventDocs(
        events=events_doc(event_set),
        method={e.wire_name: method_doc(event_set, e) for e in event_set.exchanges},
        routing={e.wire_name: routing_doc(event_set, e) for e in event_set.exchanges},
        event={e.wire_name: event_doc(event_set, e) for e in event_set.exchanges},
    )
