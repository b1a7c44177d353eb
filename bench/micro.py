"""Benchmarks that need no server: import time, client construction, Hawk header cost."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import mohawk  # type: ignore[import-untyped]
import taskcluster  # type: ignore[import-untyped]
import taskcluster.aio  # type: ignore[import-untyped]

from bench import fixtures
from bench.harness import Comparison, Report, Series, fmt, interleaved, table
from taskcluster_typed import AsyncQueue, Credentials, Queue, hawk

ROOT = Path(__file__).resolve().parents[1]
ROOT_URL = "https://tc.example.com"
CREDS = Credentials(fixtures.CLIENT_ID, fixtures.ACCESS_TOKEN)
OFFICIAL_OPTIONS: dict[str, Any] = {
    "rootUrl": ROOT_URL,
    "credentials": {"clientId": fixtures.CLIENT_ID, "accessToken": fixtures.ACCESS_TOKEN},
}


@dataclass(frozen=True)
class Config:
    reps: int
    scale: float  # multiplies the number of operations per block
    import_reps: int
    memory_reps: int
    listing_reps: int  # the 5 × 1000-task listing and its decoding (about 0.5 s a run)

    def ops(self, n: int) -> int:
        return max(1, round(n * self.scale))


# --- import time -------------------------------------------------------------------------

_CONSTRUCT_OURS = """
from taskcluster_typed import Credentials
t2 = time.perf_counter()
client = {cls}("{root}", credentials=Credentials("a", "b"))
client._holder.get()
construct = time.perf_counter() - t2
"""
_CONSTRUCT_OFFICIAL = """
credentials = {{"clientId": "a", "accessToken": "b"}}
t2 = time.perf_counter()
client = taskcluster.Queue({{"rootUrl": "{root}", "credentials": credentials}})
construct = time.perf_counter() - t2
"""

# label -> (statement, construction snippet or "")
IMPORTS: dict[str, tuple[str, str]] = {
    "import taskcluster_typed": ("import taskcluster_typed", ""),
    "from taskcluster_typed import Queue": (
        "from taskcluster_typed import Queue",
        _CONSTRUCT_OURS.format(cls="Queue", root=ROOT_URL),
    ),
    "from taskcluster_typed import AsyncQueue": (
        "from taskcluster_typed import AsyncQueue",
        "",
    ),
    "import taskcluster": ("import taskcluster", _CONSTRUCT_OFFICIAL.format(root=ROOT_URL)),
    "import taskcluster.aio": ("import taskcluster.aio", ""),
    "import httpx, pydantic, mohawk": ("import httpx, pydantic, mohawk", ""),
}

_SCRIPT = """
import json, time
t0 = time.perf_counter()
{stmt}
t1 = time.perf_counter()
construct = None
{construct}
print(json.dumps({{"import": t1 - t0, "construct": construct}}))
"""


def _fresh(stmt: str, construct: str) -> dict[str, float | None]:
    script = _SCRIPT.format(stmt=stmt, construct=textwrap.dedent(construct))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float | None] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


_GROUPS = (
    ("taskcluster_typed._models", "generated models of the service (`taskcluster_typed._models`)"),
    ("taskcluster_typed", "taskcluster_typed, the rest"),
    ("pydantic", "pydantic, pydantic_core, annotated_types, typing_inspection"),
    ("annotated_types", "pydantic, pydantic_core, annotated_types, typing_inspection"),
    ("typing_inspection", "pydantic, pydantic_core, annotated_types, typing_inspection"),
    ("click", "httpx's command line (`httpx._main`: click, pygments, rich), when installed"),
    ("pygments", "httpx's command line (`httpx._main`: click, pygments, rich), when installed"),
    ("rich", "httpx's command line (`httpx._main`: click, pygments, rich), when installed"),
    ("markdown_it", "httpx's command line (`httpx._main`: click, pygments, rich), when installed"),
    ("mdurl", "httpx's command line (`httpx._main`: click, pygments, rich), when installed"),
    ("httpx._main", "httpx's command line (`httpx._main`: click, pygments, rich), when installed"),
    ("httpx", "httpx, httpcore, h11, anyio, idna, certifi"),
    ("httpcore", "httpx, httpcore, h11, anyio, idna, certifi"),
    ("h11", "httpx, httpcore, h11, anyio, idna, certifi"),
    ("anyio", "httpx, httpcore, h11, anyio, idna, certifi"),
    ("idna", "httpx, httpcore, h11, anyio, idna, certifi"),
    ("certifi", "httpx, httpcore, h11, anyio, idna, certifi"),
)


def import_breakdown(stmt: str) -> list[tuple[str, float]]:
    """`python -X importtime` self times of `stmt`, summed per group (seconds)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", stmt],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    totals: dict[str, float] = {}
    for line in err.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|")
        name = name.strip()
        group = next(
            (label for prefix, label in _GROUPS if name == prefix or name.startswith(prefix + ".")),
            "standard library and the rest",
        )
        totals[group] = totals.get(group, 0.0) + int(self_us) / 1e6
    return sorted(totals.items(), key=lambda item: -item[1])


