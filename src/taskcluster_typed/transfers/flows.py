"""Uploads and downloads, written once for sync and async (sans-IO, like `_core/pipeline.py`).

Each flow is a generator that *yields* effects (call an API method, PUT or GET the data,
sleep, report progress) and receives their results; the transport's exceptions are thrown
into it. It decides negotiation, retries, URL renewal and hash verification, and never does
I/O itself: `drivers.py` performs the effects, with blocking or async I/O.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TypeAlias, cast

import httpx

from .._core.errors import APIError, RequestTimeoutError, TransportError, make_api_error
from .._core.pipeline import Sleep, retryable_exceptions
from .._core.retry import RetryPolicy
from ..credentials import Credentials
from .errors import (
    ArtifactError,
    TransferError,
    UnsupportedStorageTypeError,
    UploadNegotiationError,
)
from .hashing import check_acceptable, hashes_of, verify_hashes
from .streams import Source

log = logging.getLogger("taskcluster_typed")

# Objects smaller than this are proposed as `dataInline` (the service's limit is 8 KiB).
DATA_INLINE_MAX = 8192


# Effects --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateUpload:
    name: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class FinishUpload:
    name: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StartDownload:
    """``startDownload`` with ``{acceptDownloadMethods: {getUrl: true}}``; returns the JSON."""

    name: str


@dataclass(frozen=True, slots=True)
class GetArtifact:
    """The queue's ``artifact`` (or ``latestArtifact`` when `run_id` is None); returns JSON."""

    task_id: str
    run_id: int | str | None
    name: str


@dataclass(frozen=True, slots=True)
class UseObjectService:
    """Use an object-service client with these credentials (and the queue's root URL)."""

    credentials: Credentials


@dataclass(frozen=True, slots=True)
class PutData:
    """PUT the source's bytes (opened anew) with exactly `headers` and no credentials."""

    url: str
    headers: dict[str, str]
    length: int


@dataclass(frozen=True, slots=True)
class GetData:
    """GET `url` without credentials into the (restarted) sink."""

    url: str
    follow_redirects: bool


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int | None


ApiEffect: TypeAlias = CreateUpload | FinishUpload | StartDownload | GetArtifact
"""The effects that are one call of a typed client method (`isinstance` takes the union)."""

