"""Processes started in their own session and recorded in pid files, stopped by pid only.

A pid file holds the pid and the kernel's start time of the process, so that a pid recycled by
another program is never signalled.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path


def start_time(pid: int) -> str | None:
    """The kernel's start time of `pid`, or None if it is gone (a zombie child is reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)
        return None
    return fields[19]


def tail(path: Path, lines: int = 8) -> str:
    with contextlib.suppress(OSError):
        return "".join(path.read_text(errors="replace").splitlines(keepends=True)[-lines:])
    return ""


class Processes:
    """The processes of one deployment: pid files in `run`, one log each in `logs`."""

    def __init__(self, run: Path, logs: Path) -> None:
        self.run = run
        self.logs = logs

    def names(self) -> list[str]:
        return sorted(f.stem for f in self.run.glob("*.pid")) if self.run.exists() else []

    def spawn(
        self,
        name: str,
        argv: list[str],
        *,
        env: Mapping[str, str] | None = None,
        user: str | None = None,
        cwd: Path | None = None,
    ) -> int:
        """Start `argv` in its own session (as `user` when root); record it as `name`."""
        as_user = user if os.geteuid() == 0 else None
        with open(self.logs / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                argv,
                env=dict(env if env is not None else os.environ),
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=as_user,
                group=as_user,
            )
        (self.run / f"{name}.pid").write_text(f"{process.pid} {start_time(process.pid) or ''}\n")
        return process.pid

    def alive(self, name: str) -> bool:
        try:
            pid, _, started = (self.run / f"{name}.pid").read_text().strip().partition(" ")
        except OSError:
            return False
        return start_time(int(pid)) == started

    def dead(self) -> dict[str, str]:
        """The recorded processes that exited, with the end of their logs."""
        return {n: tail(self.logs / f"{n}.log") for n in self.names() if not self.alive(n)}

    def stop(self, name: str, grace: float = 10.0) -> None:
        """SIGTERM, a bounded wait, then SIGKILL to its process group; forget it."""
        pid_file = self.run / f"{name}.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text().split()[0])
        if self.alive(name):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + grace
            while self.alive(name) and time.monotonic() < deadline:
                time.sleep(0.1)
            if self.alive(name):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
        pid_file.unlink(missing_ok=True)
