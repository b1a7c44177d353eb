"""Run the sync or the async API with the same arguments (sync/async parity)."""

from __future__ import annotations

from typing import Any

import anyio

from taskcluster_typed import (
    AsyncObject,
    AsyncQueue,
    Credentials,
    Object,
    Queue,
    RetryPolicy,
    async_download,
    async_download_artifact,
    async_upload,
    download,
    download_artifact,
    from_now,
    upload,
)
from taskcluster_typed.transfers import (
    Downloaded,
    DownloadedBytes,
    DownloadTarget,
    ProgressCallback,
    UploadResult,
)

FAST = RetryPolicy(max_retries=3, base_delay=0.001, jitter=0.0)
CREDENTIALS = Credentials("tester", "no-secret")


class Api:
    """The transfer functions of one mode against one fake service."""

    def __init__(self, mode: str, root_url: str, **client_options: Any) -> None:
        self.mode = mode
        self.root_url = root_url
        self.client_options = client_options

    def upload(self, name: str, data: Any, **options: Any) -> UploadResult:
        options = {"project_id": "proj", "expires": from_now("1 day"), "retry": FAST, **options}
        if self.mode == "sync":
            with Object(self.root_url, credentials=CREDENTIALS, **self.client_options) as objects:
                return upload(objects, name, data, **options)

        async def run() -> UploadResult:
            async with AsyncObject(
                self.root_url, credentials=CREDENTIALS, **self.client_options
            ) as objects:
                return await async_upload(objects, name, data, **options)

        return anyio.run(run)

    def download(self, name: str, to: DownloadTarget, **options: Any) -> Downloaded:
        """`download` (or `async_download`) to a path or file."""
        options = {"retry": FAST, **options}
        if self.mode == "sync":
            with Object(self.root_url, credentials=CREDENTIALS) as objects:
                return download(objects, name, to, **options)

        async def run() -> Downloaded:
            async with AsyncObject(self.root_url, credentials=CREDENTIALS) as objects:
                return await async_download(objects, name, to, **options)

        return anyio.run(run)

    def download_bytes(
        self, name: str, progress: ProgressCallback | None = None
    ) -> DownloadedBytes:
        """`download` (or `async_download`) into memory."""
        if self.mode == "sync":
            with Object(self.root_url, credentials=CREDENTIALS) as objects:
                return download(objects, name, progress=progress, retry=FAST)

        async def run() -> DownloadedBytes:
            async with AsyncObject(self.root_url, credentials=CREDENTIALS) as objects:
                return await async_download(objects, name, progress=progress, retry=FAST)

        return anyio.run(run)

    def download_artifact(
        self, task_id: str, name: str, to: DownloadTarget, **options: Any
    ) -> Downloaded:
        options = {"retry": FAST, **options}
        if self.mode == "sync":
            with Queue(self.root_url, credentials=CREDENTIALS) as queue:
                return download_artifact(queue, task_id, name, to, **options)

        async def run() -> Downloaded:
            async with AsyncQueue(self.root_url, credentials=CREDENTIALS) as queue:
                return await async_download_artifact(queue, task_id, name, to, **options)

        return anyio.run(run)

    def artifact_bytes(self, task_id: str, name: str, run_id: int | None = None) -> DownloadedBytes:
        if self.mode == "sync":
            with Queue(self.root_url, credentials=CREDENTIALS) as queue:
                return download_artifact(queue, task_id, name, run_id=run_id, retry=FAST)

        async def run() -> DownloadedBytes:
            async with AsyncQueue(self.root_url, credentials=CREDENTIALS) as queue:
                return await async_download_artifact(
                    queue, task_id, name, run_id=run_id, retry=FAST
                )

        return anyio.run(run)
