"""The auth service, differentially: clients, roles, scopes, temporary credentials, signed URLs,
the audit history, and the refusals (static clients, ``**`` scopes, conflicts)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from taskcluster_typed import (
    Auth,
    Credentials,
    Queue,
    Secrets,
    create_temporary_credentials,
    from_now,
    slugid,
)
from taskcluster_typed.models.auth import CreateClientRequestDict

from .conftest import RealTaskcluster
from .differential import Backend, compare, local_backend, ok, shape

ROOT = "static/taskcluster/root"


@pytest.fixture
def backends(real: RealTaskcluster) -> Iterator[tuple[Backend, Backend]]:
    with local_backend() as local:
        yield Backend("real", real.root_url, real.credentials), local


def _client_request(*scopes: str) -> CreateClientRequestDict:
    return {"description": "differential", "expires": from_now("1 hour"), "scopes": list(scopes)}


def clients_and_roles(b: Backend) -> None:
    auth = b.client(Auth)
    prefix = b.alias(f"diff-{slugid()}", "<prefix>")
    client_id, role_id = f"{prefix}/client", f"{prefix}-role"
    b.call("delete the root client", lambda: auth.delete_client(ROOT), ok)
    b.call("disable the root client", lambda: auth.disable_client(ROOT), ok)
    b.call("reset the root client", lambda: auth.reset_access_token(ROOT), ok)
    b.call("create a static client", lambda: auth.create_client("static/x", _client_request()), ok)
    b.call("root still works", lambda: auth.client(ROOT), shape)
    b.call(
        "client with ** scope", lambda: auth.create_client(client_id, _client_request("a:**")), ok
    )
    created = b.call(
        "create client",
        lambda: auth.create_client(
            client_id, _client_request("diff:b", "diff:a", f"assume:{role_id}")
        ),
        lambda c: (c.scopes, c.expanded_scopes, c.disabled, c.delete_on_expiration),
    )
    b.call("create it again", lambda: auth.create_client(client_id, _client_request()), ok)
    b.call(
        "create role",
        lambda: auth.create_role(role_id, {"description": "r", "scopes": ["diff:z", "diff:c*"]}),
        lambda r: (r.scopes, r.expanded_scopes),
    )
    b.call(
        "create the same role again",
        lambda: auth.create_role(role_id, {"description": "r", "scopes": ["diff:z", "diff:c*"]}),
        lambda r: r.scopes,
    )
    b.call(
        "create another role with that id",
        lambda: auth.create_role(role_id, {"description": "other", "scopes": []}),
        ok,
    )
    b.call(
        "role with ** scope",
        lambda: auth.create_role(f"{role_id}-2", {"description": "r", "scopes": ["x**"]}),
        ok,
    )
    b.call(
        "client expanded through the role",
        lambda: auth.client(client_id),
        lambda c: c.expanded_scopes,
    )
    b.call(
        "expand scopes",
        lambda: auth.expand_scopes({"scopes": [f"assume:{role_id}"]}),
        lambda r: r.scopes,
    )
    b.call(
        "update client without scopes keeps them",
        lambda: auth.update_client(
            client_id, {"description": "new", "expires": from_now("2 hours")}
        ),
        lambda c: (c.scopes, c.description),
    )
    b.call("disable client", lambda: auth.disable_client(client_id), lambda c: c.disabled)
    b.call("enable client", lambda: auth.enable_client(client_id), lambda c: c.disabled)
    b.call(
        "update role",
        lambda: auth.update_role(role_id, {"description": "r2", "scopes": ["diff:y"]}),
        lambda r: r.scopes,
    )
    b.call(
        "update missing role",
        lambda: auth.update_role(f"{role_id}-none", {"description": "r", "scopes": []}),
        ok,
    )
    b.call(
        "list clients by prefix",
        lambda: auth.list_clients(prefix=prefix),
        lambda r: [c.client_id.removeprefix(prefix) for c in r.clients],
    )
    b.call(
        "entity history of the client",
        lambda: auth.get_entity_history("client", client_id),
        lambda r: [
            (e.action_type, e.client_id == b.credentials.client_id) for e in r.audit_history
        ],
    )
    b.call(
        "entity history of the role",
        lambda: auth.get_entity_history("role", role_id),
        lambda r: [e.action_type for e in r.audit_history],
    )
    assert created is not None
    limited = b.client(Auth, credentials=Credentials(client_id, created.access_token))
    b.call(
        "a limited client cannot create clients",
        lambda: limited.create_client(f"{prefix}/other", _client_request()),
        ok,
    )
    b.call(
        "scopes a caller lacks",
        lambda: b.client(
            Auth, credentials=b.new_client([f"auth:create-client:{prefix}/*"])
        ).create_client(f"{prefix}/granted", _client_request("diff:not-held")),
        ok,
    )
    b.call("delete client", lambda: auth.delete_client(client_id), ok)
    b.call("delete it again", lambda: auth.delete_client(client_id), ok)
    b.call("get the deleted client", lambda: auth.client(client_id), ok)
    b.call("reset a missing client", lambda: auth.reset_access_token(client_id), ok)
    b.call("delete role", lambda: auth.delete_role(role_id), ok)
    b.call("delete it again", lambda: auth.delete_role(role_id), ok)
    b.call("get the deleted role", lambda: auth.role(role_id), ok)
    b.call(
        "entity history after deletion",
        lambda: auth.get_entity_history("client", client_id),
        lambda r: [e.action_type for e in r.audit_history],
    )


def test_clients_and_roles(backends: tuple[Backend, Backend]) -> None:
    compare(clients_and_roles, *backends)


def credentials_and_signed_urls(b: Backend) -> None:
    auth, secrets = b.client(Auth), b.client(Secrets)
    name = f"diff/{slugid()}"
    secrets.set(name, {"secret": {"v": 1}, "expires": from_now("1 hour")})
    issuer = b.new_client(
        [f"secrets:get:{name}", "auth:current-scopes", "auth:create-client:diff/*"]
    )
    temporary = create_temporary_credentials(
        issuer, scopes=[f"secrets:get:{name}"], expiry=timedelta(minutes=10)
    )
    b.call(
        "temporary credentials",
        lambda: b.client(Secrets, credentials=temporary).get(name),
        lambda s: s.secret,
    )
    named = create_temporary_credentials(
        issuer,
        scopes=["auth:current-scopes"],
        expiry=timedelta(minutes=10),
        name=f"diff/{slugid()}",
    )
    b.call(
        "named temporary credentials",
        lambda: b.client(Auth, credentials=named).current_scopes(),
        lambda r: [s for s in r.scopes if not s.startswith("queue:")],
    )
    overreaching = create_temporary_credentials(
        issuer, scopes=["secrets:get:*"], expiry=timedelta(minutes=10)
    )
    b.call(
        "temporary scopes the issuer lacks",
        lambda: b.client(Secrets, credentials=overreaching).get(name),
        ok,
    )
    b.call(
        "authorizedScopes restrict",
        lambda: b.client(
            Auth, credentials=issuer, authorized_scopes=["auth:current-scopes"]
        ).current_scopes(),
        lambda r: [s for s in r.scopes if not s.startswith("queue:")],
    )
    b.call(
        "authorizedScopes beyond the client",
        lambda: b.client(Secrets, credentials=issuer, authorized_scopes=["secrets:get:*"]).get(
            name
        ),
        ok,
    )
    url = b.client(Secrets, credentials=issuer).signed_urls.get(
        name, expires_in=timedelta(minutes=5)
    )
    reply = httpx.get(url)
    b.note("signed URL", (reply.status_code, reply.json().get("secret")))
    reply = httpx.get(url.replace(name.split("/")[1], "other"))
    b.note("signed URL for another resource", reply.status_code)
    unsigned = httpx.get(url.split("?")[0])
    b.note("without the bewit", (unsigned.status_code, unsigned.json().get("code")))
    b.call(
        "bad access token",
        lambda: b.client(Secrets, credentials=Credentials(issuer.client_id, "x" * 44)).get(name),
        ok,
    )
    b.call(
        "unknown client",
        lambda: b.client(Secrets, credentials=Credentials(f"diff/{slugid()}", "x" * 44)).get(name),
        ok,
    )
    wrong = b.client(Queue, credentials=Credentials(issuer.client_id, "x" * 44))
    # the services authenticate a caller only when they check its scopes: a scope expression
    # of the route's parameters is checked first; others after the handler's own checks
    b.call("bad token, scopes of the route", lambda: wrong.reclaim_task(slugid(), 0), ok)
    b.call("bad token, scopes of the task", lambda: wrong.cancel_task(slugid()), ok)
    invalid: dict[str, object] = {
        "payload": {}
    }  # the scopes of createTask need the body: it is validated first
    b.call(
        "bad token, invalid body",
        lambda: wrong.request("PUT", f"task/{slugid()}", json=invalid),
        ok,
    )
    b.call(
        "testAuthenticate",
        lambda: b.client(Auth, credentials=Credentials("tester", "no-secret")).test_authenticate(
            {"clientScopes": ["diff:*"], "requiredScopes": ["diff:x"]}
        ),
        lambda r: (r.client_id, r.scopes),
    )
    b.call(
        "testAuthenticate missing scope",
        lambda: b.client(Auth, credentials=Credentials("tester", "no-secret")).test_authenticate(
            {"clientScopes": ["diff:*"], "requiredScopes": ["other"]}
        ),
        ok,
    )
    b.call("aws credentials", lambda: auth.aws_s3_credentials("read-only", "bucket", "x/"), ok)
    b.call("aws credentials bad level", lambda: auth.aws_s3_credentials("all", "bucket", "x/"), ok)
    b.call("azure accounts", lambda: auth.azure_accounts(), lambda r: r.accounts)
    b.call("azure tables", lambda: auth.azure_tables("acct"), ok)
    b.call("sentry", lambda: auth.sentry_dsn("p"), ok)
    b.call("gcp", lambda: auth.gcp_credentials("p", "sa@p.iam.gserviceaccount.com"), ok)
    b.call(
        "github",
        lambda: auth.github_repo_token(
            "app", "owner", {"repositories": ["r"], "permissions": {"contents": "read"}}
        ),
        ok,
    )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the azure methods
def test_credentials_and_signed_urls(backends: tuple[Backend, Backend]) -> None:
    compare(credentials_and_signed_urls, *backends)
