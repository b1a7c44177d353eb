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

from .fake import Fake as Fake
from .fake import FakeCall as FakeCall
from .fake import FakeNotImplementedError as FakeNotImplementedError
from .fake_pulse import FakeMessage as FakeMessage
from .fake_pulse import FakePulseConsumer as FakePulseConsumer
from .fake_pulse import fake_message as fake_message
from .server import ROOT_CLIENT_ID as ROOT_CLIENT_ID
from .server import LocalTaskcluster as LocalTaskcluster

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
