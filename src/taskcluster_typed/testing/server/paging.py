"""Continuation-token paging as the services do it (tokens are opaque; here an offset)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .context import Context
from .failures import Failure

_TOKEN = re.compile(r"^[A-Za-z0-9]*$")

T = TypeVar("T")


def page(
    ctx: Context, items: Sequence[T], key: str, render: Callable[[T], Any] | None = None
) -> dict[str, Any]:
    """``{key: items of this page, continuationToken?}`` for the request's query."""
    token = ctx.query.get("continuationToken", "0")
    if not _TOKEN.match(token):  # the services' tokens are hashids of the offset
        raise Failure(400, "InputError", "Invalid continuation token")
    start = int(token) if token.isdigit() else 0
    limit = min(int(ctx.query.get("limit") or 1000), 1000) or 1000
    chosen = list(items[start : start + limit])
    reply: dict[str, Any] = {key: [render(i) for i in chosen] if render else chosen}
    if start + limit < len(items):
        reply["continuationToken"] = str(start + limit)
    return reply
