"""Every API method of every service, called through respx, sync and async.

Driven by the references (not by the generated code), so a method the generator forgot, a
wrong route, query or body, or a reply that does not parse fails here.
"""

from __future__ import annotations

import inspect
import json
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pydantic
import pytest
import respx

import taskcluster_typed
from codegen.naming import pascal_case, snake_case
from taskcluster_typed import Credentials, Reply
from tests.support.examples import example
from tests.support.normalize import normalize

# respx intercepts httpx's own transport: clients use it in this module.
pytestmark = pytest.mark.usefixtures("httpx_transport")

ROOT = "https://tc.example.com"
REFERENCES = Path(__file__).resolve().parents[2] / "references"
QUERY_VALUES: dict[str, Any] = {
    "limit": 7,
    "pullRequest": 12,
    "quarantined": True,
    "includeArchived": False,
    "workerState": "running",
    "state": "stopped",
}


@dataclass(frozen=True)
class Entry:
    service: str
    name: str
    method: str
    route: str
    args: tuple[str, ...]
    query: tuple[str, ...]
    input: str | None
    output: str | None
    stability: str

    @property
    def id(self) -> str:
        return f"{self.service}.{self.name}"


def entries() -> list[Entry]:
    found = []
    for api_json in sorted(REFERENCES.glob("*/v1/api.json")):
        api = json.loads(api_json.read_text())
        for e in api["entries"]:
            found.append(
                Entry(
                    api["serviceName"],
                    e["name"],
                    e["method"].upper(),
                    e["route"],
                    tuple(e["args"]),
                    tuple(e.get("query", [])),
                    e.get("input"),
                    e.get("output"),
                    e["stability"],
                )
            )
    return found


ENTRIES = entries()


def test_the_references_have_192_methods_in_11_services() -> None:
    assert len(ENTRIES) == 192
    assert len({e.service for e in ENTRIES}) == 11


def param_value(name: str) -> str:
    return f"{name}/ä b"  # a "/" and non-ASCII: must be sent fully percent-encoded


def plan(entry: Entry) -> tuple[dict[str, Any], str, bytes]:
    """Keyword arguments for the call, and the URL and query it must produce."""
    kwargs: dict[str, Any] = {snake_case(a): param_value(a) for a in entry.args}
    path = entry.route
    for arg in entry.args:
        path = path.replace(f"<{arg}>", quote(param_value(arg), safe=""))
    query_parts = []
    for q in entry.query:
        value = QUERY_VALUES.get(q, f"{q}-value")
        kwargs[snake_case(q)] = value
        text = str(value).lower() if isinstance(value, bool) else str(value)
        query_parts.append(f"{q}={quote(text, safe='')}")
    if entry.input is not None:
        kwargs["payload"] = example(entry.service, entry.input)
    return kwargs, f"{ROOT}/api/{entry.service}/v1{path}", "&".join(query_parts).encode()


def reply_for(entry: Entry) -> tuple[httpx.Response, Any]:
    if entry.output is None:
        return httpx.Response(204), None
    body = example(entry.service, entry.output)
    return httpx.Response(200, json=body), body


def check(
    entry: Entry, route: respx.Route, kwargs: dict[str, Any], query: bytes, result: Any, body: Any
) -> None:
    assert route.call_count == 1
    request = route.calls.last.request
    assert request.method == entry.method
    assert request.url.query == query
    assert request.headers["authorization"].startswith("Hawk ")
    if entry.input is not None:
        assert normalize(json.loads(request.content)) == normalize(kwargs["payload"])
    else:
        assert request.content == b""
    if isinstance(result, Reply):
        assert result.status_code in (200, 204)
        return
    if entry.output is None:
        assert result is None
        return
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(
        type(result) if isinstance(result, pydantic.BaseModel) else Any
    )
    dumped = adapter.dump_python(result, mode="json", by_alias=True, exclude_unset=True)
    assert normalize(dumped) == normalize(body)


def deprecation_expected(entry: Entry) -> AbstractContextManager[object]:
    """Deprecated methods warn, pointing at the caller; the others do not warn at all."""
    if entry.stability == "deprecated":
        return pytest.warns(DeprecationWarning, match=f"{entry.id} is deprecated")
    return warnings_are_errors()


@contextmanager
def warnings_are_errors() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def client_classes(service: str) -> tuple[Any, Any]:
    name = pascal_case(service)
    return getattr(taskcluster_typed, name), getattr(taskcluster_typed, f"Async{name}")


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_sync_method(entry: Entry) -> None:
    sync_cls, _ = client_classes(entry.service)
    kwargs, url, query = plan(entry)
    response, body = reply_for(entry)
    with respx.mock(assert_all_mocked=True) as mock:
        route = mock.route(method=entry.method, url__startswith=url).mock(return_value=response)
        with sync_cls(ROOT, credentials=Credentials("tester", "secret-token")) as client:
            method = getattr(client, snake_case(entry.name))
            assert not inspect.iscoroutinefunction(method)
            with deprecation_expected(entry):
                result = method(**kwargs)
    assert str(route.calls.last.request.url).split("?")[0] == url
    check(entry, route, kwargs, query, result, body)


@pytest.mark.anyio
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
async def test_async_method(entry: Entry) -> None:
    _, async_cls = client_classes(entry.service)
    kwargs, url, query = plan(entry)
    response, body = reply_for(entry)
    with respx.mock(assert_all_mocked=True) as mock:
        route = mock.route(method=entry.method, url__startswith=url).mock(return_value=response)
        async with async_cls(ROOT, credentials=Credentials("tester", "secret-token")) as client:
            method = getattr(client, snake_case(entry.name))
            assert inspect.iscoroutinefunction(method)
            with deprecation_expected(entry):
                result = await method(**kwargs)
    assert str(route.calls.last.request.url).split("?")[0] == url
    check(entry, route, kwargs, query, result, body)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
