"""Pagination: the walk (lazy, one request per page, stops without a token), sync and async,
for every method with a ``continuationToken`` option."""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import respx

from codegen.naming import snake_case
from taskcluster_typed import (
    AsyncPaginator,
    AsyncQueue,
    Credentials,
    Index,
    Paginator,
    Queue,
    RequestValidationError,
)
from taskcluster_typed.pagination import _Cursor
from tests.services.test_every_method import ENTRIES, ROOT, Entry, client_classes, plan
from tests.support.examples import example, load, resolve, schema_path
from tests.support.normalize import normalize

# respx intercepts httpx's own transport: clients use it in this module.
pytestmark = pytest.mark.usefixtures("httpx_transport")

CREDS = Credentials("tester", "secret-token")
GROUP_URL = f"{ROOT}/api/queue/v1/task-group/group-1/list"
PAGINATED = [e for e in ENTRIES if "continuationToken" in e.query]
# Task ids "a", "b", "c" as valid slug ids.
IDS = {name: f"{name * 8}QAC{'A' * 10}A" for name in "abc"}


def task_entry(task_id: str) -> dict[str, Any]:
    page = example("queue", "v1/list-task-group-response.json#")
    entry: dict[str, Any] = copy.deepcopy(page["tasks"][0])
    entry["status"]["taskId"] = IDS[task_id]
    return entry


def group_page(task_ids: list[str], token: str | None) -> dict[str, Any]:
    page = example("queue", "v1/list-task-group-response.json#")
    page = {**page, "tasks": [task_entry(t) for t in task_ids]}
    page.pop("continuationToken", None)
    if token is not None:
        page["continuationToken"] = token
    return page


def replies(*pages: dict[str, Any]) -> Iterator[httpx.Response]:
    for page in pages:
        yield httpx.Response(200, json=page)


def queries(route: respx.Route) -> list[dict[str, str]]:
    return [dict(parse_qsl(call.request.url.query.decode())) for call in route.calls]


THREE_PAGES = (
    group_page(["a", "b"], "t1"),
    group_page([], "t2"),  # an empty page with a token: the walk goes on
    group_page(["c"], None),
)


# The walk ------------------------------------------------------------------------------------


def test_the_cursor_stops_at_a_missing_or_empty_token() -> None:
    class Page:
        def __init__(self, token: str | None) -> None:
            self.continuation_token = token

    cursor = _Cursor()
    assert (cursor.token, cursor.done) == (None, False)
    cursor.advance(Page("x"))
    assert (cursor.token, cursor.done) == ("x", False)
    cursor.advance(Page(""))
    assert (cursor.token, cursor.done) == (None, True)
    cursor = _Cursor()
    cursor.advance(Page(None))
    assert cursor.done


def test_a_paginator_fetches_lazily_and_restarts_on_each_iteration() -> None:
    class Page:
        def __init__(self, items: list[int], token: str | None) -> None:
            self.items = items
            self.continuation_token = token

    book = {None: Page([1, 2], "b"), "b": Page([3], "c"), "c": Page([], None)}
    asked: list[str | None] = []

    def fetch(token: str | None) -> Page:
        asked.append(token)
        return book[token]

    paginator = Paginator(fetch, lambda page: page.items)
    assert asked == []
    iterator = iter(paginator)
    assert asked == []
    assert next(iterator) == 1
    assert asked == [None]
    assert list(iterator) == [2, 3]
    assert asked == [None, "b", "c"]
    assert list(paginator) == [1, 2, 3]  # a new walk
    assert [p.items for p in paginator.pages()] == [[1, 2], [3], []]
    assert repr(paginator) == "<Paginator>"


# One method end to end -------------------------------------------------------------------------


def test_sync_items_one_request_per_page_with_limit_and_token() -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(GROUP_URL).mock(side_effect=replies(*THREE_PAGES))
        with Queue(ROOT, credentials=CREDS) as queue:
            paginator = queue.iter_list_task_group("group-1", limit=2)
            assert isinstance(paginator, Paginator)
            assert route.call_count == 0  # nothing before iteration
            ids = [task.status.task_id for task in paginator]
    assert ids == [IDS["a"], IDS["b"], IDS["c"]]
    assert queries(route) == [
        {"limit": "2"},
        {"continuationToken": "t1", "limit": "2"},
        {"continuationToken": "t2", "limit": "2"},
    ]
    assert all(c.request.headers["authorization"].startswith("Hawk ") for c in route.calls)


