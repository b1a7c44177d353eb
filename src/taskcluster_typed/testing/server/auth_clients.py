"""The auth service's clients, with its rules: ``static/`` clients (the root client among them)
cannot be changed or deleted, scopes may not end in ``**``, creating an existing client
conflicts, and every change is written to the audit history."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from ...scopes import scope_compare
from .auth_state import Client, iso, new_access_token, now
from .context import Context, Handler
from .failures import conflict, input_error, not_found
from .paging import page


def client_json(ctx: Context, client: Client) -> dict[str, Any]:
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


def _get_client(ctx: Context) -> Client:
    client = ctx.server.auth.clients.get(ctx.params["clientId"])
    if client is None:
        raise not_found("Client not found")
    return client


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _not_static(ctx: Context) -> str:
    client_id = ctx.params["clientId"]
    if client_id.startswith("static/"):
        raise input_error(
            f'clientId "{client_id}" starts with "static/" which is reserved for statically '
            "configured clients. Contact your administrator to change static clients."
        )
    return client_id


def sorted_scopes(scopes: list[str]) -> list[str]:
    """Scopes in the order the auth service stores them."""
    return sorted(scopes, key=functools.cmp_to_key(scope_compare))


def no_double_star(scopes: list[str]) -> None:
    if any(s.endswith("**") for s in scopes):
        raise input_error("scopes must not end with `**`")


def _audit(ctx: Context, client_id: str, action: str) -> None:
    ctx.server.auth.record("client", client_id, ctx.caller.client_id, action)


def list_clients(ctx: Context) -> Any:
    prefix = ctx.query.get("prefix", "")
    with ctx.server.auth.lock:
        clients = [
            c for _, c in sorted(ctx.server.auth.clients.items()) if c.client_id.startswith(prefix)
        ]
        return page(ctx, clients, "clients", lambda c: client_json(ctx, c))


def client(ctx: Context) -> Any:
    return client_json(ctx, _get_client(ctx))


def create_client(ctx: Context) -> Any:
    body: dict[str, Any] = ctx.body
    client_id = _not_static(ctx)
    scopes = sorted_scopes(body.get("scopes", []))
    no_double_star(scopes)
    ctx.authorize(scopes=scopes)
    with ctx.server.auth.lock:
        if client_id in ctx.server.auth.clients:
            raise conflict("Client already exists")
        created = Client(
            client_id,
            new_access_token(),
            scopes,
            description=body["description"],
            expires=_when(body["expires"]),
            delete_on_expiration=body.get("deleteOnExpiration", False),
        )
        ctx.server.auth.clients[client_id] = created
        _audit(ctx, client_id, "created")
        return {**client_json(ctx, created), "accessToken": created.access_token}


def update_client(ctx: Context) -> Any:
    body: dict[str, Any] = ctx.body
    client_id = _not_static(ctx)
    scopes: list[str] | None = body.get("scopes")
    no_double_star(scopes or [])
    with ctx.server.auth.lock:
        existing = _get_client(ctx)
        added = [s for s in scopes or [] if s not in existing.scopes]
        ctx.authorize(scopesAdded=added)
        if scopes is not None:
            existing.scopes = sorted_scopes(scopes)
        existing.description = body["description"]
        existing.expires, existing.last_modified = _when(body["expires"]), now()
        existing.delete_on_expiration = bool(body.get("deleteOnExpiration", False))
        _audit(ctx, client_id, "updated")
        return client_json(ctx, existing)


def reset_access_token(ctx: Context) -> Any:
    client_id = _not_static(ctx)
    ctx.authorize()
    with ctx.server.auth.lock:
        existing = _get_client(ctx)
        existing.access_token, existing.last_rotated = new_access_token(), now()
        _audit(ctx, client_id, "access token reset")
        return {**client_json(ctx, existing), "accessToken": existing.access_token}


def _enable(disabled: bool) -> Handler:
    def handler(ctx: Context) -> Any:
        client_id = _not_static(ctx)
        ctx.authorize()
        with ctx.server.auth.lock:
            existing = _get_client(ctx)
            existing.disabled = disabled
            _audit(ctx, client_id, "client disabled" if disabled else "client enabled")
            return client_json(ctx, existing)

    return handler


def delete_client(ctx: Context) -> Any:
    client_id = _not_static(ctx)
    ctx.authorize()
    with ctx.server.auth.lock:
        ctx.server.auth.clients.pop(client_id, None)
        _audit(ctx, client_id, "deleted")


HANDLERS: dict[str, Handler] = {
    "listClients": list_clients,
    "client": client,
    "createClient": create_client,
    "updateClient": update_client,
    "resetAccessToken": reset_access_token,
    "enableClient": _enable(False),
    "disableClient": _enable(True),
    "deleteClient": delete_client,
}
