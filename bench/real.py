"""User scale on the real Queue (``make bench-real``): a 500-task graph, created, read back, listed.

Each run is one fresh process with one client: ours sync (`Queue`), ours async (`AsyncQueue`,
at most `CONCURRENCY` calls in flight), the official `taskcluster.Queue` and the official
`taskcluster.aio.Queue` (one shared session, the same bound). A run creates a task group of a
root task and 499 tasks depending on it (`create`), reads every task's status (`status`) and
lists the group (`list`, pages followed). Per phase it reports the wall time, the client's CPU
time per request, and the CPU time the services used (utime + stime from /proc of every process
of the deployment: the pids in its pid files and their descendants, Postgres's backends
included); per run, the client's peak RSS. Runs are interleaved, the order rotating.

The deployment is the conformance suite's (`tests/real/deployment.py`): one that answers at the
root URL is reused and left running; otherwise one is started and stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TASKS = 500
CONCURRENCY = 20
CLIENTS = ("ours sync", "official sync", "ours async", "official aio")
PHASES = ("create", "status", "list")
_TICK = os.sysconf("SC_CLK_TCK")


# --- the services' CPU time from /proc ------------------------------------------------------


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of `pid`, or None if it is gone: its utime + stime and its
    waited-for children's (so a Postgres backend that exits still counts, in the postmaster)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return int(fields[1]), sum(int(x) for x in fields[11:15]) / _TICK


def services_cpu(run_dir: Path) -> float:
    """CPU seconds used so far by the deployment's processes and their descendants."""
    roots = set()
    for pid_file in run_dir.glob("*.pid"):
        try:
            roots.add(int(pid_file.read_text().split()[0]))
        except (OSError, ValueError, IndexError):
            continue
    stats = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            stats[int(entry.name)] = stat

    def in_deployment(pid: int) -> bool:
        seen = 0
        while pid > 1 and seen < 64:
            if pid in roots:
                return True
            pid = stats[pid][0] if pid in stats else 0
            seen += 1
        return False

    return sum(cpu for pid, (_, cpu) in stats.items() if in_deployment(pid))


# --- one run (a child process) ---------------------------------------------------------------


def definitions(group_id: str, root_id: str, ids: list[str]) -> Iterator[tuple[str, Any]]:
    now = datetime.datetime.now(datetime.timezone.utc)

    def stamp(delta: datetime.timedelta) -> str:
        return (now + delta).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    for n, task_id in enumerate([root_id, *ids]):
        yield (
            task_id,
            {
                "provisionerId": "bench-real",
                "workerType": "nobody",
                "taskQueueId": "bench-real/nobody",
                "schedulerId": "-",
                "taskGroupId": group_id,
                "dependencies": [] if n == 0 else [root_id],
                "created": stamp(datetime.timedelta()),
                "deadline": stamp(datetime.timedelta(hours=2)),
                "expires": stamp(datetime.timedelta(days=1)),
                "payload": {"image": "ubuntu:24.04", "command": ["true"], "maxRunTime": 600},
                "metadata": {
                    "name": f"bench-real task {n}",
                    "description": "a task of the user-scale benchmark (never run)",
                    "owner": "bench@example.com",
                    "source": "https://example.com/taskcluster-typed/bench/real.py",
                },
                "tags": {"kind": "bench"},
            },
        )


