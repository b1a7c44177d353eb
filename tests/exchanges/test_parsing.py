"""Routing keys and messages: parse(build(values)) gives the values back, the split agrees
with taskcluster-lib-pulse's consumer, and what does not fit its exchange is refused."""

from __future__ import annotations

import functools
import json
import pickle
from dataclasses import asdict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import taskcluster_typed
from taskcluster_typed import MessageParseError, UnknownExchangeError
from taskcluster_typed._core.exchanges import TopicExchange
from taskcluster_typed.events import parse_message
from taskcluster_typed.events.github import GithubEvents
from taskcluster_typed.events.notify import NotifyEvent, NotifyEvents, NotifyRoutingKey
from taskcluster_typed.events.queue import (
    QueueEvents,
    TaskCompletedEvent,
    TaskCompletedRoutingKey,
    TaskDefinedRoutingKey,
)
from tests.support.examples import example

from .reference import EXCHANGES, INTEGER_KEYS, Exchange, consumer_js_routing, snake

# A word may hold anything but ".", including the pattern characters; "_" alone is the
# publisher's "no value", tested on its own below.
WORD = st.text(st.characters(blacklist_characters=".", blacklist_categories=["Cs"]), max_size=8)
WORD = WORD.filter(lambda w: w != "_")
MULTI = st.lists(WORD, min_size=1, max_size=4).map(".".join).filter(lambda w: w != "_")
RUN_ID = st.integers(min_value=0, max_value=10**6)


def topic_of(exchange: Exchange) -> TopicExchange[Any]:
    events = getattr(taskcluster_typed, exchange.events_class)()
    topic: TopicExchange[Any] = events.exchanges[exchange.full_name]
    return topic


def value_strategy(key: dict[str, Any]) -> st.SearchStrategy[Any]:
    if key["name"] in INTEGER_KEYS:
        return RUN_ID
    return MULTI if key["multipleWords"] else WORD


def values_strategy(exchange: Exchange, *, allow_none: bool) -> st.SearchStrategy[dict[str, Any]]:
    fields = {}
    for key in exchange.keys:
        if "constant" in key:
            continue
        strategy = value_strategy(key)
        if allow_none and not key["required"]:
            strategy = st.none() | strategy
        fields[snake(key["name"])] = strategy
    return st.fixed_dictionaries(fields)


def body_of(exchange: Exchange) -> bytes:
    return _body(exchange.service, exchange.schema)


@functools.cache
def _body(service: str, schema: str) -> bytes:
    return json.dumps(example(service, schema)).encode()


@pytest.mark.parametrize("exchange", EXCHANGES, ids=lambda e: e.id)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_parse_of_build_gives_the_values_back(exchange: Exchange, data: st.DataObject) -> None:
    values = data.draw(values_strategy(exchange, allow_none=False))
    events = getattr(taskcluster_typed, exchange.events_class)()
    binding = getattr(events, snake(exchange.name))(**values)
    # every entry given: the binding's pattern is a concrete routing key
    event = topic_of(exchange).parse(
        binding.exchange, binding.routing_key_pattern, body_of(exchange)
    )
    routing = event.routing
    assert asdict(routing) == values


@pytest.mark.parametrize("exchange", EXCHANGES, ids=lambda e: e.id)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_publisher_keys_parse_back_and_split_like_the_js_consumer(
    exchange: Exchange, data: st.DataObject
) -> None:
    values = data.draw(values_strategy(exchange, allow_none=True))
    topic = topic_of(exchange)
    routing_key = topic.format_routing_key(topic.routing_type(**values))
    parsed = topic.parse(exchange.full_name, routing_key, body_of(exchange)).routing
    assert asdict(parsed) == values
    for key, word in consumer_js_routing(exchange, routing_key).items():
        if "constant" in key_of(exchange, key):
            assert word == key_of(exchange, key)["constant"]
            continue
        value = values[snake(key)]
        assert word == ("_" if value is None else str(value))


def key_of(exchange: Exchange, name: str) -> dict[str, Any]:
    return next(k for k in exchange.keys if k["name"] == name)


def test_absent_optional_entries_are_none_and_the_multi_word_key_is_joined() -> None:
    key = "primary.abc._._._.prov.wt.sched.tg.x.y.z"
    body = body_of(EXCHANGE["queue.taskDefined"])
    event = parse_message("exchange/taskcluster-queue/v1/task-defined", key, body)
    assert event.routing == TaskDefinedRoutingKey(
        task_id="abc",
        run_id=None,
        worker_group=None,
        worker_id=None,
        provisioner_id="prov",
        worker_type="wt",
        scheduler_id="sched",
        task_group_id="tg",
        reserved="x.y.z",
    )
    published = "primary.abc._._._.prov.wt.sched.tg._"
    assert parse_message("exchange/taskcluster-queue/v1/task-defined", published, body).routing == (
        TaskDefinedRoutingKey(
            task_id="abc",
            provisioner_id="prov",
            worker_type="wt",
            scheduler_id="sched",
            task_group_id="tg",
        )
    )


def test_a_required_entry_keeps_an_underscore() -> None:
    body = json.loads(body_of(EXCHANGE["notify.notify"]))
    event = NotifyEvents().parse("exchange/taskcluster-notify/v1/notification", "primary._", body)
    assert event.routing == NotifyRoutingKey(topic="_")


BAD_KEYS = {
    "too few words": "primary.abc.0.wg.wid.prov.wt.sched.tg",
    "wrong constant": "route.abc.0.wg.wid.prov.wt.sched.tg._",
    "runId not a number": "primary.abc.zero.wg.wid.prov.wt.sched.tg._",
    "runId negative": "primary.abc.-1.wg.wid.prov.wt.sched.tg._",
}