Effect = (
    CreateUpload
    | FinishUpload
    | StartDownload
    | GetArtifact
    | UseObjectService
    | PutData
    | GetData
    | Sleep
    | Progress
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a PUT or GET got: the status, and for a success the hashes of the bytes moved."""

    status_code: int
    headers: httpx.Headers
    text: str
    size: int = 0
    hashes: Mapping[str, str] | None = None


# Results --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UploadResult:
    """A finished upload: the object's `name`, the `upload_id` used, its size and hashes."""

    name: str
    upload_id: str
    size: int
    sha256: str
    sha512: str
    method: str
    """The upload method the service chose: ``"dataInline"`` or ``"putUrl"``."""


@dataclass(frozen=True)
class Downloaded:
    """A finished download.

    `sha256`/`sha512` are those of the bytes received; for an object they were verified
    against the object's hashes, for an s3 or reference artifact nothing was there to verify.
    """

    content_type: str
    size: int
    sha256: str
    sha512: str
    verified: bool
    storage_type: str
    """``"object"`` for the object service, else the artifact's storage type."""


@dataclass(frozen=True)
class DownloadedBytes(Downloaded):
    """A finished download returned in memory: `data` holds the bytes."""

    data: bytes


# Helpers ---------------------------------------------------------------------------------


def shown_url(url: str) -> str:
    """The URL without its query string (which usually holds a signature)."""
    return url.split("?", 1)[0]


def _as_utc(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return None


def _expired(expires: Any, now: float) -> bool:
    when = _as_utc(expires)
    return when is not None and when.timestamp() <= now


def _error_for(outcome: Outcome, label: str, url: str) -> TransferError | APIError:
    if outcome.status_code < 400:
        return TransferError(
            f"{label}: {shown_url(url)} answered {outcome.status_code} (redirects are not followed)"
        )
    try:
        body: Any = json.loads(outcome.text)
    except ValueError:
        body = None
    return make_api_error(
        status_code=outcome.status_code,
        body=body,
        text=outcome.text,
        method=label,
        url=shown_url(url),
    )


def _transfer(
    effect: Callable[[], PutData | GetData],
    label: str,
    policy: RetryPolicy,
    before_retry: Callable[[], Generator[Effect, Any, None]],
) -> Generator[Effect, Any, Outcome]:
    """Perform `effect()` until it succeeds (2xx), retrying 5xx/429 and no-reply failures."""
    retries = 0
    while True:
        current = effect()
        try:
            outcome: Outcome = yield current
        except retryable_exceptions() as exc:
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            if not policy.can_retry(retries):
                error_type = (
                    RequestTimeoutError
                    if isinstance(exc, httpx.TimeoutException)
                    else TransportError
                )
                raise error_type(label, shown_url(current.url), retries + 1, reason) from exc
            delay = policy.backoff(retries)
            log.debug("%s: %s; retrying in %.3f s", label, reason, delay)
        except httpx.TransportError as exc:
            raise TransportError(
                label, shown_url(current.url), retries + 1, f"{type(exc).__name__}: {exc}"
            ) from exc
        else:
            status = outcome.status_code
            if 200 <= status < 300:
                return outcome
            if not (policy.retryable_status(status) and policy.can_retry(retries)):
                raise _error_for(outcome, label, current.url)
            delay = policy.delay_after_status(retries, status, outcome.headers)
            log.debug("%s: status %d; retrying in %.3f s", label, status, delay)
        yield Sleep(delay)
        yield from before_retry()
        retries += 1


# Upload ----------------------------------------------------------------------------------


def upload_flow(
    name: str,
    source: Source,
    *,
    project_id: str,
    upload_id: str,
    expires: datetime,
    content_type: str,
    policy: RetryPolicy,
) -> Generator[Effect, Any, UploadResult]:
    """Negotiate, send and finish one upload."""
    length = source.length
    proposed: dict[str, Any] = {"putUrl": {"contentType": content_type, "contentLength": length}}
    inline: bytes | None = None
    if length < DATA_INLINE_MAX:
        inline = source.read_all()
        if len(inline) != length:
            raise TransferError(
                f"upload of {name!r}: expected {length} bytes of data, read {len(inline)}"
            )
        proposed["dataInline"] = {
            "contentType": content_type,
            "objectData": base64.b64encode(inline).decode("ascii"),
        }
    request: dict[str, Any] = {
        "projectId": project_id,
        "uploadId": upload_id,
        "expires": expires,
        "proposedUploadMethods": proposed,
    }
    response: Any = yield CreateUpload(name, request)
    method: Any = response.upload_method
    if method.data_inline and inline is not None:
        hashes = hashes_of(inline)
        yield Progress(length, length)
        chosen = "dataInline"
    elif method.put_url is not None:
        put_url: Any = method.put_url
        renew_request = {**request, "proposedUploadMethods": {"putUrl": proposed["putUrl"]}}

        def current() -> PutData:
            headers = dict(put_url.headers)
            if not any(key.lower() == "content-length" for key in headers):
                headers["Content-Length"] = str(length)
            return PutData(put_url.url, headers, length)

        def renew() -> Generator[Effect, Any, None]:
            nonlocal put_url
            if _expired(put_url.expires, policy.now()):
                renewed: Any = yield CreateUpload(name, renew_request)
                if renewed.upload_method.put_url is None:
                    raise UploadNegotiationError(name)
                put_url = renewed.upload_method.put_url

        outcome = yield from _transfer(current, f"upload of {name!r}", policy, renew)
        assert outcome.hashes is not None
        hashes = dict(outcome.hashes)
        chosen = "putUrl"
    else:
        raise UploadNegotiationError(name)
    yield FinishUpload(name, {"projectId": project_id, "uploadId": upload_id, "hashes": hashes})
    return UploadResult(name, upload_id, length, hashes["sha256"], hashes["sha512"], chosen)


# Download --------------------------------------------------------------------------------


def _expected_hashes(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {str(k): v for k, v in raw.items() if isinstance(v, str)}  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]


def _content_type(outcome: Outcome) -> str:
    return str(outcome.headers.get("content-type", "application/octet-stream"))


def object_download_flow(name: str, policy: RetryPolicy) -> Generator[Effect, Any, Downloaded]:
    """``startDownload`` then GET the URL, renewing an expired URL before a retry; verify."""
    started: dict[str, Any] = yield StartDownload(name)
    if started.get("method") != "getUrl":
        raise TransferError(
            f"download of {name!r}: unexpected download method {started.get('method')!r}"
        )
    expected = _expected_hashes(started.get("hashes"))
    check_acceptable(name, expected)

    def current() -> GetData:
        return GetData(str(started["url"]), follow_redirects=False)

    def renew() -> Generator[Effect, Any, None]:
        nonlocal started, expected
        if _expired(started.get("expires"), policy.now()):
            started = yield StartDownload(name)
            expected = _expected_hashes(started.get("hashes"))

    outcome = yield from _transfer(current, f"download of {name!r}", policy, renew)
    assert outcome.hashes is not None
    verify_hashes(name, expected, outcome.hashes)
    return Downloaded(
        _content_type(outcome),
        outcome.size,
        outcome.hashes["sha256"],
        outcome.hashes["sha512"],
        True,
        "object",
    )


def url_download_flow(
    url: str, label: str, storage_type: str, policy: RetryPolicy
) -> Generator[Effect, Any, Downloaded]:
    """GET a plain URL (an s3 or reference artifact), following redirects, no credentials."""

    def current() -> GetData:
        return GetData(url, follow_redirects=True)

    def nothing() -> Generator[Effect, Any, None]:
        return
        yield

    outcome = yield from _transfer(current, label, policy, nothing)
    assert outcome.hashes is not None
    return Downloaded(
        _content_type(outcome),
        outcome.size,
        outcome.hashes["sha256"],
        outcome.hashes["sha512"],
        False,
        storage_type,
    )


def artifact_error(task_id: str, name: str, error: APIError) -> ArtifactError | None:
    """The `ArtifactError` for a queue reply of 424 (an error artifact), else None."""
    raw: Any = error.body
    if error.status_code == 424 and isinstance(raw, dict):
        body = cast("dict[str, Any]", raw)
        return ArtifactError(
            task_id, name, str(body.get("reason", "")), str(body.get("message", ""))
        )
    return None


def artifact_flow(
    task_id: str, run_id: int | str | None, name: str, policy: RetryPolicy
) -> Generator[Effect, Any, Downloaded]:
    """Resolve the artifact with the queue, then fetch it the way its storage type needs."""
    info: dict[str, Any] = yield GetArtifact(task_id, run_id, name)
    storage_type = info.get("storageType")
    label = f"artifact {name!r} of task {task_id}"
    if storage_type in ("s3", "reference"):
        return (yield from url_download_flow(str(info["url"]), label, storage_type, policy))
    if storage_type == "object":
        creds: dict[str, Any] = info["credentials"]
        yield UseObjectService(
            Credentials(creds["clientId"], creds["accessToken"], creds.get("certificate"))
        )
        return (yield from object_download_flow(str(info["name"]), policy))
    if storage_type == "error":
        raise ArtifactError(task_id, name, str(info.get("reason")), str(info.get("message")))
    raise UnsupportedStorageTypeError(task_id, name, str(storage_type))
