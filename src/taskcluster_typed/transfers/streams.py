"""Where upload data come from (`Source`) and where downloads go (`Sink`).

A source can be opened again for every attempt, so a retried PUT sends the data from the
start. A sink can be restarted for every attempt; a sink writing to a path writes to a
temporary file next to it and renames it into place only once the data are verified, so a
failed download never leaves a file that looks complete.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Callable
from typing import BinaryIO, Protocol

from .errors import TransferError

# Bytes read from a source or handed to a sink at a time.
CHUNK_SIZE = 1024 * 1024

UploadData = (
    bytes | bytearray | memoryview | str | os.PathLike[str] | BinaryIO | Callable[[], BinaryIO]
)
"""What `upload` accepts: bytes-like data; a `str` (uploaded as UTF-8 text, it is *not* a
path); an `os.PathLike` path (``pathlib.Path``); a seekable binary file (read from its
current position, rewound for each attempt); or a function returning a new binary stream
for each attempt (``content_length`` is then required)."""

DownloadTarget = str | os.PathLike[str] | BinaryIO
"""Where `download` writes: a path (a `str` is a path here), or a binary file."""


class Reader(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...

    def close(self) -> None: ...


class _MemoryReader:
    __slots__ = ("_pos", "_view")

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._pos = 0

    def read(self, size: int = -1, /) -> bytes:
        end = len(self._view) if size < 0 else self._pos + size
        chunk = bytes(self._view[self._pos : end])
        self._pos += len(chunk)
        return chunk

    def close(self) -> None:
        pass


class _BorrowedReader:
    """A caller's file: rewound for each attempt, never closed by us."""

    __slots__ = ("_file",)

    def __init__(self, file: BinaryIO, start: int) -> None:
        file.seek(start)
        self._file = file

    def read(self, size: int = -1, /) -> bytes:
        return self._file.read(size)

    def close(self) -> None:
        pass


class Source:
    """Upload data of a known length that can be read from the start again."""

    __slots__ = ("_open", "blocking", "length")

    def __init__(self, length: int, open_: Callable[[], Reader], *, blocking: bool) -> None:
        if length < 0:
            raise ValueError("content_length must be >= 0")
        self.length = length
        self.blocking = blocking  # reading may block (a file): async code reads in a thread
        self._open = open_

    def open(self) -> Reader:
        return self._open()

    def read_all(self) -> bytes:
        reader = self.open()
        try:
            return reader.read(self.length + 1)
        finally:
            reader.close()


def open_source(data: UploadData, content_length: int | None) -> Source:
    """The `Source` for what the caller passed to `upload`."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        view = memoryview(data).cast("B")
        if content_length is not None and content_length != len(view):
            raise TransferError(
                f"content_length is {content_length} but the data are {len(view)} bytes"
            )
        return Source(len(view), lambda: _MemoryReader(view), blocking=False)
    if isinstance(data, os.PathLike):
        path: str = os.fspath(data)  # pyright: ignore[reportUnknownArgumentType]
        length = os.stat(path).st_size if content_length is None else content_length
        return Source(length, lambda: open(path, "rb"), blocking=True)
    if not callable(data):
        file = data
        if not file.seekable():
            raise TransferError(
                "upload data is a file that cannot be rewound for a retry; pass a function "
                "that opens the stream instead (with content_length)"
            )
        start = file.tell()
        if content_length is None:
            content_length = file.seek(0, io.SEEK_END) - start
            file.seek(start)
        return Source(content_length, lambda: _BorrowedReader(file, start), blocking=True)
    if content_length is None:
        raise TransferError("content_length is required when the data is a stream factory")
    return Source(content_length, data, blocking=True)


class Sink:
    """Where downloaded bytes go; `begin` starts (or restarts) an attempt."""

    blocking = True

    def begin(self) -> None:
        raise NotImplementedError

    def write(self, chunk: bytes) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        """The data are complete and verified."""

    def abort(self) -> None:
        """The download failed: drop what was written, where we can."""


class BytesSink(Sink):
    blocking = False

    def __init__(self) -> None:
        self._buffer = io.BytesIO()

    def begin(self) -> None:
        self._buffer = io.BytesIO()

    def write(self, chunk: bytes) -> None:
        self._buffer.write(chunk)

    def value(self) -> bytes:
        return self._buffer.getvalue()


class PathSink(Sink):
    """Writes to a hidden temporary file beside `path`, renamed into place on `commit`."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._file: BinaryIO | None = None
        self._temp: str | None = None

    def begin(self) -> None:
        if self._file is None:
            directory, base = os.path.split(os.path.abspath(self.path))
            fd, self._temp = tempfile.mkstemp(prefix=f".{base}.", suffix=".part", dir=directory)
            self._file = os.fdopen(fd, "wb")
        else:
            self._file.seek(0)
            self._file.truncate()

    def write(self, chunk: bytes) -> None:
        assert self._file is not None
        self._file.write(chunk)

    def commit(self) -> None:
        if self._file is None:
            self.begin()
        assert self._file is not None and self._temp is not None
        self._file.close()
        os.replace(self._temp, self.path)
        self._file = self._temp = None

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
        if self._temp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._temp)
        self._file = self._temp = None


class FileSink(Sink):
    """A caller's binary file: rewound and truncated for a retry when it is seekable."""

    def __init__(self, file: BinaryIO) -> None:
        self._file = file
        self._start = file.tell() if file.seekable() else None
        self._started = False

    def begin(self) -> None:
        if self._started:
            if self._start is None:
                raise TransferError("cannot retry the download: the target file is not seekable")
            self._file.seek(self._start)
            self._file.truncate()
        self._started = True

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)

    def commit(self) -> None:
        self._file.flush()


def open_sink(target: DownloadTarget | None) -> Sink:
    if target is None:
        return BytesSink()
    if isinstance(target, (str, os.PathLike)):
        return PathSink(target)
    return FileSink(target)
