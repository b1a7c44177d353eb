"""Uploads to the object service: negotiation, streaming PUT, retries, finishUpload hashes."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from taskcluster_typed import (
    APIError,
    BadRequest,
    ServerError,
    TransportError,
    UploadNegotiationError,
)
from taskcluster_typed.slugids import SLUGID_PATTERN
from taskcluster_typed.transfers import TransferError

from .fake_service import FakeService
from .helpers import Api

HELLO = b"HeLlOwOrLd"
HELLO_SHA256 = hashlib.sha256(HELLO).hexdigest()
HELLO_SHA512 = hashlib.sha512(HELLO).hexdigest()
BIG = bytes(range(256)) * 400  # 102400 bytes: too large for dataInline


def test_small_object_goes_inline(service: FakeService, mode: str) -> None:
    result = Api(mode, service.root_url).upload("some/object", HELLO, content_type="text/plain")

    assert result.method == "dataInline"
    assert (result.sha256, result.sha512, result.size) == (HELLO_SHA256, HELLO_SHA512, 10)
    assert SLUGID_PATTERN.match(result.upload_id)
    assert service.content("some/object") == HELLO
    assert service.objects["some/object"].content_type == "text/plain"
    assert service.finished["some/object"] == {
        "projectId": "proj",
        "uploadId": result.upload_id,
        "hashes": {"sha256": HELLO_SHA256, "sha512": HELLO_SHA512},
    }
    assert service.calls("PUT", "/data/") == []
    proposed = service.calls("PUT", "/api/object/v1/upload/")[0]
    assert proposed.headers["authorization"].startswith("Hawk ")


def test_small_object_put_when_inline_refused(service: FakeService, mode: str) -> None:
    service.accept_inline = False
    result = Api(mode, service.root_url).upload("obj", HELLO, upload_id="eWIgwMgxSfeXQ36iPbOxiQ")

    assert result.method == "putUrl"
    assert result.upload_id == "eWIgwMgxSfeXQ36iPbOxiQ"
    assert service.content("obj") == HELLO
    assert service.finished["obj"]["hashes"] == {"sha256": HELLO_SHA256, "sha512": HELLO_SHA512}


def test_large_object_is_put_with_exactly_the_returned_headers(
    service: FakeService, mode: str
) -> None:
    result = Api(mode, service.root_url).upload("big", BIG, content_type="application/x-tar")

    assert result.method == "putUrl"
    assert service.content("big") == BIG
    (put,) = service.calls("PUT", "/data/")
    assert put.query == "signature=s3cr3t"
    assert put.headers["x-amz-signed"] == "yes"
    assert put.headers["content-type"] == "application/x-tar"
    assert put.headers["content-length"] == str(len(BIG))
    assert "authorization" not in put.headers
    assert "transfer-encoding" not in put.headers
    assert service.finished["big"]["hashes"] == {
        "sha256": hashlib.sha256(BIG).hexdigest(),
        "sha512": hashlib.sha512(BIG).hexdigest(),
    }


def _sources(tmp_path: Path) -> dict[str, tuple[Any, dict[str, Any], bytes]]:
    path = tmp_path / "data.bin"
    path.write_bytes(BIG)
    offset_file = io.BytesIO(b"skip" + BIG)
    offset_file.seek(4)
    text = "h\u00e9llo w\u00f6rld " * 1000

    def factory() -> BinaryIO:
        return io.BytesIO(BIG)

    return {
        "bytes": (BIG, {}, BIG),
        "bytearray": (bytearray(BIG), {}, BIG),
        "memoryview": (memoryview(BIG), {}, BIG),
        "str": (text, {}, text.encode()),
        "path": (path, {}, BIG),
        "file": (offset_file, {}, BIG),
        "factory": (factory, {"content_length": len(BIG)}, BIG),
    }


@pytest.mark.parametrize(
    "kind", ["bytes", "bytearray", "memoryview", "str", "path", "file", "factory"]
)
def test_data_sources(service: FakeService, mode: str, tmp_path: Path, kind: str) -> None:
    data, options, expected = _sources(tmp_path)[kind]
    result = Api(mode, service.root_url).upload("obj", data, **options)

    assert service.content("obj") == expected
    assert result.size == len(expected)
    assert result.sha256 == hashlib.sha256(expected).hexdigest()


def test_factory_needs_a_length(service: FakeService, mode: str) -> None:
    with pytest.raises(TransferError, match="content_length is required"):
        Api(mode, service.root_url).upload("obj", lambda: io.BytesIO(BIG))


def test_5xx_is_retried_reopening_the_data(service: FakeService, mode: str) -> None:
    opened: list[int] = []

    def factory() -> BinaryIO:
        opened.append(1)
        return io.BytesIO(BIG)

    service.script("PUT", "/data/obj", 500, 503)
    Api(mode, service.root_url).upload("obj", factory, content_length=len(BIG))

    assert len(service.calls("PUT", "/data/obj")) == 3
    assert len(opened) == 3
    assert service.content("obj") == BIG
    assert service.finished["obj"]["hashes"]["sha256"] == hashlib.sha256(BIG).hexdigest()


def test_connection_reset_is_retried(service: FakeService, mode: str) -> None:
    service.script("PUT", "/data/obj", "reset")
    Api(mode, service.root_url).upload("obj", BIG)

    assert len(service.calls("PUT", "/data/obj")) == 2
    assert service.content("obj") == BIG


def test_4xx_is_fatal(service: FakeService, mode: str) -> None:
    service.script("PUT", "/data/obj", 403)
    with pytest.raises(APIError) as caught:
        Api(mode, service.root_url).upload("obj", BIG)

    assert caught.value.status_code == 403
    assert "s3cr3t" not in str(caught.value)
    assert len(service.calls("PUT", "/data/obj")) == 1
    assert "obj" not in service.finished


def test_400_is_a_bad_request(service: FakeService, mode: str) -> None:
    service.script("PUT", "/data/obj", 400)
    with pytest.raises(BadRequest):
        Api(mode, service.root_url).upload("obj", BIG)


def test_exhausted_retries(service: FakeService, mode: str) -> None:
    service.script("PUT", "/data/obj", 500, 500, 500, 500)
    with pytest.raises(ServerError) as caught:
        Api(mode, service.root_url).upload("obj", BIG)

    assert caught.value.status_code == 500
    assert len(service.calls("PUT", "/data/obj")) == 4  # first try + 3 retries (FAST)
    assert "obj" not in service.finished


def test_exhausted_connection_failures(service: FakeService, mode: str) -> None:
    service.script("PUT", "/data/obj", "reset", "reset", "reset", "reset")
    with pytest.raises(TransportError) as caught:
        Api(mode, service.root_url).upload("obj", BIG)
    assert caught.value.attempts == 4


def test_no_upload_method(service: FakeService, mode: str) -> None:
    service.negotiate_none = True
    with pytest.raises(UploadNegotiationError, match="could not negotiate an upload method"):
        Api(mode, service.root_url).upload("obj", BIG)
    assert "obj" not in service.finished


def test_expired_put_url_is_renewed_before_a_retry(service: FakeService, mode: str) -> None:
    service.put_url_expires = datetime.now(timezone.utc) - timedelta(minutes=1)
    service.script("PUT", "/data/obj", 500)
    Api(mode, service.root_url).upload("obj", BIG)

    creates = service.calls("PUT", "/api/object/v1/upload/obj")
    assert len(creates) == 2
    assert service.content("obj") == BIG


def test_data_shorter_than_declared_is_an_error(service: FakeService, mode: str) -> None:
    with pytest.raises(TransferError, match="ended after"):
        Api(mode, service.root_url).upload(
            "obj", lambda: io.BytesIO(BIG), content_length=len(BIG) + 10
        )


def test_progress(service: FakeService, mode: str) -> None:
    seen: list[tuple[int, int | None]] = []
    big = BIG * 30  # 3 MiB: several chunks
    record: Callable[[int, int | None], None] = lambda done, total: seen.append((done, total))  # noqa: E731
    Api(mode, service.root_url).upload("obj", big, progress=record)

    assert seen[0] == (0, len(big))
    assert seen[-1] == (len(big), len(big))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_progress_inline(service: FakeService, mode: str) -> None:
    seen: list[tuple[int, int | None]] = []
    Api(mode, service.root_url).upload("obj", HELLO, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(10, 10)]


def test_an_early_413_during_a_large_upload_is_reported_and_not_resent(
    service: FakeService, mode: str
) -> None:
    # The data server refuses a 20 MiB body after its headers, without reading it, and
    # closes: the 413 must reach the caller, and the body must not be uploaded again.
    big = bytes(20 * 2**20)
    service.accept_inline = False
    service.script("PUT", "/data/big", "early-413")
    with pytest.raises(APIError) as info:
        Api(mode, service.root_url).upload("big", big)
    assert info.value.status_code == 413
    assert len(service.calls("PUT", "/data/")) == 1


def test_a_steady_slow_upload_is_not_cut_off_by_the_timeout(
    service: FakeService, mode: str
) -> None:
    # 16 MiB read at 8 MiB/s takes 2 s: `timeout` bounds each read and write of a transfer
    # (a stalled one fails), not the whole body. (What the socket buffers hold when the last
    # byte is written, at most a few MiB on loopback, is read within the timeout.)
    data = bytes(16 * 2**20)
    service.accept_inline = False
    service.put_rate = 8 * 2**20
    result = Api(mode, service.root_url, timeout=1.0).upload("slow", data)
    assert result.size == len(data) and service.content("slow") == data
    assert len(service.calls("PUT", "/data/")) == 1
