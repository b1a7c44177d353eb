"""Pin the Taskcluster API references and JSON schemas under ``references/``.

The tree is laid out as a deployment serves it, with the ``/references/`` prefix dropped:

    references/manifest.json                  <- <rootUrl>/references/manifest.json
    references/<service>/v1/api.json          <- <rootUrl>/references/<service>/v1/api.json
    references/schemas/<service>/v1/x.json    <- <rootUrl>/schemas/<service>/v1/x.json

Two sources give the same bytes: the reference bundle a Taskcluster release publishes
(``references.json``, a list of ``{filename, content}``) and a live deployment, crawled from its
manifest. ``lock.json`` names the version and the source and carries a sha256 over the tree;
the generator calls :func:`verify_lock` and refuses a tree that does not match it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from codegen.jsonfiles import dumps_json, read_json, write_json

LOCK_FILE = "lock.json"
README_FILE = "README.md"
MANIFEST_PATH = "/references/manifest.json"
_UNHASHED = frozenset({LOCK_FILE, README_FILE})
_VERSION_RE = re.compile(r"^v\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$")
# Served paths are resolved against a placeholder origin; anything landing elsewhere (the
# draft-06 metaschema on json-schema.org) is external and not pinned.
_ORIGIN = "https://deployment.invalid"


class ReferencesError(Exception):
    """The references cannot be pinned or do not match their lock."""


@dataclass(frozen=True)
class Lock:
    taskcluster_version: str
    source: str
    sha256: str
    files: int

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "sha256": self.sha256,
            "source": self.source,
            "taskcluster_version": self.taskcluster_version,
        }


@dataclass(frozen=True)
class FetchedTree:
    """Files fetched from a deployment (tree path -> JSON) and the extra schemas it lacks."""

    files: dict[str, Any]
    missing_extra_schemas: tuple[str, ...]
    detected_version: str | None


# --- paths -------------------------------------------------------------------------------


def tree_path(served: str) -> str:
    """Map a served path (``/references/queue/v1/api.json``, ``/schemas/...``, or a bundle
    filename without the leading slash) to its path inside ``references/``."""
    path = served.lstrip("/")
    if path.startswith("references/"):
        rel = path.removeprefix("references/")
    elif path.startswith("schemas/"):
        rel = path
    else:
        raise ReferencesError(f"not a reference or schema path: {served!r}")
    return _checked(rel)


def _checked(rel: str) -> str:
    if not rel.endswith(".json") or any(p in ("", ".", "..") for p in rel.split("/")):
        raise ReferencesError(f"unsafe or non-JSON reference path: {rel!r}")
    return rel


def normalise_version(version: str) -> str:
    """``106.0.0`` -> ``v106.0.0``; anything that is not a release version is an error."""
    candidate = version if version.startswith("v") else f"v{version}"
    if not _VERSION_RE.match(candidate):
        raise ReferencesError(f"not a Taskcluster release version: {version!r}")
    return candidate


# --- sources -----------------------------------------------------------------------------


def load_bundle(bundle: Path) -> dict[str, Any]:
    """Read a ``references.json`` bundle into ``{tree path: content}``."""
    entries = read_json(bundle)
    if not isinstance(entries, list):
        raise ReferencesError(f"{bundle}: expected a JSON list of {{filename, content}}")
    files: dict[str, Any] = {}
    for entry in entries:
        rel = tree_path(entry["filename"])
        if rel in files:
            raise ReferencesError(f"{bundle}: duplicate file {entry['filename']!r}")
        files[rel] = entry["content"]
    if "manifest.json" not in files:
        raise ReferencesError(f"{bundle}: no references/manifest.json")
    return files


def _walk_refs(node: Any) -> Iterator[str]:
    """Every string-valued ``$ref`` and ``$schema`` in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$ref", "$schema") and isinstance(value, str):
                yield value
            else:
                yield from _walk_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_refs(item)


