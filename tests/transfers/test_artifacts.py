"""download_artifact: every storage type, latest run or a given run, credentials handling."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from taskcluster_typed import (
    ArtifactError,
    HashVerificationError,
    ResourceNotFound,
    UnsupportedStorageTypeError,
)

from .fake_service import FakeService
from .helpers import Api

TASK = "fN1SbArXTPSVFNUvaOlinQ"
DATA = b"artifact data " * 1000
CERT = (
    '{"version":1,"scopes":["object:download:t/x"],"start":1,"expiry":2,"seed":"s","signature":"x"}'
)


def _hawk_id(header: str) -> str:
    match = re.search(r'id="([^"]*)"', header)
    assert match is not None
    return match.group(1)


def test_s3_latest_run(service: FakeService, mode: str, tmp_path: Path) -> None:
    service.store("in-s3", DATA, "text/plain")
    service.artifacts[(TASK, None, "public/build.log")] = (
        200,
        {"storageType": "s3", "url": f"{service.root_url}/files/in-s3?X-Amz-Signature=abc"},
    )
    result = Api(mode, service.root_url).download_artifact(TASK, "public/build.log", tmp_path / "f")

    assert (tmp_path / "f").read_bytes() == DATA
    assert (result.storage_type, result.verified, result.content_type) == (
        "s3",
        False,
        "text/plain",
    )
    assert result.sha256 == hashlib.sha256(DATA).hexdigest()
    (get,) = service.calls("GET", "/files/in-s3")
    assert "authorization" not in get.headers
    (queue_call,) = service.calls("GET", "/api/queue/")
    assert queue_call.headers["authorization"].startswith("Hawk ")


def test_given_run(service: FakeService, mode: str) -> None:
    service.store("run2", DATA)
    service.artifacts[(TASK, "2", "public/x")] = (
        200,
        {"storageType": "s3", "url": f"{service.root_url}/files/run2"},
    )
    result = Api(mode, service.root_url).artifact_bytes(TASK, "public/x", run_id=2)
    assert result.data == DATA
    (queue_call,) = service.calls("GET", "/api/queue/")
    assert queue_call.path == f"/api/queue/v1/task/{TASK}/runs/2/artifact-content/public/x"


def test_reference_follows_redirects_without_credentials(service: FakeService, mode: str) -> None:
    service.store("ref", DATA)
    url = f"{service.root_url}/redirect/ref?bewit=c2lnbmVk"
    service.artifacts[(TASK, None, "public/ref")] = (200, {"storageType": "reference", "url": url})
    result = Api(mode, service.root_url).artifact_bytes(TASK, "public/ref")

    assert result.data == DATA and result.storage_type == "reference"
    (redirect,) = service.calls("GET", "/redirect/ref")
    assert redirect.query == "bewit=c2lnbmVk"
    assert "authorization" not in redirect.headers  # never a bewit with an Authorization header
    (final,) = service.calls("GET", "/files/ref")
    assert "authorization" not in final.headers


def test_object_uses_the_artifact_credentials(service: FakeService, mode: str) -> None:
    service.store("t/x/obj", DATA)
    service.artifacts[(TASK, None, "public/obj")] = (
        200,
        {
            "storageType": "object",
            "name": "t/x/obj",
            "credentials": {
                "clientId": "artifact-reader",
                "accessToken": "tok",
                "certificate": CERT,
            },
        },
    )
    result = Api(mode, service.root_url).artifact_bytes(TASK, "public/obj")

    assert result.data == DATA
    assert result.verified and result.storage_type == "object"
    (start,) = service.calls("PUT", "/api/object/v1/start-download/t/x/obj")
    assert _hawk_id(start.headers["authorization"]) == "artifact-reader"
    (get,) = service.calls("GET", "/data/t/x/obj")
    assert "authorization" not in get.headers


def test_object_hashes_are_verified(service: FakeService, mode: str) -> None:
    service.store("obj", DATA)
    service.hashes["obj"] = {"sha256": hashlib.sha256(b"other").hexdigest()}
    service.artifacts[(TASK, None, "public/obj")] = (
        200,
        {
            "storageType": "object",
            "name": "obj",
            "credentials": {"clientId": "c", "accessToken": "t", "certificate": CERT},
        },
    )
    with pytest.raises(HashVerificationError):
        Api(mode, service.root_url).artifact_bytes(TASK, "public/obj")


def test_error_artifact(service: FakeService, mode: str) -> None:
    service.artifacts[(TASK, None, "public/err")] = (
        200,
        {"storageType": "error", "reason": "file-missing-on-worker", "message": "no such file"},
    )
    with pytest.raises(ArtifactError) as caught:
        Api(mode, service.root_url).artifact_bytes(TASK, "public/err")
    assert caught.value.reason == "file-missing-on-worker"
    assert caught.value.message == "no such file"


def test_error_artifact_as_424(service: FakeService, mode: str) -> None:
    service.artifacts[(TASK, None, "public/err")] = (
        424,
        {"reason": "invalid-resource-on-worker", "message": "bad"},
    )
    with pytest.raises(ArtifactError) as caught:
        Api(mode, service.root_url).artifact_bytes(TASK, "public/err")
    assert caught.value.reason == "invalid-resource-on-worker"


def test_unknown_storage_type(service: FakeService, mode: str) -> None:
    service.artifacts[(TASK, None, "public/l")] = (200, {"storageType": "link", "url": "x"})
    with pytest.raises(UnsupportedStorageTypeError, match="'link'"):
        Api(mode, service.root_url).artifact_bytes(TASK, "public/l")


def test_missing_artifact(service: FakeService, mode: str) -> None:
    with pytest.raises(ResourceNotFound):
        Api(mode, service.root_url).artifact_bytes(TASK, "public/none")


def test_s3_5xx_retried_4xx_fatal(service: FakeService, mode: str) -> None:
    service.store("s", DATA)
    service.artifacts[(TASK, None, "a")] = (
        200,
        {"storageType": "s3", "url": f"{service.root_url}/files/s"},
    )
    service.script("GET", "/files/s", 500, "drop")
    assert Api(mode, service.root_url).artifact_bytes(TASK, "a").data == DATA
    service.script("GET", "/files/s", 403)
    with pytest.raises(Exception, match="403"):
        Api(mode, service.root_url).artifact_bytes(TASK, "a")
