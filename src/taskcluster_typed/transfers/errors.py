"""Errors of uploads and downloads (all `TaskclusterError`).

::

    TaskclusterError
    └── TransferError                  an upload or download could not be done
        ├── UploadNegotiationError     the object service accepted none of the upload methods
        ├── HashVerificationError      downloaded bytes do not match the object's hashes
        ├── UnsupportedStorageTypeError  an artifact stored in a way this package cannot fetch
        └── ArtifactError              the artifact is an "error" artifact (reason, message)

HTTP errors of the data transfer itself are the usual `APIError` classes (a 4xx is fatal, a
5xx is retried and raised when retries run out); no reply at all is a `TransportError`. URLs
in messages have their query string removed, since it often holds a signature.
"""

from __future__ import annotations

from .._core.errors import TaskclusterError


class TransferError(TaskclusterError):
    """An upload or download could not be done."""


class UploadNegotiationError(TransferError):
    """``createUpload`` selected no upload method (its ``uploadMethod`` was ``{}``)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"upload of {name!r}: could not negotiate an upload method")


class HashVerificationError(TransferError):
    """The downloaded data do not match the object's hashes (not retried).

    `expected` and `computed` map algorithm names to hex digests.
    """

    def __init__(
        self, name: str, detail: str, expected: dict[str, str], computed: dict[str, str]
    ) -> None:
        self.name = name
        self.detail = detail
        self.expected = expected
        self.computed = computed
        super().__init__(f"download of {name!r}: {detail}")


class UnsupportedStorageTypeError(TransferError):
    """The artifact's storage type is not one of s3, reference, object and error."""

    def __init__(self, task_id: str, name: str, storage_type: str) -> None:
        self.task_id = task_id
        self.name = name
        self.storage_type = storage_type
        super().__init__(
            f"artifact {name!r} of task {task_id}: unsupported artifact storageType "
            f"{storage_type!r}"
        )


class ArtifactError(TransferError):
    """The artifact is an error artifact: the task recorded `reason` and `message` instead."""

    def __init__(self, task_id: str, name: str, reason: str, message: str) -> None:
        self.task_id = task_id
        self.name = name
        self.reason = reason
        self.message = message
        super().__init__(f"artifact {name!r} of task {task_id} is an error ({reason}): {message}")