def linked_paths(served: str, doc: Any) -> list[str]:
    """Served paths a document points at: its ``$schema`` and ``$ref``s (relative to its
    ``$id``), the manifest's references, and the input/output/schema of reference entries
    (relative to ``/schemas/<serviceName>/``). External URLs are left out."""
    targets: list[str] = []
    base = served
    if isinstance(doc, dict) and isinstance(doc.get("$id"), str):
        base = urljoin(_ORIGIN + served, doc["$id"]).removeprefix(_ORIGIN)
    targets.extend(urljoin(_ORIGIN + base, ref) for ref in _walk_refs(doc))
    if isinstance(doc, dict) and served == MANIFEST_PATH:
        targets.extend(_ORIGIN + ref for ref in doc.get("references", []))
    if isinstance(doc, dict) and served.startswith("/references/") and "serviceName" in doc:
        schema_base = f"{_ORIGIN}/schemas/{doc['serviceName']}/"
        for entry in doc.get("entries", []):
            for key in ("input", "output", "schema"):
                if isinstance(entry.get(key), str):
                    targets.append(urljoin(schema_base, entry[key]))
    paths: list[str] = []
    for target in targets:
        parts = urlsplit(target)
        if f"{parts.scheme}://{parts.netloc}" != _ORIGIN:
            continue
        if parts.path not in paths:
            paths.append(parts.path)
    return paths


def _get_json(client: httpx.Client, root_url: str, served: str) -> Any:
    response = client.get(root_url + served)
    if response.status_code != 200:
        raise ReferencesError(f"GET {root_url}{served}: HTTP {response.status_code}")
    return response.json()


def detect_deployment_version(client: httpx.Client, root_url: str, manifest: Any) -> str | None:
    """Read the Dockerflow version object of the first API in the manifest, if served."""
    for ref in manifest.get("references", []):
        match = re.fullmatch(r"/references/([^/]+)/(v\d+)/api\.json", ref)
        if not match:
            continue
        try:
            response = client.get(f"{root_url}/api/{match[1]}/{match[2]}/__version__")
            version = response.json().get("version") if response.status_code == 200 else None
            return normalise_version(version) if isinstance(version, str) else None
        except (httpx.HTTPError, ValueError, AttributeError, ReferencesError):
            return None
    return None


def fetch_deployment(
    root_url: str, *, extra_schemas: Iterable[str] = (), client: httpx.Client | None = None
) -> FetchedTree:
    """Crawl a deployment: the manifest, every reference it lists, and every schema those
    reach, plus ``extra_schemas`` (served paths no document links to)."""
    root_url = root_url.rstrip("/")
    if urlsplit(root_url).path not in ("", "/"):
        raise ReferencesError(f"a root URL has no path: {root_url!r}")
    own_client = client is None
    http = client if client is not None else httpx.Client(timeout=30.0, follow_redirects=False)
    try:
        files: dict[str, Any] = {}
        extras = list(extra_schemas)
        pending = [MANIFEST_PATH, *extras]
        seen = set(pending)
        missing: list[str] = []
        while pending:
            served = pending.pop(0)
            try:
                doc = _get_json(http, root_url, served)
            except ReferencesError:
                if served in extras:
                    missing.append(served)
                    continue
                raise
            files[tree_path(served)] = doc
            for link in linked_paths(served, doc):
                if link not in seen:
                    seen.add(link)
                    pending.append(link)
        version = detect_deployment_version(http, root_url, files["manifest.json"])
    finally:
        if own_client:
            http.close()
    return FetchedTree(files=files, missing_extra_schemas=tuple(missing), detected_version=version)


# --- the pinned tree ---------------------------------------------------------------------


def _hashed_files(refs_dir: Path) -> list[tuple[str, Path]]:
    found = [
        (path.relative_to(refs_dir).as_posix(), path)
        for path in refs_dir.rglob("*")
        if path.is_file()
    ]
    return sorted(((rel, p) for rel, p in found if rel not in _UNHASHED), key=lambda t: t[0])


def tree_digest(refs_dir: Path) -> tuple[str, int]:
    """sha256 over ``"<file sha256>  <path>\\n"`` lines sorted by path (``sha256sum`` format),
    over every file except the lock and the README. Returns (hex digest, file count)."""
    digest = hashlib.sha256()
    files = _hashed_files(refs_dir)
    for rel, path in files:
        file_hash = hashlib.sha256(path.read_bytes()).hexdigest()
        digest.update(f"{file_hash}  {rel}\n".encode())
    return digest.hexdigest(), len(files)


