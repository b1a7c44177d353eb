"""The example programs are scripts in ``examples/``: make them importable, and give each test
an environment pointing at its fresh local Taskcluster (as a real deployment would be)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from taskcluster_typed import Credentials
from taskcluster_typed.testing import LocalTaskcluster

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))


@pytest.fixture
def env(
    local_taskcluster: LocalTaskcluster, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Credentials]:
    """TASKCLUSTER_* set to a client of the fresh deployment holding the scopes of demo.py (and
    the hooks' role, as demo.py makes it)."""
    from demo import HOOK_ROLE, HOOK_ROLE_SCOPES, SCOPES

    credentials = local_taskcluster.add_client("example/client", SCOPES)
    local_taskcluster.add_role(HOOK_ROLE, HOOK_ROLE_SCOPES)
    monkeypatch.setenv("TASKCLUSTER_ROOT_URL", local_taskcluster.root_url)
    monkeypatch.setenv("TASKCLUSTER_CLIENT_ID", credentials.client_id)
    monkeypatch.setenv("TASKCLUSTER_ACCESS_TOKEN", credentials.access_token)
    monkeypatch.delenv("TASKCLUSTER_CERTIFICATE", raising=False)
    yield credentials
