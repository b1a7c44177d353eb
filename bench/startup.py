"""Start-up costs, measured in fresh interpreters (``python -c``), the cases interleaved.

- imports from a bare interpreter: only the built-in `time` module is imported before the
  statement (no `json`, so `re`, `enum`, `functools` are not preloaded);
- one-call scripts against the loopback server: import, build a client, `create_task` (3.7 KB)
  twice, exit; the process's wall time from launch to exit, its CPU time (`os.wait4`), its peak
  RSS (VmHWM, read by the script at its end), and the phases timed inside it. "Ready to send"
  is import + client + first call minus the second call: what the first call costs beyond a
  warm one (the modules it imports, the validators pydantic builds, SSL contexts, ...);
- SSL contexts built by each script (counted in a separate, untimed run);
- where ours' first call goes (cProfile of it in a fresh process, cumulative, overlapping).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import fixtures
from bench.harness import Comparison, Report, fmt, table

ROOT = Path(__file__).resolve().parents[1]

INTERPRETER = "pass"
ENGINES_SYNC = "import pydantic, urllib3 (the sync default's engines)"
ENGINES_ASYNC = "import pydantic, aiohttp (the async default's engines)"
IMPORTS = {
    INTERPRETER: INTERPRETER,
    "import taskcluster_typed": "import taskcluster_typed",
    "from taskcluster_typed import Queue": "from taskcluster_typed import Queue",
    "from taskcluster_typed import AsyncQueue": "from taskcluster_typed import AsyncQueue",
    "import taskcluster": "import taskcluster",
    "import taskcluster.aio": "import taskcluster.aio",
    # The engines, for scale: what any client built on them pays at its first call.
    "import pydantic": "import pydantic; from pydantic import BaseModel, TypeAdapter",
    "import httpx": "import httpx",
    "import aiohttp": "import aiohttp",
    "import requests": "import requests",
    # What ours' first call cannot do without: the floor of a one-call script on these engines.
    ENGINES_SYNC: "import pydantic, urllib3; from pydantic import BaseModel, TypeAdapter",
    ENGINES_ASYNC: "import pydantic, aiohttp; from pydantic import BaseModel, TypeAdapter",
}

_IMPORT_SCRIPT = """
import time
t0 = time.perf_counter()
{stmt}
t1 = time.perf_counter()
with open("/proc/self/status") as status:
    hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(t1 - t0, hwm * 1024)
"""
#: Keys of `bench_imports`' result besides the statements' times: a statement's process wall
#: time (launch to exit) and peak RSS.
WALL, RSS = " · process wall", " · peak RSS"

# name -> (imports, the client's construction, one call; async ones run inside `async def`)
_OURS_CREDS = "Credentials(CLIENT_ID, ACCESS_TOKEN)"
_OFFICIAL_OPTS = (
    '{"rootUrl": ROOT, "credentials": {"clientId": CLIENT_ID, "accessToken": ACCESS_TOKEN}}'
)
SCRIPTS: dict[str, tuple[str, str, str]] = {
    "ours, sync `Queue`": (
        "from taskcluster_typed import Credentials, Queue",
        f"client = Queue(ROOT, credentials={_OURS_CREDS})",
        "client.create_task(TASK_ID, DEFINITION)",
    ),
    "official, sync `taskcluster.Queue`": (
        "import taskcluster",
        f"client = taskcluster.Queue({_OFFICIAL_OPTS})",
        "client.createTask(TASK_ID, DEFINITION)",
    ),
    "ours, `AsyncQueue`": (
        "import asyncio\nfrom taskcluster_typed import AsyncQueue, Credentials",
        f"client = AsyncQueue(ROOT, credentials={_OURS_CREDS})",
        "await client.create_task(TASK_ID, DEFINITION)",
    ),
    "official, `taskcluster.aio.Queue`": (
        "import asyncio\nimport taskcluster.aio",
        "session = taskcluster.aio.createSession()\n    "
        f"client = taskcluster.aio.Queue({_OFFICIAL_OPTS}, session=session)",
        "await client.createTask(TASK_ID, DEFINITION)",
    ),
}
OURS_SYNC, OFFICIAL_SYNC, OURS_ASYNC, OFFICIAL_ASYNC = SCRIPTS

_SYNC_BODY = """
t1 = time.perf_counter()
{construct}
t2 = time.perf_counter()
{call}
t3 = time.perf_counter()
{call}
t4 = time.perf_counter()
"""
_ASYNC_BODY = """
async def main():
    global t1, t2, t3, t4
    t1 = time.perf_counter()
    {construct}
    t2 = time.perf_counter()
    {call}
    t3 = time.perf_counter()
    {call}
    t4 = time.perf_counter()
    await (client.session if hasattr(client, "session") else client).close()
