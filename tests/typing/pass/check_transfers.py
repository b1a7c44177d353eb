"""The transfer functions' types: overloads on the download target."""

from __future__ import annotations

import io
from pathlib import Path

from typing_extensions import assert_type

from taskcluster_typed import (
    AsyncObject,
    AsyncQueue,
    Downloaded,
    DownloadedBytes,
    Object,
    Queue,
    UploadResult,
    async_download,
    async_download_artifact,
    async_upload,
    download,
    download_artifact,
    from_now,
    upload,
)


def sync_calls(objects: Object, queue: Queue) -> None:
    assert_type(upload(objects, "n", b"x", project_id="p", expires=from_now("1 day")), UploadResult)
    assert_type(download(objects, "n"), DownloadedBytes)
    assert_type(download(objects, "n", Path("f")).sha256, str)
    assert_type(download(objects, "n", io.BytesIO()), Downloaded)
    assert_type(download_artifact(queue, "t", "public/x").data, bytes)
    assert_type(download_artifact(queue, "t", "public/x", "f", run_id=0), Downloaded)


async def async_calls(objects: AsyncObject, queue: AsyncQueue) -> None:
    assert_type(
        await async_upload(objects, "n", Path("f"), project_id="p", expires=from_now("1 day")),
        UploadResult,
    )
    assert_type(await async_download(objects, "n"), DownloadedBytes)
    assert_type(await async_download(objects, "n", "f"), Downloaded)
    assert_type(await async_download_artifact(queue, "t", "n"), DownloadedBytes)
    assert_type(await async_download_artifact(queue, "t", "n", Path("f")), Downloaded)
