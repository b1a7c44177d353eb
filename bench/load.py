"""The machine's load while a benchmark runs: load average, and the CPU time other processes
used (the whole machine's busy time from /proc/stat minus this process's and its children's)."""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass, field

_TICK = os.sysconf("SC_CLK_TCK")


def _busy_seconds() -> float:
    """CPU seconds all CPUs spent not idle since boot (/proc/stat's first line)."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / _TICK


def _own_seconds() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


@dataclass
class Load:
    """Started at creation; `summary()` describes the load since then."""

    loadavg_before: str = field(default_factory=loadavg)
    wall0: float = field(default_factory=time.perf_counter)
    busy0: float = field(default_factory=_busy_seconds)
    own0: float = field(default_factory=_own_seconds)

    def others_cpu(self) -> tuple[float, float]:
        """Other processes' CPU seconds since the start, and the wall seconds elapsed.
        (Children not yet waited for, e.g. a server still running, count as others.)"""
        busy = _busy_seconds() - self.busy0
        own = _own_seconds() - self.own0
        return max(busy - own, 0.0), time.perf_counter() - self.wall0

    def summary(self) -> str:
        others, wall = self.others_cpu()
        cores = os.cpu_count() or 1
        return (
            f"load average {self.loadavg_before} → {loadavg()}; other processes used "
            f"{others:.0f} CPU-s over {wall:.0f} s ({others / wall:.2f} of {cores} cores)"
        )
