"""What every engine this package builds shares: one verified SSL context, and pool limits.

A new SSL context per client costs about 40 ms, which would make every `Queue(...)` slow: the
context is built once, at the first client that needs it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ssl

    import httpx


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
