"""TLS settings are built only where TLS is spoken: a client of an ``http://`` deployment
builds no SSL context (building one loads the CA bundle, tens of milliseconds), on the
default sync and async transports alike. Counted in a fresh interpreter, where nothing else
has built one yet."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from .scripted_server import Action, Received, reply, scripted

_COUNTING = """
import ssl
made = []
_new = ssl.SSLContext.__new__
def _counting(cls, *args, **kwargs):
    made.append(cls)
    return _new(cls, *args, **kwargs)
ssl.SSLContext.__new__ = _counting
"""

_SYNC = """
from taskcluster_typed import Queue
with Queue(ROOT) as queue:
    queue.request("GET", "ping")
print(len(made))
"""

_ASYNC = """
import asyncio
import aiohttp  # aiohttp builds its own default contexts when imported
before = len(made)
from taskcluster_typed import AsyncQueue
async def main():
    async with AsyncQueue(ROOT) as queue:
        await queue.request("GET", "ping")
asyncio.run(main())
print(len(made) - before)
"""


def _ping(r: Received) -> Action:
    return Action(reply(b'{"alive":true}', headers=(("Content-Type", "application/json"),)))


@pytest.mark.parametrize("script", [_SYNC, _ASYNC], ids=["sync", "async"])
def test_no_ssl_context_for_an_http_root_url(script: str) -> None:
    with scripted(_ping) as server:
        code = _COUNTING + f"ROOT = {server.url!r}\n" + textwrap.dedent(script)
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert len(server.received) == 1
    assert done.stdout.strip() == "0"
