"""A pytest plugin (registered as ``taskcluster_typed``): the ``local_taskcluster`` fixture.

::

    from taskcluster_typed import Secrets, from_now

    def test_secret_round_trip(local_taskcluster):
        secrets = local_taskcluster.client(Secrets)
        secrets.set("project/x", {"secret": {"token": "t"}, "expires": from_now("1 hour")})
        assert secrets.get("project/x").secret == {"token": "t"}

Each test gets a fresh deployment (own port, empty state); ``local_taskcluster.client(Queue)``
makes a client with root credentials, ``client(Queue, scopes=[...])`` one holding only those
scopes. Creating a server costs about a millisecond.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported when the fixture is used: loading the plugin stays cheap
    from .server import LocalTaskcluster


@pytest.fixture
def local_taskcluster() -> Iterator[LocalTaskcluster]:
    """A started local Taskcluster, stopped after the test."""
    from .server import LocalTaskcluster

    with LocalTaskcluster() as deployment:
        yield deployment