@pytest.mark.parametrize("routing_key", BAD_KEYS.values(), ids=list(BAD_KEYS))
def test_a_routing_key_that_does_not_fit_is_refused(routing_key: str) -> None:
    with pytest.raises(MessageParseError, match="routing key") as raised:
        parse_message("exchange/taskcluster-queue/v1/task-completed", routing_key, b"{}")
    assert raised.value.routing_key == routing_key


def test_a_key_without_a_multi_word_entry_needs_the_exact_word_count() -> None:
    github = "exchange/taskcluster-github/v1/push"
    body = json.loads(body_of(EXCHANGE["github.push"]))
    assert GithubEvents().parse(github, "primary.org.repo", body).routing.repository == "repo"
    for key in ("primary.org", "primary.org.repo.extra"):
        with pytest.raises(MessageParseError, match="words"):
            parse_message(github, key, body)


def test_body_bytes_text_and_decoded_json_are_all_accepted() -> None:
    raw = body_of(EXCHANGE["queue.taskCompleted"])
    key = "primary.abc.0.wg.wid.prov.wt.sched.tg._"
    name = "exchange/taskcluster-queue/v1/task-completed"
    events = [
        parse_message(name, key, raw),
        parse_message(name, key, bytearray(raw)),
        parse_message(name, key, raw.decode()),
        parse_message(name, key, json.loads(raw)),
    ]
    assert all(isinstance(e, TaskCompletedEvent) for e in events)
    assert len({e.payload.model_dump_json() for e in events}) == 1


def test_cc_route_keys_become_routes() -> None:
    raw = body_of(EXCHANGE["queue.taskCompleted"])
    event = QueueEvents().parse(
        "exchange/taskcluster-queue/v1/task-completed",
        "primary.abc.0.wg.wid.prov.wt.sched.tg._",
        raw,
        cc=["route.index.project.latest", b"route.notify.email.a@example.com", "primary.x"],
    )
    assert event.routes == ("index.project.latest", "notify.email.a@example.com")
    assert event.routing_key == "primary.abc.0.wg.wid.prov.wt.sched.tg._"
    assert event.exchange == "exchange/taskcluster-queue/v1/task-completed"


def test_unknown_exchanges_and_other_services_are_refused() -> None:
    with pytest.raises(UnknownExchangeError) as raised:
        parse_message("exchange/taskcluster-queue/v1/task-vanished", "primary.x", b"{}")
    assert isinstance(raised.value, LookupError)
    assert isinstance(raised.value, MessageParseError)
    with pytest.raises(UnknownExchangeError):
        NotifyEvents().parse("exchange/taskcluster-queue/v1/task-completed", "primary.x", b"{}")


def test_a_replaced_prefix_parses_under_its_own_names() -> None:
    raw = body_of(EXCHANGE["queue.taskCompleted"])
    key = "primary.abc.0.wg.wid.prov.wt.sched.tg._"
    events = QueueEvents(exchange_prefix="exchange/dev-queue/v1/")
    event = events.parse("exchange/dev-queue/v1/task-completed", key, raw)
    assert isinstance(event, TaskCompletedEvent)
    assert event.exchange == "exchange/dev-queue/v1/task-completed"
    with pytest.raises(UnknownExchangeError):
        events.parse("exchange/taskcluster-queue/v1/task-completed", key, raw)


def test_a_body_that_does_not_match_names_the_fields_and_keeps_the_body() -> None:
    key = "primary.abc.0.wg.wid.prov.wt.sched.tg._"
    with pytest.raises(MessageParseError) as raised:
        parse_message("exchange/taskcluster-queue/v1/task-completed", key, {"runId": "x"})
    assert "body.runId" in str(raised.value)
    assert raised.value.body == {"runId": "x"}
    with pytest.raises(MessageParseError, match="not JSON"):
        parse_message("exchange/taskcluster-queue/v1/task-completed", key, b"{not json")


def test_events_and_routing_keys_are_frozen_and_match_by_class() -> None:
    raw = body_of(EXCHANGE["notify.notify"])
    event = parse_message("exchange/taskcluster-notify/v1/notification", "primary.a.b", raw)
    assert isinstance(event, NotifyEvent)
    match event:
        case NotifyEvent(routing=NotifyRoutingKey(topic=topic)):
            assert topic == "a.b"
        case _:
            pytest.fail("no match")
    with pytest.raises(AttributeError):
        event.routing_key = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        TaskCompletedRoutingKey(  # type: ignore[misc]
            task_id="a",
            run_id=0,
            worker_group="g",
            worker_id="w",
            provisioner_id="p",
            worker_type="t",
            scheduler_id="s",
            task_group_id="tg",
        ).task_id = "b"


EXCHANGE = {e.id: e for e in EXCHANGES}


def test_events_and_parse_errors_pickle() -> None:
    raw = body_of(EXCHANGE["queue.taskCompleted"])
    key = "primary.abc.0.wg.wid.prov.wt.sched.tg._"
    event = parse_message("exchange/taskcluster-queue/v1/task-completed", key, raw, cc=["route.x"])
    assert pickle.loads(pickle.dumps(event)) == event
    with pytest.raises(MessageParseError) as raised:
        parse_message("exchange/taskcluster-queue/v1/task-completed", "primary", raw)
    again = pickle.loads(pickle.dumps(raised.value))
    assert (again.exchange, again.routing_key, again.reason) == (
        raised.value.exchange,
        raised.value.routing_key,
        raised.value.reason,
    )
    assert str(again) == str(raised.value)
