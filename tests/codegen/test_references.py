"""Pinning references from a bundle and from a live deployment (a loopback HTTP server)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from codegen.__main__ import main
from codegen.config import Config
from codegen.jsonfiles import dumps_json, read_json
from codegen.references import (
    LOCK_FILE,
    README_FILE,
    ReferencesError,
    fetch_deployment,
    linked_paths,
    load_bundle,
    normalise_version,
    pin,
    pin_bundle,
    pin_deployment,
    read_lock,
    tree_digest,
    tree_path,
    verify_lock,
)

from .conftest import REFERENCES


def _tree_files(refs_dir: Path) -> dict[str, Any]:
    """The pinned tree as {tree path: JSON}, without the lock and README."""
    return {
        p.relative_to(refs_dir).as_posix(): read_json(p)
        for p in sorted(refs_dir.rglob("*.json"))
        if p.name != LOCK_FILE
    }


def _as_bundle(files: dict[str, Any]) -> list[dict[str, Any]]:
    """The bundle format: served paths without the leading slash, in no particular order."""
    return [
        {"filename": rel if rel.startswith("schemas/") else f"references/{rel}", "content": c}
        for rel, c in reversed(list(files.items()))
    ]


def _bytes(refs_dir: Path) -> dict[str, bytes]:
    return {
        p.relative_to(refs_dir).as_posix(): p.read_bytes()
        for p in sorted(refs_dir.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def published() -> dict[str, Any]:
    """What a deployment serves, taken from the pinned tree (so no network, no bundle)."""
    return _tree_files(REFERENCES)


class _Deployment(ThreadingHTTPServer):
    files: dict[str, bytes]
    requests: list[str]


class _Handler(BaseHTTPRequestHandler):
    server: _Deployment

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        body = self.server.files.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body if body is not None else b'{"code": "ResourceNotFound"}')

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def deployment(published: dict[str, Any]) -> Iterator[_Deployment]:
    """A loopback server on a free port serving every published file at its served path
    (compact, unsorted JSON, as a server might), stopped at the end of the test."""
    server = _Deployment(("127.0.0.1", 0), _Handler)
    server.files = {
        ("/" if rel.startswith("schemas/") else "/references/") + rel: json.dumps(c).encode()
        for rel, c in published.items()
    }
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _root_url(server: _Deployment) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}"


# --- paths and versions ------------------------------------------------------------------


def test_tree_path_maps_served_paths() -> None:
    assert tree_path("/references/manifest.json") == "manifest.json"
    assert tree_path("references/queue/v1/api.json") == "queue/v1/api.json"
    assert tree_path("/schemas/queue/v1/task.json") == "schemas/queue/v1/task.json"
    assert tree_path("schemas/generic-worker/multiuser_posix.json") == (
        "schemas/generic-worker/multiuser_posix.json"
    )


@pytest.mark.parametrize(
    "bad",
    ["/api/queue/v1/ping", "/schemas/../etc/passwd.json", "/schemas/x.txt", "schemas//a.json"],
)
def test_tree_path_rejects_other_and_unsafe_paths(bad: str) -> None:
    with pytest.raises(ReferencesError):
        tree_path(bad)


def test_normalise_version() -> None:
    assert normalise_version("106.0.0") == "v106.0.0"
    assert normalise_version("v106.0.0") == "v106.0.0"
    with pytest.raises(ReferencesError):
        normalise_version("latest")


def test_linked_paths_follow_refs_relative_to_id_and_entry_schemas() -> None:
    schema = {
        "$id": "/schemas/queue/v1/task-status-response.json#",
        "$schema": "/schemas/common/metaschema.json#",
        "properties": {
            "status": {"$ref": "task-status.json#/properties/x"},
            "other": {"$ref": "#/definitions/local"},
            "remote": {"$ref": "http://json-schema.org/draft-06/schema#"},
        },
    }
    assert linked_paths("/schemas/queue/v1/task-status-response.json", schema) == [
        "/schemas/common/metaschema.json",
        "/schemas/queue/v1/task-status.json",
        "/schemas/queue/v1/task-status-response.json",
    ]
    api = {
        "$schema": "/schemas/common/api-reference-v0.json#",
        "serviceName": "queue",
        "entries": [{"input": "v1/a.json#", "output": "v1/b.json#"}, {"name": "ping"}],
    }
    assert linked_paths("/references/queue/v1/api.json", api) == [
        "/schemas/common/api-reference-v0.json",
        "/schemas/queue/v1/a.json",
        "/schemas/queue/v1/b.json",
    ]


# --- the bundle route --------------------------------------------------------------------


def test_pin_writes_sorted_json_readme_and_lock(tmp_path: Path) -> None:
    files = {
        "manifest.json": {"references": ["/references/svc/v1/api.json"], "$schema": "x"},
        "svc/v1/api.json": {"serviceName": "svc", "entries": []},
        "schemas/svc/v1/a.json": {"type": "object", "$id": "/schemas/svc/v1/a.json#"},
    }
    lock = pin(files, tmp_path / "refs", version="106.0.0", source="bundle:x.json")
    text = (tmp_path / "refs" / "schemas/svc/v1/a.json").read_text()
    assert text == '{\n  "$id": "/schemas/svc/v1/a.json#",\n  "type": "object"\n}\n'
    assert lock.taskcluster_version == "v106.0.0"
    assert lock.files == 3
    assert read_lock(tmp_path / "refs") == lock
    assert "v106.0.0" in (tmp_path / "refs" / README_FILE).read_text()
    assert verify_lock(tmp_path / "refs") == lock


def test_pin_replaces_the_whole_directory(tmp_path: Path) -> None:
    stale = tmp_path / "refs" / "schemas" / "gone.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    pin({"manifest.json": {"references": []}}, tmp_path / "refs", version="v1.0.0", source="s")
    assert not stale.exists()
    assert not [p for p in tmp_path.iterdir() if p.name != "refs"]  # no staging dir left


def test_verify_lock_fails_on_any_change(tmp_path: Path) -> None:
    refs = tmp_path / "refs"
    pin(
        {"manifest.json": {"references": []}, "a/v1/api.json": {}},
        refs,
        version="v1.0.0",
        source="s",
    )
    (refs / "a/v1/api.json").write_text('{"changed": true}\n')
    with pytest.raises(ReferencesError, match="does not match"):
        verify_lock(refs)
    pin({"manifest.json": {"references": []}}, refs, version="v1.0.0", source="s")
    (refs / "extra.json").write_text("{}\n")
    with pytest.raises(ReferencesError, match="does not match"):
        verify_lock(refs)
    (refs / LOCK_FILE).unlink()
    with pytest.raises(ReferencesError, match="missing"):
        verify_lock(refs)


def test_tree_digest_is_sha256sum_of_sorted_files(tmp_path: Path) -> None:
    import hashlib

    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.json").write_bytes(b"1\n")
    (tmp_path / "a.json").write_bytes(b"2\n")
    (tmp_path / LOCK_FILE).write_bytes(b"ignored")
    lines = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n"
        for name, data in (("a.json", b"2\n"), ("b/x.json", b"1\n"))
    )
    assert tree_digest(tmp_path) == (hashlib.sha256(lines.encode()).hexdigest(), 2)


def test_committed_references_match_their_lock() -> None:
    lock = verify_lock(REFERENCES)
    assert lock.taskcluster_version == "v106.0.0"
    assert lock.source == "bundle:references.json"
    assert lock.files == 243


def test_committed_references_match_the_shared_bundle(bundle_path: Path, tmp_path: Path) -> None:
    lock = pin_bundle(bundle_path, tmp_path / "refs", version="v106.0.0")
    assert lock == read_lock(REFERENCES)
    assert _bytes(tmp_path / "refs") == _bytes(REFERENCES)


def test_load_bundle_maps_filenames_and_rejects_duplicates(tmp_path: Path) -> None:
    bundle = tmp_path / "references.json"
    bundle.write_text(json.dumps(_as_bundle({"manifest.json": {}, "schemas/s/v1/a.json": {}})))
    assert set(load_bundle(bundle)) == {"manifest.json", "schemas/s/v1/a.json"}
    entry = {"filename": "schemas/s/v1/a.json", "content": {}}
    bundle.write_text(json.dumps([entry, entry]))
    with pytest.raises(ReferencesError, match="duplicate"):
        load_bundle(bundle)


def test_cli_references_from_bundle(tmp_path: Path, published: dict[str, Any]) -> None:
    bundle = tmp_path / "references.json"
    bundle.write_text(json.dumps(_as_bundle(published)))
    out = tmp_path / "refs"
    assert main(["references", "--bundle", str(bundle), "--out", str(out)]) == 2  # no version
    assert (
        main(["references", "--bundle", str(bundle), "--version", "v106.0.0", "--out", str(out)])
        == 0
    )
    assert _bytes(out) == _bytes(REFERENCES)


# --- the live route ----------------------------------------------------------------------


def test_deployment_route_is_byte_identical_to_bundle_route(
    deployment: _Deployment, published: dict[str, Any], config: Config, tmp_path: Path
) -> None:
    bundle = tmp_path / "references.json"
    bundle.write_text(json.dumps(_as_bundle(published)))
    bundle_lock = pin_bundle(bundle, tmp_path / "from-bundle", version="v106.0.0")

    root_url = _root_url(deployment)
    live_lock, fetched = pin_deployment(
        root_url, tmp_path / "from-live", version="v106.0.0", extra_schemas=config.extra_schemas
    )

    assert fetched.missing_extra_schemas == ()
    assert fetched.detected_version is None  # this server has no __version__ endpoint
    live, from_bundle = _bytes(tmp_path / "from-live"), _bytes(tmp_path / "from-bundle")
    assert live.pop(LOCK_FILE) != from_bundle.pop(LOCK_FILE)  # only the source differs
    assert live == from_bundle
    assert live_lock.source == root_url
    assert (
        (live_lock.sha256, live_lock.files)
        == (bundle_lock.sha256, bundle_lock.files)
        == (
            read_lock(REFERENCES).sha256,
            243,
        )
    )
    assert len(deployment.requests) == len(set(deployment.requests))  # each file fetched once


def test_manifest_crawl_alone_misses_exactly_the_configured_extra_schemas(
    deployment: _Deployment, published: dict[str, Any], config: Config
) -> None:
    fetched = fetch_deployment(_root_url(deployment))
    missing = {"/" + rel for rel in published.keys() - fetched.files.keys()}
    assert missing == set(config.extra_schemas)
    assert all(fetched.files[rel] == published[rel] for rel in fetched.files)


def test_deployment_version_is_detected_and_checked(
    deployment: _Deployment, tmp_path: Path
) -> None:
    deployment.files["/api/auth/v1/__version__"] = json.dumps(
        {"version": "v106.0.0", "commit": "abc", "source": "https://github.com/taskcluster"}
    ).encode()
    lock, fetched = pin_deployment(_root_url(deployment), tmp_path / "a", version=None)
    assert fetched.detected_version == lock.taskcluster_version == "v106.0.0"
    with pytest.raises(ReferencesError, match=r"runs v106\.0\.0"):
        pin_deployment(_root_url(deployment), tmp_path / "b", version="v105.0.0")


def test_cli_references_from_a_deployment(
    deployment: _Deployment, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _root_url(deployment)
    out = tmp_path / "refs"
    assert main(["references", "--root-url", url, "--version", "v106.0.0", "--out", str(out)]) == 0
    assert read_lock(out).sha256 == read_lock(REFERENCES).sha256
    assert "pinned 243 files of Taskcluster v106.0.0" in capsys.readouterr().out
    assert main(["references", "--root-url", url, "--out", str(out)]) == 1  # no version
    assert "--version" in capsys.readouterr().err


def test_deployment_without_version_needs_one(deployment: _Deployment, tmp_path: Path) -> None:
    with pytest.raises(ReferencesError, match="--version"):
        pin_deployment(_root_url(deployment), tmp_path / "refs", version=None)
    assert not (tmp_path / "refs").exists()


def test_missing_extra_schema_is_reported_and_a_broken_link_fails(
    deployment: _Deployment, tmp_path: Path
) -> None:
    root_url = _root_url(deployment)
    fetched = fetch_deployment(root_url, extra_schemas=["/schemas/nope/v1/gone.json"])
    assert fetched.missing_extra_schemas == ("/schemas/nope/v1/gone.json",)
    del deployment.files["/schemas/queue/v1/task.json"]
    with pytest.raises(ReferencesError, match=r"task\.json: HTTP 404"):
        fetch_deployment(root_url)


def test_readme_and_lock_text_are_stable() -> None:
    lock = read_json(REFERENCES / LOCK_FILE)
    assert (REFERENCES / LOCK_FILE).read_text() == dumps_json(lock)
    assert sorted(lock) == ["files", "sha256", "source", "taskcluster_version"]
    assert "make references" in (REFERENCES / README_FILE).read_text()
