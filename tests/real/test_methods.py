"""Every method of the generated clients, sync and async, against the real services.

The method list comes from the generated service modules (each `Endpoint` and the client
method named after it); `method_table.CASES` says how to call each one. Replies are decoded
strictly (`strict_replies`: a value the model does not allow fails, naming the field) and
must keep no field their model does not declare (`unknown_fields`).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import taskcluster_typed.services as services
from codegen.naming import snake_case
from taskcluster_typed._core import errors as tce
from taskcluster_typed._core.client import AsyncClient, SyncClient
from taskcluster_typed._core.endpoint import Endpoint
from taskcluster_typed._core.lenient import strict_replies, unknown_fields

from .cases import CASES, Case, Invoke
from .conftest import RealTaskcluster as Real
from .report import RECORD
from .world import World


@dataclass(frozen=True)
class Method:
    name: str  # "queue.create_task"
    sync_class: type[SyncClient]
    async_class: type[AsyncClient]
    endpoint: Endpoint[Any]


def generated_methods() -> dict[str, Method]:
    """Every method of every generated service client, keyed ``"<module>.<method>"``."""
    found: dict[str, Method] = {}
    for info in sorted(pkgutil.iter_modules(services.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{services.__name__}.{info.name}")
        classes = [v for v in vars(module).values() if inspect.isclass(v)]
        sync = next(
            c for c in classes if issubclass(c, SyncClient) and c.__module__ == module.__name__
        )
        async_ = next(
            c for c in classes if issubclass(c, AsyncClient) and c.__module__ == module.__name__
        )
        for value in vars(module).values():
            if isinstance(value, Endpoint):
                endpoint: Endpoint[Any] = value  # pyright: ignore[reportUnknownVariableType]
                python_name = snake_case(endpoint.name)
                assert callable(getattr(sync, python_name)), python_name
                assert callable(getattr(async_, python_name)), python_name
                found[f"{info.name}.{python_name}"] = Method(
                    f"{info.name}.{python_name}", sync, async_, endpoint
                )
    return found


METHODS = generated_methods()
RECORD.methods_total = len(METHODS)
for _case in CASES.values():
    if _case.not_local:
        RECORD.not_local[_case.name] = _case.not_local


def test_every_generated_method_is_in_the_table() -> None:
    assert len(METHODS) >= 192
    assert sorted(set(METHODS) - set(CASES)) == []
    assert sorted(set(CASES) - set(METHODS)) == []


def test_every_case_not_served_locally_expects_its_documented_error() -> None:
    assert [c.name for c in CASES.values() if c.not_local and c.expect is None] == []


@pytest.fixture(scope="session")
def world(real: Real) -> Iterator[World]:
    made = World(real)
    yield made
    made.close()


def _client_options(real: Real, invoke: Invoke) -> dict[str, Any]:
    credentials = real.credentials if invoke.credentials is None else invoke.credentials
    return {"credentials": credentials, "max_retries": 0}


def _check_reply(case: Case, invoke: Invoke, result: Any) -> None:
    assert unknown_fields(result) == [], f"{case.name}: fields the model does not declare"
    if invoke.check is not None:
        assert invoke.check(result), f"{case.name}: unexpected reply {result!r}"


def _check_error(case: Case, error: tce.APIError) -> None:
    if case.code is not None:
        assert error.code == case.code, f"{case.name}: {error!r}"


def _deprecation(method: Method) -> Any:
    if method.endpoint.stability == "deprecated":
        return pytest.warns(DeprecationWarning, match=method.endpoint.name)
    return warnings.catch_warnings()


@pytest.mark.parametrize("name", sorted(METHODS))
def test_sync(name: str, real: Real, world: World) -> None:
    method, case = METHODS[name], CASES[name]
    invoke = case.setup(world)
    with method.sync_class(real.root_url, **_client_options(real, invoke)) as client:
        bound = getattr(client, name.split(".", 1)[1])
        with strict_replies(), _deprecation(method):
            if case.expect is not None:
                with pytest.raises(case.expect) as caught:
                    bound(*invoke.args, **invoke.kwargs)
                _check_error(case, caught.value)
            else:
                _check_reply(case, invoke, bound(*invoke.args, **invoke.kwargs))
    RECORD.method_ran("sync", name, served=case.not_local is None)


@pytest.mark.anyio
@pytest.mark.parametrize("name", sorted(METHODS))
async def test_async(name: str, real: Real, world: World) -> None:
    method, case = METHODS[name], CASES[name]
    invoke = case.setup(world)
    async with method.async_class(real.root_url, **_client_options(real, invoke)) as client:
        bound = getattr(client, name.split(".", 1)[1])
        with strict_replies(), _deprecation(method):
            if case.expect is not None:
                with pytest.raises(case.expect) as caught:
                    await bound(*invoke.args, **invoke.kwargs)
                _check_error(case, caught.value)
            else:
                _check_reply(case, invoke, await bound(*invoke.args, **invoke.kwargs))
    RECORD.method_ran("async", name, served=case.not_local is None)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
