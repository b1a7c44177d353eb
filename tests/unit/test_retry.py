from __future__ import annotations

import email.utils

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taskcluster_typed import RetryPolicy


def test_nominal_backoff_doubles_from_100_ms() -> None:
    policy = RetryPolicy(random=lambda: 0.5)
    assert [policy.backoff(k) for k in range(5)] == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.6])


@given(st.integers(min_value=0, max_value=40), st.floats(min_value=0, max_value=0.999999))
def test_backoff_stays_within_jitter_bounds_and_cap(k: int, u: float) -> None:
    policy = RetryPolicy(random=lambda: u)
    delay = policy.backoff(k)
    nominal = 0.1 * 2**k
    assert min(nominal * 0.75, 30.0) <= delay + 1e-12
    assert delay <= min(nominal * 1.25, 30.0) + 1e-12


def test_retryable_statuses() -> None:
    assert all(RetryPolicy.retryable_status(s) for s in (500, 502, 503, 504, 599, 429))
    assert not any(
        RetryPolicy.retryable_status(s) for s in (400, 401, 403, 404, 409, 410, 413, 424)
    )


def test_retry_after_seconds_and_date_on_429_and_503() -> None:
    policy = RetryPolicy(random=lambda: 0.5, now=lambda: 1_000_000.0)
    assert policy.delay_after_status(0, 429, {"retry-after": "3"}) == 3.0
    date = email.utils.formatdate(1_000_007.0, usegmt=True)
    assert policy.delay_after_status(0, 503, {"retry-after": date}) == pytest.approx(7.0)
    assert policy.delay_after_status(0, 503, {"retry-after": "9999"}) == 30.0
    assert policy.delay_after_status(0, 500, {"retry-after": "3"}) == pytest.approx(0.1)
    assert policy.delay_after_status(1, 503, {"retry-after": "soon"}) == pytest.approx(0.2)


def test_can_retry_counts() -> None:
    policy = RetryPolicy(max_retries=2)
    assert [policy.can_retry(n) for n in range(4)] == [True, True, False, False]


@pytest.mark.parametrize("kwargs", [{"max_retries": -1}, {"jitter": 1.0}, {"jitter": -0.1}])
def test_bad_policies_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