asyncio.run(main())
"""
_ONE_CALL = """
import time
t0 = time.perf_counter()
{imports}
ROOT, CLIENT_ID, ACCESS_TOKEN, TASK_ID = {root!r}, {client_id!r}, {token!r}, {task_id!r}
DEFINITION = {definition!r}
{body}
with open("/proc/self/status") as status:
    hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3, hwm * 1024)
"""
# Prepended for the SSL count: counts `ssl.SSLContext` objects made, and of them those made
# while a module of aiohttp was being imported (aiohttp builds its default contexts at import,
# for every client on it), and prints both at exit.
_COUNT_SSL = """
import atexit, ssl, traceback
_made = [0, 0]
_new = ssl.SSLContext.__new__
def _counting(cls, *args, **kwargs):
    _made[0] += 1
    frames = traceback.extract_stack()
    if any(f.name == "<module>" and "/aiohttp/" in f.filename for f in frames):
        _made[1] += 1
    return _new(cls, *args, **kwargs)
ssl.SSLContext.__new__ = _counting
atexit.register(lambda: print("SSL", _made[0], _made[1]))
"""
# Appended to profile ours' first call (the second is the script's; its figures are dropped).
_PROFILE = """
import cProfile, pstats
profile = cProfile.Profile()
DEFINITION2 = dict(DEFINITION)
{run}
stats = pstats.Stats(profile).stats
print("PROFILE", json.dumps([[f"{{k[0]}}:{{k[2]}}", v[3]] for k, v in stats.items()]))
"""


def script(name: str, root_url: str, fx: fixtures.Fixtures) -> str:
    imports, construct, call = SCRIPTS[name]
    body = (_ASYNC_BODY if "await" in call else _SYNC_BODY).format(construct=construct, call=call)
    return _ONE_CALL.format(
        imports=imports,
        root=root_url,
        client_id=fixtures.CLIENT_ID,
        token=fixtures.ACCESS_TOKEN,
        task_id=fx.task_id,
        definition=fx.definition,
        body=body,
    )


@dataclass
class Run:
    """One fresh process: its wall time launch to exit, CPU time, its stdout."""

    wall: float
    cpu: float
    out: str


def fresh(code: str) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage (Popen.wait has none)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"script failed ({proc.returncode}): {code[:300]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, out)


@dataclass
class Figures:
    values: dict[str, list[float]] = field(default_factory=dict)

    def add(self, key: str, value: float) -> None:
        self.values.setdefault(key, []).append(value)

    def med(self, key: str) -> float:
        return statistics.median(self.values[key])

    def spread(self, key: str) -> str:
        return f"{fmt(min(self.values[key]))}–{fmt(max(self.values[key]))}"


def bench_imports(reps: int, report: Report) -> dict[str, list[float]]:
    labels = list(IMPORTS)
    runs: dict[str, list[float]] = {
        label + suffix: [] for label in labels for suffix in ("", WALL, RSS)
    }
    for rep in range(-1, reps):  # one warm-up round (pyc and page caches)
        shift = max(rep, 0) % len(labels)
        for label in labels[shift:] + labels[:shift]:
            run = fresh(_IMPORT_SCRIPT.format(stmt=IMPORTS[label]))
            seconds, rss = (float(x) for x in run.out.split()[-2:])
            if rep >= 0:
                runs[label].append(seconds)
                runs[label + WALL].append(run.wall)
                runs[label + RSS].append(rss)
    rows = [
        [
            f"`{IMPORTS[label]}`" if label == INTERPRETER else f"`{label}`",
            fmt(statistics.median(runs[label])),
            f"{fmt(min(runs[label]))}–{fmt(max(runs[label]))}",
            fmt(statistics.median(runs[label + WALL])),
            f"{statistics.median(runs[label + RSS]) / 2**20:.1f} MiB",
        ]
        for label in labels
    ]
    body = table(
        [
            "statement (fresh, bare interpreter)",
            "median",
            "min–max",
            "process wall (launch to exit)",
            "peak RSS",
        ],
        rows,
    )
    body += (
        f"\n\n{reps} fresh interpreters per statement, interleaved; the statement alone is "
        "timed, with nothing but the built-in `time` module imported before it; the process "
        "wall column is the whole process, launch to exit (`pass`: the interpreter alone). The "
        "engine rows are for scale (`import pydantic` includes `BaseModel` and `TypeAdapter`): "
        "ours needs pydantic, httpx and urllib3 (aiohttp instead of urllib3 for the async "
        "default) by its first call, the official client requests (sync) or aiohttp (aio) and "
        "mohawk, at import. The last two rows are the floors of a one-call script on these "
        "engines: what any client that validates with pydantic and sends with urllib3 "
        "(or aiohttp) pays before its first byte, with httpx left out."
    )
    report.add("Import time (bare interpreter)", body)
    report.summary.append(
        Comparison(
            "import: `import taskcluster_typed` / `import taskcluster` (bare interpreter)",
            statistics.median(runs["import taskcluster_typed"]),
            statistics.median(runs["import taskcluster"]),
            "time",
            0.2,
            "`import taskcluster_typed` ≤ 0.2× `import taskcluster`",
            ours_runs=runs["import taskcluster_typed"],
            reference_runs=runs["import taskcluster"],
        )
    )
    return runs


def _ssl_count(name: str, root_url: str, fx: fixtures.Fixtures) -> tuple[int, int]:
    """SSL contexts the script made: in all, and while aiohttp was being imported."""
    out = fresh(_COUNT_SSL + script(name, root_url, fx)).out
    made, at_import = next(line for line in out.splitlines() if line.startswith("SSL ")).split()[1:]
    return int(made), int(at_import)


def _first_call_profile(name: str, root_url: str, fx: fixtures.Fixtures) -> list[list[str]]:
    """Cumulative time of the first call's parts (they overlap: SSL inside an import...)."""
    imports, construct, call = SCRIPTS[name]
    if "await" in call:
        run = (
            "async def profiled():\n"
            f"    {construct}\n"
            "    profile.enable()\n"
            f"    {call.replace('DEFINITION', 'DEFINITION2')}\n"
            "    profile.disable()\n"
            "    await (client.session if hasattr(client, 'session') else client).close()\n"
            "asyncio.run(profiled())"
        )
    else:
        run = (
            f"{construct}\nprofile.enable()\n{call.replace('DEFINITION', 'DEFINITION2')}\n"
            "profile.disable()"
        )
    code = _ONE_CALL.format(
        imports=imports + "\nimport json",
        root=root_url,
        client_id=fixtures.CLIENT_ID,
        token=fixtures.ACCESS_TOKEN,
        task_id=fx.task_id,
        definition=fx.definition,
        body="t1 = t2 = t3 = t4 = 0.0\n" + _PROFILE.format(run=run),
    )
    out = fresh(code).out
    line = next(line for line in out.splitlines() if line.startswith("PROFILE "))
    cumulative: dict[str, float] = {}
    for where, seconds in json.loads(line[len("PROFILE ") :]):
        cumulative[where] = max(cumulative.get(where, 0.0), seconds)

    def part(*suffixes: str) -> float:
        return max((s for w, s in cumulative.items() if w.endswith(suffixes)), default=0.0)

    total = max(cumulative.values())
    parts = [
        ("the whole first call", total),
        ("imports (modules the first call imports)", part(":_find_and_load")),
        ("of which pydantic's plugin look-up (importlib.metadata)", part("_loader.py:get_plugins")),
        ("pydantic building validators (schema + core validator)", part(":_init_core_attrs")),
        ("SSL contexts (ssl.create_default_context)", part("ssl.py:create_default_context")),
    ]
    return [[label, fmt(seconds), f"{seconds / total:.0%}"] for label, seconds in parts]


