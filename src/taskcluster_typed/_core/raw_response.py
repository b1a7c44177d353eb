"""Raw replies: the status, headers and body of a call together with its decoded model.

Every client has ``with_raw_response``, with the same methods as the client, each returning
a `RawResponse` of what the method returns (awaitable on async clients)::

    raw = queue.with_raw_response.get_artifact(task_id, 0, "public/build.tar")
    raw.status_code                                  # 303
    raw.headers["x-taskcluster-artifact-storage-type"]
    raw.parse()                                      # GetArtifactContentResponse

The call is made exactly like the plain method's (validated, signed, retried; an error
status raises its `APIError`); only the reply is handed back whole. ``parse()`` decodes the
body on first use (raising `ResponseValidationError` as the plain method would) and keeps
the result. As in openai-python's ``with_raw_response``, the methods are the client's own,
typed for type checkers by a ParamSpec wrapper: same parameters, ``RawResponse[...]`` back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from typing_extensions import ParamSpec

if TYPE_CHECKING:
    import httpx

    from .pipeline import Reply

__all__ = ["RawResponse", "async_raw_response_wrapper", "raw_response_wrapper"]

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")

_UNSET: Any = object()


class RawResponse(Generic[T]):
    """A reply as it came (`status_code`, `headers`, `content`, `url`) and `parse()`, the
    value the plain method returns."""

    __slots__ = ("_decode", "_parsed", "reply")

    def __init__(self, reply: Reply, decode: Callable[[Reply], T]) -> None:
        self.reply = reply
        self._decode = decode
        self._parsed: T = _UNSET

    @property
    def status_code(self) -> int:
        return self.reply.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.reply.headers

    @property
    def content(self) -> bytes:
        return self.reply.content

    @property
    def url(self) -> str:
        """The URL requested (a bewit, if any, is in it: do not log it)."""
        return self.reply.url

    def parse(self) -> T:
        """The decoded reply: the model the plain method returns (decoded once)."""
        if self._parsed is _UNSET:
            self._parsed = self._decode(self.reply)
        return self._parsed

    def __repr__(self) -> str:
        content_type = self.reply.content_type or "no content type"
        return f"RawResponse(status_code={self.status_code}, {content_type})"


def raw_response_wrapper(method: Callable[P, R]) -> Callable[P, RawResponse[R]]:
    """`method` of a raw-reply copy of a client (see ``with_raw_response``), typed as
    returning the `RawResponse` it returns at run time."""
    return cast("Callable[P, RawResponse[R]]", method)


def async_raw_response_wrapper(
    method: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[RawResponse[R]]]:
    """The async twin of `raw_response_wrapper`."""
    return cast("Callable[P, Awaitable[RawResponse[R]]]", method)
