"""What sends a client's requests, and whether the client owns it: `SyncHttp` and
`AsyncHttp`, one per client, shared by its copies (`with_options`, raw replies).

Each holds either the user's httpx client (``http_client=``: requests go through its
``send``; it is never closed here) or the engine built on first use from the ``transport=``
choice (`taskcluster_typed.transports.selection`), which it owns and closes.

The engines the package builds take the pipeline's requests (`pipeline.Outgoing`) directly;
through a user's httpx client each request is built as an `httpx.Request` (see
`taskcluster_typed.transports.selection`).

Pools belong to a process and (async) to an event loop: in a process forked after the engine
was built, a new one is built, never touching the parent's connections (the child closes only
its copies of the descriptors: nothing is sent, no TLS close, no shutdown); an async client
keeps one engine per event loop, closed when that loop shuts down (``shutdown_asyncgens``, run
by `asyncio.run`, `anyio.run` and trio) or when the client closes.
"""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from ..transports import selection
from ..transports.selection import AsyncEngine, SyncEngine, TransportName
from .pipeline import Incoming, Outgoing

if TYPE_CHECKING:
    import httpx

__all__ = ["AsyncHttp", "SyncHttp"]

G = TypeVar("G")


class _Http(Generic[G]):
    """What both share: the user's client or the transport to build, and the process that
    built the engine (the engines themselves are per process, and per event loop for async)."""

    __slots__ = ("_pid", "given", "transport")

    def __init__(self, transport: TransportName, given: G | None) -> None:
        self.transport: TransportName = transport
        self.given: G | None = given
        self._pid = os.getpid()

    @property
    def owned(self) -> bool:
        """True when this package built what sends (and closes it), not the user."""
        return self.given is None

    def _forked(self) -> bool:
        """True in a process forked after the engine was built (its pool is the parent's)."""
        return self._pid != os.getpid()


class SyncHttp(_Http["httpx.Client"]):
    """What a sync client sends through."""

    __slots__ = ("_engine",)

    def __init__(self, transport: TransportName, given: httpx.Client | None = None) -> None:
        super().__init__(transport, given)
        self._engine: SyncEngine | None = None

    def _current(self) -> SyncEngine:
        """The engine of this process: built on first use, and anew in a forked child."""
        engine = self._engine
        if engine is not None and not self._forked():
            return engine
        if engine is not None:
            engine.http.close()  # the child's copies of the parent's descriptors only
        engine = self._engine = selection.build_sync(self.transport)
        self._pid = os.getpid()
        return engine

    def sender(self) -> Callable[[Outgoing], Incoming]:
        """How to send one request now (looked up once per call, used for each attempt)."""
        given = self.given
        if given is not None:
            return functools.partial(selection.send_through, given)
        return self._current().send

    def client(self) -> httpx.Client:
        """The httpx client requests go through (the user's, or the engine's, built now if it
        is not yet)."""
        return self.given if self.given is not None else self._current().http

    def close(self) -> None:
        """Close the engine's pool, if this package built it (in this process); the next
        request builds a new one."""
        engine, self._engine = self._engine, None
        if engine is None or self._forked():
            return
        engine.http.close()
        if engine.watchdog is not None:
            engine.watchdog.close()


class AsyncHttp(_Http["httpx.AsyncClient"]):
    """What an async client sends through: the user's client, or one engine per event loop."""

    __slots__ = ("_engines",)

    def __init__(self, transport: TransportName, given: httpx.AsyncClient | None = None) -> None:
        super().__init__(transport, given)
        self._engines: dict[object, tuple[AsyncEngine, AsyncGenerator[None, None]]] = {}

    async def _current(self) -> AsyncEngine:
        """The engine of the running event loop, built on its first request there."""
        if self._forked():  # the parent's loops and sessions are neither used nor closed
            self._engines = {}
            self._pid = os.getpid()
        key = _loop_key()
        entry = self._engines.get(key)
        if entry is not None:
            return entry[0]
        engine = selection.build_async(self.transport)
        closer = self._closer(key, engine.http)
        await closer.asend(None)  # first iterated here: the loop finalizes it at shutdown
        self._engines[key] = (engine, closer)
        return engine

    async def _closer(self, key: object, client: httpx.AsyncClient) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            entry = self._engines.get(key)
            if entry is not None and entry[0].http is client:
                del self._engines[key]
            await client.aclose()

    async def send(self, request: Outgoing) -> Incoming:
        """Send `request` within its attempt's bound (start to last byte)."""
        import anyio
        import httpx

        given = self.given
        bound = request.timeout
        if given is not None:
            send: selection.AsyncSend = functools.partial(selection.send_through_async, given)
        else:
            engine = await self._current()
            if engine.keeps_bound or bound is None:
                return await engine.send(request)
            send = engine.send
        with anyio.move_on_after(bound) as scope:
            return await send(request)
        assert scope.cancelled_caught
        raise httpx.ReadTimeout(f"the attempt's timeout of {bound:g} s passed")

    async def client(self) -> httpx.AsyncClient:
        """The httpx client requests go through in the running event loop."""
        if self.given is not None:
            return self.given
        return (await self._current()).http

    async def close(self) -> None:
        """Close the engine of the running loop, if this package built it (the others close
        with their loops)."""
        if self.given is not None or self._forked():
            return
        entry = self._engines.pop(_loop_key(), None)
        if entry is not None:
            await entry[1].aclose()  # its `finally` closes the httpx client


def _loop_key() -> object:
    """The running event loop (asyncio's loop, or trio's run token)."""
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        import trio

        return trio.lowlevel.current_trio_token()
