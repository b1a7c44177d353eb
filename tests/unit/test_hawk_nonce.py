"""The Hawk nonce: six characters of the URL-safe base64 alphabet, uniformly random."""

from __future__ import annotations

import string
from collections import Counter

from taskcluster_typed._core import hawk

ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"


def test_nonce_is_six_characters_of_the_url_safe_alphabet() -> None:
    for _ in range(2000):
        value = hawk.nonce()
        assert len(value) == 6
        assert set(value) <= set(ALPHABET), value


def test_nonces_do_not_repeat() -> None:
    values = [hawk.nonce() for _ in range(5000)]
    # 36 random bits: a repeat among 5000 draws has probability about 2e-4.
    assert len(set(values)) >= 4999


def test_every_position_uses_the_whole_alphabet_evenly() -> None:
    draws = 64 * 400  # 400 expected per character and position
    values = [hawk.nonce() for _ in range(draws)]
    for position in range(6):
        counts = Counter(value[position] for value in values)
        assert set(counts) == set(ALPHABET), f"position {position} misses characters"
        # Each count is Binomial(25600, 1/64): mean 400, sd about 19.8. Bounds at about 7 sd
        # fail for a biased position (e.g. one limited to half the alphabet gives 0 or 800).
        assert min(counts.values()) > 260, (position, min(counts.values()))
        assert max(counts.values()) < 540, (position, max(counts.values()))
