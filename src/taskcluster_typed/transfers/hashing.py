"""Hashing the bytes of a transfer, and checking a download against the object's hashes."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from .errors import HashVerificationError

# Algorithms computed for every transfer; at least one must be among an object's hashes.
ALGORITHMS = ("sha256", "sha512")


class ContentHasher:
    """sha256 and sha512 of a byte stream, fed chunk by chunk."""

    __slots__ = ("_sha256", "_sha512", "size")

    def __init__(self) -> None:
        self._sha256 = hashlib.sha256()
        self._sha512 = hashlib.sha512()
        self.size = 0

    def update(self, chunk: bytes) -> None:
        self._sha256.update(chunk)
        self._sha512.update(chunk)
        self.size += len(chunk)

    def hexdigests(self) -> dict[str, str]:
        return {"sha256": self._sha256.hexdigest(), "sha512": self._sha512.hexdigest()}


def hashes_of(data: bytes) -> dict[str, str]:
    hasher = ContentHasher()
    hasher.update(data)
    return hasher.hexdigests()


def check_acceptable(name: str, expected: Mapping[str, str]) -> None:
    """Refuse an object that has neither a sha256 nor a sha512 hash (md5 alone is not enough)."""
    if not any(algorithm in expected for algorithm in ALGORITHMS):
        raise HashVerificationError(
            name,
            "the object has no sha256 or sha512 hash "
            f"(it has: {', '.join(sorted(expected)) or 'none'}); refusing it",
            dict(expected),
            {},
        )


def verify_hashes(name: str, expected: Mapping[str, str], computed: Mapping[str, str]) -> None:
    """Every algorithm in both must agree, and at least one of sha256/sha512 must be compared."""
    check_acceptable(name, expected)
    for algorithm in ALGORITHMS:
        want = expected.get(algorithm)
        if want is not None and want.lower() != computed[algorithm]:
            raise HashVerificationError(
                name,
                f"{algorithm} mismatch: expected {want}, got {computed[algorithm]}",
                dict(expected),
                dict(computed),
            )
