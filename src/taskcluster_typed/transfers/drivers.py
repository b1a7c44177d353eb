"""The two drivers of the transfer flows: `SyncDriver` (blocking httpx) and `AsyncDriver`.

They perform the effects of `flows.py` and nothing else. The data requests (PUT, GET) go
through a plain httpx client with no Taskcluster credentials; API calls go through the typed
service clients. The async driver reads files and writes downloads in a worker thread, one
chunk (1 MiB) at a time, so the event loop is never blocked on disk or hashing.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, TypeVar, cast

import anyio
import anyio.to_thread
import httpx

from .._core.errors import APIError, ResponseValidationError
from .._core.pipeline import Sleep
from .errors import TransferError
from .flows import (
    ApiEffect,
    CreateUpload,
    FinishUpload,
    GetArtifact,
    GetData,
    Outcome,
    Progress,
    PutData,
    UseObjectService,
    artifact_error,
)
from .hashing import ContentHasher
from .streams import CHUNK_SIZE, Reader, Sink, Source

if TYPE_CHECKING:
    from ..services.object import AsyncObject, Object
    from ..services.queue import AsyncQueue, Queue

T = TypeVar("T")

ProgressCallback = Callable[[int, "int | None"], object]
"""Called as ``progress(bytes_done, total)`` after each chunk (`total` is None if unknown);
a retried transfer starts again from 0."""

# Bytes of an error reply kept for the error message.
ERROR_BODY_LIMIT = 64 * 1024

_START_DOWNLOAD = {"acceptDownloadMethods": {"getUrl": True}}


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)  # type: ignore[no-any-return]


def _same(reply: Any) -> Any:
    return reply


def _artifact_reply(error: Exception, task_id: str, name: str) -> dict[str, Any]:
    """A queue reply that did not parse: an unknown storage type is reported by the flow."""
    body: Any = error.body if isinstance(error, ResponseValidationError) else None
    if isinstance(body, dict):
        return cast("dict[str, Any]", body)
    if isinstance(error, APIError):
        converted = artifact_error(task_id, name, error)
        if converted is not None:
            raise converted from None
    raise error


def _total(response: httpx.Response) -> int | None:
    length = response.headers.get("content-length")
    if length is None or response.headers.get("content-encoding", "identity") != "identity":
        return None
    try:
        return int(length)
    except ValueError:
        return None


#: Async uploads larger than this ask the server to accept the body before it is sent
#: (``Expect: 100-continue``, as botocore does): aiohttp then reads an early refusal (a 413)
#: instead of losing it when the server closes the connection under the body.
EXPECT_CONTINUE_BYTES = 1024 * 1024


def _expect_continue(headers: dict[str, str], length: int) -> dict[str, str]:
    if length <= EXPECT_CONTINUE_BYTES or any(k.lower() == "expect" for k in headers):
        return headers
    return {**headers, "Expect": "100-continue"}


def _check_length(read: int, length: int) -> None:
    if read > length:
        raise TransferError(f"the upload data are longer than content_length ({length} bytes)")


def _check_complete(sent: int, length: int) -> None:
    if sent != length:
        raise TransferError(f"the upload data ended after {sent} of {length} bytes")


class _DriverBase:
    def __init__(
        self,
        *,
        source: Source | None,
        sink: Sink | None,
        progress: ProgressCallback | None,
        timeout: float | None,
    ) -> None:
        self.source = source
        self.sink = sink
        self.progress = progress
        self.timeout = httpx.Timeout(timeout)

    def _report(self, done: int, total: int | None) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def _api_call(
        self, effect: ApiEffect, queue: Any, object_client: Any
    ) -> tuple[Callable[..., Any], tuple[Any, ...], Callable[[Any], Any]]:
        """The client method an API effect calls, its arguments, and what makes the reply the
        flow expects; the drivers only call it (and await it, for the async one)."""
        if isinstance(effect, GetArtifact):
            assert queue is not None
            if effect.run_id is None:
                return queue.latest_artifact, (effect.task_id, effect.name), _dump
            return queue.artifact, (effect.task_id, effect.run_id, effect.name), _dump
        assert object_client is not None
        if isinstance(effect, CreateUpload):
            from ..models.object import CreateUploadRequest

            payload = CreateUploadRequest.model_validate(effect.payload)
            return object_client.create_upload, (effect.name, payload), _same
        if isinstance(effect, FinishUpload):
            return object_client.finish_upload, (effect.name, effect.payload), _same
        return object_client.start_download, (effect.name, _START_DOWNLOAD), _dump

    @staticmethod
    def _api_failure(effect: ApiEffect, error: ResponseValidationError | APIError) -> Any:
        """A failed API call: an artifact reply that did not parse goes to the flow, which
        names an unknown storage type; anything else is raised."""
        if isinstance(effect, GetArtifact):
            return _artifact_reply(error, effect.task_id, effect.name)
        raise error

    def _object_client_options(self, queue: Any, effect: UseObjectService) -> dict[str, Any]:
        assert queue is not None
        return {
            "root_url": queue.root_url,
            "credentials": effect.credentials,
            "timeout": queue.timeout,
            "max_retries": queue.max_retries,
        }


class SyncDriver(_DriverBase):
    """Performs effects with blocking I/O."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        object_client: Object | None = None,
        queue: Queue | None = None,
        source: Source | None = None,
        sink: Sink | None = None,
        progress: ProgressCallback | None = None,
        sleep: Callable[[float], None],
        timeout: float | None,
    ) -> None:
        super().__init__(source=source, sink=sink, progress=progress, timeout=timeout)
        self.http = http
        self.object_client = object_client
        self.queue = queue
        self.sleep = sleep
        self._owned: list[Object] = []

    def run(self, flow: Generator[Any, Any, T]) -> T:
        try:
            effect = next(flow)
            while True:
                try:
                    result = self.perform(effect)
                except httpx.TransportError as exc:
                    effect = flow.throw(exc)
                    continue
                effect = flow.send(result)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        finally:
            for client in self._owned:
                client.close()

    def perform(self, effect: Any) -> Any:
        if isinstance(effect, PutData):
            return self._put(effect)
        if isinstance(effect, GetData):
            return self._get(effect)
        if isinstance(effect, Sleep):
            self.sleep(effect.seconds)
            return None
        if isinstance(effect, Progress):
            self._report(effect.done, effect.total)
            return None
        if isinstance(effect, UseObjectService):
            from ..services.object import Object

            client = Object(**self._object_client_options(self.queue, effect))
            self._owned.append(client)
            self.object_client = client
            return None
        if isinstance(effect, ApiEffect):
            method, args, finish = self._api_call(effect, self.queue, self.object_client)
            try:
                return finish(method(*args))
            except (ResponseValidationError, APIError) as error:
                return self._api_failure(effect, error)
        raise TypeError(f"unknown effect {effect!r}")

    def _put(self, effect: PutData) -> Outcome:
        assert self.source is not None
        hasher = ContentHasher()
        length = effect.length

        def body(reader: Reader) -> Iterator[bytes]:
            self._report(0, length)
            while chunk := reader.read(CHUNK_SIZE):
                hasher.update(chunk)
                _check_length(hasher.size, length)
                self._report(hasher.size, length)
                yield chunk
            _check_complete(hasher.size, length)

        reader = self.source.open()
        try:
            request = self.http.build_request(
                "PUT",
                effect.url,
                headers=effect.headers,
                content=body(reader),
                timeout=self.timeout,
            )
            response = self.http.send(request, follow_redirects=False)
        finally:
            reader.close()
        if 200 <= response.status_code < 300:
            return Outcome(
                response.status_code, response.headers, "", hasher.size, hasher.hexdigests()
            )
        return Outcome(response.status_code, response.headers, response.text[:ERROR_BODY_LIMIT])

    def _get(self, effect: GetData) -> Outcome:
        assert self.sink is not None
        request = self.http.build_request("GET", effect.url, timeout=self.timeout)
        response = self.http.send(request, stream=True, follow_redirects=effect.follow_redirects)
        with contextlib.closing(response):
            if not 200 <= response.status_code < 300:
                return Outcome(response.status_code, response.headers, _error_text_sync(response))
            total = _total(response)
            hasher = ContentHasher()
            self.sink.begin()
            self._report(0, total)
            for chunk in response.iter_bytes(CHUNK_SIZE):
                self.sink.write(chunk)
                hasher.update(chunk)
                self._report(hasher.size, total)
            return Outcome(
                response.status_code, response.headers, "", hasher.size, hasher.hexdigests()
            )


