"""Benchmarks against the loopback server: the Hawk self-test, the server's headroom,
sequential sync calls, 50 concurrent async calls (with transport variants), and the
5 × 1000-task `listTaskGroup` listing.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import functools
import gc
import http.client
import importlib.util
import json
import pstats
import socket
import statistics
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import aiohttp
import httpx
import taskcluster  # type: ignore[import-untyped]
import taskcluster.aio  # type: ignore[import-untyped]
import urllib3
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
from taskcluster_typed import AsyncQueue, Queue
from taskcluster_typed._core import hawk
from taskcluster_typed.services import queue as queue_module
from taskcluster_typed.transports.aiohttp_transport import AiohttpTransport
from taskcluster_typed.transports.selection import TransportName
from taskcluster_typed.transports.urllib3_transport import Urllib3Transport

if TYPE_CHECKING:
    from taskcluster_typed._typeddicts.queue import CreateTaskRequestDict

# Verify one request in this many during the timed runs (every one in the self-test).
SAMPLE_EVERY = 25
CONCURRENCY = 50
CONCURRENCIES = (50, 5)
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
        f"the npm `hawk` package (1 in {every}, createTask bodies' hashes included), "
        f"{stats['failed']} rejected."
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


OURS_AUTO = "ours, default (`auto`: AiohttpTransport under asyncio)"
OURS_HTTPX = 'ours, `transport="httpx"` (httpx pool, limits 100/50)'
OFFICIAL_AIO = "official aio, shared aiohttp session"
OURS_DECODE = "ours: `Endpoint.decode_json` (one-pass `validate_json`)"
RAW_AIOHTTP = "floor: raw aiohttp + hawk.py, no SDK"
RAW_HTTPX_AIOHTTP = "floor: raw httpx + AiohttpTransport + hawk.py, no SDK"
PACKAGED = "ours + httpx-aiohttp 0.2.0 `AiohttpTransport`"


class AsyncClients:
    """Every async adapter measured, built inside the running loop; `close()` closes all."""

    def __init__(self, env: Env) -> None:
        self.env = env
        root = env.root_url
        self.session = aiohttp.ClientSession()
        self.official = taskcluster.aio.Queue(env.official_options, session=self.session)
        ours: dict[str, AsyncQueue] = {
            OURS_AUTO: AsyncQueue(root, credentials=CREDS),
            OURS_HTTPX: AsyncQueue(root, credentials=CREDS, transport="httpx"),
        }
        if HAS_HTTPX_AIOHTTP:  # optional: not a dev dependency (it re-quotes signed URLs)
            packaged: Any = importlib.import_module("httpx_aiohttp")
            ours[PACKAGED] = AsyncQueue(
                root,
                credentials=CREDS,
                http_client=httpx.AsyncClient(transport=packaged.AiohttpTransport()),
            )
        self.ours = ours
        self.status_url = _url(env, f"/task/{env.fx.task_id}/status")
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
        calls[RAW_AIOHTTP] = self.raw_status
        calls[RAW_HTTPX_AIOHTTP] = self.raw_httpx_status
        return calls

    async def close(self) -> None:
        for q in self.ours.values():
            await q.close()
            given = q._http.given
            if given is not None:  # not closed by the client
                await given.aclose()
        await self.raw_httpx.aclose()
        await self.session.close()


# --- self-test -------------------------------------------------------------------------------


def selftest(env: Env, report: Report) -> dict[str, str]:
    """Every adapter makes each kind of call with the server verifying every request."""
    fx, server = env.fx, env.server
    outcome: dict[str, str] = {}

    def rejected_since(before: dict[str, Any]) -> int:
        after = server.stats()
        return int(after["failed"] - before["failed"] + after["unsigned"] - before["unsigned"])

    def run(name: str, calls: dict[str, Callable[[], object]]) -> None:
        before = server.stats()
        errors = []
        for label, call in calls.items():
            try:
                call()
            except Exception as exc:
                errors.append(f"{label}: {type(exc).__name__}")
        rejected = rejected_since(before)
        if errors or rejected:
            outcome[name] = f"**FAIL** ({'; '.join(errors)}; {rejected} rejected by the server)"
        else:
            outcome[name] = f"pass ({len(calls)} calls)"

    server.reset(1)
    official = taskcluster.Queue(env.official_options)

    def check(condition: bool) -> None:
        if not condition:
            raise AssertionError("unexpected reply")

    def sync_calls(ours: Queue) -> dict[str, Callable[[], object]]:
        return {
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
        }

    variants: tuple[tuple[str, TransportName], ...] = (
        ("ours, sync (default: Urllib3Transport)", "auto"),
        ('ours, sync, `transport="httpx"`', "httpx"),
    )
    for label, transport in variants:
        with Queue(env.root_url, credentials=CREDS, transport=transport) as ours:
            run(label, sync_calls(ours))
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
            before = server.stats()
            errors = []
            for label, call in calls.items():
                try:
                    await call()
                except Exception as exc:
                    errors.append(f"{label}: {type(exc).__name__}")
            rejected = rejected_since(before)
            outcome[name] = (
                f"**FAIL** ({'; '.join(errors)}; {rejected} rejected by the server)"
                if errors or rejected
                else f"pass ({len(calls)} calls)"
            )
        await clients.close()

    asyncio.run(run_async())
    stats = server.stats()
    body = table(["adapter", "every request verified"], [[k, v] for k, v in outcome.items()])
    body += (
        f"\n\n{stats['requests']} requests, {stats['verified']} verified with the npm `hawk` "
        f"package (`Hawk.server.authenticate`) over the exact method, request target as "
        f"received, Host header, body and content type. The artifact name "
        f"`{fixtures.ODD_ARTIFACT}` is sent percent-encoded; a transport that re-quotes the "
        "URL after signing sends a path the signature does not cover, and the server answers "
        "401 like Taskcluster would."
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

    def sequential() -> float:
        sock = socket.create_connection(("127.0.0.1", env.server.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        t0 = time.perf_counter()
        rest = b""
        for _ in range(n_seq):
            sock.sendall(build())
            rest = _read_response(sock, rest)
        wall = time.perf_counter() - t0
        sock.close()
        return wall

    sequential()  # untimed: Node's JIT warms up
    with env.verified() as seq_stats:
        seq_wall = sequential()
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
        f"\n\nThe server (Node's http module, bench/server.js, one process) needs about "
        f"{fmt(figures['conc_server_cpu'])} of CPU per request, so one core serves about "
        f"{1 / figures['conc_server_cpu']:.0f} requests/s. Each client section below shows the "
        "server's CPU per call next to the client's: the client is the bottleneck wherever the "
        "client's figure is larger.\n\n" + server_line(conc_stats)
    )
    report.add("Server headroom", body)
    return figures


# --- sequential sync calls -------------------------------------------------------------------

OURS_STATUS = "status GET · ours (default: Urllib3Transport)"
OFFICIAL_STATUS = "status GET · official"
FLOOR_STATUS = "status GET · floor: raw httpx + Urllib3Transport, no auth"
HTTP_CLIENT_FLOOR = "status GET · floor: bare `http.client` keep-alive, no auth"
URLLIB3_FLOOR = "status GET · floor: bare urllib3 keep-alive (`HTTPConnectionPool`), no auth"
HTTPX_FLOOR = "status GET · floor: raw httpx (its own transport), no auth"
URLLIB3_SIGNED_FLOOR = "status GET · floor: bare urllib3 keep-alive + hawk.py"
URLLIB3_PUT_FLOOR = "createTask PUT · floor: bare urllib3 keep-alive + hawk.py, the body as it is"
# The bare round trip of the engine under ours' default sync transport (urllib3, which the
# pipeline sends to directly): the SDK's own cost per call is ours minus this.
ENGINE_FLOOR = URLLIB3_FLOOR


def bench_sync(env: Env, report: Report) -> dict[str, Callable[[], object]]:
    """Sequential calls; returns the calls that the profile section looks into."""
    fx = env.fx
    ours = Queue(env.root_url, credentials=CREDS)
    ours_httpx = Queue(env.root_url, credentials=CREDS, transport="httpx")
    anonymous = Queue(env.root_url)
    official = taskcluster.Queue(env.official_options)
    raw = httpx.Client()
    raw_urllib3 = httpx.Client(transport=Urllib3Transport())
    status_url = _url(env, f"/task/{fx.task_id}/status")
    status_path = f"{fixtures.ROOT_PATH}/task/{fx.task_id}/status"
    bare = http.client.HTTPConnection("127.0.0.1", env.server.port)
    pool = urllib3.HTTPConnectionPool("127.0.0.1", env.server.port, maxsize=1)

    def bare_http_client() -> Any:
        bare.request("GET", status_path)
        return json.loads(bare.getresponse().read())

    def bare_urllib3() -> Any:
        # urllib3's leanest documented call: no retries, no redirects, the body read at once.
        return json.loads(pool.urlopen("GET", status_path, retries=False, redirect=False).data)

    def bare_urllib3_signed() -> Any:
        headers = {"authorization": _sign(status_url)}
        reply = pool.urlopen("GET", status_path, headers=headers, retries=False, redirect=False)
        return json.loads(reply.data)

    create_path = f"{fixtures.ROOT_PATH}/task/{fx.task_id}"
    create_url = _url(env, f"/task/{fx.task_id}")

    def bare_urllib3_put() -> Any:
        # Signed (the server takes no unsigned createTask): a Hawk header is ~10 µs of it.
        headers = {
            "content-type": "application/json",
            "authorization": _sign(create_url, "PUT", body),
        }
        reply = pool.urlopen(
            "PUT", create_path, body=body, headers=headers, retries=False, redirect=False
        )
        return json.loads(reply.data)

    task_url = _url(env, f"/task/{fx.task_id}")
    body = fx.create_body

    def raw_get(client: httpx.Client, url: str) -> Any:
        return json.loads(client.get(url, headers={"Authorization": _sign(url)}).content)

    def raw_unsigned(url: str) -> Any:
        return json.loads(raw_urllib3.get(url).content)

    def raw_put(client: httpx.Client) -> Any:
        headers = {
            "Authorization": _sign(task_url, "PUT", body),
            "Content-Type": "application/json",
        }
        return json.loads(client.put(task_url, content=body, headers=headers).content)

    cases: dict[str, Callable[[], object]] = {
        OURS_STATUS: lambda: ours.status(fx.task_id),
        'status GET · ours, `transport="httpx"`': lambda: ours_httpx.status(fx.task_id),
        "status GET · ours, no credentials (unsigned)": lambda: anonymous.status(fx.task_id),
        OFFICIAL_STATUS: lambda: official.status(fx.task_id),
        "status GET · raw httpx (its transport) + hawk.py": lambda: raw_get(raw, status_url),
        "status GET · raw httpx + Urllib3Transport + hawk.py": lambda: raw_get(
            raw_urllib3, status_url
        ),
        FLOOR_STATUS: lambda: raw_unsigned(status_url),
        HTTPX_FLOOR: lambda: json.loads(raw.get(status_url).content),
        URLLIB3_FLOOR: bare_urllib3,
        URLLIB3_SIGNED_FLOOR: bare_urllib3_signed,
        HTTP_CLIENT_FLOOR: bare_http_client,
        "task GET · ours": lambda: ours.task(fx.task_id),
        "task GET · official": lambda: official.task(fx.task_id),
        "task GET · raw httpx + Urllib3Transport + hawk.py": lambda: raw_get(raw_urllib3, task_url),
        "createTask PUT · ours": lambda: ours.create_task(fx.task_id, definition(fx)),
        'createTask PUT · ours, `transport="httpx"`': lambda: ours_httpx.create_task(
            fx.task_id, definition(fx)
        ),
        "createTask PUT · official": lambda: official.createTask(fx.task_id, fx.definition),
        "createTask PUT · raw httpx + Urllib3Transport + hawk.py": lambda: raw_put(raw_urllib3),
        URLLIB3_PUT_FLOOR: bare_urllib3_put,
    }
    with env.verified() as stats:
        results = interleaved(
            cases,
            ops=env.config.ops(100),
            reps=env.config.reps,
            probe=env.server_cpu,
            block_warmup=True,
        )
    for client in (ours_httpx, anonymous):
        client.close()
    raw.close()
    raw_urllib3.close()
    bare.close()
    pool.close()
    rows = [
        [
            name,
            fmt(s.median),
            s.spread,
            f"{1 / s.median:.0f}/s",
            fmt(s.median_cpu),
            fmt(s.median_server),
        ]
        for name, s in results.items()
    ]
    text = table(
        [
            "sequential call",
            "wall / call",
            "min–max",
            "calls/s",
            "client CPU / call",
            "server CPU / call",
        ],
        rows,
    )
    text += (
        "\n\nOurs keeps one keep-alive connection (by default on `Urllib3Transport`, urllib3 2.x, "
        "which the pipeline sends to directly: no httpx request or response objects); the official "
        "sync client opens a new TCP connection per call (it calls `requests.request`, not its "
        "session). Plain HTTP on loopback: over TLS the official client would also pay a "
        "handshake per call. createTask sends the 3.7 KB definition as a dict (ours validates "
        "it against `CreateTaskRequest` and re-serializes it). The unsigned rows are served "
        f"because Taskcluster serves `status` to anyone ({stats['unsigned']} unsigned "
        "requests).\n\n" + server_line(stats)
    )
    encode = _encode_payload_time(fx)
    ours_s, floor_s = results[OURS_STATUS], results[ENGINE_FLOOR]
    own = [o - f for o, f in zip(ours_s.wall, floor_s.wall, strict=True)]
    own_cpu = [o - f for o, f in zip(ours_s.cpu, floor_s.cpu, strict=True)]
    text += (
        "\n\nThe SDK's own cost per `status` call, ours minus the default engine's bare round "
        "trip without auth, paired per repetition: wall "
        f"{fmt(statistics.median(own))} ({fmt(min(own))}–{fmt(max(own))}), client CPU "
        f"{fmt(statistics.median(own_cpu))} ({fmt(min(own_cpu))}–{fmt(max(own_cpu))}); wall "
        "times wait for a CPU when the machine is loaded, so CPU is the steadier figure. The "
        "engines' bare round trips side by side (wall / client CPU): "
        + ", ".join(
            f"{name.split('floor: ')[1]} {fmt(results[name].median)} / "
            f"{fmt(results[name].median_cpu)}"
            for name in (HTTP_CLIENT_FLOOR, URLLIB3_FLOOR, HTTPX_FLOOR, FLOOR_STATUS)
        )
        + "."
    )
    report.add("Sequential sync calls", text)

    def paired(ours: str, reference: str) -> dict[str, Any]:
        return {"ours_runs": results[ours].wall, "reference_runs": results[reference].wall}

    report.summary += [
        Comparison(
            "sync sequential `status`: calls/s, ours vs official",
            results[OURS_STATUS].median,
            results[OFFICIAL_STATUS].median,
            "time",
            4.0,
            "≥ 4× the official client's calls/s",
            speedup=True,
            **paired(OURS_STATUS, OFFICIAL_STATUS),
            floor=results[OFFICIAL_STATUS].median / results[URLLIB3_SIGNED_FLOOR].median,
            floor_text="urllib3's bare keep-alive round trip, signed by hawk.py (no models: "
            f"{fmt(results[URLLIB3_SIGNED_FLOOR].median)})",
        ),
        Comparison(
            "sync `status`: the SDK's own cost per call, wall (ours − the default engine's bare "
            "round trip without auth, paired; reference column: that round trip)",
            statistics.median(own),
            floor_s.median,
            "time",
            target_text="≤ 100 µs",
            max_ours=100e-6,
        ),
        Comparison(
            "sync `status`: the SDK's own cost per call, client CPU (as above, CPU time)",
            statistics.median(own_cpu),
            floor_s.median_cpu,
            "time",
            target_text="≤ 100 µs",
            max_ours=100e-6,
        ),
        Comparison(
            "sync `status`: client CPU per call, ours vs bare `http.client` keep-alive without "
            "auth",
            ours_s.median_cpu,
            results[HTTP_CLIENT_FLOOR].median_cpu,
            "time",
            ours_runs=ours_s.cpu,
            reference_runs=results[HTTP_CLIENT_FLOOR].cpu,
        ),
        Comparison(
            "sync `status`: ours vs bare `http.client` keep-alive without auth (the floor)",
            results[OURS_STATUS].median,
            results[HTTP_CLIENT_FLOOR].median,
            "time",
            **paired(OURS_STATUS, HTTP_CLIENT_FLOOR),
        ),
        Comparison(
            "sync `create_task` with a 3.7 KB task: calls/s, ours vs official",
            results["createTask PUT · ours"].median,
            results["createTask PUT · official"].median,
            "time",
            4.0,
            "≥ 4× the official client",
            speedup=True,
            **paired("createTask PUT · ours", "createTask PUT · official"),
            floor=results["createTask PUT · official"].median
            / (results[URLLIB3_PUT_FLOOR].median + encode),
            floor_text="urllib3's bare keep-alive PUT of the same body signed by hawk.py "
            f"({fmt(results[URLLIB3_PUT_FLOOR].median)}) plus what pydantic does for every "
            "call: the payload validated and re-serialized before sending, the reply decoded "
            f"into its model ({fmt(encode)}, `Endpoint.encode_payload` and `decode_json`, "
            "in-process)",
        ),
        Comparison(
            "sync `task GET`: calls/s, ours vs official",
            results["task GET · ours"].median,
            results["task GET · official"].median,
            "time",
            speedup=True,
            **paired("task GET · ours", "task GET · official"),
        ),
    ]
    return {
        "sync `status` (ours, default transport)": lambda: ours.status(fx.task_id),
        "sync `create_task` (ours, default transport)": lambda: ours.create_task(
            fx.task_id, definition(fx)
        ),
    }


# --- concurrent async calls ------------------------------------------------------------------


def bench_async(env: Env, report: Report, selftest_outcome: dict[str, str]) -> None:
    async def run(concurrency: int) -> dict[str, Series]:
        clients = AsyncClients(env)
        try:
            calls = clients.status_calls()

            def batch(call: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
                async def gather() -> Any:
                    return await asyncio.gather(*(call() for _ in range(concurrency)))

                return gather

            cases = {name: batch(call) for name, call in calls.items()}
            # 1000 calls per timed block: 20 batches of 50, or 200 batches of 5.
            return await interleaved_async(
                cases,
                ops=env.config.ops(1000 // concurrency),
                reps=env.config.reps,
                warmup=0,  # each block starts with its own untimed batch
                probe=env.server_cpu,
                block_warmup=True,
            )
        finally:
            await clients.close()

    sections = []
    for concurrency in CONCURRENCIES:
        with env.verified() as stats:
            results = asyncio.run(run(concurrency))
        official = results[OFFICIAL_AIO].median
        rows = []
        for name, s in sorted(results.items(), key=lambda item: item[1].median):
            rows.append(
                [
                    name,
                    fmt(s.median / concurrency),
                    f"{fmt(min(s.wall) / concurrency)}–{fmt(max(s.wall) / concurrency)}",
                    f"{concurrency / s.median:.0f}/s",
                    fmt(s.median_cpu / concurrency),
                    fmt(s.median_server / concurrency),
                    f"{official / s.median:.2f}×",
                    selftest_outcome.get(name, "—").split(" (")[0],
                ]
            )
        text = f"### Concurrency {concurrency}\n\n" + table(
            [
                f"{concurrency} concurrent `status` calls",
                "wall / call",
                "min–max",
                "calls/s",
                "client CPU / call",
                "server CPU / call",
                "calls/s vs official aio",
                "Hawk self-test",
            ],
            rows,
        )
        text += "\n\n" + server_line(stats)
        sections.append(text)
        main = concurrency == CONCURRENCY
        report.summary += [
            Comparison(
                f"async, 1000 calls at concurrency {concurrency}: calls/s, ours (default "
                "transport) vs official aio with a shared session (wall per call)",
                results[OURS_AUTO].median / concurrency,
                official / concurrency,
                "time",
                1.5 if main else None,
                "≥ 1.5× the official aio client" if main else "",
                speedup=True,
                ours_runs=results[OURS_AUTO].wall,
                reference_runs=results[OFFICIAL_AIO].wall,
            ),
            Comparison(
                f"async, concurrency {concurrency}: time, ours (default transport) vs the bare "
                "aiohttp floor (raw aiohttp + hawk.py)",
                results[OURS_AUTO].median / concurrency,
                results[RAW_AIOHTTP].median / concurrency,
                "time",
                1.8 if main else None,
                "≤ 1.8× the bare aiohttp floor" if main else "",
                ours_runs=results[OURS_AUTO].wall,
                reference_runs=results[RAW_AIOHTTP].wall,
            ),
            Comparison(
                f"async, concurrency {concurrency}: calls/s, ours on httpx's own pool vs "
                "official aio",
                results[OURS_HTTPX].median / concurrency,
                official / concurrency,
                "time",
                speedup=True,
            ),
        ]
    body = "\n\n".join(sections)
    body += (
        "\n\nEach block: one untimed batch (to refill a pool that went idle while the other "
        "rows ran), then batches of `asyncio.gather` adding up to 1000 calls; wall per call = "
        "batch time / concurrency. Ours by default sends through `AiohttpTransport` (an "
        "`httpx.AsyncBaseTransport` on one aiohttp `ClientSession`, the encoded URL kept as "
        "signed) directly, without `httpx.AsyncClient.send`; httpx's own pool (httpcore) spends "
        "its time in pool bookkeeping as concurrency grows."
    )
    report.add("Async: 1000 concurrent calls, transports compared", body)


# --- profiles --------------------------------------------------------------------------------


def bench_profile(
    env: Env, report: Report, sync_calls: dict[str, Callable[[], object]], top: int = 14
) -> dict[str, list[tuple[str, float]]]:
    """Where ours spends its time per call (cProfile, own time per function, top entries);
    returns each profile's groups with their shares, largest first."""
    sections = []
    shares: dict[str, list[tuple[str, float]]] = {}

    def profiled(name: str, runner: Callable[[], object], calls: int) -> None:
        profiler = cProfile.Profile()
        profiler.enable()
        runner()
        profiler.disable()
        stats = pstats.Stats(profiler)
        raw: Any = stats.stats  # type: ignore[attr-defined]
        rows = []
        groups: dict[str, float] = {}
        total = 0.0
        for (filename, line, function), (_cc, _nc, tottime, _ct, _callers) in raw.items():
            total += tottime
            rows.append((tottime, f"{_short(filename)}:{line}({function})"))
            group = _group(filename, function)
            groups[group] = groups.get(group, 0.0) + tottime
        rows.sort(reverse=True)
        lines = [
            [where, fmt(seconds / calls), f"{seconds / total:.0%}"] for seconds, where in rows[:top]
        ]
        ranked = sorted(groups.items(), key=lambda item: -item[1])
        shares[name] = [(group, seconds / total) for group, seconds in ranked]
        grouped = [
            [group, fmt(seconds / calls), f"{seconds / total:.0%}"] for group, seconds in ranked
        ]
        sections.append(
            f"### {name}\n\n{calls} calls under cProfile, {fmt(total / calls)} of profiled "
            "time per call (cProfile inflates it; shares are what matter).\n\n"
            + table(["where (own time, grouped)", "per call", "share"], grouped)
            + "\n\n"
            + table(["function (own time)", "per call", "share"], lines)
        )

    n = env.config.ops(300)
    for name, call in sync_calls.items():
        call()

        def loop(call: Callable[[], object] = call) -> None:
            for _ in range(n):
                call()

        profiled(name, loop, n)

    async def gather_run() -> None:
        q = AsyncQueue(env.root_url, credentials=CREDS)
        try:
            await q.status(env.fx.task_id)
            for _ in range(env.config.ops(10)):
                await asyncio.gather(*(q.status(env.fx.task_id) for _ in range(CONCURRENCY)))
        finally:
            await q.close()

    profiled(
        f"async `status` at concurrency {CONCURRENCY} (ours, default transport)",
        lambda: asyncio.run(gather_run()),
        env.config.ops(10) * CONCURRENCY + 1,
    )
    report.add("Profiles: where ours spends its time", "\n\n".join(sections))
    return shares


