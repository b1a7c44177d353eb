"""The two drivers of the pipeline, and the httpx clients they use.

`run_sync` and `run_async` are the only places where sync and async differ: one performs
`Send` with a blocking send (`transport_select.SyncPipe.send`) and `Sleep` with `time.sleep`,
the other with an async send and `anyio.sleep`.

Default httpx clients share one SSL context, built once: a new context per client costs about
40 ms, which would make every `Queue(...)` slow.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any, TypeVar

from .pipeline import Effect, Incoming, Outgoing, Send

if TYPE_CHECKING:
    import ssl

    import httpx

T = TypeVar("T")


@functools.cache
def default_limits() -> httpx.Limits:
    """Keep-alive pool sized for the concurrency a worker or CI script uses."""
    import httpx  # with the first http client, not with this module

    return httpx.Limits(max_connections=100, max_keepalive_connections=50)


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """One verified SSL context for every client this package builds."""
    import httpx  # with the first http client, not with this module

    return httpx.create_ssl_context()


async def anyio_sleep(seconds: float) -> None:
    """`anyio.sleep`, with anyio imported at the first wait, not with this module."""
    import anyio  # at the first wait, not with this module

    await anyio.sleep(seconds)


def run_sync(
    flow: Generator[Effect, Any, T],
    send: Callable[[Outgoing], Incoming],
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Drive `flow` with blocking I/O."""
    try:
        effect = next(flow)
        while True:
            if isinstance(effect, Send):
                try:
                    response = send(effect.request)
                except Exception as exc:  # the flow types it (and decides on a retry)
                    effect = flow.throw(exc)
                    continue
                effect = flow.send(response)
            else:
                sleep(effect.seconds)
                effect = flow.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


async def run_async(
    flow: Generator[Effect, Any, T],
    send: Callable[[Outgoing], Awaitable[Incoming]],
    sleep: Callable[[float], Awaitable[None]] = anyio_sleep,
) -> T:
    """Drive `flow` with async I/O."""
    try:
        effect = next(flow)
        while True:
            if isinstance(effect, Send):
                try:
                    response = await send(effect.request)
                except Exception as exc:  # the flow types it (and decides on a retry)
                    effect = flow.throw(exc)
                    continue
                effect = flow.send(response)
            else:
                await sleep(effect.seconds)
                effect = flow.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
