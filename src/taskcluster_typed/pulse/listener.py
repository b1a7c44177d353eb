"""What code that consumes Pulse can ask of a consumer: `Listener` (sync) and `AsyncListener`.

Type your own functions with these, and they accept the real consumers and, in your tests,
`taskcluster_typed.testing.FakePulseConsumer` (which satisfies both)::

    def watch(consumer: Listener, group: str) -> None:
        for event in consumer.listen(QueueEvents().task_completed(task_group_id=group)):
            ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, Protocol, TypeVar, overload

from .._core.exchanges import Binding

__all__ = ["AsyncListener", "Listener"]

E1 = TypeVar("E1")
E2 = TypeVar("E2")
E3 = TypeVar("E3")
E4 = TypeVar("E4")
E5 = TypeVar("E5")


class Listener(Protocol):
    """`PulseConsumer`, or `FakePulseConsumer` in tests."""

    @overload
    def listen(self, b1: Binding[E1], /, *, idle_timeout: float | None = None) -> Iterator[E1]: ...
    @overload
    def listen(
        self, b1: Binding[E1], b2: Binding[E2], /, *, idle_timeout: float | None = None
    ) -> Iterator[E1 | E2]: ...
    @overload
    def listen(
        self,
        b1: Binding[E1],
        b2: Binding[E2],
        b3: Binding[E3],
        /,
        *,
        idle_timeout: float | None = None,
    ) -> Iterator[E1 | E2 | E3]: ...
    @overload
    def listen(
        self,
        b1: Binding[E1],
        b2: Binding[E2],
        b3: Binding[E3],
        b4: Binding[E4],
        /,
        *,
        idle_timeout: float | None = None,
    ) -> Iterator[E1 | E2 | E3 | E4]: ...
    @overload
    def listen(
        self,
        b1: Binding[E1],
        b2: Binding[E2],
        b3: Binding[E3],
        b4: Binding[E4],
        b5: Binding[E5],
        /,
        *bindings: Binding[Any],
        idle_timeout: float | None = None,
    ) -> Iterator[E1 | E2 | E3 | E4 | E5 | Any]: ...

    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def close(self, error: BaseException | None = None) -> None: ...


class AsyncListener(Protocol):
    """`AsyncPulseConsumer`, or `FakePulseConsumer` in tests."""

    @overload
    def listen(
        self, b1: Binding[E1], /, *, idle_timeout: float | None = None
    ) -> AsyncIterator[E1]: ...
    @overload
    def listen(
        self, b1: Binding[E1], b2: Binding[E2], /, *, idle_timeout: float | None = None
    ) -> AsyncIterator[E1 | E2]: ...
    @overload
    def listen(
        self,
        b1: Binding[E1],
        b2: Binding[E2],
        b3: Binding[E3],
        /,
        *,
        idle_timeout: float | None = None,
    ) -> AsyncIterator[E1 | E2 | E3]: ...
    @overload
    def listen(
        self,
        b1: Binding[E1],
        b2: Binding[E2],
        b3: Binding[E3],
        b4: Binding[E4],
        /,
        *,
        idle_timeout: float | None = None,
    ) -> AsyncIterator[E1 | E2 | E3 | E4]: ...
    @overload
    def listen(
        self,
        b1: Binding[E1],
        b2: Binding[E2],
        b3: Binding[E3],
        b4: Binding[E4],
        b5: Binding[E5],
        /,
        *bindings: Binding[Any],
        idle_timeout: float | None = None,
    ) -> AsyncIterator[E1 | E2 | E3 | E4 | E5 | Any]: ...

    def pause(self) -> None: ...
    def resume(self) -> None: ...
