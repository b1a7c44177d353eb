"""slugid() and slugid_v4(): 22-character URL-safe ids; "nice" ones never start with "-"."""

from __future__ import annotations

import base64
import uuid

from taskcluster_typed import nice_slugid, slugid, slugid_v4, stable_slugid
from taskcluster_typed.slugids import SLUGID_PATTERN

NICE_FIRST = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef")


def decode(slug: str) -> uuid.UUID:
    return uuid.UUID(bytes=base64.urlsafe_b64decode(slug + "=="))


def test_nice_slugids_match_the_pattern_and_start_safely() -> None:
    made = [slugid() for _ in range(2000)]
    assert len(set(made)) == len(made)
    for slug in made:
        assert SLUGID_PATTERN.match(slug), slug
        assert slug[0] in NICE_FIRST
        assert decode(slug).version == 4
    assert {slug[0] for slug in made} == NICE_FIRST  # all 32 first characters occur


def test_v4_slugids_use_every_bit() -> None:
    made = [slugid_v4() for _ in range(2000)]
    for slug in made:
        assert SLUGID_PATTERN.match(slug), slug
        assert decode(slug).version == 4
    assert {slug[0] for slug in made} > NICE_FIRST  # "-", "g".."z", digits... occur too


def test_nice_slugid_is_slugid() -> None:
    assert nice_slugid is slugid
    assert SLUGID_PATTERN.match(nice_slugid())


def test_stable_slugid_gives_one_id_per_name() -> None:
    ids = stable_slugid()
    first = ids("build")
    assert ids("build") == first and SLUGID_PATTERN.match(first)
    assert ids("test") != first
    assert stable_slugid()("build") != first  # each function has its own names
