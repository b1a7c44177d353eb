"""from_now parses exactly what the JavaScript client's regular expression accepts, as
JavaScript's regex engine runs it (whitespace set, ASCII-only case-insensitivity, digits).

One Node process evaluates a few thousand expressions (well-formed, mangled, and spiced
with Unicode look-alikes) with the expression and arithmetic of taskcluster-client's
fromNow, as the behaviour notes give them; every answer must match ours.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from datetime import datetime, timezone

import pytest

from taskcluster_typed import from_now

pytestmark = pytest.mark.interop

REFERENCE = datetime(2026, 1, 1, tzinfo=timezone.utc)

JS = r"""
const pattern = new RegExp([
  '^(\\s*(-|\\+))?',
  '(\\s*(\\d+)\\s*y((ears?)|r)?)?',
  '(\\s*(\\d+)\\s*mo(nths?)?)?',
  '(\\s*(\\d+)\\s*w((eeks?)|k)?)?',
  '(\\s*(\\d+)\\s*d(ays?)?)?',
  '(\\s*(\\d+)\\s*h((ours?)|r)?)?',
  '(\\s*(\\d+)\\s*m(in(utes?)?)?)?',
  '(\\s*(\\d+)\\s*s(ec(onds?)?)?)?',
  '\\s*$',
].join(''), 'i');
const n = (value) => parseInt(value || '0', 10);
const offset = (text) => {
  const m = pattern.exec(text);
  if (!m) {
    return null;
  }
  const sign = m[2] === '-' ? -1 : 1;
  const days = n(m[4]) * 365 + n(m[8]) * 30 + n(m[11]) * 7 + n(m[15]);
  const seconds = n(m[18]) * 3600 + n(m[22]) * 60 + n(m[26]);
  return sign * (days * 86400 + seconds) * 1000;
};
let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  process.stdout.write(JSON.stringify(JSON.parse(input).map(offset)));
});
"""

UNITS = [
    ["y", "yr", "year", "years"],
    ["mo", "month", "months"],
    ["w", "wk", "week", "weeks"],
    ["d", "day", "days"],
    ["h", "hr", "hour", "hours"],
    ["m", "min", "minute", "minutes"],
    ["s", "sec", "second", "seconds"],
]
SPACES = [
    "",
    " ",
    "  ",
    "\t",
    "\n",
    "\u00a0",
    "\u2028",
    "\ufeff",
    "\u3000",
    "\x1c",
    "\u200b",
    "\x85",
]
ODD = ["\u212a", "\u017f", "\u0131", "\u0130", "\u0663", "\uff11", "+", "-", ".", "x", "1"]


def expressions(count: int) -> list[str]:
    rng = random.Random(20260101)
    found = [
        "",
        "-",
        "+",
        " ",
        "1 yr",
        "45 hr",
        "1D",
        "1yr2mo3w4d5h6min7s",
        "1 w\u212a",
        "1 \u017f",
        "2 \u212a",
    ]
    for _ in range(count):
        parts = [rng.choice(SPACES), rng.choice(["", "", "-", "+"])]
        units = rng.sample(range(len(UNITS)), rng.randint(0, 4))
        if rng.random() < 0.8:
            units.sort()  # mostly in order
        for unit in units:
            spelling = rng.choice(UNITS[unit])
            spelling = rng.choice([spelling, spelling.upper(), spelling.title()])
            parts += [rng.choice(SPACES), str(rng.randint(0, 999)), rng.choice(SPACES), spelling]
        parts.append(rng.choice(SPACES))
        if rng.random() < 0.2:
            at = rng.randrange(len(parts) + 1)
            parts.insert(at, rng.choice(ODD))
        found.append("".join(parts))
    return found


def ours(text: str) -> int | None:
    try:
        delta = from_now(text, REFERENCE) - REFERENCE
    except ValueError:
        return None
    return (delta.days * 86400 + delta.seconds) * 1000


def test_from_now_accepts_what_javascript_accepts() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("`node` is not on PATH (the interop tests need Node)")
    batch = expressions(4000)
    result = subprocess.run(
        [node, "-e", JS], input=json.dumps(batch), capture_output=True, text=True, check=True
    )
    theirs = json.loads(result.stdout)
    mismatches = [
        (text, theirs[i], ours(text)) for i, text in enumerate(batch) if theirs[i] != ours(text)
    ]
    assert mismatches == []
    accepted = sum(1 for value in theirs if value is not None)
    assert 500 < accepted < len(batch) - 500  # both kinds are well represented
