"""A small HTTP/1.1 keep-alive transport for httpx, over `socket` and `ssl`.

The default transport of the sync clients (see `transport_select`). httpx's own transport
(httpcore) spends more time in its pool bookkeeping than a Taskcluster call spends on the wire
against a nearby server; this one keeps only what the SDK needs:

- persistent connections per (scheme, host, port), reused last-in first-out, dropped after
  `keepalive_expiry` seconds idle or when the server has closed them (checked before reuse);
- request bodies given as bytes (the SDK's) or as an iterator (sent chunked); replies with a
  Content-Length, chunked, or delimited by the connection closing; interim 1xx replies skipped;
- a request sent on a reused connection that the server had closed before replying is sent
  again on another connection (a new one at the latest), for idempotent methods only
  (RFC 9110, 9.2.2);
- httpx's timeouts (connect, read, write); TLS with the package's shared SSL context, SNI and
  hostname check;
- the request target sent exactly as httpx built it and as it was signed (``url.raw_path``):
  nothing is re-quoted;
- errors raised as httpx's exceptions (`httpx.ConnectError`, `httpx.ReadTimeout`,
  `httpx.RemoteProtocolError`, ...), so retries work as with httpx's transport.

Proxies are not supported: the clients choose httpx's transport when proxy variables are set.
"""

from __future__ import annotations

import io
import select
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any, cast

import httpx

__all__ = ["StdlibTransport"]

_MAX_LINE = 65536
_MAX_HEADERS = 200
_READ_SIZE = 65536
# Replies up to this size (with a Content-Length) are read before the response is returned,
# so the connection goes back to the pool at once; larger ones are streamed.
_EAGER_LIMIT = 256 * 1024
_IDEMPOTENT = frozenset({b"GET", b"HEAD", b"PUT", b"DELETE", b"OPTIONS", b"TRACE"})
_DEFAULT_PORTS = {b"http": 80, b"https": 443}

_HAS_POLL = hasattr(select, "poll")

_Key = tuple[bytes, str, int]


class _StaleConnection(Exception):
    """The server closed a reused connection before sending any byte of a reply."""


