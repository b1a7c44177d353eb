"""Measure a large object transfer: ``python bench/transfer.py [--size-mib 1024]``.

Uploads and downloads one generated file through the loopback object service of the tests
(tests/transfers/fake_service.py; the data go over real HTTP on 127.0.0.1), with the sync and
the async API, and prints the throughput (MB/s, without tracing) and the peak of traced Python
memory (tracemalloc, a second pass) for each. The server runs in the same process, so both
numbers include its work (it hashes and writes what it receives).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

from taskcluster_typed import (  # noqa: E402
    AsyncObject,
    Credentials,
    Object,
    async_download,
    async_upload,
    download,
    from_now,
    upload,
)
from tests.transfers.fake_service import FakeService, Running  # noqa: E402

CREDENTIALS = Credentials("bench", "no-secret")


def make_file(path: Path, size: int) -> None:
    block = os.urandom(1 << 20)
    with path.open("wb") as file:
        for i in range(size >> 20):
            file.write(bytes([i % 256]) + block[1:])


def measure(action: Callable[[], Any], traced: bool) -> tuple[float, int]:
    if traced:
        tracemalloc.start()
        tracemalloc.reset_peak()
    started = time.perf_counter()
    action()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=1024)
    size = parser.parse_args().size_mib << 20
    with tempfile.TemporaryDirectory() as work:
        base = Path(work)
        (base / "server").mkdir()
        source = base / "source.bin"
        make_file(source, size)
        fake = FakeService(str(base / "server"))
        running = Running(fake)
        expires = from_now("1 day")
        objects = Object(fake.root_url, credentials=CREDENTIALS)

        def run_async(step: str) -> None:
            async def go() -> None:
                async with AsyncObject(fake.root_url, credentials=CREDENTIALS) as client:
                    if step == "upload":
                        await async_upload(client, "a", source, project_id="p", expires=expires)
                    else:
                        await async_download(client, "a", base / "async.bin")

            anyio.run(go)

        steps: list[tuple[str, Callable[[], Any]]] = [
            ("sync upload", lambda: upload(objects, "s", source, project_id="p", expires=expires)),
            ("sync download", lambda: download(objects, "s", base / "sync.bin")),
            ("async upload", lambda: run_async("upload")),
            ("async download", lambda: run_async("download")),
        ]
        print(f"object: {size >> 20} MiB over http://127.0.0.1 (server in-process)")
        print(f"{'step':<16}{'seconds':>9}{'MB/s':>9}{'peak MiB':>10}")
        for name, action in steps:
            elapsed, _ = measure(action, traced=False)
            _, peak = measure(action, traced=True)
            print(f"{name:<16}{elapsed:>9.2f}{size / elapsed / 1e6:>9.0f}{peak / 2**20:>10.2f}")
            for leftover in ("sync.bin", "async.bin"):
                (base / leftover).unlink(missing_ok=True)
        objects.close()
        running.stop()


if __name__ == "__main__":
    main()
