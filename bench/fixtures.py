"""The bodies the benchmark server serves and the clients send, built deterministically.

Shaped like Firefox CI's docker-worker tasks: a task definition is about 3.7 KB of compact
JSON, a `listTaskGroup` entry (definition and status) about 4.3 KB, so 5 pages of 1000 tasks
are about 20 MiB. `validate()` checks every body against the generated pydantic models of the
pinned references (``extra="forbid"`` where the schema forbids extra properties, patterns,
lengths, enums, date-times) before the server serves it.
"""

from __future__ import annotations

import base64
import json
import random
import uuid
from dataclasses import dataclass
from typing import Any

ROOT_PATH = "/api/queue/v1"
CLIENT_ID = "bench/client"
ACCESS_TOKEN = "bench-access-token-0123456789abcdefghijklmnopqrstuvwxyz"
PAGE_SIZE = 1000
PAGES = 5
# An artifact name with every character that URL (re)quoting may treat differently.
ODD_ARTIFACT = "public/logs/live backing (1)~'!*+&=@:;,$.log"

CREATED = "2026-03-04T05:06:07.891Z"
DEADLINE = "2026-03-05T05:06:07.891Z"
EXPIRES = "2027-03-04T05:06:07.891Z"


def slug(rng: random.Random) -> str:
    """A "nice" slugid (v4 UUID, URL-safe base64, first bit clear), from `rng`."""
    raw = bytearray(uuid.UUID(int=rng.getrandbits(128), version=4).bytes)
    raw[0] &= 0x7F
    return base64.urlsafe_b64encode(bytes(raw)).decode("ascii")[:22]


def task_definition(index: int, group_id: str, dependencies: list[str]) -> dict[str, Any]:
    """A realistic build task definition (about 3.7 KB as compact JSON)."""
    revision = f"{index:08x}" * 5
    label = f"build-linux64-shippable/opt-{index}"
    return {
        "provisionerId": "gecko-3",
        "workerType": "b-linux-gcp",
        "taskQueueId": "gecko-3/b-linux-gcp",
        "schedulerId": "gecko-level-3",
        "projectId": "gecko",
        "taskGroupId": group_id,
        "dependencies": dependencies,
        "requires": "all-completed",
        "routes": [
            f"index.gecko.v2.mozilla-central.revision.{revision}.firefox.linux64-opt",
            "index.gecko.v2.mozilla-central.latest.firefox.linux64-opt",
            "index.gecko.v2.mozilla-central.pushdate.2026.03.04.20260304050607.firefox",
            f"tc-treeherder.v2.mozilla-central.{revision}",
            "checks",
        ],
        "priority": "low",
        "retries": 5,
        "created": CREATED,
        "deadline": DEADLINE,
        "expires": EXPIRES,
        "scopes": [
            "assume:project:releng:gcp:gecko-3",
            "docker-worker:cache:gecko-level-3-checkouts-sparse-v3",
            "docker-worker:cache:gecko-level-3-tooltool-cache-v3",
            "queue:get-artifact:project/gecko/*",
            "secrets:get:project/releng/gecko/build/level-3/*",
            "queue:route:index.gecko.v2.mozilla-central.*",
            "queue:route:tc-treeherder.v2.mozilla-central.*",
        ],
        "payload": {
            "image": {
                "type": "indexed-image",
                "namespace": "gecko.cache.level-3.docker-images.v2.debian12-amd64-build.latest",
                "path": "public/image.tar.zst",
            },
            "maxRunTime": 7200,
            "command": [
                "/builds/worker/bin/run-task",
                "--gecko-checkout=/builds/worker/checkouts/gecko",
                "--gecko-sparse-profile=build/sparse-profiles/taskgraph",
                "--",
                "/builds/worker/workspace/build/src/taskcluster/scripts/builder/build-linux.sh",
            ],
            "env": {
                "GECKO_BASE_REPOSITORY": "https://hg.mozilla.org/mozilla-unified",
                "GECKO_HEAD_REPOSITORY": "https://hg.mozilla.org/mozilla-central",
                "GECKO_HEAD_REV": revision,
                "HG_STORE_PATH": "/builds/worker/checkouts/hg-store",
                "MOZ_AUTOMATION": "1",
                "MOZ_BUILD_DATE": "20260304050607",
                "MOZ_SCM_LEVEL": "3",
                "MOZ_SOURCE_CHANGESET": revision,
                "MOZ_SOURCE_REPO": "https://hg.mozilla.org/mozilla-central",
                "SCCACHE_GCS_BUCKET": "sccache-3-gecko-gcp-us-central1",
                "TASKCLUSTER_CACHES": "/builds/worker/checkouts;/builds/worker/tooltool-cache",
                "TASKCLUSTER_VOLUMES": "/builds/worker/workspace",
                "MH_BRANCH": "mozilla-central",
                "MH_BUILD_POOL": "taskcluster",
                "MOZHARNESS_ACTIONS": "get-secrets build",
                "MOZHARNESS_CONFIG": "builds/releng_base_firefox.py builds/taskcluster_base.py",
                "MOZHARNESS_SCRIPT": "mozharness/scripts/fx_desktop_build.py",
                "NEED_XVFB": "true",
                "PERFHERDER_EXTRA_OPTIONS": "",
                "TOOLTOOL_CACHE": "/builds/worker/tooltool-cache",
                "USE_SCCACHE": "1",
            },
            "artifacts": {
                "public/build": {
                    "type": "directory",
                    "path": "/builds/worker/artifacts/",
                    "expires": EXPIRES,
                },
                "public/logs": {
                    "type": "directory",
                    "path": "/builds/worker/logs/",
                    "expires": EXPIRES,
                },
            },
            "cache": {
                "gecko-level-3-checkouts-sparse-v3": "/builds/worker/checkouts",
                "gecko-level-3-tooltool-cache-v3": "/builds/worker/tooltool-cache",
            },
            "features": {"chainOfTrust": True, "taskclusterProxy": True},
            "onExitStatus": {"retry": [137, 4]},
        },
        "metadata": {
            "name": label,
            "description": (
                "Build Linux64 Shippable Opt ([Treeherder push](https://treeherder.mozilla.org/"
                f"#/jobs?repo=mozilla-central&revision={revision}))"
            ),
            "owner": "someone@example.com",
            "source": f"https://hg.mozilla.org/mozilla-central/file/{revision}/taskcluster/kinds/build",
        },
        "tags": {
            "kind": "build",
            "label": label,
            "os": "linux",
            "createdForUser": "someone@example.com",
            "worker-implementation": "docker-worker",
            "retrigger": "true",
        },
        "extra": {
            "index": {"rank": 1772600767},
            "parent": group_id,
            "treeherder": {
                "machine": {"platform": "linux64-shippable"},
                "symbol": "B",
                "groupSymbol": "?",
                "collection": {"opt": True},
                "tier": 1,
            },
            "treeherder-platform": "linux64-shippable/opt",
        },
    }