class _Connection:
    """One socket and its read buffer."""

    __slots__ = ("idle_since", "reader", "reused", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reader: io.BufferedReader = sock.makefile("rb", buffering=_READ_SIZE)  # type: ignore[assignment]
        self.idle_since = 0.0
        self.reused = False

    def readable_while_idle(self) -> bool:
        """True if the server closed (or wrote to) this idle connection: it cannot be reused."""
        try:
            if _HAS_POLL:  # unlike select(), not limited to descriptors below FD_SETSIZE
                poller = select.poll()
                poller.register(self.sock, select.POLLIN)
                return bool(poller.poll(0))
            ready, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(ready)

    def close(self) -> None:
        try:
            self.reader.close()
        finally:
            self.sock.close()


def _timeouts(request: httpx.Request) -> dict[str, float | None]:
    timeout: Any = request.extensions.get("timeout")
    if not isinstance(timeout, dict):
        return {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}
    return cast("dict[str, float | None]", timeout)


class StdlibTransport(httpx.BaseTransport):
    """An `httpx.BaseTransport` with its own keep-alive pool (HTTP/1.1 only).

    ``httpx.Client(transport=StdlibTransport())`` or, in this SDK,
    ``Queue(root_url, transport="stdlib")`` (the default for sync clients).
    `ssl_context` defaults to the package's shared verified context.
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None = None,
        max_keepalive_connections: int = 50,
        keepalive_expiry: float = 5.0,
    ) -> None:
        if ssl_context is None:
            from .transport import shared_ssl_context

            ssl_context = shared_ssl_context()
        self._ssl_context = ssl_context
        self._max_idle = max_keepalive_connections
        self._expiry = keepalive_expiry
        self._idle: dict[_Key, list[_Connection]] = {}
        self._lock = threading.Lock()
        self._closed = False

    # The pool ------------------------------------------------------------------

    def _checkout(self, key: _Key) -> _Connection | None:
        now = time.monotonic()
        while True:
            with self._lock:
                idle = self._idle.get(key)
                if not idle:
                    return None
                connection = idle.pop()
            if now - connection.idle_since > self._expiry or connection.readable_while_idle():
                connection.close()
                continue
            connection.reused = True
            return connection

    def _checkin(self, key: _Key, connection: _Connection) -> None:
        connection.idle_since = time.monotonic()
        with self._lock:
            if not self._closed:
                idle = self._idle.setdefault(key, [])
                if len(idle) < self._max_idle:
                    idle.append(connection)
                    return
        connection.close()

    def _connect(self, key: _Key, timeouts: dict[str, float | None]) -> _Connection:
        scheme, host, port = key
        try:
            sock = socket.create_connection((host, port), timeout=timeouts.get("connect"))
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(str(exc) or "timed out connecting") from exc
        except OSError as exc:
            raise httpx.ConnectError(str(exc)) from exc
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if scheme == b"https":
                sock = self._ssl_context.wrap_socket(sock, server_hostname=host)
        except TimeoutError as exc:
            sock.close()
            raise httpx.ConnectTimeout(str(exc) or "timed out in the TLS handshake") from exc
        except OSError as exc:  # ssl.SSLError included
            sock.close()
            raise httpx.ConnectError(str(exc)) from exc
        return _Connection(sock)

    # Sending --------------------------------------------------------------------

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` and return the response (its body read if small, else streamed)."""
        if self._closed:
            raise RuntimeError("the transport is closed")
        url = request.url
        scheme = url.raw_scheme
        if scheme not in _DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {url.scheme!r}")
        host = url.host
        if not host:
            raise httpx.UnsupportedProtocol("the URL has no host")
        key: _Key = (scheme, host, url.port or _DEFAULT_PORTS[scheme])
        timeouts = _timeouts(request)
        head, body = _encode_request(request)
        while True:
            connection = self._checkout(key)
            reused = connection is not None
            if connection is None:
                connection = self._connect(key, timeouts)
            try:
                return self._exchange(key, connection, request, head, body, timeouts)
            except _StaleConnection as exc:
                connection.close()
                replayable = isinstance(body, bytes) and request.method.encode() in _IDEMPOTENT
                if not (reused and replayable):
                    raise httpx.RemoteProtocolError(
                        "Server disconnected without sending a response.", request=request
                    ) from exc.__cause__
                # The server closed the idle connection as we reused it: try a new one.
            except BaseException:
                connection.close()
                raise

    def _exchange(
        self,
        key: _Key,
        connection: _Connection,
        request: httpx.Request,
        head: bytes,
        body: bytes | Iterable[bytes],
        timeouts: dict[str, float | None],
    ) -> httpx.Response:
        sock = connection.sock
        sock.settimeout(timeouts.get("write"))
        try:
            if isinstance(body, bytes):
                sock.sendall(head + body if len(body) < 65536 else head)
                if len(body) >= 65536:
                    sock.sendall(body)
            else:
                sock.sendall(head)
                for chunk in body:
                    if chunk:
                        sock.sendall(b"%x\r\n%b\r\n" % (len(chunk), chunk))
                sock.sendall(b"0\r\n\r\n")
        except TimeoutError as exc:
            raise httpx.WriteTimeout(str(exc) or "timed out writing", request=request) from exc
        except (BrokenPipeError, ConnectionResetError, ssl.SSLEOFError) as exc:
            if connection.reused:
                raise _StaleConnection() from exc
            raise httpx.WriteError(str(exc), request=request) from exc
        except OSError as exc:
            raise httpx.WriteError(str(exc), request=request) from exc

        sock.settimeout(timeouts.get("read"))
        reader = connection.reader
        try:
            while True:
                line = reader.readline(_MAX_LINE + 1)
                if not line:
                    if connection.reused:
                        raise _StaleConnection()
                    raise httpx.RemoteProtocolError(
                        "Server disconnected without sending a response.", request=request
                    )
                connection.reused = False  # a byte came back: never resend from here on
                status, reason, version = _parse_status_line(line, request)
                headers = _read_headers(reader, request)
                if 100 <= status < 200 and status != 101:
                    continue
                break
        except TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out reading", request=request) from exc
        except (ConnectionResetError, ssl.SSLEOFError) as exc:
            if connection.reused:
                raise _StaleConnection() from exc
            raise httpx.ReadError(str(exc), request=request) from exc
        except OSError as exc:
            raise httpx.ReadError(str(exc), request=request) from exc

        keep_alive = version == b"HTTP/1.1"
        length: int | None = None
        chunked = False
        for name, value in headers:
            lowered = name.lower()
            if lowered == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    raise httpx.RemoteProtocolError(
                        "Invalid Content-Length", request=request
                    ) from None
                if length < 0:
                    raise httpx.RemoteProtocolError("Invalid Content-Length", request=request)
            elif lowered == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif lowered == b"connection":
                token = value.strip().lower()
                if token == b"close":
                    keep_alive = False
                elif token == b"keep-alive" and version == b"HTTP/1.0":
                    keep_alive = True
        if chunked:
            length = None
        extensions: dict[str, Any] = {"http_version": version, "reason_phrase": reason}

        no_body = request.method == "HEAD" or status in (204, 304) or 100 <= status < 200
        if no_body or length == 0:
            self._release(key, connection, keep_alive)
            return httpx.Response(
                status,
                headers=headers,
                stream=httpx.ByteStream(b""),
                extensions=extensions,
                request=request,
            )
        if length is not None and length <= _EAGER_LIMIT:
            content = _read_exact(reader, length, request)
            self._release(key, connection, keep_alive)
            response = httpx.Response(
                status,
                headers=headers,
                stream=httpx.ByteStream(content),
                extensions=extensions,
                request=request,
            )
            response.read()
            return response
        if length is None and not chunked:
            keep_alive = False  # the body ends when the server closes the connection
        stream = _ResponseStream(self, key, connection, request, length, chunked, keep_alive)
        return httpx.Response(
            status, headers=headers, stream=stream, extensions=extensions, request=request
        )

    def _release(self, key: _Key, connection: _Connection, keep_alive: bool) -> None:
        if keep_alive:
            self._checkin(key, connection)
        else:
            connection.close()

    def close(self) -> None:
        """Close every idle connection; connections still streaming close when done."""
        with self._lock:
            self._closed = True
            idle = [connection for group in self._idle.values() for connection in group]
            self._idle.clear()
        for connection in idle:
            connection.close()


def _encode_request(request: httpx.Request) -> tuple[bytes, bytes | Iterable[bytes]]:
    """The request line and headers, and the body (bytes, or an iterator sent chunked)."""
    headers = request.headers
    try:
        body: bytes | Iterable[bytes] = request.content
    except httpx.RequestNotRead:
        stream = request.stream
        if not isinstance(stream, httpx.SyncByteStream):
            raise RuntimeError("an async request body cannot be sent by a sync transport") from None
        body = stream
    raw = headers.raw
    lines = [request.method.encode("ascii"), b" ", request.url.raw_path, b" HTTP/1.1\r\n"]
    if "host" not in headers:
        lines += [b"Host: ", request.url.netloc, b"\r\n"]
    if not isinstance(body, bytes):
        if "content-length" not in headers and "transfer-encoding" not in headers:
            lines.append(b"Transfer-Encoding: chunked\r\n")
        elif "content-length" in headers:
            body = b"".join(body)  # a streamed body of known length: send it as it is
    for name, value in raw:
        lines += [name, b": ", value, b"\r\n"]
    lines.append(b"\r\n")
    return b"".join(lines), body


def _parse_status_line(line: bytes, request: httpx.Request) -> tuple[int, bytes, bytes]:
    if len(line) > _MAX_LINE or not line.endswith(b"\n"):
        raise httpx.RemoteProtocolError("Malformed status line", request=request)
    parts = line.rstrip(b"\r\n").split(b" ", 2)
    version = parts[0]
    if len(parts) < 2 or not version.startswith(b"HTTP/1.") or len(parts[1]) != 3:
        raise httpx.RemoteProtocolError("Malformed status line", request=request)
    try:
        status = int(parts[1])
    except ValueError:
        raise httpx.RemoteProtocolError("Malformed status line", request=request) from None
    reason = parts[2] if len(parts) > 2 else b""
    return status, reason, version


def _read_headers(reader: io.BufferedReader, request: httpx.Request) -> list[tuple[bytes, bytes]]:
    headers: list[tuple[bytes, bytes]] = []
    while True:
        line: bytes = reader.readline(_MAX_LINE + 1)
        if line in (b"\r\n", b"\n"):
            return headers
        if not line:
            raise httpx.RemoteProtocolError(
                "Server disconnected while sending headers", request=request
            )
        if len(line) > _MAX_LINE or len(headers) >= _MAX_HEADERS:
            raise httpx.RemoteProtocolError("Reply headers too large", request=request)
        name, sep, value = line.partition(b":")
        if not sep or not name or name != name.strip():
            raise httpx.RemoteProtocolError("Malformed reply header", request=request)
        headers.append((name, value.strip()))


def _read_exact(reader: io.BufferedReader, length: int, request: httpx.Request) -> bytes:
    try:
        data: bytes = reader.read(length)
    except TimeoutError as exc:
        raise httpx.ReadTimeout(str(exc) or "timed out reading", request=request) from exc
    except OSError as exc:
        raise httpx.ReadError(str(exc), request=request) from exc
    if len(data) != length:
        raise httpx.RemoteProtocolError(
            f"Server disconnected after {len(data)} of {length} body bytes", request=request
        )
    return data


class _ResponseStream(httpx.SyncByteStream):
    """A reply body read as it is iterated; the connection returns to the pool at its end."""

    def __init__(
        self,
        transport: StdlibTransport,
        key: _Key,
        connection: _Connection,
        request: httpx.Request,
        length: int | None,
        chunked: bool,
        keep_alive: bool,
    ) -> None:
        self._transport = transport
        self._key = key
        self._connection: _Connection | None = connection
        self._request = request
        self._length = length
        self._chunked = chunked
        self._keep_alive = keep_alive
        self._complete = False

    def __iter__(self) -> Iterator[bytes]:
        connection = self._connection
        if connection is None:
            raise httpx.StreamClosed()
        request = self._request
        try:
            if self._chunked:
                yield from self._chunks(connection.reader)
            elif self._length is not None:
                remaining = self._length
                while remaining:
                    data = connection.reader.read1(min(remaining, _READ_SIZE))
                    if not data:
                        raise httpx.RemoteProtocolError(
                            "Server disconnected before the end of the body", request=request
                        )
                    remaining -= len(data)
                    yield data
            else:
                while True:
                    data = connection.reader.read1(_READ_SIZE)
                    if not data:
                        break
                    yield data
        except TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out reading", request=request) from exc
        except OSError as exc:
            raise httpx.ReadError(str(exc), request=request) from exc
        self._complete = True

    def _chunks(self, reader: io.BufferedReader) -> Iterator[bytes]:
        request = self._request
        while True:
            line: bytes = reader.readline(_MAX_LINE + 1)
            if not line.endswith(b"\n"):
                raise httpx.RemoteProtocolError("Malformed chunked body", request=request)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise httpx.RemoteProtocolError("Malformed chunk size", request=request) from None
            if size < 0:
                raise httpx.RemoteProtocolError("Malformed chunk size", request=request)
            if size == 0:
                _read_headers(reader, request)  # trailers, ignored
                return
            remaining = size
            while remaining:
                data = reader.read1(min(remaining, _READ_SIZE))
                if not data:
                    raise httpx.RemoteProtocolError(
                        "Server disconnected inside a chunk", request=request
                    )
                remaining -= len(data)
                yield data
            if reader.read(2) != b"\r\n":
                raise httpx.RemoteProtocolError("Malformed chunked body", request=request)

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if self._complete and self._keep_alive:
            self._transport._checkin(self._key, connection)  # pyright: ignore[reportPrivateUsage]
        else:
            connection.close()
