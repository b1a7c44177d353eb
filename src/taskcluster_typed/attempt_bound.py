"""The attempt bound of the sync transports: a request in flight past ``start + timeout`` has
its socket shut down, so a blocked read or write returns at once (a server trickling a byte
every half second cannot hold a call).

An `Attempt` learns which socket carries it (through urllib3's connection, or from httpcore's
``trace`` extension); one `Watchdog` thread per transport expires the attempts that pass their
deadline. Blocking sockets cannot be bounded otherwise: their timeouts bound each read.
"""

from __future__ import annotations

import contextlib
import heapq
import socket
import threading
import time
from typing import Any

__all__ = ["Attempt", "Watchdog"]


class Attempt:
    """One request in flight: its deadline, and the connection or socket carrying it."""

    __slots__ = ("conn", "deadline", "done", "expired", "sock")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        #: An object whose ``sock`` is the socket once connected (an `http.client` connection).
        self.conn: Any = None
        #: The socket itself, when known directly.
        self.sock: socket.socket | None = None
        self.done = False
        self.expired = False

    def __lt__(self, other: Attempt) -> bool:
        return self.deadline < other.deadline

    def carried_by(self, sock: socket.socket) -> None:
        """Record the attempt's socket (shut at once if the deadline already passed)."""
        self.sock = sock
        if self.expired:
            self.expire()

    def expire(self) -> None:
        """Shut the attempt's socket: a blocked read or write returns at once."""
        self.expired = True
        sock = self.sock
        if sock is None and self.conn is not None:
            sock = self.conn.sock
        if sock is not None:
            # socket.socket's shutdown: on a TLS socket too, without a TLS close.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


class Watchdog:
    """Expires attempts that pass their deadline; one daemon thread, started on first use."""

    def __init__(self) -> None:
        self._heap: list[Attempt] = []
        self._cond = threading.Condition(threading.Lock())
        self._thread: threading.Thread | None = None
        self._closed = False

    def watch(self, attempt: Attempt) -> None:
        with self._cond:
            earliest = not self._heap or attempt.deadline < self._heap[0].deadline
            heapq.heappush(self._heap, attempt)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="taskcluster-typed deadlines", daemon=True
                )
                self._thread.start()
            elif earliest:
                self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                while self._heap and self._heap[0].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                wait = self._heap[0].deadline - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap).expire()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._heap.clear()
            self._cond.notify()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1.0)