def _error_text_sync(response: httpx.Response) -> str:
    data = b""
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) >= ERROR_BODY_LIMIT:
            break
    return data[:ERROR_BODY_LIMIT].decode("utf-8", errors="replace")


async def _error_text_async(response: httpx.Response) -> str:
    data = b""
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) >= ERROR_BODY_LIMIT:
            break
    return data[:ERROR_BODY_LIMIT].decode("utf-8", errors="replace")


class AsyncDriver(_DriverBase):
    """Performs effects with async I/O (files and hashing in a worker thread)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        object_client: AsyncObject | None = None,
        queue: AsyncQueue | None = None,
        source: Source | None = None,
        sink: Sink | None = None,
        progress: ProgressCallback | None = None,
        sleep: Callable[[float], Awaitable[None]],
        timeout: float | None,
    ) -> None:
        super().__init__(source=source, sink=sink, progress=progress, timeout=timeout)
        self.http = http
        self.object_client = object_client
        self.queue = queue
        self.sleep = sleep
        self._owned: list[AsyncObject] = []

    async def run(self, flow: Generator[Any, Any, T]) -> T:
        try:
            effect = next(flow)
            while True:
                try:
                    result = await self.perform(effect)
                except httpx.TransportError as exc:
                    effect = flow.throw(exc)
                    continue
                effect = flow.send(result)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        finally:
            for client in self._owned:
                await client.close()

    async def perform(self, effect: Any) -> Any:
        if isinstance(effect, PutData):
            return await self._put(effect)
        if isinstance(effect, GetData):
            return await self._get(effect)
        if isinstance(effect, Sleep):
            await self.sleep(effect.seconds)
            return None
        if isinstance(effect, Progress):
            self._report(effect.done, effect.total)
            return None
        if isinstance(effect, UseObjectService):
            from ..services.object import AsyncObject

            client = AsyncObject(**self._object_client_options(self.queue, effect))
            self._owned.append(client)
            self.object_client = client
            return None
        if isinstance(effect, ApiEffect):
            method, args, finish = self._api_call(effect, self.queue, self.object_client)
            try:
                return finish(await method(*args))
            except (ResponseValidationError, APIError) as error:
                return self._api_failure(effect, error)
        raise TypeError(f"unknown effect {effect!r}")

    async def _put(self, effect: PutData) -> Outcome:
        source = self.source
        assert source is not None
        hasher = ContentHasher()
        length = effect.length

        def read_and_hash(reader: Reader) -> bytes:
            chunk = reader.read(CHUNK_SIZE)
            hasher.update(chunk)
            return chunk

        async def body(reader: Reader) -> AsyncIterator[bytes]:
            self._report(0, length)
            while True:
                if source.blocking:
                    chunk = await anyio.to_thread.run_sync(read_and_hash, reader)
                else:
                    chunk = read_and_hash(reader)
                if not chunk:
                    break
                _check_length(hasher.size, length)
                self._report(hasher.size, length)
                yield chunk
            _check_complete(hasher.size, length)

        reader = await anyio.to_thread.run_sync(source.open) if source.blocking else source.open()
        try:
            request = self.http.build_request(
                "PUT",
                effect.url,
                headers=_expect_continue(effect.headers, length),
                content=body(reader),
                timeout=self.timeout,
            )
            response = await self.http.send(request, follow_redirects=False)
        finally:
            reader.close()
        if 200 <= response.status_code < 300:
            return Outcome(
                response.status_code, response.headers, "", hasher.size, hasher.hexdigests()
            )
        return Outcome(response.status_code, response.headers, response.text[:ERROR_BODY_LIMIT])

    async def _get(self, effect: GetData) -> Outcome:
        sink = self.sink
        assert sink is not None
        request = self.http.build_request("GET", effect.url, timeout=self.timeout)
        response = await self.http.send(
            request, stream=True, follow_redirects=effect.follow_redirects
        )
        try:
            if not 200 <= response.status_code < 300:
                return Outcome(
                    response.status_code, response.headers, await _error_text_async(response)
                )
            total = _total(response)
            hasher = ContentHasher()

            def consume(chunk: bytes) -> None:
                sink.write(chunk)
                hasher.update(chunk)

            if sink.blocking:
                await anyio.to_thread.run_sync(sink.begin)
            else:
                sink.begin()
            self._report(0, total)
            async for chunk in response.aiter_bytes(CHUNK_SIZE):
                if sink.blocking:
                    await anyio.to_thread.run_sync(consume, chunk)
                else:
                    consume(chunk)
                self._report(hasher.size, total)
            return Outcome(
                response.status_code, response.headers, "", hasher.size, hasher.hexdigests()
            )
        finally:
            await response.aclose()
