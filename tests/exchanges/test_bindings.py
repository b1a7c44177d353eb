"""Every exchange's binding: against the pattern the reference implies, and against the
official `taskcluster` client on the same arguments."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from typing import Any

import pytest
import taskcluster  # type: ignore[import-untyped]

import taskcluster_typed
from taskcluster_typed import Binding, RequestValidationError
from taskcluster_typed.events.notify import NotifyEvents
from taskcluster_typed.events.queue import QueueEvents

from .reference import EXCHANGES, INTEGER_KEYS, Exchange, expected_pattern, snake

OFFICIAL_OPTIONS = {"rootUrl": "https://tc.example.com"}  # the official client insists on one


def value_for(key: dict[str, Any]) -> Any:
    if key["name"] in INTEGER_KEYS:
        return 3
    if key["multipleWords"]:
        return f"{key['name']}.more.words"
    return f"{key['name']}-value"


def argument_sets(exchange: Exchange) -> dict[str, dict[str, Any]]:
    """Wire name -> value, for no, every other, and every non-constant key."""
    keys = [k for k in exchange.keys if "constant" not in k]
    return {
        "empty": {},
        "partial": {k["name"]: value_for(k) for k in keys[::2]},
        "full": {k["name"]: value_for(k) for k in keys},
    }


def ours(exchange: Exchange, given: dict[str, Any], **options: Any) -> Binding:
    events = getattr(taskcluster_typed, exchange.events_class)(**options)
    method = getattr(events, snake(exchange.name))
    binding: Binding = method(**{snake(k): v for k, v in given.items()})
    return binding


def official(exchange: Exchange, given: Any, **options: Any) -> dict[str, str]:
    events = getattr(taskcluster, exchange.events_class)({**OFFICIAL_OPTIONS, **options})
    result: dict[str, str] = getattr(events, exchange.name)(given)
    return result


CASES = [(e, case) for e in EXCHANGES for case in ("empty", "partial", "full")]


def test_there_are_36_exchanges_in_six_services() -> None:
    assert len(EXCHANGES) == 36
    assert {e.service for e in EXCHANGES} == {
        "auth",
        "github",
        "hooks",
        "notify",
        "queue",
        "worker-manager",
    }


@pytest.mark.parametrize(("exchange", "case"), CASES, ids=[f"{e.id}-{c}" for e, c in CASES])
def test_binding_matches_the_reference_and_the_official_client(
    exchange: Exchange, case: str
) -> None:
    given = argument_sets(exchange)[case]
    binding = ours(exchange, given)
    assert binding == Binding(exchange.full_name, expected_pattern(exchange, given))
    assert binding.to_dict() == official(exchange, given)


@pytest.mark.parametrize("exchange", EXCHANGES, ids=lambda e: e.id)
def test_arguments_are_the_non_constant_keys_keyword_only(exchange: Exchange) -> None:
    events = getattr(taskcluster_typed, exchange.events_class)()
    parameters = inspect.signature(getattr(events, snake(exchange.name))).parameters
    first, *rest = parameters.values()
    assert first.name == "routing_key_pattern"
    assert first.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert [p.name for p in rest] == [
        snake(k["name"]) for k in exchange.keys if "constant" not in k
    ]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is None for p in rest)


@pytest.mark.parametrize("exchange", EXCHANGES, ids=lambda e: e.id)
def test_a_raw_pattern_passes_through_like_the_official_client(exchange: Exchange) -> None:
    for pattern in ("primary.#", "#", "anything.at.all"):
        assert ours(exchange, {}).exchange == exchange.full_name
        events = getattr(taskcluster_typed, exchange.events_class)()
        binding = getattr(events, snake(exchange.name))(pattern)
        assert binding.to_dict() == official(exchange, pattern)
        keyword = getattr(events, snake(exchange.name))(routing_key_pattern=pattern)
        assert keyword == binding


def single_word_keys(exchange: Exchange) -> list[dict[str, Any]]:
    return [k for k in exchange.keys if "constant" not in k and not k["multipleWords"]]


WITH_SINGLE_WORDS = [e for e in EXCHANGES if single_word_keys(e)]


@pytest.mark.parametrize("exchange", WITH_SINGLE_WORDS, ids=lambda e: e.id)
def test_a_dot_in_a_single_word_value_names_the_argument(exchange: Exchange) -> None:
    single = single_word_keys(exchange)
    name = snake(single[-1]["name"])
    with pytest.raises(RequestValidationError) as raised:
        ours(exchange, {single[-1]["name"]: "a.b"})
    assert raised.value.errors[0][0] == name
    assert "'a.b'" in str(raised.value)
    with pytest.raises(taskcluster.exceptions.TaskclusterTopicExchangeFailure):
        official(exchange, {single[-1]["name"]: "a.b"})


def test_every_bad_value_is_reported_before_anything_is_returned() -> None:
    with pytest.raises(RequestValidationError) as raised:
        QueueEvents().task_completed(task_id="a.b", worker_id="c.d", worker_type=True)  # type: ignore[arg-type]
    assert [loc for loc, _ in raised.value.errors] == ["task_id", "worker_id", "worker_type"]
    assert "QueueEvents.task_completed" in str(raised.value)


def test_numbers_are_stringified_and_bools_refused() -> None:
    assert QueueEvents().task_completed(run_id=0).routing_key_pattern.split(".")[2] == "0"
    assert QueueEvents().task_completed(run_id="12").routing_key_pattern.split(".")[2] == "12"
    with pytest.raises(RequestValidationError, match="not bool"):
        QueueEvents().task_completed(run_id=True)  # JS refuses it; PY would send "True"


def test_none_means_not_given_where_the_official_client_writes_none() -> None:
    assert QueueEvents().task_completed(task_id=None).routing_key_pattern == (
        "primary.*.*.*.*.*.*.*.*.#"
    )
    # The official Python client str()s every value it is given: a difference, on purpose.
    assert official(EXCHANGES_BY_ID["queue.taskCompleted"], {"taskId": None})[
        "routingKeyPattern"
    ] == ("primary.None.*.*.*.*.*.*.*.#")


def test_an_empty_string_is_an_empty_word_as_in_the_official_clients() -> None:
    pattern = QueueEvents().task_completed(task_id="").routing_key_pattern
    assert pattern == "primary..*.*.*.*.*.*.*.#"
    assert (
        official(EXCHANGES_BY_ID["queue.taskCompleted"], {"taskId": ""})["routingKeyPattern"]
        == pattern
    )


def test_the_multi_word_key_takes_dots() -> None:
    # A typed binding equals the hand-made one: equality is the exchange and the pattern.
    expected: Binding[Any] = Binding("exchange/taskcluster-notify/v1/notification", "primary.a.b.c")
    assert NotifyEvents().notify(topic="a.b.c") == expected
    assert NotifyEvents().notify().routing_key_pattern == "primary.#"


def test_a_pattern_and_keywords_together_are_refused() -> None:
    with pytest.raises(RequestValidationError, match="not both"):
        QueueEvents().task_completed("primary.#", task_id="abc")
    with pytest.raises(taskcluster.exceptions.TaskclusterTopicExchangeFailure):
        taskcluster.QueueEvents(OFFICIAL_OPTIONS).taskCompleted("primary.#", taskId="abc")
    with pytest.raises(RequestValidationError, match="must be a str"):
        QueueEvents().task_completed({"taskId": "abc"})  # type: ignore[arg-type]


def test_exchange_prefix_can_be_replaced_and_is_joined_like_the_python_client() -> None:
    for prefix in ("exchange/my-namespace/v1/", "exchange/my-namespace/v1"):
        binding = QueueEvents(exchange_prefix=prefix).task_completed()
        assert binding.exchange == "exchange/my-namespace/v1/task-completed"
        assert binding.to_dict() == official(
            EXCHANGES_BY_ID["queue.taskCompleted"], {}, exchangePrefix=prefix
        )


def test_bindings_are_frozen_values() -> None:
    binding = QueueEvents().task_completed(task_id="abc")
    assert binding == QueueEvents().task_completed(task_id="abc")
    assert hash(binding) == hash(QueueEvents().task_completed(task_id="abc"))
    with pytest.raises(AttributeError):
        binding.exchange = "other"  # type: ignore[misc]


def test_events_classes_are_lazy_package_exports() -> None:
    for exchange in EXCHANGES:
        assert exchange.events_class in taskcluster_typed.__all__
        assert exchange.events_class in dir(taskcluster_typed)
    assert repr(QueueEvents()) == "QueueEvents(exchange_prefix='exchange/taskcluster-queue/v1/')"


EXCHANGES_BY_ID = {e.id: e for e in EXCHANGES}


def loaded_modules(code: str) -> set[str]:
    script = f"import sys\n{code}\nimport json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_importing_queue_events_imports_only_the_queue_events_and_models() -> None:
    assert not any(
        m.startswith("taskcluster_typed.events") for m in loaded_modules("import taskcluster_typed")
    )
    modules = loaded_modules("from taskcluster_typed import QueueEvents")
    assert {m for m in modules if m.startswith("taskcluster_typed.events")} == {
        "taskcluster_typed.events",
        "taskcluster_typed.events.queue",
    }
    assert {m.split(".")[2] for m in modules if m.startswith("taskcluster_typed._models.")} <= {
        "queue"
    }
    assert not any(m.startswith("taskcluster_typed.services") for m in modules)


def test_parse_message_imports_only_the_services_it_sees() -> None:
    code = (
        "from taskcluster_typed.events import parse_message\n"
        "try:\n"
        "    parse_message('exchange/taskcluster-notify/v1/notification', 'primary.a', b'{}')\n"
        "except Exception:\n"
        "    pass"
    )
    modules = loaded_modules(code)
    assert {m for m in modules if m.startswith("taskcluster_typed.events.")} == {
        "taskcluster_typed.events.notify"
    }
