"""from_now: the JavaScript client's grammar (aliases, any case, one sign), aware UTC results,
clear errors; compared with the official Python client where its narrower grammar applies."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import taskcluster.utils  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from taskcluster_typed import from_now, from_now_json, stringify_date

REFERENCE = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
SETTINGS = settings(max_examples=300, deadline=None)

# unit name -> (spellings the JavaScript regex accepts, length)
UNITS: dict[str, tuple[list[str], timedelta]] = {
    "years": (["y", "yr", "year", "years"], timedelta(days=365)),
    "months": (["mo", "month", "months"], timedelta(days=30)),
    "weeks": (["w", "wk", "week", "weeks"], timedelta(weeks=1)),
    "days": (["d", "day", "days"], timedelta(days=1)),
    "hours": (["h", "hr", "hour", "hours"], timedelta(hours=1)),
    "minutes": (["m", "min", "minute", "minutes"], timedelta(minutes=1)),
    "seconds": (["s", "sec", "second", "seconds"], timedelta(seconds=1)),
}
spaces = st.sampled_from(["", " ", "  ", "\t"])


@st.composite
def expressions(draw: st.DrawFn) -> tuple[str, timedelta]:
    """An expression in the grammar, and the offset it means."""
    text = draw(spaces)
    sign = draw(st.sampled_from(["", "+", "-"]))
    text += sign
    total = timedelta()
    for spellings, length in UNITS.values():
        if draw(st.booleans()):
            count = draw(st.integers(min_value=0, max_value=500))
            spelling = draw(st.sampled_from(spellings))
            if draw(st.booleans()):
                spelling = draw(st.sampled_from([spelling.upper(), spelling.title()]))
            text += f"{draw(spaces)}{count}{draw(spaces)}{spelling}"
            total += count * length
    text += draw(spaces)
    return text, -total if sign == "-" else total


@SETTINGS
@given(expression=expressions())
def test_every_expression_of_the_grammar(expression: tuple[str, timedelta]) -> None:
    text, offset = expression
    result = from_now(text, REFERENCE)
    assert result == REFERENCE + offset
    assert result.tzinfo is timezone.utc


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("", timedelta()),
        ("-", timedelta()),
        ("1 yr", timedelta(days=365)),
        ("45 hr", timedelta(hours=45)),
        ("1D", timedelta(days=1)),
        ("1yr2mo3w4d5h6min7s", timedelta(days=365 + 60 + 21 + 4, hours=5, minutes=6, seconds=7)),
        ("  -  2 days 3 hours ", -timedelta(days=2, hours=3)),
        ("+1 week", timedelta(weeks=1)),
        ("2 MONTHS", timedelta(days=60)),
        ("5 m", timedelta(minutes=5)),
        ("5 mo", timedelta(days=150)),
    ],
)
def test_examples(text: str, offset: timedelta) -> None:
    assert from_now(text, REFERENCE) == REFERENCE + offset


@pytest.mark.parametrize(
    "text",
    [
        "1 day 2 years",  # out of order
        "1 day 1 day",  # twice
        "- 1 day + 2 hours",  # a sign each
        "1.5 days",
        "day",
        "1 ms",
        "1 mins",
        "+-1 day",
        "1 fortnight",
        "٣ days",  # other scripts' digits
    ],
)
def test_outside_the_grammar(text: str) -> None:
    with pytest.raises(ValueError, match="cannot parse"):
        from_now(text, REFERENCE)


def test_too_far() -> None:
    with pytest.raises(ValueError, match="too far"):
        from_now("9999999999 years", REFERENCE)
    with pytest.raises(ValueError, match="too far"):
        from_now("-5000 years", REFERENCE)
    with pytest.raises(ValueError, match="too far"):
        from_now("9" * 5000 + " days", REFERENCE)


def test_not_a_str() -> None:
    with pytest.raises(TypeError):
        from_now(3, REFERENCE)  # type: ignore[arg-type]


@SETTINGS
@given(
    days=st.integers(0, 400),
    hours=st.integers(0, 100),
    minutes=st.integers(0, 100),
    seconds=st.integers(0, 100),
    negative=st.booleans(),
)
def test_agrees_with_the_official_python_client_on_its_grammar(
    days: int, hours: int, minutes: int, seconds: int, negative: bool
) -> None:
    text = f"{'-' if negative else ''}{days} days {hours} hours {minutes} minutes {seconds} seconds"
    assert from_now(text, REFERENCE) == taskcluster.utils.fromNow(text, REFERENCE)


def test_the_reference_defaults_to_now_and_naive_means_utc() -> None:
    before = datetime.now(timezone.utc)
    result = from_now("1 hour")
    after = datetime.now(timezone.utc)
    assert before + timedelta(hours=1) <= result <= after + timedelta(hours=1)
    assert from_now("1s", datetime(2026, 1, 1)) == datetime(
        2026, 1, 1, 0, 0, 1, tzinfo=timezone.utc
    )
    other = datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    shifted = from_now("0s", other)
    assert shifted == other
    assert shifted.tzinfo is timezone.utc
    assert shifted.hour == 10


def test_json_dates_are_javascripts() -> None:
    moment = datetime(2026, 3, 4, 5, 6, 7, 891234, tzinfo=timezone.utc)
    assert stringify_date(moment) == "2026-03-04T05:06:07.891Z"
    assert stringify_date(datetime(33, 1, 1)) == "0033-01-01T00:00:00.000Z"
    assert from_now_json("1 day", moment) == "2026-03-05T05:06:07.891Z"
