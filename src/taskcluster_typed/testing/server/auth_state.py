"""Clients and roles of the local Taskcluster, and scope expansion through roles."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from ...scopes import normalize_scope_set, satisfies_expression
from ...slugids import slugid


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(value: datetime) -> str:
    """Taskcluster's date-time format: milliseconds and a ``Z``."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def new_access_token() -> str:
    return slugid() + slugid()


@dataclass
class Client:
    client_id: str
    access_token: str
    scopes: list[str]
    description: str = ""
    expires: datetime = field(default_factory=lambda: now() + timedelta(days=365))
    disabled: bool = False
    delete_on_expiration: bool = False
    created: datetime = field(default_factory=now)
    last_modified: datetime = field(default_factory=now)
    last_rotated: datetime = field(default_factory=now)


@dataclass
class Role:
    role_id: str
    scopes: list[str]
    description: str = ""
    created: datetime = field(default_factory=now)
    last_modified: datetime = field(default_factory=now)


def _grants(scope: str, role_id: str) -> bool:
    """Whether holding `scope` lets one assume `role_id` (either side may end in ``*``)."""
    target = f"assume:{role_id}"
    if scope == target or (scope.endswith("*") and target.startswith(scope[:-1])):
        return True
    return role_id.endswith("*") and scope.startswith(target[:-1])


class AuthState:
    """Clients and roles; thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clients: dict[str, Client] = {}
        self.roles: dict[str, Role] = {}
        self.audit: list[dict[str, str]] = []

    def expand(self, scopes: list[str]) -> list[str]:
        """`scopes` with the scopes of every role they (transitively) assume."""
        with self.lock:
            result = set(scopes)
            changed = True
            while changed:
                changed = False
                for role in self.roles.values():
                    if any(_grants(s, role.role_id) for s in list(result)):
                        new = set(role.scopes) - result
                        if new:
                            result |= new
                            changed = True
            return normalize_scope_set(result)

    def client_scopes(self, client: Client) -> list[str]:
        """The client's scopes, expanded through roles (as the auth service resolves them)."""
        return self.expand(client.scopes)

    def public_artifact(self, name: str) -> bool:
        """Whether anonymous callers may read the artifact `name` (the anonymous role)."""
        return satisfies_expression(self.expand(["assume:anonymous"]), f"queue:get-artifact:{name}")

    def record(self, entity_type: str, entity_id: str, client_id: str | None, action: str) -> None:
        """An entry of the audit history (kept by the auth service for every service)."""
        with self.lock:
            self.audit.append(
                {
                    "entityType": entity_type,
                    "entityId": entity_id,
                    "clientId": client_id or "",
                    "actionType": action,
                    "created": iso(now()),
                }
            )