_GROUPS = (
    ("taskcluster_typed/_core/hawk", "Hawk signing (hawk.py)"),
    ("/random.py", "Hawk nonce (random, via secrets)"),
    ("/secrets.py", "Hawk nonce (random, via secrets)"),
    ("/hmac.py", "Hawk signing (hashlib/hmac/urandom)"),
    ("taskcluster_typed/transports/urllib3_transport", "SDK transport (urllib3_transport.py)"),
    ("urllib3/", "urllib3 (the sync engine)"),
    ("/http/client.py", "http.client (urllib3's parser)"),
    ("email/", "http.client header parsing (email)"),
    ("taskcluster_typed/transports/aiohttp_transport", "SDK transport (aiohttp_transport.py)"),
    ("taskcluster_typed/_core/http", "SDK transport (send)"),
    ("taskcluster_typed/_core/model_base", "payload and reply models (pydantic)"),
    ("taskcluster_typed/_model", "payload and reply models (pydantic)"),
    ("taskcluster_typed/_core/endpoint", "payload and reply models (pydantic)"),
    ("pydantic", "payload and reply models (pydantic)"),
    ("/json/", "reply JSON parsing (json)"),
    ("taskcluster_typed", "SDK: pipeline, client, URLs"),
    ("httpx/", "httpx Request/Response/URL objects"),
    ("aiohttp/", "aiohttp"),
    ("yarl/", "aiohttp"),
    ("multidict/", "aiohttp"),
    ("asyncio/", "asyncio event loop"),
    ("/socket.py", "socket I/O (incl. waiting for the server)"),
)


