"""``from_now``: a time relative to now, written as Taskcluster users write it (``"2 days"``).

The grammar is the JavaScript client's (``fromNow`` in taskcluster-client), which is wider
than the official Python client's: units in a fixed order, each at most once, one optional
sign for all of them, spaces anywhere between, case-insensitive::

    [+|-] [N years|year|yr|y] [N months|month|mo] [N weeks|week|wk|w] [N days|day|d]
          [N hours|hour|hr|h] [N minutes|minute|min|m] [N seconds|second|sec|s]

A month is 30 days and a year 365 days (no calendar arithmetic), as in both official
clients. ``""`` is now. ``"1 yr"``, ``"45 hr"``, ``"1D"`` and ``"1yr2mo3w4d5h6min7s"`` work
here and in JavaScript, not in the official Python client.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta, timezone

__all__ = ["from_now", "from_now_json", "stringify_date"]

# The JavaScript client's expression, as JavaScript matches it: \s is JavaScript's whitespace
# set, \d is [0-9] and the case-insensitivity is ASCII only (Python's own \s, \d and
# re.IGNORECASE also match other scripts' digits, "\x1c" or the Kelvin sign for "k").
_S = r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*"
_EXPRESSION = (
    rf"(?:{_S}(?P<sign>-|\+))?"
    rf"(?:{_S}(?P<years>[0-9]+){_S}y(?:(?:ears?)|r)?)?"
    rf"(?:{_S}(?P<months>[0-9]+){_S}mo(?:nths?)?)?"
    rf"(?:{_S}(?P<weeks>[0-9]+){_S}w(?:(?:eeks?)|k)?)?"
    rf"(?:{_S}(?P<days>[0-9]+){_S}d(?:ays?)?)?"
    rf"(?:{_S}(?P<hours>[0-9]+){_S}h(?:(?:ours?)|r)?)?"
    rf"(?:{_S}(?P<minutes>[0-9]+){_S}m(?:in(?:utes?)?)?)?"
    rf"(?:{_S}(?P<seconds>[0-9]+){_S}s(?:ec(?:onds?)?)?)?"
    rf"{_S}"
)


@functools.cache
def _pattern() -> re.Pattern[str]:
    """Compiled on first use (a few milliseconds, kept out of the package's import)."""
    return re.compile(_EXPRESSION, re.IGNORECASE | re.ASCII)


_UNIT_DAYS = {"years": 365, "months": 30, "weeks": 7, "days": 1}
_UNIT_SECONDS = {"hours": 3600, "minutes": 60, "seconds": 1}


def _shown(expression: str) -> str:
    return repr(expression if len(expression) <= 60 else expression[:57] + "...")


def _offset(expression: str) -> timedelta:
    if not isinstance(expression, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"from_now takes a str, not {type(expression).__name__}")
    match = _pattern().fullmatch(expression)
    if match is None:
        raise ValueError(
            f"from_now: cannot parse {_shown(expression)}; expected e.g. '2 days 3 hours', "
            "'-1 week', '1y 2mo 3w 4d 5h 6min 7s' (units in that order, each at most once)"
        )
    if any(len(value) > 20 for value in match.groupdict().values() if value):
        raise ValueError(f"from_now: {_shown(expression)} is too far from now")
    groups = {
        name: int(value) for name, value in match.groupdict().items() if value and name != "sign"
    }
    days = sum(count * _UNIT_DAYS[unit] for unit, count in groups.items() if unit in _UNIT_DAYS)
    seconds = sum(
        count * _UNIT_SECONDS[unit] for unit, count in groups.items() if unit in _UNIT_SECONDS
    )
    try:
        offset = timedelta(days=days, seconds=seconds)
    except OverflowError:
        raise ValueError(f"from_now: {_shown(expression)} is too far from now") from None
    return -offset if match.group("sign") == "-" else offset


def from_now(expression: str, relative_to: datetime | None = None) -> datetime:
    """The aware UTC datetime `expression` away from `relative_to` (default: now).

    >>> from_now("2 days 3 hours", datetime(2026, 1, 1, tzinfo=timezone.utc))
    datetime.datetime(2026, 1, 3, 3, 0, tzinfo=datetime.timezone.utc)

    A naive `relative_to` is taken as UTC. Raises `ValueError` for an expression outside the
    grammar (see the module docs) or a result outside the years 1-9999.
    """
    offset = _offset(expression)
    if relative_to is None:
        base = datetime.now(timezone.utc)
    elif relative_to.tzinfo is None:
        base = relative_to.replace(tzinfo=timezone.utc)
    else:
        base = relative_to.astimezone(timezone.utc)
    try:
        return base + offset
    except OverflowError:
        raise ValueError(
            f"from_now: {_shown(expression)} is too far from {base.isoformat()}"
        ) from None


def stringify_date(value: datetime) -> str:
    """A datetime as JavaScript's ``Date.toJSON`` writes it: UTC, milliseconds, ``Z``
    (``2026-01-03T03:00:00.000Z``). A naive datetime is taken as UTC."""
    utc = (
        value.replace(tzinfo=timezone.utc)
        if value.tzinfo is None
        else value.astimezone(timezone.utc)
    )
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


def from_now_json(expression: str, relative_to: datetime | None = None) -> str:
    """`from_now` as a JSON date string (JavaScript's ``fromNowJSON``)."""
    return stringify_date(from_now(expression, relative_to))
