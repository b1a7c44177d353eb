"""Uploads and downloads against the real object service (hashes verified), and
`download_artifact` for s3, object, reference and error artifacts from the real queue."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from taskcluster_typed import AsyncObject, AsyncQueue, Object, Queue, from_now, slugid
from taskcluster_typed.transfers import (
    ArtifactError,
    async_download,
    async_download_artifact,
    async_upload,
    download,
    download_artifact,
    upload,
)

from .conftest import RealTaskcluster
from .world import World

# Below the service's dataInline limit, and well above it (a putUrl to the S3 stand-in).
SIZES = {"inline": 100, "put-url": 3 * 1024 * 1024 + 17}


@pytest.fixture(scope="module")
def world(real: RealTaskcluster) -> Iterator[World]:
    made = World(real)
    yield made
    made.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _content(size: int) -> bytes:
    return (b"taskcluster-typed " * (size // 18 + 1))[:size]


@pytest.mark.parametrize("kind", sorted(SIZES))
def test_object_round_trip(kind: str, real: RealTaskcluster, world: World, tmp_path: Path) -> None:
    data = _content(SIZES[kind])
    name = f"typed/{world.run}/{kind}-{slugid()}"
    with real.client(Object) as objects:
        made = upload(
            objects, name, data, project_id="typed", expires=from_now("1 day"),
            content_type="application/octet-stream",
        )  # fmt: skip
        assert made.method == ("dataInline" if kind == "inline" else "putUrl")
        assert made.sha256 == hashlib.sha256(data).hexdigest()
        assert objects.object(name).hashes.sha256 == made.sha256
        got = download(objects, name)
        assert got.data == data
        assert (got.verified, got.storage_type) == (True, "object")
        assert got.sha512 == hashlib.sha512(data).hexdigest()
        target = tmp_path / "object.bin"
        to_file = download(objects, name, target)
        assert target.read_bytes() == data and to_file.size == len(data)


@pytest.mark.anyio
@pytest.mark.parametrize("kind", sorted(SIZES))
async def test_object_round_trip_async(kind: str, real: RealTaskcluster, world: World) -> None:
    data = _content(SIZES[kind])
    name = f"typed/{world.run}/async-{kind}-{slugid()}"
    async with real.client(AsyncObject) as objects:
        made = await async_upload(
            objects, name, io.BytesIO(data), project_id="typed", expires=from_now("1 day"),
            content_length=len(data),
        )  # fmt: skip
        assert made.size == len(data)
        got = await async_download(objects, name)
        assert got.data == data
        assert got.verified is True


def _artifacts(world: World) -> dict[str, bytes]:
    done = world.resolved
    return {"public/s3.txt": done.s3_content, "public/object.txt": done.object_content}


@pytest.mark.parametrize("name", ["public/s3.txt", "public/object.txt"])
def test_download_artifact(name: str, real: RealTaskcluster, world: World) -> None:
    expected = _artifacts(world)[name]
    with real.client(Queue) as queue:
        got = download_artifact(queue, world.resolved.task_id, name)
    assert got.data == expected
    assert got.storage_type == ("s3" if name == "public/s3.txt" else "object")
    assert got.sha256 == hashlib.sha256(expected).hexdigest()
    assert got.verified is (name == "public/object.txt")


@pytest.mark.anyio
@pytest.mark.parametrize("name", ["public/s3.txt", "public/object.txt"])
async def test_download_artifact_async(name: str, real: RealTaskcluster, world: World) -> None:
    expected = _artifacts(world)[name]
    async with real.client(AsyncQueue) as queue:
        got = await async_download_artifact(queue, world.resolved.task_id, name, run_id=0)
    assert got.data == expected


def test_download_reference_artifact(real: RealTaskcluster, world: World) -> None:
    # The reference points at the queue's own ping: followed, it answers {"alive": true, ...}.
    with real.client(Queue) as queue:
        got = download_artifact(queue, world.resolved.task_id, "public/reference")
    assert got.storage_type == "reference"
    assert json.loads(got.data)["alive"] is True


def test_download_error_artifact(real: RealTaskcluster, world: World) -> None:
    with real.client(Queue) as queue, pytest.raises(ArtifactError) as caught:
        download_artifact(queue, world.resolved.task_id, "public/error")
    assert (caught.value.reason, caught.value.message) == (
        "file-missing-on-worker",
        "the worker did not find it",
    )
