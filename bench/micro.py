"""Benchmarks that need no server: client construction, Hawk header cost."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import mohawk  # type: ignore[import-untyped]
import taskcluster  # type: ignore[import-untyped]
import taskcluster.aio  # type: ignore[import-untyped]

from bench import fixtures
from bench.harness import Comparison, Report, Series, fmt, interleaved, table
from taskcluster_typed import AsyncQueue, Credentials, Queue
from taskcluster_typed._core import hawk

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


# --- client construction -----------------------------------------------------------------


def bench_construction(config: Config, report: Report) -> None:
    sync_cases = {
        "ours `Queue(...)` (httpx client built lazily)": lambda: Queue(ROOT_URL, credentials=CREDS),
        "ours `Queue(...)` + its httpx client": lambda: Queue(
            ROOT_URL, credentials=CREDS
        )._http.client(),
        "official `taskcluster.Queue({...})`": lambda: taskcluster.Queue(OFFICIAL_OPTIONS),
    }
    ops = {name: config.ops(n) for name, n in zip(sync_cases, (2000, 200, 500), strict=True)}
    results = interleaved(sync_cases, ops=ops, reps=config.reps)

    async def run_async() -> dict[str, Series]:
        session = taskcluster.aio.createSession()
        shared = httpx.AsyncClient()
        try:
            cases = {
                "ours `AsyncQueue(...)` (httpx client built per loop, at the first call)": lambda: (
                    AsyncQueue(ROOT_URL, credentials=CREDS)._http
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
        "(`transports.pool_settings.shared_ssl_context`); a default `httpx.Client()` builds a "
        "new one (40–45 ms per the issue). The official sync client builds a `requests.Session` it "
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
            target_text="≤ 15 µs per GET header",
            max_ours=15e-6,
        ),
        Comparison(
            f"Hawk header, PUT {len(body_bytes)} B",
            s[2].median,
            s[3].median,
            "time",
            target_text="≤ 20 µs for a 3.7 KB PUT",
            max_ours=20e-6,
        ),
    ]
