"""The secrets service of the local Taskcluster: an expired secret is as good as absent (the
service answers 404 and leaves it out of listings), removing a missing secret succeeds, and
changes are written to the audit history."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from .auth_state import now
from .context import Context, Handler
from .failures import not_found
from .paging import page


class SecretsState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.secrets: dict[str, dict[str, Any]] = {}


def _live(secret: dict[str, Any] | None) -> bool:
    if secret is None:
        return False
    return datetime.fromisoformat(secret["expires"].replace("Z", "+00:00")) >= now()


def _audit(ctx: Context, action: str) -> None:
    ctx.server.auth.record("secret", ctx.params["name"], ctx.caller.client_id, action)


def set_secret(ctx: Context) -> Any:
    with ctx.server.secrets.lock:
        existing = ctx.server.secrets.secrets.get(ctx.params["name"])
        ctx.server.secrets.secrets[ctx.params["name"]] = dict(ctx.body)
    _audit(ctx, "created" if existing is None else "updated")


def remove(ctx: Context) -> Any:
    with ctx.server.secrets.lock:
        ctx.server.secrets.secrets.pop(ctx.params["name"], None)
    _audit(ctx, "deleted")


def get(ctx: Context) -> Any:
    secret = ctx.server.secrets.secrets.get(ctx.params["name"])
    if secret is None or not _live(secret):
        raise not_found("Secret not found")
    return secret


def list_secrets(ctx: Context) -> Any:
    with ctx.server.secrets.lock:
        names = sorted(n for n, s in ctx.server.secrets.secrets.items() if _live(s))
    return page(ctx, names, "secrets")


HANDLERS: dict[str, Handler] = {
    "set": set_secret,
    "remove": remove,
    "get": get,
    "list": list_secrets,
}
