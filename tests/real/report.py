"""What the conformance suite ran against the real services, printed at the end of the run.

Tests record into `RECORD`; `pytest_terminal_summary` (imported by the conftest) prints how
many methods ran for real (sync and async), how many exchanges were received, and what cannot
run locally, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest


@dataclass
class Record:
    """Filled in by the tests as they pass."""

    methods_total: int = 0
    exchanges_total: int = 0
    ran: dict[str, set[str]] = field(default_factory=lambda: {"sync": set(), "async": set()})
    refused: dict[str, set[str]] = field(default_factory=lambda: {"sync": set(), "async": set()})
    not_local: dict[str, str] = field(default_factory=dict[str, str])
    received: set[str] = field(default_factory=set[str])
    not_firing: dict[str, str] = field(default_factory=dict[str, str])

    def method_ran(self, variant: str, method: str, *, served: bool) -> None:
        (self.ran if served else self.refused)[variant].add(method)


RECORD = Record()


def summary_lines(record: Record) -> list[str]:
    """The summary; nothing when no conformance test ran (``make test-offline`` collects the
    modules, which fill in the totals, but deselects their tests)."""
    if not (any(record.ran.values()) or any(record.refused.values()) or record.received):
        return []
    lines: list[str] = []
    if record.methods_total:
        for variant in ("sync", "async"):
            lines.append(
                f"methods served by the real services ({variant}): "
                f"{len(record.ran[variant])} of {record.methods_total}; reached the real "
                f"service and refused as documented: {len(record.refused[variant])}"
            )
    if record.exchanges_total:
        lines.append(
            f"exchanges received from the real RabbitMQ: {len(record.received)} "
            f"of {record.exchanges_total}"
        )
    if record.not_local:
        lines.append("methods that cannot run locally:")
        lines.extend(f"  {name}: {why}" for name, why in sorted(record.not_local.items()))
    if record.not_firing:
        lines.append("exchanges that cannot fire locally:")
        lines.extend(f"  {name}: {why}" for name, why in sorted(record.not_firing.items()))
    return lines


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = summary_lines(RECORD)
    if lines:
        terminalreporter.section("conformance against the real Taskcluster services")
        for line in lines:
            terminalreporter.write_line(line)
