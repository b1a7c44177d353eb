"""Deprecated methods are reported by the type checkers (PEP 702 ``@deprecated``).

mypy reports them with ``--enable-error-code deprecated`` (tests/typing/test_typing.py turns
it on; pyright strict reports them with ``reportDeprecated``).
"""

from __future__ import annotations

from taskcluster_typed import AsyncQueue, Auth, Hooks, Queue


def sync_calls(queue: Queue, auth: Auth, hooks: Hooks) -> None:
    queue.claim_task("abc", 0, {"workerGroup": "g", "workerId": "w"})  # E: deprecated
    queue.get_worker_type("p", "w")  # E: deprecated
    queue.iter_list_workers("p", "w")  # E: deprecated
    auth.azure_accounts()  # E: deprecated
    hooks.get_hook_status("g", "h")  # E: deprecated
    queue.get_task_queue("p/w")  # not deprecated: no error


async def async_calls(queue: AsyncQueue) -> None:
    await queue.pending_tasks("p/w")  # E: deprecated
