"""Downloads from the object service: streamed GET, hash checks, retries, no partial files."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from taskcluster_typed import (
    DownloadedBytes,
    HashVerificationError,
    ResourceNotFound,
    ServerError,
    TransportError,
)

from .fake_service import FakeService
from .helpers import Api

HELLO = b"HeLlOwOrLd"
BIG = bytes(range(256)) * 8192  # 2 MiB


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_hello_world_as_bytes(service: FakeService, mode: str) -> None:
    service.store("obj", HELLO, "text/plain")
    result = Api(mode, service.root_url).download_bytes("obj")

    assert isinstance(result, DownloadedBytes)
    assert result.data == HELLO
    assert result.content_type == "text/plain"
    assert result.verified and result.storage_type == "object"
    assert result.sha256 == hashlib.sha256(HELLO).hexdigest()
    (start,) = service.calls("PUT", "/api/object/v1/start-download/obj")
    assert start.headers["authorization"].startswith("Hawk ")
    (get,) = service.calls("GET", "/data/obj")
    assert "authorization" not in get.headers
    assert get.query == "signature=s3cr3t"


def test_to_a_path(service: FakeService, mode: str, tmp_path: Path) -> None:
    service.store("obj", BIG)
    target = tmp_path / "out" / "file.bin"
    target.parent.mkdir()
    result = Api(mode, service.root_url).download("obj", target)

    assert target.read_bytes() == BIG
    assert result.size == len(BIG)
    assert _leftovers(target.parent) == ["file.bin"]


def test_to_a_str_path(service: FakeService, mode: str, tmp_path: Path) -> None:
    service.store("obj", HELLO)
    Api(mode, service.root_url).download("obj", str(tmp_path / "x"))
    assert (tmp_path / "x").read_bytes() == HELLO


def test_to_a_file(service: FakeService, mode: str) -> None:
    service.store("obj", BIG)
    sink = io.BytesIO(b"head")
    sink.seek(4)
    service.script("GET", "/data/obj", "drop")
    Api(mode, service.root_url).download("obj", sink)
    assert sink.getvalue() == b"head" + BIG


def test_5xx_then_success(service: FakeService, mode: str, tmp_path: Path) -> None:
    service.store("obj", BIG)
    service.script("GET", "/data/obj", 500, 502)
    Api(mode, service.root_url).download("obj", tmp_path / "f")

    assert (tmp_path / "f").read_bytes() == BIG
    assert len(service.calls("GET", "/data/obj")) == 3


def test_dropped_connection_mid_body_is_retried(
    service: FakeService, mode: str, tmp_path: Path
) -> None:
    service.store("obj", BIG)
    service.script("GET", "/data/obj", "drop", "reset")
    Api(mode, service.root_url).download("obj", tmp_path / "f")

    assert (tmp_path / "f").read_bytes() == BIG
    assert _leftovers(tmp_path) == ["f", "server"]


def test_4xx_is_fatal_and_leaves_nothing(service: FakeService, mode: str, tmp_path: Path) -> None:
    service.store("obj", BIG)
    service.script("GET", "/data/obj", 404)
    with pytest.raises(ResourceNotFound) as caught:
        Api(mode, service.root_url).download("obj", tmp_path / "f")

    assert "s3cr3t" not in str(caught.value)
    assert len(service.calls("GET", "/data/obj")) == 1
    assert _leftovers(tmp_path) == ["server"]


def test_missing_object(service: FakeService, mode: str) -> None:
    with pytest.raises(ResourceNotFound):
        Api(mode, service.root_url).download_bytes("nope")
    assert service.calls("GET", "/data/") == []


def test_exhausted_retries_leave_no_file(service: FakeService, mode: str, tmp_path: Path) -> None:
    service.store("obj", BIG)
    service.script("GET", "/data/obj", "drop", 500, 500, 500)
    with pytest.raises(ServerError):
        Api(mode, service.root_url).download("obj", tmp_path / "f")

    assert len(service.calls("GET", "/data/obj")) == 4
    assert _leftovers(tmp_path) == ["server"]


def test_exhausted_connection_failures(service: FakeService, mode: str) -> None:
    service.store("obj", BIG)
    service.script("GET", "/data/obj", "drop", "drop", "reset", "drop")
    with pytest.raises(TransportError):
        Api(mode, service.root_url).download_bytes("obj")


def test_md5_only_is_refused_before_downloading(service: FakeService, mode: str) -> None:
    service.store("obj", HELLO)
    service.hashes["obj"] = {"md5": hashlib.md5(HELLO).hexdigest()}
    with pytest.raises(HashVerificationError, match="no sha256 or sha512"):
        Api(mode, service.root_url).download_bytes("obj")
    assert service.calls("GET", "/data/") == []


def test_one_bad_hash_is_refused_and_not_retried(
    service: FakeService, mode: str, tmp_path: Path
) -> None:
    service.store("obj", HELLO)
    service.hashes["obj"] = {
        "sha256": hashlib.sha256(HELLO).hexdigest(),
        "sha512": hashlib.sha512(b"something else").hexdigest(),
    }
    with pytest.raises(HashVerificationError, match="sha512 mismatch") as caught:
        Api(mode, service.root_url).download("obj", tmp_path / "f")

    assert caught.value.computed["sha512"] == hashlib.sha512(HELLO).hexdigest()
    assert len(service.calls("GET", "/data/obj")) == 1
    assert _leftovers(tmp_path) == ["server"]


@pytest.mark.parametrize("algorithm", ["sha256", "sha512"])
def test_one_good_hash_is_enough(service: FakeService, mode: str, algorithm: str) -> None:
    service.store("obj", HELLO)
    service.hashes["obj"] = {
        algorithm: hashlib.new(algorithm, HELLO).hexdigest(),
        "md5": "not compared: we do not compute md5",
    }
    assert Api(mode, service.root_url).download_bytes("obj").data == HELLO


def test_expired_url_is_renewed_before_a_retry(service: FakeService, mode: str) -> None:
    service.store("obj", HELLO)
    service.download_expires = datetime.now(timezone.utc) - timedelta(seconds=1)
    service.script("GET", "/data/obj", 500)
    assert Api(mode, service.root_url).download_bytes("obj").data == HELLO
    assert len(service.calls("PUT", "/api/object/v1/start-download/obj")) == 2


def test_unexpired_url_is_reused(service: FakeService, mode: str) -> None:
    service.store("obj", HELLO)
    service.script("GET", "/data/obj", 500)
    Api(mode, service.root_url).download_bytes("obj")
    assert len(service.calls("PUT", "/api/object/v1/start-download/obj")) == 1


def test_gzip_encoding_is_decoded_before_hashing(service: FakeService, mode: str) -> None:
    service.store("obj", BIG)
    service.gzipped.add("obj")
    seen: list[tuple[int, int | None]] = []
    result = Api(mode, service.root_url).download_bytes(
        "obj", progress=lambda d, t: seen.append((d, t))
    )
    assert result.data == BIG and result.verified
    assert seen[-1] == (len(BIG), None)  # the decoded size is not known in advance


def test_progress(service: FakeService, mode: str) -> None:
    service.store("obj", BIG)
    seen: list[tuple[int, int | None]] = []
    Api(mode, service.root_url).download_bytes("obj", progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, len(BIG))
    assert seen[-1] == (len(BIG), len(BIG))


def test_round_trip(service: FakeService, mode: str, tmp_path: Path) -> None:
    api = Api(mode, service.root_url)
    uploaded = api.upload("round/trip", BIG)
    downloaded = api.download("round/trip", tmp_path / "f")
    assert (downloaded.sha256, downloaded.sha512) == (uploaded.sha256, uploaded.sha512)
    assert (tmp_path / "f").read_bytes() == BIG