def bench_imports(config: Config, report: Report) -> None:
    labels = list(IMPORTS)
    imports: dict[str, list[float]] = {label: [] for label in labels}
    constructs: dict[str, list[float]] = {label: [] for label in labels}
    for rep in range(-1, config.import_reps):  # one warm-up round (pyc and page caches)
        shift = max(rep, 0) % len(labels)
        for label in labels[shift:] + labels[:shift]:
            result = _fresh(*IMPORTS[label])
            if rep < 0:
                continue
            imports[label].append(float(result["import"] or 0.0))
            if result["construct"] is not None:
                constructs[label].append(float(result["construct"]))
    series = {label: Series(wall=values, cpu=values) for label, values in imports.items()}
    rows = [[f"`{label}`", fmt(s.median), s.spread] for label, s in series.items()]
    cold = {label: Series(wall=v, cpu=v) for label, v in constructs.items() if v}
    body = table(["statement (fresh process)", "median", "min–max"], rows)
    body += (
        f"\n\n{config.import_reps} fresh interpreters per statement, interleaved; time of the "
        "import statement alone (interpreter start-up excluded).\n\n"
        "First client built in a fresh process, right after the import (ours: "
        "`Queue(...)` and its httpx client, which builds the one shared SSL context; official: "
        "`taskcluster.Queue({...})`, whose requests SSL context was built at import):\n\n"
    )
    body += table(
        ["first client", "median", "min–max"],
        [[f"after `{label}`", fmt(s.median), s.spread] for label, s in cold.items()],
    )
    breakdown = import_breakdown("from taskcluster_typed import Queue")
    total = sum(seconds for _, seconds in breakdown)
    body += (
        "\n\nWhere `from taskcluster_typed import Queue` spends its time (`python -X "
        "importtime`, self times summed per group; importtime's own overhead inflates the "
        "total):\n\n"
    )
    body += table(
        ["group", "self time", "share"],
        [[label, fmt(seconds), f"{seconds / total:.0%}"] for label, seconds in breakdown],
    )
    report.add("Import time", body)
    tc = series["import taskcluster"].median
    aio = series["import taskcluster.aio"].median
    report.summary += [
        Comparison(
            "import: `import taskcluster_typed` / `import taskcluster`",
            series["import taskcluster_typed"].median,
            tc,
            "time",
            0.5,
            "`import taskcluster_typed` ≤ 0.5× `import taskcluster`",
        ),
        Comparison(
            "import: `from taskcluster_typed import Queue` / `import taskcluster`",
            series["from taskcluster_typed import Queue"].median,
            tc,
            "time",
            1.0,
            "`from taskcluster_typed import Queue` ≤ 1.0× `import taskcluster`",
        ),
        Comparison(
            "import: `from taskcluster_typed import AsyncQueue` / `import taskcluster.aio`",
            series["from taskcluster_typed import AsyncQueue"].median,
            aio,
            "time",
            0.5,
            "importing the async Queue ≤ 0.5× `import taskcluster.aio`",
        ),
    ]


# --- client construction -----------------------------------------------------------------