def peak_rss() -> int:
    """This process's peak RSS so far (VmHWM), in bytes."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))


class Phases:
    """Times each phase: wall, the client's CPU, the services' CPU, requests made, and the
    process's peak RSS before the first phase (imports and client) and after each."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.figures: dict[str, dict[str, float]] = {}
        self.peak_before: int | None = None
        #: The task group the run created.
        self.group = ""

    def _start(self) -> tuple[float, float, float]:
        if self.peak_before is None:
            self.peak_before = peak_rss()
        return services_cpu(self.run_dir), time.perf_counter(), time.process_time()

    def _record(self, name: str, start: tuple[float, float, float], count: int) -> None:
        services0, wall0, cpu0 = start
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        self.figures[name] = {
            "wall": wall,
            "cpu_per_request": cpu / count,
            "services_cpu": services_cpu(self.run_dir) - services0,
            "requests": count,
            "peak_rss": peak_rss(),
        }

    def measure(self, name: str, requests: Callable[[], int]) -> None:
        start = self._start()
        self._record(name, start, requests())

    async def measure_async(self, name: str, requests: Callable[[], Awaitable[int]]) -> None:
        start = self._start()
        self._record(name, start, await requests())


def _ids(n: int) -> list[str]:
    from taskcluster_typed import slugid

    return [slugid() for _ in range(n)]


def run_ours_sync(root_url: str, creds: tuple[str, str], phases: Phases) -> None:
    from taskcluster_typed import Credentials, Queue

    group, root, *rest = _ids(TASKS + 1)
    phases.group = group
    with Queue(root_url, credentials=Credentials(*creds)) as queue:

        def create() -> int:
            for task_id, definition in definitions(group, root, rest):
                queue.create_task(task_id, definition)
            return TASKS

        def status() -> int:
            for task_id in [root, *rest]:
                queue.status(task_id)
            return TASKS

        def listing() -> int:
            pages = 0
            tasks = 0
            token = None
            while True:
                page = queue.list_task_group(group, continuation_token=token)
                pages, tasks = pages + 1, tasks + len(page.tasks)
                token = page.continuation_token
                if token is None:
                    break
            if tasks != TASKS:
                raise RuntimeError(f"listed {tasks} tasks, not {TASKS}")
            return pages

        phases.measure("create", create)
        phases.measure("status", status)
        phases.measure("list", listing)


def run_official_sync(root_url: str, creds: tuple[str, str], phases: Phases) -> None:
    import taskcluster  # type: ignore[import-untyped]

    group, root, *rest = _ids(TASKS + 1)
    phases.group = group
    options = {"rootUrl": root_url, "credentials": {"clientId": creds[0], "accessToken": creds[1]}}
    queue = taskcluster.Queue(options)

    def create() -> int:
        for task_id, definition in definitions(group, root, rest):
            queue.createTask(task_id, definition)
        return TASKS

    def status() -> int:
        for task_id in [root, *rest]:
            queue.status(task_id)
        return TASKS

    def listing() -> int:
        pages = 0
        tasks = 0
        query: dict[str, str] = {}
        while True:
            page = queue.listTaskGroup(group, query=query)
            pages, tasks = pages + 1, tasks + len(page["tasks"])
            if not page.get("continuationToken"):
                break
            query = {"continuationToken": page["continuationToken"]}
        if tasks != TASKS:
            raise RuntimeError(f"listed {tasks} tasks, not {TASKS}")
        return pages

    phases.measure("create", create)
    phases.measure("status", status)
    phases.measure("list", listing)


async def _bounded(calls: list[Callable[[], Awaitable[object]]]) -> int:
    limit = asyncio.Semaphore(CONCURRENCY)

    async def one(call: Callable[[], Awaitable[object]]) -> None:
        async with limit:
            await call()

    await asyncio.gather(*(one(call) for call in calls))
    return len(calls)


async def run_ours_async(root_url: str, creds: tuple[str, str], phases: Phases) -> None:
    from taskcluster_typed import AsyncQueue, Credentials

    group, root, *rest = _ids(TASKS + 1)
    phases.group = group
    async with AsyncQueue(root_url, credentials=Credentials(*creds)) as queue:
        tasks = list(definitions(group, root, rest))

        async def create() -> int:
            # The root first: its dependents refer to it.
            await queue.create_task(*tasks[0])
            return 1 + await _bounded([partial(queue.create_task, *t) for t in tasks[1:]])

        async def status() -> int:
            return await _bounded([partial(queue.status, t[0]) for t in tasks])

        async def listing() -> int:
            pages = 0
            count = 0
            token = None
            while True:
                page = await queue.list_task_group(group, continuation_token=token)
                pages, count = pages + 1, count + len(page.tasks)
                token = page.continuation_token
                if token is None:
                    break
            if count != TASKS:
                raise RuntimeError(f"listed {count} tasks, not {TASKS}")
            return pages

        await phases.measure_async("create", create)
        await phases.measure_async("status", status)
        await phases.measure_async("list", listing)


