from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taskcluster_typed._core import urls
from taskcluster_typed._core.errors import RequestValidationError

ROOTS = [
    "https://taskcluster.example.com",
    "https://taskcluster.example.com/",
    "https://taskcluster.example.com//",
]
PATHS = ["ping", "/ping", "//ping"]


@pytest.mark.parametrize("root", ROOTS)
@pytest.mark.parametrize("path", PATHS)
def test_api_url_normalises_slashes_like_lib_urls(root: str, path: str) -> None:
    assert urls.api_url(root, "auth", path) == "https://taskcluster.example.com/api/auth/v1/ping"


def test_api_url_with_empty_root() -> None:
    assert urls.api_url("", "auth", "ping") == "/api/auth/v1/ping"


def test_reference_and_schema_urls() -> None:
    root = "https://tc.example.com/"
    assert (
        urls.api_reference_url(root, "queue")
        == "https://tc.example.com/references/queue/v1/api.json"
    )
    assert (
        urls.exchange_reference_url(root, "queue")
        == "https://tc.example.com/references/queue/v1/exchanges.json"
    )
    assert (
        urls.schema_url(root, "queue", "/v1/task.json")
        == "https://tc.example.com/schemas/queue/v1/task.json"
    )
    assert (
        urls.api_reference_schema_url(root)
        == "https://tc.example.com/schemas/common/api-reference-v0.json"
    )
    assert urls.api_manifest_url(root) == "https://tc.example.com/references/manifest.json"
    assert urls.docs_url(root, "/x/y") == "https://tc.example.com/docs/x/y"
    assert urls.ui_url(root, "tasks/abc") == "https://tc.example.com/tasks/abc"


def test_params_are_fully_percent_encoded() -> None:
    assert urls.encode_param("m", "name", "public/build/x.tar.gz") == "public%2Fbuild%2Fx.tar.gz"
    assert urls.encode_param("m", "name", "a b!*'()~") == "a%20b%21%2A%27%28%29~"
    assert urls.encode_param("m", "name", "é") == "%C3%A9"
    assert urls.encode_param("m", "runId", 0) == "0"


@pytest.mark.parametrize("value", ["", ".", ".."])
def test_params_that_would_change_the_path_are_refused(value: str) -> None:
    with pytest.raises(RequestValidationError) as info:
        urls.encode_param("getArtifact", "name", value)
    assert "getArtifact" in str(info.value)
    assert "name" in str(info.value)


@pytest.mark.parametrize("value", [None, 1.5, True, b"x", ["a"]])
def test_params_of_the_wrong_type_are_refused(value: object) -> None:
    with pytest.raises(RequestValidationError, match="taskId: must be a str"):
        urls.encode_param("task", "taskId", value)


def test_expand_route_in_order() -> None:
    route = "/task/<taskId>/runs/<runId>/artifacts/<name>"
    params = {"taskId": "abc", "runId": 1, "name": "public/log.txt"}
    assert urls.route_params(route) == ("taskId", "runId", "name")
    assert (
        urls.expand_route("getArtifact", route, params)
        == "task/abc/runs/1/artifacts/public%2Flog.txt"
    )


def test_expand_route_keeps_trailing_slash() -> None:
    assert urls.expand_route("listClients", "/clients/", {}) == "clients/"


def test_expand_route_missing_param() -> None:
    with pytest.raises(RequestValidationError, match="taskId: is required"):
        urls.expand_route("task", "/task/<taskId>", {})


def test_query_encoding() -> None:
    query = {"continuationToken": "a+b/c=", "limit": 10, "quarantined": True, "x": None, "y": False}
    assert (
        urls.encode_query(query)
        == "continuationToken=a%2Bb%2Fc%3D&limit=10&quarantined=true&y=false"
    )


@given(st.text(min_size=1).filter(lambda s: s not in (".", "..")))
def test_encoded_params_are_one_segment_and_decode_back(value: str) -> None:
    encoded = urls.encode_param("m", "p", value)
    assert "/" not in encoded and "?" not in encoded and "#" not in encoded
    assert unquote(encoded) == value
