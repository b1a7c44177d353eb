"""Artifacts, differentially: s3 (bytes up and down), reference, link and error artifacts, the
allowed and refused changes, expiry rules, downloads, and listings over several pages.
(``object`` artifacts need the object service, which `LocalTaskcluster` does not imitate: a
known limit in docs/testing.md, its answer pinned in tests/testing/test_server_queue_rules.py.)"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest

from taskcluster_typed import Queue, from_now, sign_url, slugid
from taskcluster_typed.models.queue import RedirectArtifactRequestDict

from .conftest import RealTaskcluster
from .differential import Backend, compare, local_backend, ok, queue_id, shape, task_definition


@pytest.fixture
def backends(real: RealTaskcluster) -> Iterator[tuple[Backend, Backend]]:
    with local_backend() as local:
        yield Backend("real", real.root_url, real.credentials), local


def _download(url: str) -> tuple[int, bytes]:
    reply = httpx.get(url, follow_redirects=True, timeout=30)
    return reply.status_code, reply.content


def artifacts(b: Backend) -> None:
    queue = b.client(Queue)
    qid = queue_id(b)
    task_id = b.alias(slugid(), "<task>")
    queue.create_task(task_id, task_definition(qid, expires=from_now("2 hours")))
    queue.claim_work(qid, {"workerGroup": "g", "workerId": "w", "tasks": 1})
    expires = from_now("1 hour")

    def create(name: str, request: Mapping[str, Any]) -> Any:
        given: dict[str, Any] = {"expires": expires, **request}
        return queue.create_artifact(task_id, 0, name, given)  # type: ignore[arg-type]

    s3 = b.call(
        "s3",
        lambda: create("public/a.txt", {"storageType": "s3", "contentType": "text/plain"}),
        lambda r: (r.storage_type, r.content_type),
    )
    if s3 is not None:
        put = httpx.put(
            getattr(s3, "put_url", ""), content=b"hello", headers={"content-type": "text/plain"}
        )
        b.note("s3 upload", put.status_code)
    ref: RedirectArtifactRequestDict = {
        "storageType": "reference",
        "url": "https://example.com/a",
        "contentType": "text/plain",
        "expires": expires,
    }
    b.call("reference", lambda: create("public/ref", ref), lambda r: r.storage_type)
    b.call(
        "link",
        lambda: create(
            "public/link",
            {"storageType": "link", "artifact": "public/ref", "contentType": "text/plain"},
        ),
        lambda r: r.storage_type,
    )
    err = {
        "storageType": "error",
        "reason": "file-missing-on-worker",
        "message": "gone",
    }
    b.call("error", lambda: create("public/err", err), lambda r: r.storage_type)
    for n in range(3):
        create(f"public/more/{n}", {**ref, "url": f"https://example.com/{n}"})
    b.call(
        "reference again with another url (allowed)",
        lambda: create("public/ref", {**ref, "url": "https://example.com/b"}),
        lambda r: r.storage_type,
    )
    b.call(
        "reference replaced by a link (allowed)",
        lambda: create(
            "public/more/0",
            {"storageType": "link", "artifact": "public/ref", "contentType": "text/plain"},
        ),
        lambda r: r.storage_type,
    )
    b.call(
        "s3 again with another content type",
        lambda: create("public/a.txt", {"storageType": "s3", "contentType": "text/html"}),
        ok,
    )
    b.call("error replaced by a reference", lambda: create("public/err", ref), ok)
    b.call(
        "expires sooner than before",
        lambda: create(
            "public/ref", {**ref, "url": "https://example.com/b", "expires": from_now("30 minutes")}
        ),
        ok,
    )
    b.call(
        "outliving the task",
        lambda: create("public/late", {**ref, "expires": from_now("3 hours")}),
        ok,
    )
    b.call(
        "expired already", lambda: create("public/old", {**ref, "expires": from_now("-1 hour")}), ok
    )
    b.call("on a missing run", lambda: queue.create_artifact(task_id, 5, "public/x", ref), ok)
    b.call("on a missing task", lambda: queue.create_artifact(slugid(), 0, "public/x", ref), ok)
    content = b.call(
        "content of s3",
        lambda: queue.artifact(task_id, 0, "public/a.txt"),
        lambda r: r.storage_type,
    )
    if content is not None:
        b.note("s3 download", _download(getattr(content, "url", "")))
    b.call(
        "content of the link",
        lambda: queue.artifact(task_id, 0, "public/link"),
        lambda r: (r.storage_type, getattr(r, "url", None)),
    )
    b.call(
        "content of the error",
        lambda: queue.latest_artifact(task_id, "public/err"),
        lambda r: (r.storage_type, getattr(r, "reason", None)),
    )
    b.call(
        "getArtifact of the reference",
        lambda: queue.get_artifact(task_id, 0, "public/ref"),
        lambda r: (r.storage_type, getattr(r, "url", None)),
    )
    b.call("getArtifact of the error", lambda: queue.get_artifact(task_id, 0, "public/err"), ok)
    raw = httpx.get(queue.signed_urls.get_artifact(task_id, 0, "public/err"))
    b.note(
        "getArtifact of the error, raw",
        (raw.status_code, raw.json(), raw.headers.get("x-taskcluster-artifact-storage-type")),
    )
    raw_slashes = f"{b.root_url}/api/queue/v1/task/{task_id}/runs/0/artifacts/public/ref"
    raw = httpx.get(sign_url(raw_slashes, b.credentials))
    b.note("an artifact name with raw slashes", (raw.status_code, raw.headers.get("location")))
    b.call("missing artifact", lambda: queue.artifact(task_id, 0, "public/none"), ok)
    b.call(
        "info of the link",
        lambda: queue.artifact_info(task_id, 0, "public/link"),
        shape,
    )
    b.call(
        "latest info",
        lambda: queue.latest_artifact_info(task_id, "public/a.txt"),
        lambda r: (r.storage_type, r.content_type),
    )
    pages: list[list[str]] = []
    token: str | None = None
    for _ in range(10):
        listed = queue.list_artifacts(task_id, 0, limit=2, continuation_token=token)
        pages.append([a.name for a in listed.artifacts])
        token = listed.continuation_token
        if token is None:
            break
    b.note("listed in pages of 2", sorted(n for p in pages for n in p))
    b.note("pages", len(pages))
    b.call("list a run that does not exist", lambda: queue.list_artifacts(task_id, 3), ok)
    b.call("list latest", lambda: queue.list_latest_artifacts(task_id), shape)
    limited = b.client(Queue, credentials=b.new_client(["queue:get-artifact:public/ref"]))
    b.call(
        "the link needs the scope of its target too",
        lambda: limited.artifact(task_id, 0, "public/link"),
        ok,
    )
    b.call(
        "with the scope",
        lambda: limited.artifact(task_id, 0, "public/ref"),
        lambda r: r.storage_type,
    )
    queue.report_completed(task_id, 0)
    b.call("after completion", lambda: create("public/after", ref), ok)
    other = slugid()
    queue.create_task(other, task_definition(qid, retries=0))
    queue.claim_work(qid, {"workerGroup": "g", "workerId": "w", "tasks": 1})
    queue.report_exception(other, 0, {"reason": "malformed-payload"})
    b.call(
        "after an exception (allowed for 25 minutes)",
        lambda: queue.create_artifact(other, 0, "public/log", ref),
        lambda r: r.storage_type,
    )
    unclaimed = slugid()
    queue.create_task(unclaimed, task_definition(qid, deadline=from_now("1 hour")))
    queue.cancel_task(unclaimed)
    b.call(
        "on a run never claimed", lambda: queue.create_artifact(unclaimed, 0, "public/x", ref), ok
    )


def test_artifacts(backends: tuple[Backend, Backend]) -> None:
    compare(artifacts, *backends)
