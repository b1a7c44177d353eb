"""codegen/events.py on synthetic exchange references: what it refuses and what it names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codegen.events import EventsError, event_docs, load_event_set, load_event_sets
from codegen.generate import GENERATED_PATHS
from codegen.model_index import TypeRef

from .reference import REFERENCES


def key(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "summary": f"the {name}", "multipleWords": False, "required": False} | (
        extra
    )


def reference(*routing_keys: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "serviceName": "worker-manager",
        "title": "Worker Manager Exchanges",
        "description": "Things happen.",
        "exchangePrefix": "exchange/taskcluster-worker-manager/v1/",
        "entries": [
            {
                "type": "topic-exchange",
                "name": f"thingHappened{i}",
                "exchange": f"thing-happened-{i}",
                "title": "Thing Happened",
                "description": "A thing happened.",
                "schema": "v1/thing.json#",
                "routingKey": keys,
            }
            for i, keys in enumerate(routing_keys)
        ],
    }


def load(tmp_path: Path, doc: dict[str, Any]) -> Any:
    path = tmp_path / "exchanges.json"
    path.write_text(json.dumps(doc))
    model = TypeRef("pkg._models.thing", "ThingMessage", "model")
    return load_event_set(path, "worker-manager/v1/exchanges.json", lambda s, r: model, {"runId"})


def test_names_arguments_and_fields(tmp_path: Path) -> None:
    keys = [
        key("routingKeyKind", constant="primary", required=True),
        key("workerPoolId", required=True),
        key("runId"),
        key("reserved", multipleWords=True),
    ]
    event_set = load(tmp_path, reference(keys))
    assert event_set.class_name == "WorkerManagerEvents"
    assert event_set.union_name == "AnyWorkerManagerEvent"
    assert event_set.module == "worker_manager"
    (exchange,) = event_set.exchanges
    assert exchange.method == "thing_happened0"
    assert exchange.event_class == "ThingHappened0Event"
    assert exchange.routing_class == "ThingHappened0RoutingKey"
    assert [p.name for p in exchange.arguments] == ["worker_pool_id", "run_id", "reserved"]
    assert [p.field_annotation for p in exchange.fields] == ["str", "int | None", "str | None"]
    assert [p.argument_annotation for p in exchange.arguments] == [
        "str | None",
        "int | str | None",
        "str | None",
    ]
    assert exchange.shape == "primary.<workerPoolId>.<runId>.<reserved...>"
    assert event_set.full_name(exchange) == (
        "exchange/taskcluster-worker-manager/v1/thing-happened-0"
    )
    docs = event_docs(event_set)
    assert "run_id: the runId" in docs.method["thingHappened0"]
    assert "``primary.<workerPoolId>.<runId>.<reserved...>``" in docs.routing["thingHappened0"]


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ([key("a", multipleWords=True), key("b", multipleWords=True)], "more than one multi-word"),
        ([key("routingKeyPattern")], "would be argument 'routing_key_pattern'"),
        ([key("self")], "would be argument 'self'"),
        ([key("taskId"), key("task_id")], "clash as Python names"),
        ([key("kind", constant="a.b")], "must be one word"),
    ],
)
def test_references_it_cannot_type_are_refused(
    tmp_path: Path, keys: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(EventsError, match=message):
        load(tmp_path, reference(keys))


def test_the_pinned_references_load_with_unique_names() -> None:
    model = TypeRef("pkg._models.thing", "ThingMessage", "model")
    sets = load_event_sets(REFERENCES, lambda s, r: model, ("runId",))
    assert [s.service for s in sets] == [
        "auth",
        "github",
        "hooks",
        "notify",
        "queue",
        "worker-manager",
    ]
    assert sum(len(s.exchanges) for s in sets) == 36
    assert "events" in GENERATED_PATHS  # so the drift check covers the generated events