def task_status(task_id: str, group_id: str, state: str = "completed") -> dict[str, Any]:
    """The status of a task that ran once (about 0.6 KB)."""
    return {
        "taskId": task_id,
        "provisionerId": "gecko-3",
        "workerType": "b-linux-gcp",
        "taskQueueId": "gecko-3/b-linux-gcp",
        "schedulerId": "gecko-level-3",
        "projectId": "gecko",
        "taskGroupId": group_id,
        "deadline": DEADLINE,
        "expires": EXPIRES,
        "priority": "low",
        "retriesLeft": 5,
        "state": state,
        "runs": [
            {
                "runId": 0,
                "state": state,
                "reasonCreated": "scheduled",
                "reasonResolved": state if state in ("completed", "failed") else None,
                "workerGroup": "us-central1-b",
                "workerId": "1234567890123456789",
                "takenUntil": CREATED,
                "scheduled": CREATED,
                "started": CREATED,
                "resolved": CREATED,
            }
        ],
    }


@dataclass(frozen=True)
class Fixtures:
    """Everything the server serves; run.py builds the same (it is deterministic)."""

    task_id: str
    group_id: str
    definition: dict[str, Any]
    task_body: bytes
    status_body: bytes
    create_reply: bytes
    artifact_info: bytes
    pages: tuple[bytes, ...]
    tokens: tuple[str, ...]

    @property
    def create_body(self) -> bytes:
        """The createTask body as the official client sends it (compact JSON)."""
        return dump(self.definition)


def dump(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def build(pages: int = PAGES, page_size: int = PAGE_SIZE) -> Fixtures:
    rng = random.Random(9)
    group_id = slug(rng)
    task_id = slug(rng)
    deps = [slug(rng) for _ in range(3)]
    definition = task_definition(0, group_id, deps)
    tokens = tuple(f"page{n}-{slug(rng)}" for n in range(1, pages))
    page_bodies: list[bytes] = []
    for page in range(pages):
        entries = []
        for n in range(page_size):
            index = page * page_size + n + 1
            tid = slug(rng)
            entries.append(
                {
                    "status": task_status(tid, group_id),
                    "task": task_definition(index, group_id, deps),
                }
            )
        body: dict[str, Any] = {
            "taskGroupId": group_id,
            "schedulerId": "gecko-level-3",
            "expires": EXPIRES,
            "tasks": entries,
        }
        if page < pages - 1:
            body["continuationToken"] = tokens[page]
        page_bodies.append(dump(body))
    artifact = {
        "storageType": "s3",
        "name": ODD_ARTIFACT,
        "expires": EXPIRES,
        "contentType": "text/plain; charset=utf-8",
        "contentLength": 1234,
    }
    return Fixtures(
        task_id=task_id,
        group_id=group_id,
        definition=definition,
        task_body=dump(definition),
        status_body=dump({"status": task_status(task_id, group_id, "running")}),
        create_reply=dump({"status": task_status(task_id, group_id, "pending")}),
        artifact_info=dump(artifact),
        pages=tuple(page_bodies),
        tokens=tokens,
    )


def validate(fixtures: Fixtures) -> list[str]:
    """Validate every body against the generated models (strict: no lenient parsing).

    Returns one line per body checked; raises pydantic.ValidationError on the first bad one.
    """
    from taskcluster_typed.models.queue import (
        ArtifactResponse,
        CreateTaskRequest,
        ListTaskGroupResponse,
        Task,
        TaskStatusResponse,
    )

    checked: list[str] = []
    for name, model, body in (
        ("task", Task, fixtures.task_body),
        ("status", TaskStatusResponse, fixtures.status_body),
        ("createTask request", CreateTaskRequest, fixtures.create_body),
        ("createTask reply", TaskStatusResponse, fixtures.create_reply),
        ("latestArtifactInfo", ArtifactResponse, fixtures.artifact_info),
    ):
        model.model_validate_json(body)
        checked.append(f"{name}: {len(body)} B")
    for n, page in enumerate(fixtures.pages):
        parsed = ListTaskGroupResponse.model_validate_json(page)
        checked.append(f"listTaskGroup page {n + 1}: {len(parsed.tasks)} tasks, {len(page)} B")
    return checked
