"""A loopback HTTP/1.1 server whose behaviour each test scripts, to exercise transports.

The test gives a function called for every request with the parsed request, the number of the
connection it came on (0-based) and its index on that connection; it returns an `Action`:
bytes to write, and what to do with the connection afterwards (keep it, close it, reset it)
or instead of replying (close or reset without a reply, or wait). Every request is recorded.
Sockets have timeouts and the threads are joined on stop, so nothing outlives a test.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from typing import BinaryIO, Literal

SOCKET_TIMEOUT = 10.0


@dataclass(frozen=True)
class Received:
    """One request as it arrived."""

    method: str
    target: bytes
    headers: list[tuple[str, str]]
    body: bytes
    connection: int
    index: int  # on its connection

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass(frozen=True)
class Action:
    """What the server does for one request."""

    reply: bytes = b""
    then: Literal["keep", "close", "reset"] = "keep"
    wait: float = 0.0  # seconds before replying (or before closing)
    # Then one byte of `trickle` every `interval` seconds (until the client goes away).
    trickle: bytes = b""
    interval: float = 0.5


def reply(
    body: bytes = b"{}",
    status: str = "200 OK",
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),),
) -> bytes:
    """A complete reply with a Content-Length."""
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    return head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def chunked_reply(chunks: list[bytes], trailers: bytes = b"") -> bytes:
    """A reply whose body is sent chunked (with a chunk extension and optional trailers)."""
    out = [b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"]
    for chunk in chunks:
        out.append(b"%x;ext=1\r\n%b\r\n" % (len(chunk), chunk))
    out.append(b"0\r\n" + trailers + b"\r\n")
    return b"".join(out)


Handler = Callable[[Received], Action]


@dataclass
class ScriptedServer:
    handler: Handler
    tls: ssl.SSLContext | None = None
    # Called with the request line and headers (body b"") before the body is read: an Action
    # replies at once, without reading the body, and then drains it (as a server refusing an
    # upload early does); None reads the body and calls `handler`.
    early: Callable[[Received], Action | None] | None = None
    received: list[Received] = field(default_factory=list)
    connections: int = 0
    closed: int = 0  # connections the server has closed
    _threads: list[threading.Thread] = field(default_factory=list)
    _sockets: list[socket.socket] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._stop.set()
        for sock in self._sockets:  # wake the threads blocked reading from a client
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=SOCKET_TIMEOUT + 1)
        self._listener.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            number = self.connections
            self.connections += 1
            self._sockets.append(sock)
            thread = threading.Thread(target=self._serve, args=(sock, number), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, sock: socket.socket, number: int) -> None:
        sock.settimeout(SOCKET_TIMEOUT)
        reader: BinaryIO | None = None
        try:
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_side=True)
                self._sockets.append(sock)
            reader = sock.makefile("rb")
            index = 0
            while not self._stop.is_set():
                head = _read_head(reader, number, index)
                if head is None:
                    return
                action = None if self.early is None else self.early(head)
                if action is not None:
                    self.received.append(head)
                    sock.sendall(action.reply)
                    with suppress(OSError, ValueError):
                        while reader.read(65536):  # drain the body, then close
                            pass
                    return
                request = _read_body(reader, head)
                self.received.append(request)
                action = self.handler(request)
                if action.wait:
                    self._stop.wait(action.wait)
                if action.reply:
                    sock.sendall(action.reply)
                for byte in action.trickle:
                    if self._stop.wait(action.interval):
                        return
                    sock.sendall(bytes([byte]))
                if action.then == "reset":
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                if action.then == "close":
                    return
                index += 1
        except (OSError, ValueError):
            return
        finally:
            if reader is not None:
                reader.close()  # (the socket is only closed, FIN sent, once its file is)
            sock.close()
            self.closed += 1


def _read_head(reader: BinaryIO, connection: int, index: int) -> Received | None:
    line = reader.readline()
    if not line:
        return None
    method, target, _version = line.rstrip(b"\r\n").split(b" ", 2)
    headers: list[tuple[str, str]] = []
    while True:
        line = reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers.append((name, value.strip()))
    return Received(method.decode(), target, headers, b"", connection, index)


def _read_body(reader: BinaryIO, head: Received) -> Received:
    lowered = {k.lower(): v for k, v in head.headers}
    body = b""
    if "content-length" in lowered:
        body = reader.read(int(lowered["content-length"]))
    elif lowered.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int(reader.readline().split(b";")[0], 16)
            if size == 0:
                reader.readline()
                break
            parts.append(reader.read(size))
            reader.readline()
        body = b"".join(parts)
    return replace(head, body=body)


@contextmanager
def scripted(
    handler: Handler,
    tls: ssl.SSLContext | None = None,
    early: Callable[[Received], Action | None] | None = None,
) -> Iterator[ScriptedServer]:
    """A started `ScriptedServer`, stopped afterwards."""
    server = ScriptedServer(handler, tls, early)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait (bounded) until `condition()` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)
