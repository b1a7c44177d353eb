"""The two drivers of the pipeline.

`run_sync` and `run_async` are the only places where sync and async differ: one performs
`Send` with a blocking send (`http.SyncHttp.send`) and `Sleep` with `time.sleep`, the other
with an async send (`http.AsyncHttp.send`) and `anyio.sleep`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Generator
from typing import Any, TypeVar

from .pipeline import Effect, Incoming, Outgoing, Send

T = TypeVar("T")


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
