"""The pure parts: hash checks, sources, error pickling and messages."""

from __future__ import annotations

import hashlib
import io
import pickle

import pytest

from taskcluster_typed import ArtifactError, HashVerificationError, UploadNegotiationError
from taskcluster_typed.transfers import TransferError, UnsupportedStorageTypeError
from taskcluster_typed.transfers.flows import shown_url
from taskcluster_typed.transfers.hashing import hashes_of, verify_hashes
from taskcluster_typed.transfers.streams import open_source

HELLO = b"HeLlOwOrLd"
GOOD = hashes_of(HELLO)


def test_hashes_of_hello_world() -> None:
    assert {
        "sha256": hashlib.sha256(HELLO).hexdigest(),
        "sha512": hashlib.sha512(HELLO).hexdigest(),
    } == GOOD


@pytest.mark.parametrize(
    "expected",
    [
        GOOD,
        {"sha256": GOOD["sha256"]},
        {"sha512": GOOD["sha512"]},
        {"sha512": GOOD["sha512"].upper()},
        {"sha256": GOOD["sha256"], "md5": "ignored", "sha1": "ignored"},
    ],
)
def test_accepted_hashes(expected: dict[str, str]) -> None:
    verify_hashes("o", expected, GOOD)


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        ({}, "no sha256 or sha512"),
        ({"md5": hashlib.md5(HELLO).hexdigest()}, "no sha256 or sha512"),
        ({"sha256": GOOD["sha256"], "sha512": "0" * 128}, "sha512 mismatch"),
        ({"sha256": "0" * 64, "sha512": GOOD["sha512"]}, "sha256 mismatch"),
    ],
)
def test_refused_hashes(expected: dict[str, str], message: str) -> None:
    with pytest.raises(HashVerificationError, match=message):
        verify_hashes("o", expected, GOOD)


def test_errors_pickle() -> None:
    errors: list[TransferError] = [
        HashVerificationError("o", "sha256 mismatch", {"sha256": "a"}, {"sha256": "b"}),
        UploadNegotiationError("o"),
        ArtifactError("t", "public/x", "file-missing-on-worker", "gone"),
        UnsupportedStorageTypeError("t", "public/x", "link"),
    ]
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert str(copy) == str(error)
        assert copy.__dict__ == error.__dict__


def test_shown_url_drops_the_signature() -> None:
    assert shown_url("https://s3/x?X-Amz-Signature=secret") == "https://s3/x"


def test_non_seekable_file_is_refused() -> None:
    class Pipe(io.RawIOBase):
        def seekable(self) -> bool:
            return False

    with pytest.raises(TransferError, match="cannot be rewound"):
        open_source(Pipe(), None)  # type: ignore[arg-type]


def test_declared_length_must_match_bytes() -> None:
    with pytest.raises(TransferError, match="content_length is 3"):
        open_source(b"four", 3)
