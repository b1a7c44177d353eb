"""The conformance summary (tests/real/report.py) says what ran, and nothing when nothing did."""

from __future__ import annotations

from tests.real.report import Record, summary_lines


def test_nothing_is_printed_when_no_conformance_test_ran() -> None:
    record = Record(methods_total=192, exchanges_total=36, not_local={"github.ping": "no github"})
    assert summary_lines(record) == []


def test_the_summary_counts_methods_exchanges_and_lists_what_cannot_run() -> None:
    record = Record(methods_total=3, exchanges_total=2, not_local={"github.ping": "no github"})
    record.method_ran("sync", "queue.task", served=True)
    record.method_ran("async", "queue.task", served=True)
    record.method_ran("sync", "github.ping", served=False)
    record.received.add("exchange/taskcluster-queue/v1/task-defined")
    record.not_firing["exchange/taskcluster-github/v1/push"] = "no github"
    assert summary_lines(record) == [
        "methods served by the real services (sync): 1 of 3; reached the real service and "
        "refused as documented: 1",
        "methods served by the real services (async): 1 of 3; reached the real service and "
        "refused as documented: 0",
        "exchanges received from the real RabbitMQ: 1 of 2",
        "methods that cannot run locally:",
        "  github.ping: no github",
        "exchanges that cannot fire locally:",
        "  exchange/taskcluster-github/v1/push: no github",
    ]
