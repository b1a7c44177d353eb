"""Conformance cases of the worker-manager service."""

from __future__ import annotations

from taskcluster_typed import from_now
from taskcluster_typed.models.worker_manager import ReportWorkerErrorRequestDict

from ..world import World, worker_pool_definition
from .table import Invoke, call, case

# worker-manager -----------------------------------------------------------------------------


@case("worker_manager.list_providers")
def _providers(w: World) -> Invoke:
    return call(check=lambda r: "static" in [p.provider_id for p in r.providers])


@case("worker_manager.create_worker_pool")
def _create_pool(w: World) -> Invoke:
    pool_id = f"{w.provisioner}/{w.unique('pool')}"
    return call(
        pool_id,
        worker_pool_definition(),
        check=lambda r: (r.worker_pool_id, r.provider_id) == (pool_id, "static"),
    )


@case("worker_manager.update_worker_pool")
def _update_pool(w: World) -> Invoke:
    pool_id = w.worker_pool()
    return call(
        pool_id,
        worker_pool_definition(description="updated"),
        check=lambda r: r.description == "updated",
    )


@case("worker_manager.delete_worker_pool")
def _delete_pool(w: World) -> Invoke:
    pool_id = w.worker_pool()
    return call(pool_id, check=lambda r: r.provider_id == "null-provider")


@case("worker_manager.list_worker_pool_launch_configs")
def _launch_configs(w: World) -> Invoke:
    pool_id = w.worker_pool()
    return call(pool_id, check=lambda r: isinstance(r.worker_pool_launch_configs, list))


@case("worker_manager.worker_pool_stats")
def _pool_stats(w: World) -> Invoke:
    pool_id = w.worker_pool()
    return call(pool_id, check=lambda r: isinstance(r.launch_config_stats, list))


@case("worker_manager.worker_pool")
def _pool(w: World) -> Invoke:
    pool_id = w.worker_pool()
    return call(pool_id, check=lambda r: r.worker_pool_id == pool_id and r.config == {})


@case("worker_manager.list_worker_pools")
def _pools(w: World) -> Invoke:
    w.worker_pool()
    w.worker_pool()
    return call(limit=1, check=lambda r: len(r.worker_pools) == 1 and r.continuation_token)


@case("worker_manager.list_worker_pools_stats")
def _pools_stats(w: World) -> Invoke:
    w.worker_pool()
    return call(check=lambda r: len(r.worker_pools_stats) >= 1)


def _error_report(group: str, worker_id: str) -> ReportWorkerErrorRequestDict:
    return {
        "kind": "typed-error",
        "title": "conformance",
        "description": "reported",
        "extra": {},
        "workerGroup": group,
        "workerId": worker_id,
    }


@case("worker_manager.report_worker_error")
def _report_error(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    return call(
        pool_id,
        _error_report(group, worker_id),
        check=lambda r: (r.worker_pool_id, r.kind) == (pool_id, "typed-error"),
    )


@case("worker_manager.worker_pool_error_stats")
def _error_stats(w: World) -> Invoke:
    pool_id = w.worker_pool()
    return call(worker_pool_id=pool_id, check=lambda r: r.worker_pool_id == pool_id)


@case("worker_manager.list_worker_pool_errors")
def _errors(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    w.worker_manager.report_worker_error(pool_id, _error_report(group, worker_id))
    return call(pool_id, check=lambda r: [e.kind for e in r.worker_pool_errors] == ["typed-error"])


@case("worker_manager.list_workers_for_worker_group")
def _workers_for_group(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    return call(pool_id, group, check=lambda r: [x.worker_id for x in r.workers] == [worker_id])


@case("worker_manager.worker")
def _worker(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    return call(pool_id, group, worker_id, check=lambda r: r.worker_id == worker_id)


@case("worker_manager.create_worker")
def _create_worker(w: World) -> Invoke:
    pool_id = w.worker_pool()
    worker_id = w.unique("worker")
    payload = {"expires": from_now("1 day"), "providerInfo": {"staticSecret": "s" * 44}}
    return call(pool_id, "typed-group", worker_id, payload, check=lambda r: r.state == "running")


@case("worker_manager.update_worker")
def _update_worker(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    payload = {"expires": from_now("2 days"), "providerInfo": {"staticSecret": "t" * 44}}
    return call(pool_id, group, worker_id, payload, check=lambda r: r.worker_id == worker_id)


@case("worker_manager.remove_worker")
def _remove_worker(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    return call(pool_id, group, worker_id, check=lambda r: r is None)


@case("worker_manager.should_worker_terminate")
def _should_terminate(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    return call(pool_id, group, worker_id, check=lambda r: r.terminate is False)


@case("worker_manager.list_workers_for_worker_pool")
def _workers_for_pool(w: World) -> Invoke:
    pool_id = w.worker_pool()
    _, worker_id, _ = w.static_worker(pool_id)
    return call(pool_id, check=lambda r: [x.worker_id for x in r.workers] == [worker_id])


@case("worker_manager.register_worker")
def _register(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, secret = w.static_worker(pool_id)
    payload = {
        "workerPoolId": pool_id,
        "providerId": "static",
        "workerGroup": group,
        "workerId": worker_id,
        "workerIdentityProof": {"staticSecret": secret},
    }
    return call(payload, check=lambda r: r.credentials.client_id.startswith("worker/"))


@case("worker_manager.reregister_worker")
def _reregister(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, secret = w.static_worker(pool_id)
    registered = w.worker_manager.register_worker(
        {
            "workerPoolId": pool_id,
            "providerId": "static",
            "workerGroup": group,
            "workerId": worker_id,
            "workerIdentityProof": {"staticSecret": secret},
        }
    )
    payload = {
        "workerPoolId": pool_id,
        "workerGroup": group,
        "workerId": worker_id,
        "secret": registered.secret,
    }
    return call(payload, check=lambda r: r.secret != registered.secret)


@case("worker_manager.list_workers")
def _wm_list_workers(w: World) -> Invoke:
    # A worker the queue knows but worker-manager does not: when both know it, v106 lists it
    # twice and fails its own output schema (500 "must NOT have duplicate items").
    pool_id = w.worker_pool()
    group, worker_id = "typed-group", w.unique("queue-worker")
    provisioner, worker_type = pool_id.split("/")
    w.queue.declare_worker(
        provisioner, worker_type, group, worker_id, {"expires": from_now("1 day")}
    )
    return call(
        provisioner, worker_type, check=lambda r: [x.worker_id for x in r.workers] == [worker_id]
    )


@case("worker_manager.get_worker")
def _wm_get_worker(w: World) -> Invoke:
    pool_id = w.worker_pool()
    group, worker_id, _ = w.static_worker(pool_id)
    provisioner, worker_type = pool_id.split("/")
    w.queue.declare_worker(
        provisioner, worker_type, group, worker_id, {"expires": from_now("1 day")}
    )
    return call(
        provisioner, worker_type, group, worker_id, check=lambda r: r.worker_id == worker_id
    )