def read_lock(refs_dir: Path) -> Lock:
    lock_path = refs_dir / LOCK_FILE
    if not lock_path.is_file():
        raise ReferencesError(f"{lock_path} is missing: run `python -m codegen references`")
    data = read_json(lock_path)
    return Lock(
        taskcluster_version=data["taskcluster_version"],
        source=data["source"],
        sha256=data["sha256"],
        files=data["files"],
    )


def verify_lock(refs_dir: Path) -> Lock:
    """Recompute the tree hash and compare it with ``lock.json``; return the lock."""
    lock = read_lock(refs_dir)
    sha, count = tree_digest(refs_dir)
    if (sha, count) != (lock.sha256, lock.files):
        raise ReferencesError(
            f"{refs_dir} does not match {LOCK_FILE}: {count} files with sha256 {sha}, "
            f"lock says {lock.files} files with sha256 {lock.sha256}. Re-pin with "
            "`python -m codegen references` instead of editing files by hand."
        )
    return lock


def readme_text(version: str) -> str:
    return f"""\
# Pinned Taskcluster references ({version})

Written by `python -m codegen references`; do not edit by hand.

The API references of Taskcluster {version} and every JSON schema they use, laid out as a
deployment serves them, minus the `/references` prefix:

- `manifest.json` lists the reference documents;
- `<service>/v1/api.json`, `exchanges.json`, `logs.json`, `metrics.json`;
- `schemas/<service>/v1/*.json` (generic-worker's schemas have no `v1/`).

Every file is JSON with sorted keys and a two-space indent. The generator
(`python -m codegen generate`) reads only this directory and refuses to run when it does not
match `lock.json`.

## Refreshing

    make references

runs `python -m codegen references --bundle <path>/references.json --version {version}`
(`BUNDLE=` sets the path; the bundle a Taskcluster release publishes as
`generated/references.json`).
To pin from a live deployment instead:

    python -m codegen references --root-url https://tc.example.com --version vX.Y.Z

It fetches `/references/manifest.json`, each reference it lists, every schema they reach, and
the schemas listed as `extra_schemas` in `[tool.codegen]` (served, but linked from nowhere).

## Lock

`lock.json` names the version, the source and the number of files, and holds a sha256 over
the tree: the `sha256sum` lines of every file except `lock.json` and this README, sorted by
path. To check it by hand:

    find . -type f ! -name lock.json ! -name README.md -printf '%P\\n' | LC_ALL=C sort \\
        | xargs sha256sum | sha256sum
"""


def pin(files: dict[str, Any], refs_dir: Path, *, version: str, source: str) -> Lock:
    """Write ``files`` as the whole of ``refs_dir`` (replacing it), plus README and lock."""
    version = normalise_version(version)
    if "manifest.json" not in files:
        raise ReferencesError("no manifest.json among the files to pin")
    refs_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".references-", dir=refs_dir.parent))
    try:
        for rel in sorted(files):
            write_json(staging / _checked(rel), files[rel])
        (staging / README_FILE).write_text(readme_text(version), encoding="utf-8")
        sha, count = tree_digest(staging)
        lock = Lock(taskcluster_version=version, source=source, sha256=sha, files=count)
        (staging / LOCK_FILE).write_text(dumps_json(lock.to_json()), encoding="utf-8")
        if refs_dir.exists():
            shutil.rmtree(refs_dir)
        os.replace(staging, refs_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return lock


def pin_bundle(bundle: Path, refs_dir: Path, *, version: str) -> Lock:
    return pin(load_bundle(bundle), refs_dir, version=version, source=f"bundle:{bundle.name}")


def pin_deployment(
    root_url: str,
    refs_dir: Path,
    *,
    version: str | None,
    extra_schemas: Iterable[str] = (),
    client: httpx.Client | None = None,
) -> tuple[Lock, FetchedTree]:
    fetched = fetch_deployment(root_url, extra_schemas=extra_schemas, client=client)
    chosen = version if version is not None else fetched.detected_version
    if chosen is None:
        raise ReferencesError(f"{root_url} does not say its version: pass --version vX.Y.Z")
    if version is not None and fetched.detected_version not in (None, normalise_version(version)):
        raise ReferencesError(f"--version {version} but {root_url} runs {fetched.detected_version}")
    lock = pin(fetched.files, refs_dir, version=chosen, source=root_url.rstrip("/"))
    return lock, fetched
