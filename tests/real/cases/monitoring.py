"""ping, lbheartbeat, version and heartbeat of every service."""

from __future__ import annotations

from taskcluster_typed._core import errors as tce

from .table import call, case

# Every service: ping, load-balancer heartbeat, version, heartbeat ---------------------------

SERVICES = (
    "auth",
    "github",
    "hooks",
    "index",
    "notify",
    "object",
    "purge_cache",
    "queue",
    "secrets",
    "web_server",
    "worker_manager",
)
GITHUB = (
    "the github service needs a GitHub App (GITHUB_APP_ID, GITHUB_PRIVATE_PEM) and is not "
    "started locally: the request is signed and sent, and the deployment's proxy answers 404 "
    "(no service for /api/github)"
)

for _service in SERVICES:
    for _method in ("ping", "lbheartbeat", "version", "heartbeat"):
        if _service == "github":
            case(f"github.{_method}", expect=tce.ResourceNotFound, not_local=GITHUB)(
                lambda w: call()
            )
        else:
            case(f"{_service}.{_method}")(lambda w: call(check=lambda r: r is None))