async def run_official_aio(root_url: str, creds: tuple[str, str], phases: Phases) -> None:
    import taskcluster.aio  # type: ignore[import-untyped]

    group, root, *rest = _ids(TASKS + 1)
    phases.group = group
    options = {"rootUrl": root_url, "credentials": {"clientId": creds[0], "accessToken": creds[1]}}
    async with taskcluster.aio.createSession() as session:
        queue = taskcluster.aio.Queue(options, session=session)
        tasks = list(definitions(group, root, rest))

        async def create() -> int:
            await queue.createTask(*tasks[0])
            return 1 + await _bounded([partial(queue.createTask, *t) for t in tasks[1:]])

        async def status() -> int:
            return await _bounded([partial(queue.status, t[0]) for t in tasks])

        async def listing() -> int:
            pages = 0
            count = 0
            query: dict[str, str] = {}
            while True:
                page = await queue.listTaskGroup(group, query=query)
                pages, count = pages + 1, count + len(page["tasks"])
                if not page.get("continuationToken"):
                    break
                query = {"continuationToken": page["continuationToken"]}
            if count != TASKS:
                raise RuntimeError(f"listed {count} tasks, not {TASKS}")
            return pages

        await phases.measure_async("create", create)
        await phases.measure_async("status", status)
        await phases.measure_async("list", listing)


def child(client: str, root_url: str, creds: tuple[str, str], run_dir: Path) -> None:
    if client.startswith(ENGINES_CHILD):
        import importlib

        for module in ENGINES[client.removeprefix(ENGINES_CHILD).removesuffix(MODELS)]:
            importlib.import_module(module)
        import pydantic

        pydantic.BaseModel, pydantic.TypeAdapter  # noqa: B018 (pydantic imports them lazily)
        listing: object = None
        if client.endswith(MODELS):
            _build_validators()
            listing = _typed_listing(root_url, creds, os.environ[LIST_GROUP])
        print(json.dumps({"peak_rss": peak_rss(), "listed": listing is not None}))
        return
    phases = Phases(run_dir)
    if client == "ours sync":
        run_ours_sync(root_url, creds, phases)
    elif client == "official sync":
        run_official_sync(root_url, creds, phases)
    elif client == "ours async":
        asyncio.run(run_ours_async(root_url, creds, phases))
    else:
        asyncio.run(run_official_aio(root_url, creds, phases))
    print(
        json.dumps(
            {
                "phases": phases.figures,
                "peak_rss": peak_rss(),
                "peak_before": phases.peak_before,
                "group": phases.group,
            }
        )
    )


# --- the parent: runs, interleaved; the report -----------------------------------------------


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1e3:.0f} ms"


def med(values: list[float]) -> str:
    return f"{statistics.median(values):.3g} ({min(values):.3g}–{max(values):.3g})"


# What each of ours needs by its first call and cannot do without: a child that imports only
# these, in the same harness as the clients' runs, peaks at the least any client on these
# engines can (the floor of its peak RSS).
ENGINES = {"ours sync": ("pydantic", "urllib3"), "ours async": ("pydantic", "aiohttp")}
ENGINES_CHILD = "engines of "
MODELS = " and the models of its calls"
LIST_GROUP = "BENCH_LIST_GROUP"