def test_sync_pages_and_a_start_token() -> None:
    with respx.mock() as mock:
        route = mock.get(GROUP_URL).mock(side_effect=replies(*THREE_PAGES[1:]))
        with Queue(ROOT) as queue:
            pages = list(queue.iter_list_task_group("group-1", continuation_token="t1").pages())
    assert [p.continuation_token for p in pages] == ["t2", None]
    assert [len(p.tasks) for p in pages] == [0, 1]
    assert queries(route) == [{"continuationToken": "t1"}, {"continuationToken": "t2"}]


def test_stopping_early_sends_no_more_requests() -> None:
    with respx.mock() as mock:
        route = mock.get(GROUP_URL).mock(side_effect=replies(*THREE_PAGES))
        with Queue(ROOT) as queue:
            first = next(iter(queue.iter_list_task_group("group-1")))
    assert first.status.task_id == IDS["a"]
    assert route.call_count == 1


def test_bad_arguments_fail_when_the_method_is_called_before_any_request() -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.get(url__startswith=ROOT)
        with Queue(ROOT) as queue, pytest.raises(RequestValidationError, match="taskGroupId"):
            queue.iter_list_task_group("")
    assert route.call_count == 0


def test_post_methods_send_their_payload_with_every_page() -> None:
    url = f"{ROOT}/api/index/v1/tasks/indexes"
    page = example("index", "v1/list-tasks-response.json#")
    pages = [
        {**page, "continuationToken": "next"},
        {k: v for k, v in page.items() if k != "continuationToken"},
    ]
    with respx.mock() as mock:
        route = mock.post(url).mock(side_effect=replies(*pages))
        with Index(ROOT) as index:
            tasks = list(index.iter_find_tasks_at_index({"indexes": ["a.b", "c.d"]}, limit=5))
    assert len(tasks) == 2 * len(page["tasks"])
    bodies = [json.loads(call.request.content) for call in route.calls]
    assert bodies == [{"indexes": ["a.b", "c.d"]}] * 2
    assert queries(route) == [{"limit": "5"}, {"continuationToken": "next", "limit": "5"}]


def test_an_error_reply_raises_from_the_iteration() -> None:
    with respx.mock() as mock:
        mock.get(GROUP_URL).mock(
            side_effect=[
                httpx.Response(200, json=THREE_PAGES[0]),
                httpx.Response(404, json={"code": "ResourceNotFound", "message": "gone"}),
            ]
        )
        with Queue(ROOT, max_retries=0) as queue:
            seen: list[str] = []
            with pytest.raises(Exception, match="gone") as caught:
                for task in queue.iter_list_task_group("group-1"):
                    seen.append(task.status.task_id)
    assert seen == [IDS["a"], IDS["b"]]
    assert type(caught.value).__name__ == "ResourceNotFound"


@pytest.mark.anyio
async def test_async_items_and_pages() -> None:
    with respx.mock() as mock:
        route = mock.get(GROUP_URL).mock(side_effect=replies(*THREE_PAGES, *THREE_PAGES))
        async with AsyncQueue(ROOT, credentials=CREDS) as queue:
            paginator = queue.iter_list_task_group("group-1", limit=2)
            assert isinstance(paginator, AsyncPaginator)
            assert route.call_count == 0
            ids = [task.status.task_id async for task in paginator]
            tokens = [page.continuation_token async for page in paginator.pages()]
    assert ids == [IDS["a"], IDS["b"], IDS["c"]]
    assert tokens == ["t1", "t2", None]
    assert queries(route)[:3] == [
        {"limit": "2"},
        {"continuationToken": "t1", "limit": "2"},
        {"continuationToken": "t2", "limit": "2"},
    ]
    assert route.call_count == 6


@pytest.mark.anyio
async def test_async_bad_arguments_fail_at_the_call() -> None:
    async with AsyncQueue(ROOT) as queue:
        with pytest.raises(RequestValidationError):
            queue.iter_list_task_group("..")


# Every paginated method ----------------------------------------------------------------------


def test_35_methods_paginate_in_v106() -> None:
    assert len(PAGINATED) == 35


def resolved(path: str, schema: dict[str, Any]) -> Any:
    return resolve(path, schema["$ref"])[1] if "$ref" in schema else schema


