"""The benchmark run behind ``python bench/run.py``: every section, then bench/RESULTS.md."""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench import calls, fixtures, micro, startup
from bench.harness import Report, table
from bench.load import Load
from bench.micro import Config
from bench.server import ServerProcess

ROOT = Path(__file__).resolve().parents[1]
FULL = Config(reps=7, scale=1.0, import_reps=7, memory_reps=3, listing_reps=5)
QUICK = Config(reps=3, scale=0.3, import_reps=3, memory_reps=1, listing_reps=3)
PACKAGES = [
    "taskcluster-typed",
    "taskcluster",
    "httpx",
    "httpcore",
    "h11",
    "anyio",
    "sniffio",
    "pydantic",
    "pydantic-core",
    "mohawk",
    "requests",
    "urllib3",
    "aiohttp",
    "yarl",
    "httpx-aiohttp",
]


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return f"{head}{' (with uncommitted changes)' if dirty else ''}"
    except OSError:
        return "unknown"


def machine_facts(command: str, pinned: tuple[int, int] | None, load: str, cores: int) -> str:
    pin = (
        f"client process on CPU {pinned[0]}, server process on CPU {pinned[1]} "
        "(`os.sched_setaffinity`; `--no-pin` to leave both to the scheduler)"
        if pinned
        else "none (`--no-pin`, or fewer than 2 CPUs)"
    )
    rows = [
        ["command", f"`{command}`"],
        ["date (UTC)", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")],
        ["commit", _git()],
        ["nproc", f"{os.cpu_count()} ({cores} usable); {_cpu_model()}"],
        ["python", f"{platform.python_implementation()} {platform.python_version()}"],
        ["platform", platform.platform()],
        ["CPU pinning", pin],
        ["machine load during the run", load],
        ["packages", ", ".join(f"{name} {_version(name)}" for name in PACKAGES)],
    ]
    return table(["", ""], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description="taskcluster-typed vs the official client")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (~40 s)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin client/server CPUs")
    parser.add_argument(
        "--output",
        type=Path,
        help="where to write (default bench/RESULTS.md, or bench/RESULTS-quick.md with --quick)",
    )
    parser.add_argument("--note", default="", help="a line to print under the title")
    args = parser.parse_args()
    config = QUICK if args.quick else FULL
    output: Path = args.output or ROOT / "bench" / (
        "RESULTS-quick.md" if args.quick else "RESULTS.md"
    )
    command = "python bench/run.py" + (" --quick" if args.quick else "")
    started = time.perf_counter()
    load = Load()
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    pinned = (cpus[0], cpus[1]) if len(cpus) >= 2 and not args.no_pin else None
    if pinned:
        os.sched_setaffinity(0, {pinned[0]})

    report = Report()
    fx = fixtures.build()
    imports = startup.bench_imports(config.import_reps, report)
    micro.bench_construction(config, report)
    micro.bench_hawk(config, report, fx)
    with ServerProcess(fx) as server:
        if pinned:
            os.sched_setaffinity(server.proc.pid, {pinned[1]})
        report.add(
            "Served bodies (validated against the generated models before serving)",
            "\n".join(f"- {line}" for line in server.validated),
        )
        startup.bench_one_call(config.import_reps, report, server.root_url, fx, imports)
        env = calls.Env(server, fx, config)
        outcome = calls.selftest(env, report)
        calls.bench_headroom(env, report)
        sync_calls = calls.bench_sync(env, report)
        calls.bench_async(env, report, outcome)
        calls.bench_listing(env, report)
        profiles = calls.bench_profile(env, report, sync_calls)
    elapsed = time.perf_counter() - started

    summary = table(
        ["", "ours", "reference", "ratio", "target (the issue's words)", "verdict"],
        [c.row() for c in report.summary],
    )
    missed = [c for c in report.summary if c.verdict.startswith("**missed")]
    text = [
        "# Benchmark: taskcluster-typed vs the official `taskcluster` client",
        "",
        *([f"**Note: {args.note}**", ""] if args.note else []),
        f"Written by `{command}` ({'quick mode, ' if args.quick else ''}took {elapsed:.0f} s). "
        "Both clients talk to the same loopback server (bench/server.js, Node's http module, its "
        "own process) that serves schema-validated bodies shaped like the Queue API and verifies "
        "a sample of Hawk headers with the npm `hawk` package. Figures are medians of "
        "interleaved, repeated blocks (min–max shows the spread); a ratio with pairs is the "
        "median of the ratios paired per repetition, with their min–max. The reference is the "
        "official client unless the row says otherwise; ratios marked calls/s are reference "
        "time / ours (above 1: ours is faster), the others ours / reference (below 1: ours is "
        "smaller or faster). The machine has 2 cores shared with other work (its load is noted "
        "below): read differences under ~10% as noise.",
        "",
        machine_facts(command, pinned, load.summary(), len(cpus)),
        "",
        "## Summary",
        "",
        summary,
        "",
    ]
    if missed:
        text += [
            "Targets missed: "
            + "; ".join(f"{c.what}: {c.verdict.removeprefix('**missed** ')}" for c in missed)
            + ". See the sections below for what the figures are made of, and the profiles "
            "(last section) for where ours spends its time.",
            "",
        ]
    floors = [c for c in missed if c.floor is not None]
    if floors:
        text += [
            "The misses against what the engines alone reach (a floor: the same work with "
            "nothing of the SDK in it; a target beyond its floor cannot be met on these "
            "engines, whatever the SDK does):",
            "",
            *(
                f"- {c.what}: {c.value:.2f}×; the engines alone {c.floor:.2f}× ({c.floor_text})"
                + (
                    ": **out of reach on these engines**."
                    if c.out_of_reach
                    else ": within reach; the SDK's own share is the gap."
                )
                for c in floors
            ),
            "",
        ]
    text += [
        "What the profiles (cProfile, own time grouped by owner) say is left, largest shares "
        "first:",
        "",
        *(
            f"- {name}: " + ", ".join(f"{group} {share:.0%}" for group, share in groups[:6])
            for name, groups in profiles.items()
        ),
        "",
    ]
    for title, body in report.sections:
        text += [f"## {title}", "", body, ""]
    text += [
        "## Caveats",
        "",
        "- Plain HTTP on loopback: no TLS and no network latency. Over TLS the official sync "
        "client also pays a handshake per call (it opens a new connection per call), so the "
        "sync ratios here understate the difference; latency would shrink all ratios of "
        "sequential calls towards 1.",
        "- Two cores shared with other work: each block is short and the cases are "
        "interleaved, so a burst of outside load hits all cases alike; the min–max columns "
        "show where it did. Client CPU per call (`process_time`) is less sensitive to it "
        "than wall time.",
        "- The official aio client is measured with one shared `aiohttp.ClientSession` "
        "(its documented fast path); given no `session=` and used outside `async with`, it "
        "opens a new session, so new connections, per call.",
        "- The httpx-aiohttp 0.2.0 row appears only when that package is installed (it is "
        "not a dependency: it re-quotes signed URLs).",
        "",
    ]
    output.write_text("\n".join(text))
    print(f"\nwrote {output} in {elapsed:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