def _build_validators() -> None:
    """pydantic's validators and serializers of the runs' calls (createTask in and out,
    status, listTaskGroup), built on the generated models as the SDK builds them."""
    from taskcluster_typed._core.endpoint import _adapter  # pyright: ignore[reportPrivateUsage]
    from taskcluster_typed.services import queue

    endpoints = (queue._CREATE_TASK, queue._STATUS, queue._LIST_TASK_GROUP)  # pyright: ignore[reportPrivateUsage]
    for endpoint in endpoints:
        for type_ in (endpoint.input_type, endpoint.output_type):
            if type_ is not None:
                _adapter(type_).rebuild(force=True)


def _typed_listing(root_url: str, creds: tuple[str, str], group: str) -> object:
    """A task group's listing (one of the runs'), fetched with urllib3 and decoded into the
    generated models by pydantic as the SDK decodes it: the typed data a run holds."""
    import urllib3

    from taskcluster_typed import Credentials, hawk
    from taskcluster_typed.services import queue

    url = f"{root_url}/api/queue/v1/task-group/{group}/list?limit={TASKS}"
    signed = hawk.request_header(
        credentials=Credentials(*creds),
        authorized_scopes=None,
        method="GET",
        url=url,
        body=None,
        content_type=None,
    )
    reply = urllib3.request("GET", url, headers={"authorization": signed}, retries=False)
    if reply.status != 200:
        raise RuntimeError(f"listing {group}: {reply.status}")
    return queue._LIST_TASK_GROUP.decode_json(reply.data, url)  # pyright: ignore[reportPrivateUsage]