def bench_construction(config: Config, report: Report) -> None:
    sync_cases = {
        "ours `Queue(...)` (httpx client built lazily)": lambda: Queue(ROOT_URL, credentials=CREDS),
        "ours `Queue(...)` + its httpx client": lambda: Queue(
            ROOT_URL, credentials=CREDS
        )._holder.get(),
        "official `taskcluster.Queue({...})`": lambda: taskcluster.Queue(OFFICIAL_OPTIONS),
    }
    ops = {name: config.ops(n) for name, n in zip(sync_cases, (2000, 200, 500), strict=True)}
    results = interleaved(sync_cases, ops=ops, reps=config.reps)

    async def run_async() -> dict[str, Series]:
        session = taskcluster.aio.createSession()
        shared = httpx.AsyncClient()
        try:
            cases = {
                "ours `AsyncQueue(...)` + its pipe (its httpx client is built per loop)": lambda: (
                    AsyncQueue(ROOT_URL, credentials=CREDS)._holder.get()
                ),
                "ours `AsyncQueue(..., http_client=shared)`": lambda: AsyncQueue(
                    ROOT_URL, credentials=CREDS, http_client=shared
                ),
                "official `taskcluster.aio.Queue({...}, session=shared)`": lambda: (
                    taskcluster.aio.Queue(OFFICIAL_OPTIONS, session=session)
                ),
            }
            counts = (200, 2000, 2000)
            ops = {name: config.ops(n) for name, n in zip(cases, counts, strict=True)}
            return interleaved(cases, ops=ops, reps=config.reps)
        finally:
            await shared.aclose()
            await session.close()

    results |= asyncio.run(run_async())
    rows = [[name, fmt(s.median), s.spread] for name, s in results.items()]
    body = table(["construction (warm process)", "median", "min–max"], rows)
    body += (
        "\n\nOurs shares one SSL context between all the httpx clients it builds "
        "(`transport.shared_ssl_context`); a default `httpx.Client()` builds a new one "
        "(40–45 ms per the issue). The official sync client builds a `requests.Session` it "
        "does not use for API calls (each call goes through `requests.request`)."
    )
    report.add("Client construction", body)
    s = list(results.values())
    report.summary += [
        Comparison(
            "construct sync client, ready to send (ours incl. its httpx client)",
            s[1].median,
            s[2].median,
            "time",
            target_text="constructing a service client ≤ 1 ms",
            max_ours=1e-3,
        ),
        Comparison(
            "construct async client on a shared pool / session",
            s[4].median,
            s[5].median,
            "time",
        ),
    ]


# --- Hawk header -------------------------------------------------------------------------


def bench_hawk(config: Config, report: Report, fx: fixtures.Fixtures) -> None:
    url_get = f"{ROOT_URL}/api/queue/v1/task/{fx.task_id}/status"
    url_put = f"{ROOT_URL}/api/queue/v1/task/{fx.task_id}"
    body_bytes = fx.create_body
    body_text = body_bytes.decode("utf-8")  # the official client hands mohawk a str
    official = taskcluster.Queue(OFFICIAL_OPTIONS)
    ext = official.makeHawkExt()  # "e30=" ({}), as the official client sends it
    mohawk_creds = {
        "id": fixtures.CLIENT_ID,
        "key": fixtures.ACCESS_TOKEN,
        "algorithm": "sha256",
    }

    def ours_get() -> str:
        return hawk.request_header(
            credentials=CREDS,
            authorized_scopes=None,
            method="GET",
            url=url_get,
            body=None,
            content_type=None,
        )

    def ours_put() -> str:
        return hawk.request_header(
            credentials=CREDS,
            authorized_scopes=None,
            method="PUT",
            url=url_put,
            body=body_bytes,
            content_type="application/json",
        )

    def mohawk_get() -> str:
        sender = mohawk.Sender(
            credentials=mohawk_creds,
            ext=ext,
            url=url_get,
            content="",
            content_type="",
            method="GET",
        )
        return str(sender.request_header)

    def mohawk_put() -> str:
        sender = mohawk.Sender(
            credentials=mohawk_creds,
            ext=ext,
            url=url_put,
            content=body_text,
            content_type="application/json",
            method="PUT",
        )
        return str(sender.request_header)

    cases = {
        "GET, ours (hawk.py)": ours_get,
        "GET, mohawk.Sender (official)": mohawk_get,
        f"PUT {len(body_bytes)} B, ours (hawk.py)": ours_put,
        f"PUT {len(body_bytes)} B, mohawk.Sender (official)": mohawk_put,
        "of which the nonce: `hawk.nonce()` (one `os.urandom(6)`, base64)": hawk.nonce,
    }
    counts = (2000, 400, 2000, 100, 2000)
    ops = {name: config.ops(n) for name, n in zip(cases, counts, strict=True)}
    results = interleaved(cases, ops=ops, reps=config.reps)
    rows = [[name, fmt(s.median), s.spread] for name, s in results.items()]
    body = table(["Authorization header", "median", "min–max"], rows)
    body += (
        "\n\nBoth compute the same header (the server verifies a sample of each client's "
        "headers with mohawk's Receiver); mohawk's Sender also formats debug strings of the "
        "normalized request and body even with logging off. Our nonce draws 6 characters "
        "uniformly from the 64-character URL-safe alphabet (each base64 character of whole "
        "3-byte groups carries 6 random bits) with one `os.urandom` call."
    )
    report.add("Hawk header cost", body)
    s = list(results.values())
    report.summary += [
        Comparison(
            "Hawk header, GET",
            s[0].median,
            s[1].median,
            "time",
            target_text="≤ 25 µs per GET header",
            max_ours=25e-6,
        ),
        Comparison(
            f"Hawk header, PUT {len(body_bytes)} B",
            s[2].median,
            s[3].median,
            "time",
            target_text="≤ 40 µs for a 3.7 KB PUT",
            max_ours=40e-6,
        ),
    ]
