"""The secrets service of the local Taskcluster."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from .auth_state import now
from .context import Context, Handler
from .failures import Failure, not_found
from .paging import page


class SecretsState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.secrets: dict[str, dict[str, Any]] = {}


def _expired(secret: dict[str, Any]) -> bool:
    return datetime.fromisoformat(secret["expires"].replace("Z", "+00:00")) <= now()


def set_secret(ctx: Context) -> Any:
    with ctx.server.secrets.lock:
        ctx.server.secrets.secrets[ctx.params["name"]] = dict(ctx.body)


def remove(ctx: Context) -> Any:
    with ctx.server.secrets.lock:
        if ctx.server.secrets.secrets.pop(ctx.params["name"], None) is None:
            raise not_found(f"Secret {ctx.params['name']}")


def get(ctx: Context) -> Any:
    secret = ctx.server.secrets.secrets.get(ctx.params["name"])
    if secret is None:
        raise not_found(f"Secret {ctx.params['name']}")
    if _expired(secret):
        raise Failure(410, "ResourceExpired", f"Secret {ctx.params['name']} has expired")
    return secret


def list_secrets(ctx: Context) -> Any:
    with ctx.server.secrets.lock:
        return page(ctx, sorted(ctx.server.secrets.secrets), "secrets")


HANDLERS: dict[str, Handler] = {
    "set": set_secret,
    "remove": remove,
    "get": get,
    "list": list_secrets,
}
