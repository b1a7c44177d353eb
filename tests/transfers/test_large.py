"""Constant memory: a 128 MiB object goes up and down without being held in memory.

tracemalloc traces every allocation of the process (the loopback server's threads too);
the peak during each transfer must stay far below the object's size.
"""

from __future__ import annotations

import hashlib
import os
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import anyio

from taskcluster_typed import (
    AsyncObject,
    Object,
    async_download,
    async_upload,
    download,
    from_now,
    upload,
)

from .fake_service import FakeService
from .helpers import CREDENTIALS, FAST

SIZE = 128 * 1024 * 1024
PEAK_LIMIT = 16 * 1024 * 1024
T = TypeVar("T")


def _make_file(path: Path) -> str:
    sha256 = hashlib.sha256()
    block = os.urandom(1024 * 1024)
    with path.open("wb") as file:
        for i in range(SIZE // len(block)):
            chunk = bytes([i % 256]) + block[1:]
            file.write(chunk)
            sha256.update(chunk)
    return sha256.hexdigest()


def _peak(action: Callable[[], T]) -> tuple[T, int, float]:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
        return result, tracemalloc.get_traced_memory()[1], elapsed
    finally:
        tracemalloc.stop()


def test_large_sync_and_async_transfers_use_constant_memory(
    service: FakeService, tmp_path: Path
) -> None:
    source = tmp_path / "big.bin"
    digest = _make_file(source)
    expires = from_now("1 day")

    with Object(service.root_url, credentials=CREDENTIALS) as objects:
        uploaded, up_peak, _ = _peak(
            lambda: upload(objects, "big", source, project_id="p", expires=expires, retry=FAST)
        )
        assert uploaded.sha256 == digest
        _, down_peak, _ = _peak(lambda: download(objects, "big", tmp_path / "sync.bin", retry=FAST))

    async def async_round_trip() -> None:
        async with AsyncObject(service.root_url, credentials=CREDENTIALS) as objects:
            await async_upload(objects, "big2", source, project_id="p", expires=expires, retry=FAST)
            await async_download(objects, "big2", tmp_path / "async.bin", retry=FAST)

    _, async_peak, _ = _peak(lambda: anyio.run(async_round_trip))

    for peak in (up_peak, down_peak, async_peak):
        assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.1f} MiB for a {SIZE >> 20} MiB object"
    assert (tmp_path / "sync.bin").stat().st_size == SIZE
    assert (tmp_path / "async.bin").stat().st_size == SIZE
