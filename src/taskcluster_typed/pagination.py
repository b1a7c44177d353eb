"""Walking the pages of a list method, sync and async.

Taskcluster's list methods return at most one page (``limit`` items, 1000 by default) and a
``continuationToken`` when more may follow; the next page is the same request with that
token. The walk stops at the first page without a token (a page may be empty and still carry
one).

Every method with a ``continuationToken`` option has a generated ``iter_<method>`` twin with
the same arguments. It returns a `Paginator` (an `AsyncPaginator` on async clients) that sends
nothing until you iterate, then one request per page::

    for task in queue.iter_list_task_group(task_group_id, limit=100):   # the items
        ...
    for page in queue.iter_list_task_group(task_group_id).pages():      # the pages
        print(len(page.tasks), page.continuation_token)

    async for task in async_queue.iter_list_task_group(task_group_id):
        ...

Each iteration starts again from the first page (or from the ``continuation_token`` given to
the method). The arguments are checked when the method is called, before anything is sent.
`_Cursor` is the walk itself, shared by both paginators: they only add the fetch (a call or
an await).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Generic, Protocol, TypeVar

__all__ = ["AsyncPaginator", "ContinuationPage", "Paginator"]


class ContinuationPage(Protocol):
    """A page of a list method: the output model of every paginated method has this field."""

    @property
    def continuation_token(self) -> str | None: ...


PageT = TypeVar("PageT", bound=ContinuationPage)
ItemT = TypeVar("ItemT")


class _Cursor:
    """Where a walk stands: the token of the next request (None: the first), or done."""

    __slots__ = ("done", "token")

    def __init__(self) -> None:
        self.token: str | None = None
        self.done = False

    def advance(self, page: ContinuationPage) -> None:
        """Move past `page`: on to its token, or done when it has none (or an empty one)."""
        token = page.continuation_token
        self.token = token or None
        self.done = not token


class Paginator(Generic[PageT, ItemT]):
    """The pages of a list method and their items, fetched as you iterate.

    Iterating yields the items of every page in order; `pages()` yields the pages
    themselves. `fetch(token)` gets one page: ``None`` means the first request, as the method
    was called.
    """

    __slots__ = ("_fetch", "_items")

    def __init__(
        self, fetch: Callable[[str | None], PageT], items: Callable[[PageT], Sequence[ItemT]]
    ) -> None:
        self._fetch = fetch
        self._items = items

    def pages(self) -> Iterator[PageT]:
        """Every page, one request each, stopping after the page without a token."""
        cursor = _Cursor()
        while not cursor.done:
            page = self._fetch(cursor.token)
            cursor.advance(page)
            yield page

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.pages():
            yield from self._items(page)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class AsyncPaginator(Generic[PageT, ItemT]):
    """`Paginator` for async clients: ``async for item in ...`` and ``.pages()``."""

    __slots__ = ("_fetch", "_items")

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[PageT]],
        items: Callable[[PageT], Sequence[ItemT]],
    ) -> None:
        self._fetch = fetch
        self._items = items

    async def pages(self) -> AsyncIterator[PageT]:
        """Every page, one request each, stopping after the page without a token."""
        cursor = _Cursor()
        while not cursor.done:
            page = await self._fetch(cursor.token)
            cursor.advance(page)
            yield page

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.pages():
            for item in self._items(page):
                yield item

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"
