"""Testing kit: typed fakes of every service client, and a local Taskcluster.

- `Fake` builds a real client (``Fake(Queue, {"status": handler}).client``) whose calls are
  validated like real ones and answered by your functions, recording every call.
- `LocalTaskcluster` is an HTTP server on 127.0.0.1 that checks Hawk signatures, scopes and
  schemas like the services do, and keeps queue, secrets, index, auth and hooks state in
  memory (``python -m taskcluster_typed.testing.server`` runs one).
- `FakePulseConsumer` stands in for the Pulse consumers, fed with `fake_message(...)`.
- The pytest plugin gives each test a fresh one: the ``local_taskcluster`` fixture.

See docs/testing.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Imported on first use (PEP 562): the pytest plugin lives in this package, and pytest loads
# it in every run of any project that has this package installed, so importing the package
# must not import the server, httpx or pydantic (tests/testing/test_plugin_cost.py).
if TYPE_CHECKING:
    from .fake import Fake as Fake
    from .fake import FakeCall as FakeCall
    from .fake import FakeNotImplementedError as FakeNotImplementedError
    from .fake_pulse import FakeMessage as FakeMessage
    from .fake_pulse import FakePulseConsumer as FakePulseConsumer
    from .fake_pulse import fake_message as fake_message
    from .server import ROOT_CLIENT_ID as ROOT_CLIENT_ID
    from .server import LocalTaskcluster as LocalTaskcluster

_LAZY = {
    "Fake": ".fake",
    "FakeCall": ".fake",
    "FakeNotImplementedError": ".fake",
    "FakeMessage": ".fake_pulse",
    "FakePulseConsumer": ".fake_pulse",
    "fake_message": ".fake_pulse",
    "ROOT_CLIENT_ID": ".server",
    "LocalTaskcluster": ".server",
}

__all__ = [
    "ROOT_CLIENT_ID",
    "Fake",
    "FakeCall",
    "FakeMessage",
    "FakeNotImplementedError",
    "FakePulseConsumer",
    "LocalTaskcluster",
    "fake_message",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
