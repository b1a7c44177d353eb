"""The bench's Node server serves the fixtures and refuses a wrong Hawk signature."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import pytest

from bench import fixtures
from bench.server import ServerProcess
from taskcluster_typed import Credentials, Queue
from taskcluster_typed._core.errors import AuthenticationFailed

if TYPE_CHECKING:
    from taskcluster_typed._typeddicts.queue import CreateTaskRequestDict

pytestmark = pytest.mark.interop


def test_served_bodies_and_every_sampled_header_verified() -> None:
    fx = fixtures.build(pages=2, page_size=3)
    definition = cast("CreateTaskRequestDict", fx.definition)
    with ServerProcess(fx) as server:
        server.reset(1)
        good = Credentials(fixtures.CLIENT_ID, fixtures.ACCESS_TOKEN)
        with Queue(server.root_url, credentials=good) as queue:
            assert queue.status(fx.task_id).status.task_id == fx.task_id
            assert queue.create_task(fx.task_id, definition).status.state == "pending"
            info = queue.latest_artifact_info(fx.task_id, fixtures.ODD_ARTIFACT)
            assert info.name == fixtures.ODD_ARTIFACT
            first = queue.list_task_group(fx.group_id)
            assert len(first.tasks) == 3
            assert first.continuation_token is not None
            last = queue.list_task_group(fx.group_id, continuation_token=first.continuation_token)
            assert last.continuation_token is None
        stats = server.stats()
        assert (stats["requests"], stats["verified"], stats["failed"]) == (5, 5, 0)
        assert stats["cpu_s"] > 0

        wrong = Credentials(fixtures.CLIENT_ID, fixtures.ACCESS_TOKEN + "x")
        with (
            Queue(server.root_url, credentials=wrong) as queue,
            pytest.raises(AuthenticationFailed, match="Bad mac"),
        ):
            queue.create_task(fx.task_id, definition)
        assert server.stats()["failed"] == 1
