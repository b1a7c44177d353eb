"""The auth service's roles and scope methods: creating an identical role again is idempotent
(another one conflicts), scopes may not end in ``**``, and an update needs only the scopes the
role did not already grant."""

from __future__ import annotations

from typing import Any

from ...scopes import satisfies_expression
from .auth_clients import no_double_star, sorted_scopes
from .auth_state import Role, iso, now
from .context import Context, Handler
from .failures import conflict, not_found
from .paging import page


def _role_json(ctx: Context, role: Role) -> dict[str, Any]:
    return {
        "roleId": role.role_id,
        "scopes": role.scopes,
        "description": role.description,
        "created": iso(role.created),
        "lastModified": iso(role.last_modified),
        "expandedScopes": ctx.server.auth.expand([f"assume:{role.role_id}"]),
    }


def _audit(ctx: Context, role_id: str, action: str) -> None:
    ctx.server.auth.record("role", role_id, ctx.caller.client_id, action)


def list_roles(ctx: Context) -> Any:
    with ctx.server.auth.lock:
        return [_role_json(ctx, r) for _, r in sorted(ctx.server.auth.roles.items())]


def list_role_ids(ctx: Context) -> Any:
    with ctx.server.auth.lock:
        return page(ctx, sorted(ctx.server.auth.roles), "roleIds")


def list_roles2(ctx: Context) -> Any:
    with ctx.server.auth.lock:
        roles = [r for _, r in sorted(ctx.server.auth.roles.items())]
        return page(ctx, roles, "roles", lambda r: _role_json(ctx, r))


def role(ctx: Context) -> Any:
    found = ctx.server.auth.roles.get(ctx.params["roleId"])
    if found is None:
        raise not_found("Role not found")
    return _role_json(ctx, found)


def create_role(ctx: Context) -> Any:
    body: dict[str, Any] = ctx.body
    no_double_star(body["scopes"])
    ctx.authorize(scopes=body["scopes"])
    role_id = ctx.params["roleId"]
    scopes = sorted_scopes(body["scopes"])
    with ctx.server.auth.lock:
        existing = ctx.server.auth.roles.get(role_id)
        if existing is not None:
            if existing.description != body["description"] or existing.scopes != scopes:
                raise conflict(f"Role with roleId '{role_id}' already exists")
            _audit(ctx, role_id, "created")  # as the service does, also when nothing changed
            return _role_json(ctx, existing)
        created = Role(role_id, scopes, body["description"])
        ctx.server.auth.roles[role_id] = created
        _audit(ctx, role_id, "created")
        return _role_json(ctx, created)


def update_role(ctx: Context) -> Any:
    body: dict[str, Any] = ctx.body
    no_double_star(body["scopes"])
    role_id = ctx.params["roleId"]
    with ctx.server.auth.lock:
        found = ctx.server.auth.roles.get(role_id)
        if found is None:
            raise not_found(f"Role with roleId '{role_id}' not found")
        former = ctx.server.auth.expand(found.scopes)
        added = [s for s in body["scopes"] if not satisfies_expression(former, s)]
        ctx.authorize(scopesAdded=added)
        found.scopes, found.description = list(body["scopes"]), body["description"]
        found.last_modified = now()
        _audit(ctx, role_id, "updated")
        return _role_json(ctx, found)


def delete_role(ctx: Context) -> Any:
    role_id = ctx.params["roleId"]
    with ctx.server.auth.lock:
        ctx.server.auth.roles.pop(role_id, None)
        _audit(ctx, role_id, "deleted")


def expand_scopes(ctx: Context) -> Any:
    return {"scopes": ctx.server.auth.expand(list(ctx.body["scopes"]))}


def current_scopes(ctx: Context) -> Any:
    return {"scopes": ctx.caller.scopes}


HANDLERS: dict[str, Handler] = {
    "listRoles": list_roles,
    "listRoleIds": list_role_ids,
    "listRoles2": list_roles2,
    "role": role,
    "createRole": create_role,
    "updateRole": update_role,
    "deleteRole": delete_role,
    "expandScopes": expand_scopes,
    "currentScopes": current_scopes,
}