def _group(filename: str, function: str) -> str:
    """A coarse owner for one profiled function."""
    for marker, group in _GROUPS:
        if marker in filename:
            return group
    if filename == "~":
        lowered = function.lower()
        if "socket" in lowered or "select" in lowered or "poll" in lowered:
            return "socket I/O (incl. waiting for the server)"
        if "hashlib" in lowered or "hmac" in lowered or "urandom" in lowered:
            return "Hawk signing (hashlib/hmac/urandom)"
        if "pydantic" in lowered or "json" in lowered:
            return "payload and reply models (pydantic)"
        return "built-ins (str, bytes, dict, isinstance, ...)"
    return "other Python code"


def _short(filename: str) -> str:
    for marker in ("site-packages/", "src/", "lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


# --- listTaskGroup: 5 pages × 1000 tasks -----------------------------------------------------


def _encode_payload_time(fx: fixtures.Fixtures, calls: int = 2000, reps: int = 5) -> float:
    """Seconds per call of what pydantic must do for a createTask beyond sending it: validate
    and serialize the 3.7 KB payload, and decode the reply into its model."""
    endpoint = queue_module._CREATE_TASK  # pyright: ignore[reportPrivateUsage]
    payload = definition(fx)
    url = "http://127.0.0.1/api/queue/v1/task"

    def both() -> None:
        endpoint.encode_payload(payload)
        endpoint.decode_json(fx.create_reply, url)

    both()  # the validators and serializer built
    runs = []
    for _ in range(reps):
        start = time.perf_counter()
        for _ in range(calls):
            both()
        runs.append((time.perf_counter() - start) / calls)
    return statistics.median(runs)


def _fields_set_bytes(value: object) -> int:
    """The bytes of the `model_fields_set` sets in the models reachable from `value`: pydantic
    gives every instance its own set (sharing them needs a private attribute)."""
    from pydantic import BaseModel

    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, BaseModel):
            total += sys.getsizeof(item.model_fields_set)
            stack.extend(item.__dict__.values())
            stack.extend((item.model_extra or {}).values())
        elif isinstance(item, dict):
            stack.extend(cast("dict[str, object]", item).values())
        elif isinstance(item, list | tuple):
            stack.extend(cast("list[object]", item))
    return total


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
    page = fx.pages[0]
    if endpoint.decode_json(page, url) != endpoint.decode_output(json.loads(page), url):
        raise RuntimeError("the one-pass decoding gives another model than the lenient path")

    def official_decode() -> object:
        return [json.loads(p.decode()) for p in fx.pages]

    def ours_decode() -> object:
        return [endpoint.decode_json(p, url) for p in fx.pages]

    def lenient_decode() -> object:
        return [endpoint.decode_output(json.loads(p), url) for p in fx.pages]

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
        OURS_DECODE: ours_decode,
        "ours: the lenient fallback path (`json.loads` + `validate_python`)": lenient_decode,
        "official, cyclic GC paused": gc_paused(official_decode),
        "ours, cyclic GC paused (by the bench, not the SDK)": gc_paused(ours_decode),
        "lenient fallback, cyclic GC paused": gc_paused(lenient_decode),
    }
    decode = interleaved(decode_cases, ops=1, reps=env.config.listing_reps, warmup=0)

    def peak(name: str) -> float:
        return sorted(m[0] for m in memory[name])[len(memory[name]) // 2]

    fields_sets = _fields_set_bytes(list_ours())

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
    ours_time = decode[OURS_DECODE].median
    lenient = decode["ours: the lenient fallback path (`json.loads` + `validate_python`)"].median
    text += (
        "\n\nReplies are decoded in one pass from the bytes (`validate_json`, extra fields "
        "kept; the SDK leaves the garbage collector alone); the lenient path "
        "(which keeps unknown enum values) runs only when that fails validation. Ours takes "
        f"{ours_time / base:.2f}× the official decoding; the lenient path alone "
        f"{lenient / base:.2f}×."
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
            1.0,
            "≤ 1.0× the official client's time, median and worst pair ≤ 1.2×",
            ours_runs=times[names[0]].wall,
            reference_runs=times[names[1]].wall,
            worst_target=1.2,
            floor=(times[names[1]].median - base + ours_time) / times[names[1]].median,
            floor_text="the official run with its `json.loads` of the pages replaced by "
            "pydantic's one-pass `validate_json` into the generated models (in-process decode "
            f"figures above: {fmt(base)} → {fmt(ours_time)})",
        ),
        Comparison(
            "listTaskGroup 5 × 1000 → models vs dicts (client CPU)",
            times[names[0]].median_cpu,
            times[names[1]].median_cpu,
            "time",
        ),
        Comparison(
            "listTaskGroup 5 × 1000, peak traced memory (of ours, pydantic's per-instance "
            f"`model_fields_set` sets: {fields_sets / 2**20:.1f} MiB; without them "
            f"{(peak(names[0]) - fields_sets) / peak(names[1]):.2f}×)",
            peak(names[0]),
            peak(names[1]),
            "bytes",
            1.2,
            "≤ 1.2× its memory",
        ),
    ]