def items_property(entry: Entry) -> str:
    """The page's one array property besides continuationToken, read from the schema."""
    assert entry.output is not None
    path = schema_path(entry.service, entry.output)
    arrays = [
        name
        for name, prop in load(path)["properties"].items()
        if name != "continuationToken" and resolved(path, prop).get("type") == "array"
    ]
    assert len(arrays) == 1, arrays
    return str(arrays[0])


def two_pages(entry: Entry) -> tuple[list[dict[str, Any]], list[Any]]:
    assert entry.output is not None
    page = example(entry.service, entry.output)
    last = {k: v for k, v in page.items() if k != "continuationToken"}
    items = page[items_property(entry)]
    return [{**page, "continuationToken": "page-2"}, last], [*items, *items]


def dumped(items: list[Any]) -> list[Any]:
    return [
        item
        if isinstance(item, str)
        else normalize(item.model_dump(mode="json", by_alias=True, exclude_unset=True))
        for item in items
    ]


def check_requests(entry: Entry, route: respx.Route, kwargs: dict[str, Any]) -> None:
    sent = queries(route)
    assert len(sent) == 2
    assert sent[0]["continuationToken"] == kwargs["continuation_token"]
    assert sent[1]["continuationToken"] == "page-2"
    for query in sent:
        assert {k: v for k, v in query.items() if k != "continuationToken"} == {
            q: v for q, v in sent[0].items() if q != "continuationToken"
        }
        if "limit" in entry.query:
            assert query["limit"] == str(kwargs["limit"])
    if entry.input is not None:
        for call in route.calls:
            assert normalize(json.loads(call.request.content)) == normalize(kwargs["payload"])


@pytest.mark.parametrize("entry", PAGINATED, ids=lambda e: e.id)
def test_every_paginated_method_sync(entry: Entry) -> None:
    sync_cls, _ = client_classes(entry.service)
    kwargs, url, _ = plan(entry)
    pages, expected = two_pages(entry)
    with respx.mock(assert_all_mocked=True) as mock:
        route = mock.route(method=entry.method, url__startswith=url).mock(
            side_effect=replies(*pages)
        )
        with sync_cls(ROOT, credentials=CREDS) as client:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                paginator = getattr(client, f"iter_{snake_case(entry.name)}")(**kwargs)
            assert route.call_count == 0
            items = list(paginator)
    assert dumped(items) == normalize(expected)
    check_requests(entry, route, kwargs)


@pytest.mark.anyio
@pytest.mark.parametrize("entry", PAGINATED, ids=lambda e: e.id)
async def test_every_paginated_method_async(entry: Entry) -> None:
    _, async_cls = client_classes(entry.service)
    kwargs, url, _ = plan(entry)
    pages, expected = two_pages(entry)
    with respx.mock(assert_all_mocked=True) as mock:
        route = mock.route(method=entry.method, url__startswith=url).mock(
            side_effect=replies(*pages)
        )
        async with async_cls(ROOT, credentials=CREDS) as client:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                paginator = getattr(client, f"iter_{snake_case(entry.name)}")(**kwargs)
            assert route.call_count == 0
            items = [item async for item in paginator]
    assert dumped(items) == normalize(expected)
    check_requests(entry, route, kwargs)


def test_methods_without_a_token_have_no_iterator() -> None:
    for entry in ENTRIES:
        sync_cls, async_cls = client_classes(entry.service)
        name = f"iter_{snake_case(entry.name)}"
        paginated = "continuationToken" in entry.query
        assert hasattr(sync_cls, name) == paginated, entry.id
        assert hasattr(async_cls, name) == paginated, entry.id


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_deprecated_methods_warn_once_at_the_call() -> None:
    page = example("queue", "v1/list-provisioners-response.json#")
    pages = [{**page, "continuationToken": "next"}, {**page, "continuationToken": ""}]
    with respx.mock() as mock:
        mock.get(f"{ROOT}/api/queue/v1/provisioners").mock(side_effect=replies(*pages))
        with Queue(ROOT) as queue, pytest.warns(DeprecationWarning) as caught:
            provisioners = list(queue.iter_list_provisioners())
    assert len(provisioners) == 2 * len(page["provisioners"])
    assert len(caught) == 1
    assert caught[0].filename == __file__
