"""When to retry a call and how long to wait first.

Retried: 5xx replies, 429, and failures with no reply (connection errors, timeouts). Never
retried: any other 4xx. The wait before retry ``k`` (0-based) is
``min(base_delay * 2**k * (1 + jitter * u), max_delay)`` with ``u`` uniform in [-1, 1); a
``Retry-After`` header on 429/503 replaces it (capped at `max_delay`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pipeline import ReplyHeaders


def _retry_after_seconds(value: str, now: Callable[[], float]) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    import email.utils  # only for a Retry-After date, not with this module

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


@dataclass(frozen=True)
class RetryPolicy:
    """Retry decisions; `random` and `now` are injectable for tests."""

    max_retries: int = 5
    base_delay: float = 0.1
    jitter: float = 0.25
    max_delay: float = 30.0
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)
    now: Callable[[], float] = field(default=time.time, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")

    @staticmethod
    def retryable_status(status_code: int) -> bool:
        return status_code >= 500 or status_code == 429

    def can_retry(self, retries_done: int) -> bool:
        return retries_done < self.max_retries

    def backoff(self, retries_done: int) -> float:
        """Seconds to wait before retry number `retries_done` (0 for the first retry)."""
        spread = 1.0 + self.jitter * (2.0 * float(self.random()) - 1.0)
        return float(min(self.base_delay * (2.0**retries_done) * spread, self.max_delay))

    def delay_after_status(
        self, retries_done: int, status_code: int, headers: ReplyHeaders
    ) -> float:
        if status_code in (429, 503):
            header = headers.get("retry-after")
            if header is not None:
                seconds = _retry_after_seconds(header, self.now)
                if seconds is not None:
                    return min(seconds, self.max_delay)
        return self.backoff(retries_done)
