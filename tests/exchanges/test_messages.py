"""Every exchange's message model: a realistic body validates, round-trips, and what a newer
server may add (fields, enum values) is kept."""

from __future__ import annotations

import copy
import json
from typing import Any

import pydantic
import pytest

import taskcluster_typed
from taskcluster_typed._core.exchanges import Event, format_routing_key
from taskcluster_typed.events import AnyEvent, parse_message
from taskcluster_typed.events.queue import TaskCompletedEvent, TaskCompletedMessage
from tests.support.examples import branches, example
from tests.support.normalize import normalize

from .reference import EXCHANGES, Exchange, pascal

CASES = [(e, b) for e in EXCHANGES for b in range(branches(e.service, e.schema))]


def routing_key_for(exchange: Exchange) -> str:
    events = getattr(taskcluster_typed, exchange.events_class)()
    topic = events.exchanges[exchange.full_name]
    values = {e.name: (7 if e.integer else "w") for e in topic.routing_key if e.constant is None}
    return format_routing_key(topic.routing_key, values)


def dump(payload: Any) -> Any:
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(type(payload))
    return adapter.dump_python(payload, mode="json", by_alias=True, exclude_unset=True)


@pytest.mark.parametrize(("exchange", "branch"), CASES, ids=[f"{e.id}-{b}" for e, b in CASES])
def test_the_message_model_validates_an_example_and_round_trips(
    exchange: Exchange, branch: int
) -> None:
    body = example(exchange.service, exchange.schema, branch)
    event = parse_message(exchange.full_name, routing_key_for(exchange), json.dumps(body))
    module = f"taskcluster_typed.events.{exchange.module}"
    assert type(event).__name__ == f"{pascal(exchange.name)}Event"
    assert type(event).__module__ == module
    assert isinstance(event, Event)
    assert normalize(dump(event.payload)) == normalize(body)
    # and the JSON it dumps parses to the same event again
    again = parse_message(exchange.full_name, event.routing_key, dump(event.payload))
    assert again == event


def test_counts() -> None:
    assert len(CASES) >= len(EXCHANGES) == 36
    payload_types = set()
    for exchange in EXCHANGES:
        events = getattr(taskcluster_typed, exchange.events_class)()
        payload_types.add(events.exchanges[exchange.full_name].payload_type)
    assert len(payload_types) == 24  # some exchanges share a schema (client-created/-updated...)


def test_unknown_fields_and_enum_values_from_a_newer_server_are_kept() -> None:
    exchange = next(e for e in EXCHANGES if e.id == "queue.taskCompleted")
    body = copy.deepcopy(example(exchange.service, exchange.schema))
    body["addedLater"] = {"x": 1}
    body["status"]["state"] = "hibernating"
    body["status"]["runs"][0]["reasonResolved"] = "teleported"
    event = parse_message(exchange.full_name, routing_key_for(exchange), body)
    assert isinstance(event, TaskCompletedEvent)
    payload: TaskCompletedMessage = event.payload
    state: str = payload.status.state  # typed as the known states, holds what came
    assert state == "hibernating"
    assert payload.model_extra == {"addedLater": {"x": 1}}
    assert normalize(dump(payload)) == normalize(body)


def test_any_event_is_the_union_of_every_event_class() -> None:
    members = set(AnyEvent.__args__)
    assert len(members) == 36
    assert all(issubclass(m, Event) for m in members)
