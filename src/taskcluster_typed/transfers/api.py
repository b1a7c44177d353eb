"""The public upload and download functions, sync and async twins over the same flows."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any, BinaryIO, overload

import anyio
import httpx

from .._core.retry import RetryPolicy
from ..slugids import slugid
from .drivers import AsyncDriver, ProgressCallback, SyncDriver
from .flows import (
    Downloaded,
    DownloadedBytes,
    UploadResult,
    artifact_flow,
    object_download_flow,
    upload_flow,
)
from .streams import BytesSink, DownloadTarget, Sink, Source, UploadData, open_sink, open_source

if TYPE_CHECKING:
    import os
    from collections.abc import Generator

    from .._core.client import AsyncClient, SyncClient
    from ..services.object import AsyncObject, Object
    from ..services.queue import AsyncQueue, Queue

DEFAULT_CONTENT_TYPE = "application/octet-stream"


def _policy(client: SyncClient | AsyncClient, retry: RetryPolicy | None) -> RetryPolicy:
    return retry if retry is not None else RetryPolicy(max_retries=client.max_retries)


def _sync_http(given: httpx.Client | None) -> tuple[httpx.Client, bool]:
    """The client for the data requests: the caller's, or one on the default engine
    (urllib3), which reads an early reply (a 413 while the body is sent) instead of losing it."""
    if given is not None:
        return given, False
    from ..transports.urllib3_transport import Urllib3Transport

    return httpx.Client(transport=Urllib3Transport()), True


def _async_http(given: httpx.AsyncClient | None) -> tuple[httpx.AsyncClient, bool]:
    """The caller's client, or one on the default async engine for the running loop (aiohttp
    under asyncio when installed: it reads the reply while the body is sent)."""
    if given is not None:
        return given, False
    from ..transports.selection import build_async

    return build_async("auto").http, True


def _finish(sink: Sink, result: Downloaded) -> Downloaded:
    sink.commit()
    if isinstance(sink, BytesSink):
        return DownloadedBytes(**{f: getattr(result, f) for f in _FIELDS}, data=sink.value())
    return result


_FIELDS = ("content_type", "size", "sha256", "sha512", "verified", "storage_type")


def _run_download_sync(
    flow: Generator[Any, Any, Downloaded],
    to: DownloadTarget | None,
    *,
    object_client: Object | None,
    queue: Queue | None,
    timeout: float | None,
    progress: ProgressCallback | None,
    http_client: httpx.Client | None,
) -> Downloaded:
    sink = open_sink(to)
    http, owned = _sync_http(http_client)
    driver = SyncDriver(
        http,
        object_client=object_client,
        queue=queue,
        sink=sink,
        progress=progress,
        sleep=time.sleep,
        timeout=timeout,
    )
    try:
        return _finish(sink, driver.run(flow))
    except BaseException:
        sink.abort()
        raise
    finally:
        if owned:
            http.close()


async def _run_download_async(
    flow: Generator[Any, Any, Downloaded],
    to: DownloadTarget | None,
    *,
    object_client: AsyncObject | None,
    queue: AsyncQueue | None,
    timeout: float | None,
    progress: ProgressCallback | None,
    http_client: httpx.AsyncClient | None,
) -> Downloaded:
    sink = open_sink(to)
    http, owned = _async_http(http_client)
    driver = AsyncDriver(
        http,
        object_client=object_client,
        queue=queue,
        sink=sink,
        progress=progress,
        sleep=anyio.sleep,
        timeout=timeout,
    )
    try:
        result = await driver.run(flow)
        return (
            await anyio.to_thread.run_sync(_finish, sink, result)
            if sink.blocking
            else _finish(sink, result)
        )
    except BaseException:
        sink.abort()
        raise
    finally:
        if owned:
            await http.aclose()


# Upload ----------------------------------------------------------------------------------


def _upload(
    client: Object | AsyncObject,
    name: str,
    data: UploadData,
    project_id: str,
    expires: datetime,
    content_type: str,
    content_length: int | None,
    upload_id: str | None,
    retry: RetryPolicy | None,
) -> tuple[Source, Generator[Any, Any, UploadResult]]:
    """The data source and the flow of an upload, for either driver."""
    source = open_source(data, content_length)
    flow = upload_flow(
        name,
        source,
        project_id=project_id,
        upload_id=upload_id if upload_id is not None else slugid(),
        expires=expires,
        content_type=content_type,
        policy=_policy(client, retry),
    )
    return source, flow


def upload(
    client: Object,
    name: str,
    data: UploadData,
    *,
    project_id: str,
    expires: datetime,
    content_type: str = DEFAULT_CONTENT_TYPE,
    content_length: int | None = None,
    upload_id: str | None = None,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    http_client: httpx.Client | None = None,
) -> UploadResult:
    """Upload `data` as the object `name` to the object service, and finish the upload.

    ``data`` is bytes, a `str` (sent as UTF-8 text; it is *not* a path), a path
    (``pathlib.Path``), a seekable binary file, or a function opening a new binary stream for
    each attempt (then `content_length` is required). Objects under 8 KiB are proposed as
    ``dataInline`` too; otherwise the data are PUT to the URL the service returns, with
    exactly the headers it returns and no Taskcluster credentials, streamed in 1 MiB chunks.
    5xx replies and connection failures are retried (the data re-read from the start), 4xx
    are not. ``finishUpload`` gets the sha256 and sha512 of the bytes actually sent.

    `upload_id` defaults to a new slug id; `expires` must be timezone-aware (``from_now("1
    year")``). `retry` defaults to the client's ``max_retries`` with the usual backoff;
    `http_client` is used for the data transfer only. Raises `UploadNegotiationError` if the
    service accepts none of the proposed methods.

    >>> upload(objects, "project/x/build.tar", Path("build.tar"),
    ...        project_id="x", expires=from_now("1 day"))
    """
    source, flow = _upload(
        client, name, data, project_id, expires, content_type, content_length, upload_id, retry
    )
    http, owned = _sync_http(http_client)
    driver = SyncDriver(
        http,
        object_client=client,
        source=source,
        progress=progress,
        sleep=time.sleep,
        timeout=client.timeout,
    )
    try:
        return driver.run(flow)
    finally:
        if owned:
            http.close()


async def async_upload(
    client: AsyncObject,
    name: str,
    data: UploadData,
    *,
    project_id: str,
    expires: datetime,
    content_type: str = DEFAULT_CONTENT_TYPE,
    content_length: int | None = None,
    upload_id: str | None = None,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    http_client: httpx.AsyncClient | None = None,
) -> UploadResult:
    """The async twin of `upload` (files are read in a worker thread)."""
    source, flow = _upload(
        client, name, data, project_id, expires, content_type, content_length, upload_id, retry
    )
    http, owned = _async_http(http_client)
    driver = AsyncDriver(
        http,
        object_client=client,
        source=source,
        progress=progress,
        sleep=anyio.sleep,
        timeout=client.timeout,
    )
    try:
        return await driver.run(flow)
    finally:
        if owned:
            await http.aclose()


# Download --------------------------------------------------------------------------------


@overload
def download(
    client: Object,
    name: str,
    to: None = None,
    *,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    http_client: httpx.Client | None = None,
) -> DownloadedBytes: ...
@overload
def download(
    client: Object,
    name: str,
    to: str | os.PathLike[str] | BinaryIO,
    *,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    http_client: httpx.Client | None = None,
) -> Downloaded: ...
def download(
    client: Object,
    name: str,
    to: DownloadTarget | None = None,
    *,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    http_client: httpx.Client | None = None,
) -> Downloaded:
    """Download the object `name` from the object service, verifying its hashes.

    ``startDownload`` (``getUrl``), then a streamed GET of the URL without Taskcluster
    credentials. With `to` a path, the data go to a temporary file beside it that is renamed
    into place only once verified; with `to` a binary file they are written to it (rewound
    for a retry if it is seekable); without `to`, the result is a `DownloadedBytes` holding
    them. Every hash the object and the download share must agree, and one of sha256/sha512
    must be among them (an md5-only object is refused): otherwise `HashVerificationError`,
    not retried. 5xx and connection failures are retried, after a new ``startDownload`` if
    the URL has expired; 4xx are not.

    >>> download(objects, "project/x/build.tar", "build.tar").sha256
    """
    return _run_download_sync(
        object_download_flow(name, _policy(client, retry)),
        to,
        object_client=client,
        queue=None,
        timeout=client.timeout,
        progress=progress,
        http_client=http_client,
    )


@overload
async def async_download(
    client: AsyncObject,
    name: str,
    to: None = None,
    *,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    http_client: httpx.AsyncClient | None = None,
) -> DownloadedBytes: ...
@overload
async def async_download(
    client: AsyncObject,
    name: str,
    to: str | os.PathLike[str] | BinaryIO,
    *,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    http_client: httpx.AsyncClient | None = None,
) -> Downloaded: ...
async def async_download(
    client: AsyncObject,
    name: str,
    to: DownloadTarget | None = None,
    *,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    http_client: httpx.AsyncClient | None = None,
) -> Downloaded:
    """The async twin of `download` (file writes and hashing run in a worker thread)."""
    return await _run_download_async(
        object_download_flow(name, _policy(client, retry)),
        to,
        object_client=client,
        queue=None,
        timeout=client.timeout,
        progress=progress,
        http_client=http_client,
    )


@overload
def download_artifact(
    queue: Queue,
    task_id: str,
    name: str,
    to: None = None,
    *,
    run_id: int | str | None = None,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    http_client: httpx.Client | None = None,
) -> DownloadedBytes: ...
@overload
def download_artifact(
    queue: Queue,
    task_id: str,
    name: str,
    to: str | os.PathLike[str] | BinaryIO,
    *,
    run_id: int | str | None = None,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    http_client: httpx.Client | None = None,
) -> Downloaded: ...
def download_artifact(
    queue: Queue,
    task_id: str,
    name: str,
    to: DownloadTarget | None = None,
    *,
    run_id: int | str | None = None,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    http_client: httpx.Client | None = None,
) -> Downloaded:
    """Download an artifact of a task: of its latest run, or of `run_id` when given.

    Asks the queue (``latestArtifact`` / ``artifact``), then by storage type: ``s3`` and
    ``reference`` artifacts are fetched from their URL (redirects followed, no credentials
    sent); ``object`` artifacts through the object service at the queue's root URL with the
    artifact's own temporary credentials, hashes verified as in `download`; an ``error``
    artifact raises `ArtifactError` (with `reason` and `message`); any other storage type
    raises `UnsupportedStorageTypeError`. `to` works as in `download`.

    >>> download_artifact(queue, task_id, "public/logs/live.log", "live.log")
    """
    return _run_download_sync(
        artifact_flow(task_id, run_id, name, _policy(queue, retry)),
        to,
        object_client=None,
        queue=queue,
        timeout=queue.timeout,
        progress=progress,
        http_client=http_client,
    )


@overload
async def async_download_artifact(
    queue: AsyncQueue,
    task_id: str,
    name: str,
    to: None = None,
    *,
    run_id: int | str | None = None,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    http_client: httpx.AsyncClient | None = None,
) -> DownloadedBytes: ...
@overload
async def async_download_artifact(
    queue: AsyncQueue,
    task_id: str,
    name: str,
    to: str | os.PathLike[str] | BinaryIO,
    *,
    run_id: int | str | None = None,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    http_client: httpx.AsyncClient | None = None,
) -> Downloaded: ...
async def async_download_artifact(
    queue: AsyncQueue,
    task_id: str,
    name: str,
    to: DownloadTarget | None = None,
    *,
    run_id: int | str | None = None,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    http_client: httpx.AsyncClient | None = None,
) -> Downloaded:
    """The async twin of `download_artifact`."""
    return await _run_download_async(
        artifact_flow(task_id, run_id, name, _policy(queue, retry)),
        to,
        object_client=None,
        queue=queue,
        timeout=queue.timeout,
        progress=progress,
        http_client=http_client,
    )
