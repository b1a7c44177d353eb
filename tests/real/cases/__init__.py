"""The conformance table: every method of the generated clients -> how to call it on the real
services, what to provision first, what to check (or which documented error to expect).

Each entry is a `Case` keyed ``"<service module>.<python method name>"``, registered by the
service's module here with ``@case(...)``. Its `setup` gets the session's `World` and returns
an `Invoke`: the arguments, and a check of the typed reply. A case with `expect` reaches the
real service and must fail with that error class (and `code`); `not_local` says why a local
deployment cannot serve the method. `test_methods.py` derives the method list from the generated
code and fails for a method this table misses.
"""

from __future__ import annotations

import importlib

from .table import CASES, Case, Invoke

MODULES = (
    "auth",
    "github",
    "hooks",
    "index",
    "monitoring",
    "notify",
    "object",
    "purge_cache",
    "queue",
    "secrets",
    "web_server",
    "worker_manager",
)
for _module in MODULES:  # each module registers its cases
    importlib.import_module(f"{__name__}.{_module}")

__all__ = ["CASES", "Case", "Invoke"]
