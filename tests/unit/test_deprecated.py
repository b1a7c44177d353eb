"""Deprecated methods carry PEP 702 ``@deprecated`` (for IDEs and type checkers) and warn once."""

from __future__ import annotations

import importlib
import inspect
import warnings

import pytest

from taskcluster_typed._core.endpoint import Endpoint

SERVICES = ["auth", "github", "hooks", "index", "notify", "object", "purge_cache", "queue"]
SERVICES += ["secrets", "web_server", "worker_manager"]


def endpoints(module_name: str) -> dict[str, Endpoint[object]]:
    module = importlib.import_module(f"taskcluster_typed.services.{module_name}")
    return {
        name.removeprefix("_").lower(): value
        for name, value in vars(module).items()
        if isinstance(value, Endpoint)
    }


@pytest.mark.parametrize("module_name", SERVICES)
def test_exactly_the_deprecated_methods_are_marked(module_name: str) -> None:
    module = importlib.import_module(f"taskcluster_typed.services.{module_name}")
    classes = [
        c for _, c in inspect.getmembers(module, inspect.isclass) if c.__module__ == module.__name__
    ]
    clients = [c for c in classes if hasattr(c, "service_name")]
    assert len(clients) == 2
    for name, endpoint in endpoints(module_name).items():
        for client in clients:
            for attribute in (name, f"iter_{name}"):
                method = getattr(client, attribute, None)
                if method is None:
                    continue
                message = getattr(method, "__deprecated__", None)
                if endpoint.stability == "deprecated":
                    assert message is not None, f"{client.__name__}.{attribute}"
                    assert endpoint.name in message
                else:
                    assert message is None, f"{client.__name__}.{attribute}"


def test_a_deprecated_method_warns_once_at_the_call() -> None:
    from taskcluster_typed import Queue

    queue = Queue("https://tc.example.com")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        queue.urls.get_worker_type("p", "w")  # URLs are not calls: no warning
        queue.iter_list_workers("p", "w")  # checked now, fetched later: one warning
    assert [str(w.message) for w in caught] == ["queue.listWorkers is deprecated"]
    assert caught[0].filename == __file__