def bench_one_call(
    reps: int, report: Report, root_url: str, fx: fixtures.Fixtures, imports: dict[str, list[float]]
) -> None:
    names = list(SCRIPTS)
    figures = {name: Figures() for name in names}
    for rep in range(-1, reps):
        shift = max(rep, 0) % len(names)
        for name in names[shift:] + names[:shift]:
            run = fresh(script(name, root_url, fx))
            if rep < 0:
                continue
            imp, construct, first, second, rss = (float(x) for x in run.out.split()[-5:])
            f = figures[name]
            for key, value in (
                ("wall", run.wall),
                ("cpu", run.cpu),
                ("rss", rss),
                ("import", imp),
                ("construct", construct),
                ("first", first),
                ("second", second),
                ("ready", imp + construct + first - second),
            ):
                f.add(key, value)
    ssl = {name: _ssl_count(name, root_url, fx) for name in names}

    def beyond(name: str) -> float:
        return float(ssl[name][0] - ssl[name][1])

    rows = [
        [
            name,
            f"{fmt(f.med('wall'))} ({f.spread('wall')})",
            fmt(f.med("cpu")),
            f"{f.med('rss') / 2**20:.1f} MiB",
            fmt(f.med("import")),
            fmt(f.med("construct")),
            fmt(f.med("first")),
            fmt(f.med("second")),
            fmt(f.med("ready")),
            f"{ssl[name][0]} ({ssl[name][1]} by aiohttp's import)",
        ]
        for name, f in figures.items()
    ]
    body = table(
        [
            "one-call script (fresh process, `create_task` 3.7 KB)",
            "process wall, launch to exit (min–max)",
            "process CPU",
            "peak RSS",
            "import",
            "client",
            "first call",
            "second call",
            "ready to send",
            "SSL contexts built",
        ],
        rows,
    )
    body += (
        f"\n\n{reps} runs per script, interleaved; medians. The root URL is `http://`: no SSL "
        "context is needed. Ready to send = import + client + first call − second call.\n\n"
        "Where ours' first call goes (cProfile in a fresh process; cumulative times, which "
        "overlap):\n\n"
    )
    for name in (OURS_SYNC, OURS_ASYNC):
        body += f"{name}:\n\n" + table(
            ["part of the first call", "time", "share"], _first_call_profile(name, root_url, fx)
        )
        body += "\n\n"
    report.add("One-call scripts and the first call", body.rstrip())
    o, f_ = figures[OURS_SYNC], figures[OFFICIAL_SYNC]
    oa, fa = figures[OURS_ASYNC], figures[OFFICIAL_ASYNC]

    def med(key: str) -> float:
        return statistics.median(imports[key])

    interpreter = med(INTERPRETER + WALL)

    def one_call(
        what: str, ours: Figures, reference: Figures, reference_name: str, engines: str, text: str
    ) -> Comparison:
        """The process wall of a one-call script, against the floor of its engines: the
        interpreter's start and exit plus the engines' imports."""
        return Comparison(
            f"one-call script, {what}: process wall, ours vs {reference_name}",
            ours.med("wall"),
            reference.med("wall"),
            "time",
            0.7,
            text,
            ours_runs=ours.values["wall"],
            reference_runs=reference.values["wall"],
            floor=(interpreter + med(engines)) / reference.med("wall"),
            floor_text=f"the interpreter's start and exit ({fmt(interpreter)}) plus "
            f"`{IMPORTS[engines]}` ({fmt(med(engines))}), against the official script's "
            "whole run",
        )

    report.summary += [
        one_call(
            "sync",
            o,
            f_,
            "official",
            ENGINES_SYNC,
            "a one-call script ≤ 0.7× the official client's wall time, sync and async",
        ),
        one_call("async", oa, fa, "official aio", ENGINES_ASYNC, "(as above)"),
        Comparison(
            "one-call script, sync / async: process CPU, ours vs official "
            f"(async: {fmt(oa.med('cpu'))} vs {fmt(fa.med('cpu'))}, "
            f"{statistics.median(oa.values['cpu']) / statistics.median(fa.values['cpu']):.2f}×)",
            o.med("cpu"),
            f_.med("cpu"),
            "time",
            ours_runs=o.values["cpu"],
            reference_runs=f_.values["cpu"],
        ),
        Comparison(
            "SSL contexts built for an `http://` root URL by the one-call scripts beyond "
            "those aiohttp builds when imported, ours (sync / async: "
            f"{beyond(OURS_SYNC):g} / {beyond(OURS_ASYNC):g}) vs official (sync / async: "
            f"{beyond(OFFICIAL_SYNC):g} / {beyond(OFFICIAL_ASYNC):g}); in all, with aiohttp's: "
            + ", ".join(f"{name} {ssl[name][0]}" for name in names),
            max(beyond(OURS_SYNC), beyond(OURS_ASYNC)),
            max(beyond(OFFICIAL_SYNC), beyond(OFFICIAL_ASYNC), 1.0),
            "count",
            target_text="no SSL context for an `http://` root URL, none twice",
            max_ours=0.0,
        ),
        Comparison(
            '"AsyncQueue ready to send" / `import taskcluster.aio` (bare)',
            oa.med("ready"),
            statistics.median(imports["import taskcluster.aio"]),
            "time",
            0.5,
            '"AsyncQueue ready to send" ≤ 0.5× `import taskcluster.aio`',
            ours_runs=oa.values["ready"],
            reference_runs=imports["import taskcluster.aio"][: len(oa.values["ready"])],
            floor=med(ENGINES_ASYNC) / med("import taskcluster.aio"),
            floor_text=f"`{IMPORTS[ENGINES_ASYNC]}` ({fmt(med(ENGINES_ASYNC))}), the modules the "
            "default async transport and the models cannot do without",
        ),
        Comparison(
            '"Queue ready to send" / official sync ready to send',
            o.med("ready"),
            f_.med("ready"),
            "time",
            ours_runs=o.values["ready"],
            reference_runs=f_.values["ready"],
        ),
        Comparison(
            "one-call script, sync: peak RSS, ours vs official (the engines alone, "
            f"`{IMPORTS[ENGINES_SYNC]}`: {med(ENGINES_SYNC + RSS) / 2**20:.1f} MiB)",
            o.med("rss"),
            f_.med("rss"),
            "bytes",
        ),
        Comparison(
            "one-call script, async: peak RSS, ours vs official aio (the engines alone, "
            f"`{IMPORTS[ENGINES_ASYNC]}`: {med(ENGINES_ASYNC + RSS) / 2**20:.1f} MiB)",
            oa.med("rss"),
            fa.med("rss"),
            "bytes",
        ),
    ]
