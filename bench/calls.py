"""Benchmarks against the loopback server: the Hawk self-test, the server's headroom,
sequential sync calls, 50 concurrent async calls (with transport variants), and the
5 × 1000-task `listTaskGroup` listing.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import importlib.util
import json
import socket
import statistics
import sys
import time
import tracemalloc
import types
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import aiohttp
import httpcore
import httpx
import pydantic
import taskcluster  # type: ignore[import-untyped]
import taskcluster.aio  # type: ignore[import-untyped]
import yarl

from bench import fixtures
from bench.harness import (
    Comparison,
    Report,
    Series,
    fmt,
    fmt_bytes,
    interleaved,
    interleaved_async,
    table,
)
from bench.micro import CREDS, Config
from bench.server import ServerProcess
from bench.transports import AiohttpTransport, ShardedTransport
from taskcluster_typed import AsyncQueue, Queue, hawk
from taskcluster_typed.models.queue import ListTaskGroupResponse
from taskcluster_typed.services import queue as queue_module

if TYPE_CHECKING:
    from taskcluster_typed._typeddicts.queue import CreateTaskRequestDict

# Verify one request in this many during the timed runs (every one in the self-test).
SAMPLE_EVERY = 25
CONCURRENCY = 50
HAS_SNIFFIO = importlib.util.find_spec("sniffio") is not None
HAS_HTTPX_AIOHTTP = importlib.util.find_spec("httpx_aiohttp") is not None


@dataclass
class Env:
    server: ServerProcess
    fx: fixtures.Fixtures
    config: Config

    @property
    def root_url(self) -> str:
        return self.server.root_url

    @property
    def official_options(self) -> dict[str, Any]:
        return {
            "rootUrl": self.root_url,
            "credentials": {
                "clientId": fixtures.CLIENT_ID,
                "accessToken": fixtures.ACCESS_TOKEN,
            },
        }

    def server_cpu(self) -> float:
        return float(self.server.stats()["cpu_s"])

    @contextlib.contextmanager
    def verified(self, every: int = SAMPLE_EVERY) -> Iterator[dict[str, Any]]:
        """Reset the server's counters; afterwards fill the dict with its stats, and fail
        loudly if any sampled request was signed wrongly."""
        stats: dict[str, Any] = {}
        self.server.reset(every)
        yield stats
        stats.update(self.server.stats())
        if stats["failed"]:
            raise RuntimeError(f"the server rejected requests: {stats['failures']}")


def server_line(stats: dict[str, Any]) -> str:
    every = stats["every"]
    return (
        f"Server: {stats['requests']} requests, {stats['verified']} Hawk headers verified with "
        f"mohawk's Receiver (1 in {every}, and every createTask body in the sample validated "
        f"against `CreateTaskRequest`), {stats['failed']} rejected."
    )


def definition(fx: fixtures.Fixtures) -> CreateTaskRequestDict:
    """The createTask payload as a user passes it: a plain dict (typed as the TypedDict)."""
    return cast("CreateTaskRequestDict", fx.definition)


def _url(env: Env, path: str) -> str:
    return f"{env.root_url}{fixtures.ROOT_PATH}{path}"


def _sign(url: str, method: str = "GET", body: bytes | None = None) -> str:
    return hawk.request_header(
        credentials=CREDS,
        authorized_scopes=None,
        method=method,
        url=url,
        body=body,
        content_type="application/json" if body is not None else None,
    )


# --- async variants ------------------------------------------------------------------------


def _set_sniffio(on: bool) -> None:
    """Make ``import sniffio`` succeed (a stand-in answering like sniffio 1.3 under asyncio),
    or fail again. Only used when sniffio is not installed."""
    if HAS_SNIFFIO:
        return
    if on:
        stub = types.ModuleType("sniffio")

        def current_async_library() -> str:
            if asyncio.current_task() is None:
                raise RuntimeError("unknown async library")
            return "asyncio"

        stub.current_async_library = current_async_library  # type: ignore[attr-defined]
        sys.modules["sniffio"] = stub
    else:
        sys.modules.pop("sniffio", None)


OURS_DEFAULT = "ours, default httpx pool (limits 100/50)"
OURS_AIOHTTP = "ours + bench AiohttpTransport (encoded URL)"
OFFICIAL_AIO = "official aio, shared aiohttp session"
RAW_HTTPX_AIOHTTP = "floor: raw httpx + bench AiohttpTransport + hawk.py, no SDK"
SNIFFIO = "" if HAS_SNIFFIO else " + sniffio"
SHARDED = "ours, 25 sharded httpx pools × 4"


class AsyncClients:
    """Every async adapter measured, built inside the running loop; `close()` closes all."""

    def __init__(self, env: Env) -> None:
        self.env = env
        root, fx = env.root_url, env.fx
        self.session = aiohttp.ClientSession()
        self.official = taskcluster.aio.Queue(env.official_options, session=self.session)
        ours: dict[str, AsyncQueue] = {
            OURS_DEFAULT: AsyncQueue(root, credentials=CREDS),
            "ours, `httpx.AsyncClient()` defaults (limits 100/20)": AsyncQueue(
                root, credentials=CREDS, http_client=httpx.AsyncClient()
            ),
            "ours, no pool limits (`Limits(None, None)`)": AsyncQueue(
                root,
                credentials=CREDS,
                http_client=httpx.AsyncClient(
                    limits=httpx.Limits(max_connections=None, max_keepalive_connections=None)
                ),
            ),
            SHARDED: AsyncQueue(
                root,
                credentials=CREDS,
                http_client=httpx.AsyncClient(transport=ShardedTransport(25, 4)),
            ),
        }
        if not HAS_SNIFFIO:
            ours[SHARDED + SNIFFIO] = AsyncQueue(
                root,
                credentials=CREDS,
                http_client=httpx.AsyncClient(transport=ShardedTransport(25, 4)),
            )
        if HAS_HTTPX_AIOHTTP:  # optional: not a dev dependency (it re-quotes signed URLs)
            packaged: Any = importlib.import_module("httpx_aiohttp")
            ours["ours + httpx-aiohttp 0.2.0 `AiohttpTransport`"] = AsyncQueue(
                root,
                credentials=CREDS,
                http_client=httpx.AsyncClient(transport=packaged.AiohttpTransport()),
            )
        ours[OURS_AIOHTTP] = AsyncQueue(
            root, credentials=CREDS, http_client=httpx.AsyncClient(transport=AiohttpTransport())
        )
        self.ours = ours
        self.around: dict[str, Callable[[bool], None]] = {
            SHARDED + SNIFFIO: _set_sniffio,
        }
        self.status_url = _url(env, f"/task/{fx.task_id}/status")
        self.raw_httpx = httpx.AsyncClient(transport=AiohttpTransport())

    async def raw_httpx_status(self) -> Any:
        """httpx on the aiohttp transport and hawk.py, no SDK (what httpx itself costs)."""
        headers = {"Authorization": _sign(self.status_url)}
        return json.loads((await self.raw_httpx.get(self.status_url, headers=headers)).content)

    async def raw_status(self) -> Any:
        """The floor: aiohttp and hawk.py, no SDK."""
        header = _sign(self.status_url)
        url = yarl.URL(self.status_url, encoded=True)
        async with self.session.get(url, headers={"Authorization": header}) as response:
            return json.loads(await response.read())

    def status_calls(self) -> dict[str, Callable[[], Awaitable[Any]]]:
        task_id = self.env.fx.task_id
        calls: dict[str, Callable[[], Awaitable[Any]]] = {
            name: functools.partial(q.status, task_id) for name, q in self.ours.items()
        }
        calls[OFFICIAL_AIO] = lambda: self.official.status(task_id)
        calls["floor: raw aiohttp + hawk.py, no SDK"] = self.raw_status
        calls[RAW_HTTPX_AIOHTTP] = self.raw_httpx_status
        return calls

    async def sniffio_ab(self, name: str, pairs: int) -> SniffioAB:
        """Batches on one pool with and without sniffio, alternated (so both see the same
        pool state; httpcore's cost per batch drifts): the median per-call times and the
        median of the paired ratios."""
        q = self.ours[name]
        task_id = self.env.fx.task_id

        async def batch(with_sniffio: bool) -> float:
            _set_sniffio(with_sniffio)
            try:
                t0 = time.perf_counter()
                await asyncio.gather(*(q.status(task_id) for _ in range(CONCURRENCY)))
                return (time.perf_counter() - t0) / CONCURRENCY
            finally:
                _set_sniffio(False)

        await batch(False)
        with_, without = [], []
        for i in range(pairs):
            first = i % 2 == 0
            a = await batch(first)
            b = await batch(not first)
            with_.append(a if first else b)
            without.append(b if first else a)
        ratios = [w / wo for w, wo in zip(with_, without, strict=True)]
        return SniffioAB(
            statistics.median(without),
            statistics.median(with_),
            statistics.median(ratios),
            min(with_ + without),
            max(with_ + without),
        )

    async def count_sniffio_lookups(self) -> float:
        """How many times httpcore looks for sniffio per request (default pool, 50 at once)."""
        module = httpcore._synchronization
        original = module.current_async_library
        count = 0

        def counting() -> str:
            nonlocal count
            count += 1
            return original()

        module.current_async_library = counting
        try:
            q = self.ours[OURS_DEFAULT]
            await asyncio.gather(*(q.status(self.env.fx.task_id) for _ in range(CONCURRENCY)))
        finally:
            module.current_async_library = original
        return count / CONCURRENCY

    async def close(self) -> None:
        for q in self.ours.values():
            holder = q._holder  # the httpx client, whether the client owns it or not
            if holder.client is not None:
                await holder.client.aclose()
                holder.client = None
        await self.raw_httpx.aclose()
        await self.session.close()


@dataclass(frozen=True)
class SniffioAB:
    """Seconds per call without and with sniffio, paired batches on the same pool."""

    without: float
    with_: float
    ratio: float  # median of with/without over the pairs
    fastest: float  # the fastest and slowest batch seen (per call)
    slowest: float


# --- self-test -------------------------------------------------------------------------------


def selftest(env: Env, report: Report) -> dict[str, str]:
    """Every adapter makes each kind of call with the server verifying every request."""
    fx, server = env.fx, env.server
    outcome: dict[str, str] = {}

    def run(name: str, calls: dict[str, Callable[[], object]]) -> None:
        failed_before = server.stats()["failed"]
        errors = []
        for label, call in calls.items():
            try:
                call()
            except Exception as exc:
                errors.append(f"{label}: {type(exc).__name__}")
        rejected = server.stats()["failed"] - failed_before
        if errors or rejected:
            outcome[name] = f"**FAIL** ({'; '.join(errors)}; {rejected} rejected by the server)"
        else:
            outcome[name] = f"pass ({len(calls)} calls)"

    server.reset(1)
    ours = Queue(env.root_url, credentials=CREDS)
    official = taskcluster.Queue(env.official_options)

    def check(condition: bool) -> None:
        if not condition:
            raise AssertionError("unexpected reply")

    run(
        "ours, sync (httpx.Client)",
        {
            "status": lambda: check(ours.status(fx.task_id).status.task_id == fx.task_id),
            "task": lambda: check(ours.task(fx.task_id).task_group_id == fx.group_id),
            "createTask": lambda: ours.create_task(fx.task_id, definition(fx)),
            "latestArtifactInfo(odd name)": lambda: check(
                ours.latest_artifact_info(fx.task_id, fixtures.ODD_ARTIFACT).name
                == fixtures.ODD_ARTIFACT
            ),
            "listTaskGroup": lambda: check(
                len(ours.list_task_group(fx.group_id).tasks) == fixtures.PAGE_SIZE
            ),
        },
    )
    run(
        "official, sync (requests)",
        {
            "status": lambda: check(official.status(fx.task_id)["status"]["taskId"] == fx.task_id),
            "task": lambda: official.task(fx.task_id),
            "createTask": lambda: official.createTask(fx.task_id, fx.definition),
            "latestArtifactInfo(odd name)": lambda: official.latestArtifactInfo(
                fx.task_id, fixtures.ODD_ARTIFACT
            ),
            "listTaskGroup": lambda: official.listTaskGroup(fx.group_id),
        },
    )

    async def run_async() -> None:
        clients = AsyncClients(env)
        loop_calls: dict[str, dict[str, Callable[[], Awaitable[Any]]]] = {}
        for name, q in clients.ours.items():
            loop_calls[name] = {
                "status": functools.partial(q.status, fx.task_id),
                "task": functools.partial(q.task, fx.task_id),
                "createTask": functools.partial(q.create_task, fx.task_id, definition(fx)),
                "latestArtifactInfo(odd name)": functools.partial(
                    q.latest_artifact_info, fx.task_id, fixtures.ODD_ARTIFACT
                ),
            }
        aio = clients.official
        loop_calls[OFFICIAL_AIO] = {
            "status": lambda: aio.status(fx.task_id),
            "task": lambda: aio.task(fx.task_id),
            "createTask": lambda: aio.createTask(fx.task_id, fx.definition),
            "latestArtifactInfo(odd name)": lambda: aio.latestArtifactInfo(
                fx.task_id, fixtures.ODD_ARTIFACT
            ),
        }
        for name, calls in loop_calls.items():
            failed_before = server.stats()["failed"]
            errors = []
            for label, call in calls.items():
                try:
                    await call()
                except Exception as exc:
                    errors.append(f"{label}: {type(exc).__name__}")
            rejected = server.stats()["failed"] - failed_before
            outcome[name] = (
                f"**FAIL** ({'; '.join(errors)}; {rejected} rejected by the server)"
                if errors or rejected
                else f"pass ({len(calls)} calls)"
            )
        await clients.close()

    asyncio.run(run_async())
    ours.close()
    stats = server.stats()
    body = table(["adapter", "every request verified"], [[k, v] for k, v in outcome.items()])
    body += (
        f"\n\n{stats['requests']} requests, {stats['verified']} verified with mohawk's "
        f"`Receiver` over the exact method, raw path and query, host, port, body and content "
        f"type. The artifact name `{fixtures.ODD_ARTIFACT}` is sent percent-encoded; a "
        "transport that re-quotes the URL after signing sends a path the signature does not "
        "cover, and the server answers 401 like Taskcluster would."
    )
    report.add("Hawk self-test (every request verified)", body)
    return outcome


# --- server headroom -------------------------------------------------------------------------


def _request_bytes(env: Env, path: str) -> Callable[[], bytes]:
    url = _url(env, path)
    host = f"127.0.0.1:{env.server.port}"
    target = fixtures.ROOT_PATH + path

    def build() -> bytes:
        return (
            f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {_sign(url)}\r\n\r\n"
        ).encode()

    return build


def _read_response(sock: socket.socket, buffer: bytes) -> bytes:
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    head, _, rest = buffer.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(rest) < length:
        rest += sock.recv(65536)
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(head.split(b"\r\n", 1)[0].decode())
    return rest[length:]


def bench_headroom(env: Env, report: Report) -> dict[str, float]:
    """Load the server with raw sockets (next to no client work) and see what it sustains."""
    build = _request_bytes(env, f"/task/{env.fx.task_id}/status")
    n_seq = env.config.ops(3000)
    figures: dict[str, float] = {}
    with env.verified() as seq_stats:
        sock = socket.create_connection(("127.0.0.1", env.server.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        t0 = time.perf_counter()
        rest = b""
        for _ in range(n_seq):
            sock.sendall(build())
            rest = _read_response(sock, rest)
        seq_wall = time.perf_counter() - t0
        sock.close()
    per_conn = env.config.ops(60)

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", env.server.port)
        for _ in range(per_conn):
            writer.write(build())
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
        writer.close()
        await writer.wait_closed()

    async def concurrent() -> float:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return time.perf_counter() - t0

    with env.verified() as conc_stats:
        conc_wall = asyncio.run(concurrent())
    n_conc = per_conn * CONCURRENCY
    figures["seq_rps"] = n_seq / seq_wall
    figures["seq_server_cpu"] = seq_stats["cpu_s"] / seq_stats["requests"]
    figures["conc_rps"] = n_conc / conc_wall
    figures["conc_server_cpu"] = conc_stats["cpu_s"] / conc_stats["requests"]
    rows = [
        [
            "sequential, 1 keep-alive socket",
            f"{n_seq}",
            f"{figures['seq_rps']:.0f}/s",
            fmt(seq_wall / n_seq),
            fmt(figures["seq_server_cpu"]),
        ],
        [
            f"{CONCURRENCY} keep-alive sockets (asyncio streams)",
            f"{n_conc}",
            f"{figures['conc_rps']:.0f}/s",
            "—",
            fmt(figures["conc_server_cpu"]),
        ],
    ]
    body = table(
        [
            "raw load on `GET …/status` (fresh Hawk header each)",
            "requests",
            "throughput",
            "round trip",
            "server CPU / request",
        ],
        rows,
    )
    body += (
        f"\n\nThe server (aiohttp.web, one process) needs about "
        f"{fmt(figures['conc_server_cpu'])} of CPU per request, so one core serves about "
        f"{1 / figures['conc_server_cpu']:.0f} requests/s. Each client section below shows the "
        "server's CPU per call next to the client's: the client is the bottleneck wherever the "
        "client's figure is larger.\n\n" + server_line(conc_stats)
    )
    report.add("Server headroom", body)
    return figures


# --- sequential sync calls -------------------------------------------------------------------


def bench_sync(env: Env, report: Report) -> None:
    fx = env.fx
    ours = Queue(env.root_url, credentials=CREDS)
    official = taskcluster.Queue(env.official_options)
    raw = httpx.Client()
    status_url = _url(env, f"/task/{fx.task_id}/status")
    task_url = _url(env, f"/task/{fx.task_id}")
    body = fx.create_body

    def raw_get(url: str) -> Any:
        return json.loads(raw.get(url, headers={"Authorization": _sign(url)}).content)

    def raw_put() -> Any:
        headers = {
            "Authorization": _sign(task_url, "PUT", body),
            "Content-Type": "application/json",
        }
        return json.loads(raw.put(task_url, content=body, headers=headers).content)

    cases: dict[str, Callable[[], object]] = {
        "status GET · ours": lambda: ours.status(fx.task_id),
        "status GET · official": lambda: official.status(fx.task_id),
        "status GET · floor (raw httpx + hawk.py)": lambda: raw_get(status_url),
        "task GET · ours": lambda: ours.task(fx.task_id),
        "task GET · official": lambda: official.task(fx.task_id),
        "task GET · floor (raw httpx + hawk.py)": lambda: raw_get(task_url),
        "createTask PUT · ours": lambda: ours.create_task(fx.task_id, definition(fx)),
        "createTask PUT · official": lambda: official.createTask(fx.task_id, fx.definition),
        "createTask PUT · floor (raw httpx + hawk.py)": raw_put,
    }
    with env.verified() as stats:
        results = interleaved(
            cases,
            ops=env.config.ops(100),
            reps=env.config.reps,
            probe=env.server_cpu,
            block_warmup=True,
        )
    ours.close()
    raw.close()
    rows = [
        [name, fmt(s.median), s.spread, fmt(s.median_cpu), fmt(s.median_server)]
        for name, s in results.items()
    ]
    text = table(
        ["sequential call", "wall / call", "min–max", "client CPU / call", "server CPU / call"],
        rows,
    )
    text += (
        "\n\nOurs keeps one keep-alive connection (httpx.Client); the official sync client "
        "opens a new TCP connection per call (it calls `requests.request`, not its session). "
        "Plain HTTP on loopback: over TLS the official client would also pay a handshake per "
        "call. createTask sends the 3.7 KB definition as a dict (ours validates it against "
        "`CreateTaskRequest` and re-serializes it).\n\n" + server_line(stats)
    )
    report.add("Sequential sync calls", text)
    for method, target, text_ in (
        ("status GET", 0.5, "≤ 0.5× (raw httpx keep-alive ~2× faster, issue)"),
        ("task GET", 0.5, "≤ 0.5×"),
        ("createTask PUT", None, ""),
    ):
        report.summary.append(
            Comparison(
                f"sync `{method}` per call (wall)",
                results[f"{method} · ours"].median,
                results[f"{method} · official"].median,
                "time",
                target,
                text_,
            )
        )
    report.summary.append(
        Comparison(
            "sync `status GET` per call (client CPU)",
            results["status GET · ours"].median_cpu,
            results["status GET · official"].median_cpu,
            "time",
        )
    )


# --- 50 concurrent async calls ---------------------------------------------------------------


def failed_import_cost(name: str = "sniffio", n: int = 2000) -> float:
    """Seconds one failed ``import name`` costs (the finders search sys.path every time)."""
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            with contextlib.suppress(ImportError):
                __import__(name)
        best = min(best, (time.perf_counter() - t0) / n)
    return best


@dataclass
class AsyncFindings:
    results: dict[str, Series]
    sniffio_lookups: float  # per request, default pool
    failed_import: float  # seconds per failed ``import sniffio``
    sniffio_ab: dict[str, SniffioAB]  # pool -> with/without sniffio, paired


def bench_async(env: Env, report: Report, selftest_outcome: dict[str, str]) -> AsyncFindings:
    lookups = 0.0
    ab: dict[str, SniffioAB] = {}

    async def run() -> dict[str, Series]:
        nonlocal lookups
        clients = AsyncClients(env)
        try:
            calls = clients.status_calls()

            def batch(call: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
                async def gather() -> Any:
                    return await asyncio.gather(*(call() for _ in range(CONCURRENCY)))

                return gather

            cases = {name: batch(call) for name, call in calls.items()}
            results = await interleaved_async(
                cases,
                ops=env.config.ops(4),
                reps=env.config.reps,
                warmup=0,  # each block starts with its own untimed batch
                around=clients.around,
                probe=env.server_cpu,
                block_warmup=True,
            )
            lookups = await clients.count_sniffio_lookups()
            if not HAS_SNIFFIO:
                for name in (OURS_DEFAULT, SHARDED):
                    ab[name] = await clients.sniffio_ab(name, env.config.ops(8))
            return results
        finally:
            await clients.close()

    with env.verified() as stats:
        results = asyncio.run(run())
    official = results[OFFICIAL_AIO].median
    rows = []
    for name, s in sorted(results.items(), key=lambda item: item[1].median):
        rows.append(
            [
                name,
                fmt(s.median / CONCURRENCY),
                f"{fmt(min(s.wall) / CONCURRENCY)}–{fmt(max(s.wall) / CONCURRENCY)}",
                fmt(s.median_cpu / CONCURRENCY),
                fmt(s.median_server / CONCURRENCY),
                f"{s.median / official:.2f}×",
                selftest_outcome.get(name, "—").split(" (")[0],
            ]
        )
    text = table(
        [
            f"{CONCURRENCY} concurrent `status` calls",
            "wall / call",
            "min–max",
            "client CPU / call",
            "server CPU / call",
            "vs official aio",
            "Hawk self-test",
        ],
        rows,
    )
    failed = 0.0 if HAS_SNIFFIO else failed_import_cost()
    text += (
        f"\n\nEach block: one untimed batch (to refill a pool that went idle while the other "
        f"rows ran), then {env.config.ops(4)} timed batches of `asyncio.gather` over "
        f"{CONCURRENCY} calls; wall per call = batch time / {CONCURRENCY}. httpcore's cost per "
        "batch drifts with the same 50 connections (it depends on how responses interleave "
        "with queued requests), hence the wide min–max of its rows."
    )
    if HAS_SNIFFIO:
        text += " sniffio is installed."
    else:
        text += (
            "\n\nsniffio is **not installed** in this venv: httpcore then looks for it again "
            f"(`import sniffio`, which fails and searches all {len(sys.path)} sys.path entries "
            f"each time, {fmt(failed)} here) for every lock and event it sets up: "
            f"{lookups:.0f} times per request at {CONCURRENCY} concurrent requests, i.e. "
            f"{fmt(lookups * failed)} of CPU per request. The `+ sniffio` row puts a stand-in "
            "module in `sys.modules` for its blocks only. The same pools, alternating batches "
            "with and without it (paired, so both see the same pool state):\n\n"
        )
        text += table(
            ["pool", "without sniffio", "with sniffio", "median of paired ratios", "batches"],
            [
                [
                    name,
                    fmt(r.without),
                    fmt(r.with_),
                    f"{r.ratio:.2f}×",
                    f"{env.config.ops(8)} pairs, {fmt(r.fastest)}–{fmt(r.slowest)} per call",
                ]
                for name, r in ab.items()
            ],
        )
    text += "\n\n" + server_line(stats)
    report.add(f"Async: {CONCURRENCY} concurrent calls, transports compared", text)
    report.summary.append(
        Comparison(
            f"async, {CONCURRENCY} concurrent `status` (ours default pool)",
            results[OURS_DEFAULT].median / CONCURRENCY,
            official / CONCURRENCY,
            "time",
            1.0,
            "≤ 1× (issue: httpx default pool 7–8× slower)",
        )
    )
    report.summary.append(
        Comparison(
            f"async, {CONCURRENCY} concurrent `status` (ours + aiohttp transport, proposed)",
            results[OURS_AIOHTTP].median / CONCURRENCY,
            official / CONCURRENCY,
            "time",
            1.0,
            "≤ 1×",
        )
    )
    for name, label in ((OURS_DEFAULT, "ours default pool"), (OURS_AIOHTTP, "ours + aiohttp")):
        report.summary.append(
            Comparison(
                f"async, {CONCURRENCY} concurrent `status` ({label}), client CPU",
                results[name].median_cpu / CONCURRENCY,
                results[OFFICIAL_AIO].median_cpu / CONCURRENCY,
                "time",
            )
        )
    return AsyncFindings(results, lookups, failed, ab)


# --- listTaskGroup: 5 pages × 1000 tasks -----------------------------------------------------


def bench_listing(env: Env, report: Report) -> None:
    fx = env.fx
    ours = Queue(env.root_url, credentials=CREDS)
    official = taskcluster.Queue(env.official_options)

    def list_ours() -> list[Any]:
        pages: list[Any] = []
        token: str | None = None
        while True:
            page = ours.list_task_group(fx.group_id, continuation_token=token)
            pages.append(page)
            token = page.continuation_token
            if not token:
                return pages

    def list_official() -> list[Any]:
        pages: list[Any] = []
        query: dict[str, str] = {}
        while True:
            page = official.listTaskGroup(fx.group_id, query=query)
            pages.append(page)
            if not page.get("continuationToken"):
                return pages
            query = {"continuationToken": page["continuationToken"]}

    cases: dict[str, Callable[[], object]] = {
        "ours → `ListTaskGroupResponse` models": list_ours,
        "official → dicts": list_official,
    }
    tasks = sum(len(p.tasks) for p in list_ours())
    if tasks != fixtures.PAGES * fixtures.PAGE_SIZE:
        raise RuntimeError(f"listed {tasks} tasks")
    with env.verified() as stats:
        times = interleaved(cases, ops=1, reps=env.config.listing_reps, probe=env.server_cpu)
        memory: dict[str, list[tuple[int, int]]] = {name: [] for name in cases}
        for rep in range(env.config.memory_reps):
            for name in list(cases)[rep % 2 :] + list(cases)[: rep % 2]:
                gc.collect()
                tracemalloc.start()
                listing = cases[name]()
                current_bytes, peak_bytes = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                del listing
                memory[name].append((peak_bytes, current_bytes))
    ours.close()
    size = sum(len(page) for page in fx.pages)

    # Decoding the five pages alone (no I/O), all kept alive as in a listing.
    url = _url(env, f"/task-group/{fx.group_id}/list")
    endpoint = queue_module._LIST_TASK_GROUP
    adapter = pydantic.TypeAdapter(ListTaskGroupResponse)
    page = fx.pages[0]
    if adapter.validate_json(page, extra="allow") != endpoint.decode_output(json.loads(page), url):
        raise RuntimeError("validate_json gives another model")

    def official_decode() -> object:
        return [json.loads(p.decode()) for p in fx.pages]

    def ours_decode() -> object:
        return [endpoint.decode_output(json.loads(p), url) for p in fx.pages]

    def candidate_decode() -> object:
        return [adapter.validate_json(p, extra="allow") for p in fx.pages]

    def gc_paused(fn: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            gc.disable()
            try:
                return fn()
            finally:
                gc.enable()

        return run

    decode_cases: dict[str, Callable[[], object]] = {
        "official: `json.loads` (what requests' `.json()` does)": official_decode,
        "ours: `json.loads` + lenient `validate_python` (today)": ours_decode,
        "candidate: `TypeAdapter.validate_json(bytes, extra='allow')`": candidate_decode,
        "official, cyclic GC paused": gc_paused(official_decode),
        "ours, cyclic GC paused": gc_paused(ours_decode),
        "candidate, cyclic GC paused": gc_paused(candidate_decode),
    }
    decode = interleaved(decode_cases, ops=1, reps=env.config.listing_reps, warmup=0)

    def peak(name: str) -> float:
        return sorted(m[0] for m in memory[name])[len(memory[name]) // 2]

    def kept(name: str) -> float:
        return sorted(m[1] for m in memory[name])[len(memory[name]) // 2]

    rows = [
        [
            name,
            fmt(s.median),
            s.spread,
            fmt(s.median_cpu),
            fmt(s.median_server),
            fmt_bytes(peak(name)),
            fmt_bytes(kept(name)),
        ]
        for name, s in times.items()
    ]
    text = table(
        [
            f"listTaskGroup, {fixtures.PAGES} pages × {fixtures.PAGE_SIZE} tasks "
            f"({fmt_bytes(size)})",
            "wall",
            "min–max",
            "client CPU",
            "server CPU",
            "peak traced memory",
            "kept (all pages alive)",
        ],
        rows,
    )
    text += (
        f"\n\nTime: {env.config.listing_reps} interleaved runs without tracemalloc; memory: "
        f"{env.config.memory_reps} separate runs under tracemalloc (median). Sync clients, "
        "sequential pages.\n\n"
    )
    base = decode[next(iter(decode))].median
    text += table(
        [
            f"decode the {fixtures.PAGES} pages in-process (no I/O)",
            "median",
            "min–max",
            "vs official",
        ],
        [[name, fmt(s.median), s.spread, f"{s.median / base:.2f}×"] for name, s in decode.items()],
    )
    ours_gc = decode["ours: `json.loads` + lenient `validate_python` (today)"].median
    ours_nogc = decode["ours, cyclic GC paused"].median
    candidate = decode["candidate: `TypeAdapter.validate_json(bytes, extra='allow')`"].median
    text += (
        f"\n\nThe cyclic garbage collector takes {1 - ours_nogc / ours_gc:.0%} of ours' decoding "
        "time: the collections triggered while thousands of models are built also walk the "
        "pages already kept. Decoding the reply bytes with pydantic's `validate_json` (no "
        f"intermediate dicts, far fewer allocations) takes {candidate / base:.2f}× the official "
        f"decoding instead of {ours_gc / base:.2f}×."
    )
    text += "\n\n" + server_line(stats)
    report.add("Parsing a 5 × 1000-task listing", text)
    names = list(cases)
    report.summary += [
        Comparison(
            "listTaskGroup 5 × 1000 → models vs dicts (wall)",
            times[names[0]].median,
            times[names[1]].median,
            "time",
            1.8,
            "≤ 1.8× (issue: 1.4–1.8×)",
        ),
        Comparison(
            "listTaskGroup 5 × 1000 → models vs dicts (client CPU)",
            times[names[0]].median_cpu,
            times[names[1]].median_cpu,
            "time",
        ),
        Comparison(
            "listTaskGroup 5 × 1000, peak traced memory",
            peak(names[0]),
            peak(names[1]),
            "bytes",
            1.35,
            "≤ 1.35× (issue: ~35% more)",
        ),
    ]
