"""The rest of the auth service: the audit history, ``authenticateHawk``, the two test
endpoints, and the cloud-credential methods, answered as a deployment with no cloud accounts
configured answers them (AWS buckets, Azure accounts, GCP, Sentry, GitHub apps, websocktunnel:
none configured)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from .auth_state import AuthState, Client, iso, now
from .context import Context, Handler, require
from .failures import Failure, not_found
from .hawk_check import Authenticator, Caller, RequestData
from .paging import page


def get_entity_history(ctx: Context) -> Any:
    kind, entity = ctx.params["entityType"], ctx.params["entityId"]
    if kind not in ("client", "role", "secret", "hook", "worker-pool"):  # the route's pattern
        raise Failure(
            400, "InvalidRequestArguments", f"Invalid URL patterns:\n  entityType: {kind!r}"
        )
    with ctx.server.auth.lock:
        found = [
            e for e in ctx.server.auth.audit if (e["entityType"], e["entityId"]) == (kind, entity)
        ]
    return page(ctx, found, "auditHistory")


def list_audit_history(ctx: Context) -> Any:
    with ctx.server.auth.lock:
        found = [e for e in ctx.server.auth.audit if e["clientId"] == ctx.params["clientId"]]
    return page(ctx, found, "auditHistory")


def authenticate_hawk(ctx: Context) -> Any:
    body: dict[str, Any] = ctx.body
    request = RequestData(
        method=body["method"].upper(),
        resource=body["resource"],
        host=body["host"],
        port=int(body["port"]),
        authorization=body.get("authorization"),
        content_type="",
        body=b"",
    )
    try:
        caller = Authenticator(ctx.server.auth).authenticate(request, check_payload=False)
    except Failure as failure:
        return {"status": "auth-failed", "message": failure.message}
    if caller.client_id is None:
        return {
            "status": "no-auth",
            "scheme": "none",
            "scopes": caller.scopes,
            "expires": iso(now() + timedelta(minutes=15)),
        }
    reply: dict[str, Any] = {
        "status": "auth-success",
        "scheme": "hawk",
        "scopes": caller.scopes,
        "clientId": caller.client_id,
        "expires": iso(now() if caller.expires_ms is None else _from_ms(caller.expires_ms)),
    }
    if caller.payload_hash:
        reply["hash"] = caller.payload_hash
    return reply


def _from_ms(value: float) -> datetime:
    return datetime.fromtimestamp(value / 1000, timezone.utc)


def _tested(caller: Caller, required: list[str]) -> Any:
    require(caller, {"AllOf": list(required)})
    return {"scopes": caller.scopes, "clientId": caller.client_id or "anonymous"}


def _tested_as(ctx: Context, scopes: list[str], required: list[str]) -> Any:
    """Re-authenticate the request as the ``tester`` client (access token ``no-secret``)
    holding `scopes`, then check `required`."""
    state = AuthState()
    state.clients["tester"] = Client("tester", "no-secret", list(scopes))
    caller = Authenticator(state).authenticate(ctx.request)
    return _tested(caller, required)


def test_authenticate(ctx: Context) -> Any:
    body: dict[str, Any] = ctx.body
    return _tested_as(ctx, body["clientScopes"], body.get("requiredScopes", []))


def test_authenticate_get(ctx: Context) -> Any:
    return _tested_as(ctx, ["test:*", "auth:create-client:test:*"], ["test:authenticate-get"])


def aws_s3_credentials(ctx: Context) -> Any:
    level = ctx.params["level"]
    if level not in ("read-write", "read-only"):  # the route's pattern for `level`
        raise Failure(
            400,
            "InvalidRequestArguments",
            f"Invalid URL patterns:\n  level: {level!r} does not match read-write|read-only",
        )
    ctx.authorize(levelIsReadOnly=level == "read-only")
    raise not_found(f"No credentials available for bucket {ctx.params['bucket']}")


def azure_accounts(ctx: Context) -> Any:
    return {"accounts": []}


def _no_azure_account(end: str) -> Handler:
    def handler(ctx: Context) -> Any:
        account = ctx.params["account"]
        raise not_found(f"Account '{account}' not found, can't delegate access{end}")

    return handler


def gcp_credentials(ctx: Context) -> Any:
    raise Failure(
        400,
        "InvalidRequestArguments",
        f"The service account {ctx.params['serviceAccount']} isn't allowed",
    )


def sentry_dsn(ctx: Context) -> Any:
    raise not_found("Sentry credentials not found")


def websocktunnel_token(ctx: Context) -> Any:
    raise Failure(
        500,
        "InternalServerError",
        "websocktunnel is not configured in this deployment (no websocktunnel secret)",
    )


def github_repo_token(ctx: Context) -> Any:
    body: dict[str, Any] = ctx.body
    repositories = [r.lower() for r in body["repositories"]]
    permissions: dict[str, str] = body["permissions"]
    ctx.authorize(
        owner=ctx.params["owner"].lower(),
        repoPerms=[f"{r}:{p}:{level}" for p, level in permissions.items() for r in repositories],
    )
    raise not_found(f"Application with name `{ctx.params['appName']}` is not configured")


HANDLERS: dict[str, Handler] = {
    "getEntityHistory": get_entity_history,
    "listAuditHistory": list_audit_history,
    "authenticateHawk": authenticate_hawk,
    "testAuthenticate": test_authenticate,
    "testAuthenticateGet": test_authenticate_get,
    "awsS3Credentials": aws_s3_credentials,
    "azureAccounts": azure_accounts,
    "azureTables": _no_azure_account(""),
    "azureTableSAS": _no_azure_account(""),
    "azureContainers": _no_azure_account("."),
    "azureContainerSAS": _no_azure_account("."),
    "gcpCredentials": gcp_credentials,
    "sentryDSN": sentry_dsn,
    "websocktunnelToken": websocktunnel_token,
    "githubRepoToken": github_repo_token,
}
