"""Timing helpers: interleaved, repeated blocks; medians; the report's tables.

Every case runs as a block of `ops` operations; the blocks of all cases are interleaved (the
order rotates each repetition, so no case always runs first or last) and repeated. A case's
figure is the median over repetitions of the block's time per operation, wall clock
(`perf_counter`) and the client process's CPU time (`process_time`, which the server's work
in its own process does not count).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class Series:
    """Per-operation seconds, one value per repetition."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)  # the server's CPU seconds per op

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    @property
    def median_server(self) -> float:
        return statistics.median(self.server) if self.server else float("nan")

    @property
    def spread(self) -> str:
        """``min-max`` of the wall figures, to show the noise."""
        return f"{fmt(min(self.wall))}–{fmt(max(self.wall))}"


def _rotated(names: Sequence[str], rep: int) -> list[str]:
    shift = rep % len(names)
    return list(names[shift:]) + list(names[:shift])


def interleaved(
    cases: Mapping[str, Callable[[], object]],
    *,
    ops: int | Mapping[str, int],
    reps: int,
    warmup: int = 1,
    probe: Callable[[], float] | None = None,
    block_warmup: bool = False,
) -> dict[str, Series]:
    """Run each case `ops` times per block, blocks interleaved, `reps` times (after warm-up).

    `probe()` (read before and after each block, outside the timed part) is a cumulative
    counter of the server's CPU seconds; its difference per op is kept in `Series.server`.
    With `block_warmup`, each block starts with one untimed op (so that a connection pool
    left idle while the other cases ran is warm again: steady state is measured).
    """
    names = list(cases)
    results = {name: Series() for name in names}
    for rep in range(-warmup, reps):
        for name in _rotated(names, max(rep, 0)):
            fn = cases[name]
            n = ops if isinstance(ops, int) else ops[name]
            if block_warmup:
                fn()
            gc.collect()
            server0 = probe() if probe is not None else 0.0
            wall0, cpu0 = time.perf_counter(), time.process_time()
            for _ in range(n):
                fn()
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            server = probe() - server0 if probe is not None else 0.0
            if rep >= 0:
                results[name].wall.append(wall / n)
                results[name].cpu.append(cpu / n)
                if probe is not None:
                    results[name].server.append(server / n)
    return results


async def interleaved_async(
    cases: Mapping[str, Callable[[], Awaitable[object]]],
    *,
    ops: int,
    reps: int,
    warmup: int = 1,
    around: Mapping[str, Callable[[bool], None]] | None = None,
    probe: Callable[[], float] | None = None,
    block_warmup: bool = False,
) -> dict[str, Series]:
    """`interleaved` for coroutines: `ops` awaits of the case per block.

    `around[name](True)` / `(False)` runs just before / after that case's blocks (to switch a
    process-wide setting on for one case only). `probe` as in `interleaved` (a blocking call,
    made while no request is in flight), `block_warmup` as in `interleaved`.
    """
    names = list(cases)
    results = {name: Series() for name in names}
    for rep in range(-warmup, reps):
        for name in _rotated(names, max(rep, 0)):
            fn = cases[name]
            hook = (around or {}).get(name)
            if hook is not None:
                hook(True)
            try:
                if block_warmup:
                    await fn()
                gc.collect()
                server0 = probe() if probe is not None else 0.0
                wall0, cpu0 = time.perf_counter(), time.process_time()
                for _ in range(ops):
                    await fn()
                wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
                server = probe() - server0 if probe is not None else 0.0
            finally:
                if hook is not None:
                    hook(False)
            if rep >= 0:
                results[name].wall.append(wall / ops)
                results[name].cpu.append(cpu / ops)
                if probe is not None:
                    results[name].server.append(server / ops)
    return results


def fmt(seconds: float) -> str:
    """A duration with a unit that keeps 3 significant figures."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"


def fmt_bytes(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def ratio(ours: float, official: float) -> str:
    return f"{ours / official:.2f}×"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


@dataclass
class Comparison:
    """One line of the summary: ours vs a reference, and the issue's target.

    `target` is the largest ours/reference ratio the issue allows (with `speedup`, the
    smallest reference/ours ratio, i.e. how many times ours' calls/s); `max_ours` the largest
    absolute value of ours. The reference is the official client unless `what` says otherwise.
    Given `ours_runs` and `reference_runs` (one figure per repetition, the cases interleaved in
    each), the ratio is paired per repetition and its median is the figure, with min–max as
    its spread; `worst_target` bounds the worst pair too.
    """

    what: str
    ours: float
    official: float
    unit: str  # "time", "bytes" or "count"
    target: float | None = None
    target_text: str = ""
    max_ours: float | None = None
    speedup: bool = False
    ours_runs: Sequence[float] = ()
    reference_runs: Sequence[float] = ()
    worst_target: float | None = None
    #: The ratio the engines alone reach (same orientation as the ratio), and how it was
    #: measured: a target beyond it cannot be met on these engines, whatever the SDK does.
    floor: float | None = None
    floor_text: str = ""

    def _ratio(self, ours: float, reference: float) -> float:
        return reference / ours if self.speedup else ours / reference

    @property
    def pairs(self) -> list[float]:
        return [self._ratio(o, r) for o, r in zip(self.ours_runs, self.reference_runs, strict=True)]

    @property
    def value(self) -> float:
        pairs = self.pairs
        return statistics.median(pairs) if pairs else self._ratio(self.ours, self.official)

    @property
    def worst(self) -> float:
        pairs = self.pairs or [self.value]
        return min(pairs) if self.speedup else max(pairs)

    def _misses(self, bound: float, value: float) -> bool:
        return value < bound if self.speedup else value > bound

    @property
    def verdict(self) -> str:
        misses = []
        if self.target is not None and self._misses(self.target, self.value):
            misses.append(f"{self.value:.2f}×")
        if self.worst_target is not None and self._misses(self.worst_target, self.worst):
            misses.append(f"worst pair {self.worst:.2f}×")
        if self.max_ours is not None and self.ours > self.max_ours:
            misses.append(self.show(self.ours))
        if self.target is None and self.max_ours is None:
            return "—"
        if not misses:
            return "met"
        verdict = f"**missed** ({', '.join(misses)})"
        if self.floor is not None:
            verdict += f"; the engines alone: {self.floor:.2f}×"
        return verdict

    @property
    def out_of_reach(self) -> bool:
        """The target is beyond what the engines alone reach."""
        return (
            self.floor is not None
            and self.target is not None
            and self._misses(self.target, self.floor)
        )

    def show(self, value: float) -> str:
        if self.unit == "count":
            return f"{value:g}"
        return fmt(value) if self.unit == "time" else fmt_bytes(value)

    def row(self) -> list[str]:
        show = self.show
        pairs = self.pairs
        spread = (
            f" ({min(pairs):.2f}–{max(pairs):.2f}, {len(pairs)} pairs)"
            if pairs
            else " (one figure each)"
        )
        return [
            self.what,
            show(self.ours),
            show(self.official),
            f"**{self.value:.2f}×**" + (" calls/s" if self.speedup else "") + spread,
            self.target_text or "—",
            self.verdict,
        ]


@dataclass
class Report:
    """What run.py writes to RESULTS.md: the summary, then one section per benchmark."""

    summary: list[Comparison] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)
    last: float = field(default_factory=time.perf_counter)

    def add(self, title: str, body: str) -> None:
        self.sections.append((title, body))
        now = time.perf_counter()
        print(f"\n## {title} ({now - self.last:.1f} s)\n\n{body}", flush=True)
        self.last = now