def engines_rss(client: str, group: str, runs: int = 3) -> float:
    """The median peak RSS of a child that imports `client`'s engines and nothing else (and,
    for the models' floor, builds their validators and holds `group`'s listing as models)."""
    return statistics.median(
        float(
            json.loads(
                subprocess.run(
                    [
                        sys.executable,
                        str(Path(__file__).resolve()),
                        "--child",
                        ENGINES_CHILD + client,
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                    env={**os.environ, LIST_GROUP: group},
                )
                .stdout.strip()
                .splitlines()[-1]
            )["peak_rss"]
        )
        for _ in range(runs)
    )


def report(
    results: dict[str, list[dict[str, Any]]],
    reps: int,
    load: str,
    started: str,
    took: float,
    floors: dict[str, float],
) -> str:
    lines = [
        "# User scale on the real Queue (`make bench-real`)",
        "",
        f"Written by `python bench/real.py --reps {reps}` on {started} UTC (took {took:.0f} s). "
        f"Real Taskcluster v106.0.0 services on this machine (tests/real/deployment.py). Each "
        f"run: one fresh process, one client; a task group of {TASKS} tasks (a root and "
        f"{TASKS - 1} dependents) created, every status read, the group listed. Async clients "
        f"keep at most {CONCURRENCY} calls in flight. {reps} runs per client, interleaved, after "
        "an untimed warm-up round; figures are medians (min–max). Services' CPU: utime + stime "
        "(and waited-for children's) of the deployment's processes from /proc, so it includes "
        "their background workers (resolvers, handlers) running meanwhile.",
        "",
        f"Machine load: {load}.",
        "",
    ]
    for phase in PHASES:
        lines += [
            f"## {phase}",
            "",
            "| client | wall (s) | client CPU / request (ms) | services' CPU (s) | requests |",
            "|---|---|---|---|---|",
        ]
        for client in CLIENTS:
            runs = [r["phases"][phase] for r in results[client]]
            lines.append(
                f"| {client} | {med([r['wall'] for r in runs])} "
                f"| {med([r['cpu_per_request'] * 1e3 for r in runs])} "
                f"| {med([r['services_cpu'] for r in runs])} | {runs[0]['requests']:.0f} |"
            )
        lines.append("")
    lines += [
        "## Peak memory (RSS of the client process)",
        "",
        "The peak so far (VmHWM, MiB) once the client is built (before its first call: ours "
        "imports its engines at that call), and after "
        "each phase: where each client's memory goes.",
        "",
        "| client | peak | client built | after create | after status | after list |",
        "|---|---|---|---|---|---|",
    ]
    for client in CLIENTS:
        runs = results[client]
        lines.append(
            f"| {client} | {med([r['peak_rss'] / 2**20 for r in runs])} "
            f"| {med([r['peak_before'] / 2**20 for r in runs])} "
            + "".join(
                f"| {med([r['phases'][phase]['peak_rss'] / 2**20 for r in runs])} "
                for phase in PHASES
            )
            + "|"
        )
    lines.append("")
    total = {c: [sum(r["phases"][p]["wall"] for p in PHASES) for r in results[c]] for c in CLIENTS}
    lines += ["## Ratios (ours / official, paired per repetition)", ""]
    for ours, official in (("ours sync", "official sync"), ("ours async", "official aio")):
        wall = [o / f for o, f in zip(total[ours], total[official], strict=True)]
        rss = [
            o["peak_rss"] / f["peak_rss"]
            for o, f in zip(results[ours], results[official], strict=True)
        ]
        official_rss = statistics.median(r["peak_rss"] for r in results[official])
        floor = floors[ours] / official_rss
        with_models = floors[ours + MODELS]
        lines.append(
            f"- {ours} vs {official}: total wall {med(wall)}×; peak RSS {med(rss)}× "
            f"(target: at most the official client's: "
            f"{'met' if statistics.median(rss) <= 1.0 else 'missed'}). Floor: a child of this "
            f"benchmark that only imports {' and '.join(ENGINES[ours])} (with pydantic's "
            f"`BaseModel` and `TypeAdapter`) peaks at {floors[ours] / 2**20:.1f} "
            f"MiB, {floor:.2f}× the official client's whole run; with pydantic's validators of "
            "the generated models of the calls made (createTask, status, listTaskGroup, built "
            f"as the SDK builds them) and one run's {TASKS}-task listing held as those models "
            f"{with_models / 2**20:.1f} MiB, "
            f"{with_models / official_rss:.2f}×"
            + (
                ": out of reach on these engines for typed calls."
                if with_models > official_rss
                else ": within reach."
            )
        )
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS-real.md")
    children = [
        *CLIENTS,
        *(ENGINES_CHILD + client + models for client in ENGINES for models in ("", MODELS)),
    ]
    parser.add_argument("--child", choices=children, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    from tests.real.deployment import ROOT_ACCESS_TOKEN, ROOT_CLIENT_ID, Deployment

    deployment = Deployment.default()
    creds = (ROOT_CLIENT_ID, ROOT_ACCESS_TOKEN)
    run_dir = deployment.state / "run"
    if args.child:
        child(args.child, deployment.root_url, creds, run_dir)
        return
    from bench.load import Load

    deployment.start()  # reuses one that answers
    try:
        load = Load()
        started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
        results: dict[str, list[dict[str, Any]]] = {c: [] for c in CLIENTS}
        for rep in range(-1, args.reps):  # a warm-up round first (services' caches, JIT)
            order = CLIENTS[rep % len(CLIENTS) :] + CLIENTS[: rep % len(CLIENTS)]
            for client in order:
                out = subprocess.run(
                    [sys.executable, str(Path(__file__).resolve()), "--child", client],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                if rep >= 0:
                    results[client].append(json.loads(out.strip().splitlines()[-1]))
                print(f"round {rep + 1}/{args.reps}: {client} done", file=sys.stderr, flush=True)
        took = time.perf_counter() - load.wall0
        floors = {
            client + models: engines_rss(client + models, results["official sync"][0]["group"])
            for client in ENGINES
            for models in ("", MODELS)
        }
        text = report(results, args.reps, load.summary(), started, took, floors)
    finally:
        if deployment.owned:
            deployment.stop()
    args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
