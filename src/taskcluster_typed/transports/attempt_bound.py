"""The attempt bound of the sync transports: a request in flight past ``start + timeout`` has
its socket shut down, so a blocked read or write returns at once (a server trickling a byte
every half second cannot hold a call).

An `Attempt` learns which socket carries it (through urllib3's connection, or from httpcore's
``trace`` extension); one `Watchdog` thread per transport expires the attempts that pass their
deadline. Blocking sockets cannot be bounded otherwise: their timeouts bound each read.
"""

from __future__ import annotations

import contextlib
import math
import socket
import threading
import time
from typing import Any

__all__ = ["Attempt", "Watchdog"]


class Attempt:
    """One request in flight: its deadline, and the connection or socket carrying it."""

    __slots__ = ("conn", "deadline", "expired", "sock")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        #: An object whose ``sock`` is the socket once connected (an `http.client` connection).
        self.conn: Any = None
        #: The socket itself, when known directly.
        self.sock: socket.socket | None = None
        self.expired = False

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
    """Expires attempts that pass their deadline; one daemon thread, started on first use.

    The attempts in flight are kept in a dict, each removed by `finish` when it ends (no
    finished attempt is kept). The thread sleeps until the earliest deadline it knows of and
    is woken only for an attempt due before that: calls with the same timeout, one after the
    other, wake it about once per timeout, not once per call.
    """

    def __init__(self) -> None:
        self._live: dict[Attempt, None] = {}
        self._cond = threading.Condition(threading.Lock())
        self._thread: threading.Thread | None = None
        self._wake_at = math.inf
        self._closed = False

    def watch(self, attempt: Attempt) -> None:
        """Expire `attempt` if it is still in flight at its deadline."""
        with self._cond:
            self._live[attempt] = None
            if attempt.deadline < self._wake_at:
                self._wake_at = attempt.deadline
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="taskcluster-typed deadlines", daemon=True
                    )
                    self._thread.start()
                else:
                    self._cond.notify()

    def finish(self, attempt: Attempt) -> None:
        """`attempt` ended (or failed): it is no longer watched."""
        with self._cond:
            self._live.pop(attempt, None)

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                now = time.monotonic()
                due = [attempt for attempt in self._live if attempt.deadline <= now]
                for attempt in due:
                    del self._live[attempt]
                    attempt.expire()
                self._wake_at = min((a.deadline for a in self._live), default=math.inf)
                if self._wake_at == math.inf:
                    self._cond.wait()
                else:
                    self._cond.wait(self._wake_at - now)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._live.clear()
            self._cond.notify()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1.0)
