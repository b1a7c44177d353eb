"""The auth service of the local Taskcluster: clients, roles, scopes and the test endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...scopes import satisfies_expression
from .auth_state import AuthState, Client, Role, iso, new_access_token, now
from .context import Context, Handler
from .failures import Failure, conflict, not_found
from .hawk_check import Authenticator, Caller
from .paging import page


def _client_json(ctx: Context, client: Client) -> dict[str, Any]:
    return {
        "clientId": client.client_id,
        "expires": iso(client.expires),
        "description": client.description,
        "created": iso(client.created),
        "lastModified": iso(client.last_modified),
        "lastDateUsed": iso(client.created),
        "lastRotated": iso(client.last_rotated),
        "scopes": client.scopes,
        "expandedScopes": ctx.server.auth.client_scopes(client),
        "disabled": client.disabled,
        "deleteOnExpiration": client.delete_on_expiration,
    }


def _role_json(ctx: Context, role: Role) -> dict[str, Any]:
    return {
        "roleId": role.role_id,
        "scopes": role.scopes,
        "description": role.description,
        "created": iso(role.created),
        "lastModified": iso(role.last_modified),
        "expandedScopes": ctx.server.auth.expand([f"assume:{role.role_id}"]),
    }


def _get_client(ctx: Context) -> Client:
    client = ctx.server.auth.clients.get(ctx.params["clientId"])
    if client is None:
        raise not_found(f"Client {ctx.params['clientId']}")
    return client


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def list_clients(ctx: Context) -> Any:
    prefix = ctx.query.get("prefix", "")
    with ctx.server.auth.lock:
        clients = [
            c for _, c in sorted(ctx.server.auth.clients.items()) if c.client_id.startswith(prefix)
        ]
        return page(ctx, clients, "clients", lambda c: _client_json(ctx, c))


def client(ctx: Context) -> Any:
    return _client_json(ctx, _get_client(ctx))


def create_client(ctx: Context) -> Any:
    body: dict[str, Any] = ctx.body
    scopes: list[str] = body.get("scopes", [])
    ctx.authorize(scopes=scopes)
    client_id = ctx.params["clientId"]
    with ctx.server.auth.lock:
        if client_id in ctx.server.auth.clients:
            raise conflict(f"Client {client_id} already exists")
        created = Client(
            client_id,
            new_access_token(),
            scopes,
            description=body["description"],
            expires=_when(body["expires"]),
            delete_on_expiration=body.get("deleteOnExpiration", False),
        )
        ctx.server.auth.clients[client_id] = created
        return {**_client_json(ctx, created), "accessToken": created.access_token}


def update_client(ctx: Context) -> Any:
    body: dict[str, Any] = ctx.body
    with ctx.server.auth.lock:
        existing = _get_client(ctx)
        scopes: list[str] = body.get("scopes", [])
        ctx.authorize(scopesAdded=[s for s in scopes if s not in existing.scopes])
        existing.scopes, existing.description = scopes, body["description"]
        existing.expires, existing.last_modified = _when(body["expires"]), now()
        return _client_json(ctx, existing)


def reset_access_token(ctx: Context) -> Any:
    with ctx.server.auth.lock:
        existing = _get_client(ctx)
        existing.access_token, existing.last_rotated = new_access_token(), now()
        return {**_client_json(ctx, existing), "accessToken": existing.access_token}


def _enable(disabled: bool) -> Handler:
    def handler(ctx: Context) -> Any:
        existing = _get_client(ctx)
        existing.disabled = disabled
        return _client_json(ctx, existing)

    return handler


def delete_client(ctx: Context) -> Any:
    with ctx.server.auth.lock:
        ctx.server.auth.clients.pop(ctx.params["clientId"], None)


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
        raise not_found(f"Role {ctx.params['roleId']}")
    return _role_json(ctx, found)


def create_role(ctx: Context) -> Any:
    body: dict[str, Any] = ctx.body
    ctx.authorize(scopes=body["scopes"])
    role_id = ctx.params["roleId"]
    with ctx.server.auth.lock:
        if role_id in ctx.server.auth.roles:
            raise conflict(f"Role {role_id} already exists")
        created = Role(role_id, list(body["scopes"]), body["description"])
        ctx.server.auth.roles[role_id] = created
        return _role_json(ctx, created)


def update_role(ctx: Context) -> Any:
    body: dict[str, Any] = ctx.body
    with ctx.server.auth.lock:
        found = ctx.server.auth.roles.get(ctx.params["roleId"])
        if found is None:
            raise not_found(f"Role {ctx.params['roleId']}")
        ctx.authorize(scopesAdded=[s for s in body["scopes"] if s not in found.scopes])
        found.scopes, found.description, found.last_modified = (
            body["scopes"],
            body["description"],
            now(),
        )
        return _role_json(ctx, found)


def delete_role(ctx: Context) -> Any:
    with ctx.server.auth.lock:
        ctx.server.auth.roles.pop(ctx.params["roleId"], None)


def expand_scopes(ctx: Context) -> Any:
    return {"scopes": ctx.server.auth.expand(list(ctx.body["scopes"]))}


def current_scopes(ctx: Context) -> Any:
    return {"scopes": ctx.caller.scopes}


def _tested(ctx: Context, caller: Caller, required: list[str]) -> Any:
    if not satisfies_expression(caller.scopes, {"AllOf": required}):
        raise Failure(403, "InsufficientScopes", f"Client ID {caller.client_id} lacks {required}")
    reply: dict[str, Any] = {"scopes": caller.scopes}
    if caller.client_id is not None:
        reply["clientId"] = caller.client_id
    else:
        reply["clientId"] = "anonymous"
    return reply


def test_authenticate(ctx: Context) -> Any:
    """Re-authenticate the request as the ``tester`` client (access token ``no-secret``) with
    the body's ``clientScopes``, then check ``requiredScopes``."""
    body: dict[str, Any] = ctx.body
    return _tested_as(ctx, body["clientScopes"], body["requiredScopes"])


def test_authenticate_get(ctx: Context) -> Any:
    return _tested_as(ctx, ["test:*", "auth:create-client:test:*"], ["test:authenticate-get"])


def _tested_as(ctx: Context, scopes: list[str], required: list[str]) -> Any:
    state = AuthState()
    state.clients["tester"] = Client("tester", "no-secret", list(scopes))
    caller = Authenticator(state).authenticate(ctx.request)
    return _tested(ctx, caller, required)


HANDLERS: dict[str, Handler] = {
    "listClients": list_clients,
    "client": client,
    "createClient": create_client,
    "updateClient": update_client,
    "resetAccessToken": reset_access_token,
    "enableClient": _enable(False),
    "disableClient": _enable(True),
    "deleteClient": delete_client,
    "listRoles": list_roles,
    "listRoleIds": list_role_ids,
    "listRoles2": list_roles2,
    "role": role,
    "createRole": create_role,
    "updateRole": update_role,
    "deleteRole": delete_role,
    "expandScopes": expand_scopes,
    "currentScopes": current_scopes,
    "testAuthenticate": test_authenticate,
    "testAuthenticateGet": test_authenticate_get,
}
