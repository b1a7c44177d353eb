"""Conformance cases of the object service."""

from __future__ import annotations

import base64
import hashlib

from taskcluster_typed import from_now, slugid
from taskcluster_typed.models.object import CreateUploadRequestDict, FinishUploadRequestDict

from ..world import World
from .table import Invoke, call, case

# object -------------------------------------------------------------------------------------


def _object_name(w: World) -> str:
    return f"typed/{w.run}/{w.unique('object')}"


def _inline_upload(w: World, name: str, upload_id: str) -> CreateUploadRequestDict:
    return {
        "projectId": "typed",
        "uploadId": upload_id,
        "expires": from_now("1 day"),
        "proposedUploadMethods": {
            "dataInline": {
                "contentType": "text/plain",
                "objectData": base64.b64encode(b"hi").decode(),
            }
        },
    }


_HASHES = {
    "sha256": hashlib.sha256(b"hi").hexdigest(),
    "sha512": hashlib.sha512(b"hi").hexdigest(),
}


def _uploaded(w: World) -> str:
    name = _object_name(w)
    upload_id = slugid()
    w.object.create_upload(name, _inline_upload(w, name, upload_id))
    finish: FinishUploadRequestDict = {
        "projectId": "typed",
        "uploadId": upload_id,
        "hashes": {"sha256": _HASHES["sha256"], "sha512": _HASHES["sha512"]},
    }
    w.object.finish_upload(name, finish)
    return name


@case("object.create_upload")
def _create_upload(w: World) -> Invoke:
    name = _object_name(w)
    upload_id = slugid()
    return call(
        name,
        _inline_upload(w, name, upload_id),
        check=lambda r: r.upload_id == upload_id and r.upload_method.data_inline is True,
    )


@case("object.finish_upload")
def _finish_upload(w: World) -> Invoke:
    name = _object_name(w)
    upload_id = slugid()
    w.object.create_upload(name, _inline_upload(w, name, upload_id))
    return call(
        name,
        {"projectId": "typed", "uploadId": upload_id},
        check=lambda r: r is None and w.object.object(name).project_id == "typed",
    )


@case("object.start_download")
def _start_download(w: World) -> Invoke:
    name = _uploaded(w)
    return call(
        name,
        {"acceptDownloadMethods": {"simple": True}},
        check=lambda r: r.method == "simple" and r.url.startswith("http"),
    )


@case("object.object")
def _object(w: World) -> Invoke:
    name = _uploaded(w)
    return call(
        name, check=lambda r: r.project_id == "typed" and r.hashes.sha256 == _HASHES["sha256"]
    )


@case("object.download")
def _download(w: World) -> Invoke:
    # A 303 redirect to the simple download URL, returned as it came (not followed).
    name = _uploaded(w)
    return call(name, check=lambda r: r.status_code == 303 and r.headers["location"])
