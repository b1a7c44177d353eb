"""Uploads to and downloads from the object service, and artifact downloads.

Natively sync (`upload`, `download`, `download_artifact`) and async (`async_upload`,
`async_download`, `async_download_artifact`): both run the same sans-IO flows
(`flows.py`) through a blocking or an async driver (`drivers.py`); no event loop is started
by the sync functions, so they work from any thread, including one called from async code.
See docs/transfers.md.
"""

from __future__ import annotations

from .api import async_download as async_download
from .api import async_download_artifact as async_download_artifact
from .api import async_upload as async_upload
from .api import download as download
from .api import download_artifact as download_artifact
from .api import upload as upload
from .drivers import ProgressCallback as ProgressCallback
from .errors import ArtifactError as ArtifactError
from .errors import HashVerificationError as HashVerificationError
from .errors import TransferError as TransferError
from .errors import UnsupportedStorageTypeError as UnsupportedStorageTypeError
from .errors import UploadNegotiationError as UploadNegotiationError
from .flows import Downloaded as Downloaded
from .flows import DownloadedBytes as DownloadedBytes
from .flows import UploadResult as UploadResult
from .streams import DownloadTarget as DownloadTarget
from .streams import UploadData as UploadData

__all__ = [
    "ArtifactError",
    "DownloadTarget",
    "Downloaded",
    "DownloadedBytes",
    "HashVerificationError",
    "ProgressCallback",
    "TransferError",
    "UnsupportedStorageTypeError",
    "UploadData",
    "UploadNegotiationError",
    "UploadResult",
    "async_download",
    "async_download_artifact",
    "async_upload",
    "download",
    "download_artifact",
    "upload",
]
