"""The readable names are what the methods return, for both type checkers.

Type-checked by `make typecheck`, never run.
"""

from __future__ import annotations

from typing_extensions import assert_type

from taskcluster_typed import Queue
from taskcluster_typed.models.queue import ClaimedTask, PendingTask
from taskcluster_typed.models.worker_manager import StaticProviderInfoDict
from taskcluster_typed.payloads.docker_worker import Capabilities, Devices


def replies(queue: Queue) -> None:
    assert_type(queue.list_pending_tasks("p/w").tasks[0], PendingTask)
    assert_type(queue.list_claimed_tasks("p/w").tasks[0], ClaimedTask)
    for task in queue.iter_list_pending_tasks("p/w"):
        assert_type(task, PendingTask)


def payload_parts() -> Capabilities:
    capabilities = Capabilities(devices=Devices(kvm=True))
    assert_type(capabilities.devices, Devices | None)
    return capabilities


def static_provider() -> StaticProviderInfoDict:
    return {"staticSecret": "s"}
