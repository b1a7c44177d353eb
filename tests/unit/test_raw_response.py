"""``with_raw_response``: status, headers and the decoded model together, sync and async."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from taskcluster_typed import AsyncQueue, Github, Queue, RawResponse
from taskcluster_typed._core import errors
from taskcluster_typed.models.queue import GetArtifactResponse, TaskStatusResponse

pytestmark = pytest.mark.usefixtures("httpx_transport")

ROOT = "https://tc.example.com"
ARTIFACT = f"{ROOT}/api/queue/v1/task/abc/runs/0/artifacts/public%2Fbuild.tar"
S3_URL = "https://bucket.example.com/build.tar"
STATUS = {
    "status": {
        "taskId": "fN1SbArXTPSVFNUvaOlinQ",
        "provisionerId": "p",
        "workerType": "w",
        "taskQueueId": "p/w",
        "schedulerId": "s",
        "projectId": "none",
        "taskGroupId": "fN1SbArXTPSVFNUvaOlinQ",
        "deadline": "2026-01-01T00:00:00.000Z",
        "expires": "2026-01-01T00:00:00.000Z",
        "retriesLeft": 5,
        "state": "pending",
        "runs": [],
    }
}


def artifact_reply() -> httpx.Response:
    return httpx.Response(
        303,
        json={"storageType": "s3", "url": S3_URL},
        headers={"location": S3_URL, "x-taskcluster-artifact-storage-type": "s3"},
    )


def test_get_artifact_headers_are_reachable() -> None:
    with respx.mock() as mock:
        route = mock.get(ARTIFACT).mock(return_value=artifact_reply())
        with Queue(ROOT) as queue:
            raw = queue.with_raw_response.get_artifact("abc", 0, "public/build.tar")
    assert route.call_count == 1
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 303
    assert raw.headers["x-taskcluster-artifact-storage-type"] == "s3"
    assert raw.headers["location"] == S3_URL
    parsed = raw.parse()
    assert isinstance(parsed, GetArtifactResponse)
    assert raw.parse() is parsed  # decoded once


def test_the_plain_method_is_unchanged_and_shares_the_pool() -> None:
    with respx.mock() as mock:
        mock.get(f"{ROOT}/api/queue/v1/task/abc/status").respond(json=STATUS)
        with Queue(ROOT) as queue:
            raw = queue.with_raw_response.status("abc")
            plain = queue.status("abc")
            assert queue.with_raw_response is not queue.with_raw_response
            assert queue._http is queue._with_raw_replies()._http
    assert isinstance(plain, TaskStatusResponse)
    assert raw.parse() == plain
    assert raw.content.startswith(b"{")
    assert "status_code=200" in repr(raw)


def test_errors_raise_as_for_the_plain_method() -> None:
    with respx.mock() as mock:
        mock.get(f"{ROOT}/api/queue/v1/task/abc/status").respond(
            404, json={"code": "ResourceNotFound", "message": "no"}
        )
        with Queue(ROOT, max_retries=0) as queue, pytest.raises(errors.ResourceNotFound):
            queue.with_raw_response.status("abc")


def test_a_bad_reply_raises_when_parsed_not_before() -> None:
    with respx.mock() as mock:
        mock.get(f"{ROOT}/api/queue/v1/task/abc/status").respond(json={"status": 1})
        with Queue(ROOT) as queue:
            raw = queue.with_raw_response.status("abc")
    assert raw.status_code == 200
    with pytest.raises(errors.ResponseValidationError):
        raw.parse()


def test_non_json_methods_give_their_reply() -> None:
    with respx.mock() as mock:
        mock.get(f"{ROOT}/api/github/v1/repository/o/r/b/badge.svg").respond(
            200, content=b"<svg/>", headers={"content-type": "image/svg+xml"}
        )
        with Github(ROOT) as github:
            raw = github.with_raw_response.badge("o", "r", "b")
    assert raw.headers["content-type"] == "image/svg+xml"
    assert raw.parse().content == b"<svg/>"


def test_async_raw_replies() -> None:
    async def main() -> RawResponse[GetArtifactResponse]:
        async with AsyncQueue(ROOT) as queue:
            return await queue.with_raw_response.get_artifact("abc", 0, "public/build.tar")

    with respx.mock() as mock:
        mock.get(ARTIFACT).mock(return_value=artifact_reply())
        raw = asyncio.run(main())
    assert raw.status_code == 303
    assert raw.headers["x-taskcluster-artifact-storage-type"] == "s3"
    assert isinstance(raw.parse(), GetArtifactResponse)


def test_every_method_has_a_raw_twin() -> None:
    for cls in (Queue, AsyncQueue):
        client = cls(ROOT)
        raw = client.with_raw_response
        methods = [
            n
            for n in dir(cls)
            if not n.startswith(("_", "iter_"))
            and callable(getattr(cls, n))
            and n not in ("close", "aclose", "request", "with_options", "from_env")
        ]
        assert len(methods) > 40
        for name in methods:
            assert callable(getattr(raw, name)), f"{cls.__name__}.with_raw_response.{name}"
