"""Conformance cases of the auth service."""

from __future__ import annotations

from taskcluster_typed import Auth, Credentials, from_now
from taskcluster_typed._core import errors as tce
from taskcluster_typed._core.hawk import header as hawk_header

from ..world import World
from .table import Invoke, call, case, refused

# auth ---------------------------------------------------------------------------------------


@case("auth.list_clients")
def _list_clients(w: World) -> Invoke:
    client_id, _ = w.client()
    prefix = client_id.rsplit("/", 1)[0] + "/"
    return call(prefix=prefix, check=lambda r: client_id in [c.client_id for c in r.clients])


@case("auth.client")
def _client(w: World) -> Invoke:
    client_id, _ = w.client(["queue:ping"])
    return call(client_id, check=lambda r: r.client_id == client_id and r.scopes == ["queue:ping"])


@case("auth.create_client")
def _create_client(w: World) -> Invoke:
    client_id = w.id("client")
    payload = {"expires": from_now("1 day"), "description": "made", "scopes": ["queue:ping"]}
    return call(
        client_id,
        payload,
        check=lambda r: r.client_id == client_id and len(r.access_token) == 44,
    )


@case("auth.get_entity_history")
def _entity_history(w: World) -> Invoke:
    client_id, _ = w.client()
    return call(
        "client",
        client_id,
        check=lambda r: [e.action_type for e in r.audit_history] == ["created"],
    )


@case("auth.list_audit_history")
def _audit_history(w: World) -> Invoke:
    # What a client did: a client that may create roles creates one.
    prefix = f"typed/{w.run}/by-client/"
    client_id, credentials = w.client([f"auth:create-role:{prefix}*"])
    role_id = prefix + w.unique("role")
    with Auth(w.real.root_url, credentials=credentials) as auth:
        auth.create_role(role_id, {"description": "made by a client", "scopes": []})
    return call(
        client_id,
        check=lambda r: (
            [(e.entity_id, e.action_type) for e in r.audit_history] == [(role_id, "created")]
        ),
    )


@case("auth.reset_access_token")
def _reset(w: World) -> Invoke:
    client_id, old = w.client()
    return call(
        client_id,
        check=lambda r: r.client_id == client_id and r.access_token != old.access_token,
    )


@case("auth.update_client")
def _update_client(w: World) -> Invoke:
    client_id, _ = w.client()
    payload = {"expires": from_now("2 days"), "description": "updated", "scopes": ["a:b"]}
    return call(
        client_id, payload, check=lambda r: (r.description, r.scopes) == ("updated", ["a:b"])
    )


@case("auth.enable_client")
def _enable(w: World) -> Invoke:
    client_id, _ = w.client()
    w.auth.disable_client(client_id)
    return call(client_id, check=lambda r: r.disabled is False)


@case("auth.disable_client")
def _disable(w: World) -> Invoke:
    client_id, _ = w.client()
    return call(client_id, check=lambda r: r.disabled is True)


@case("auth.delete_client")
def _delete_client(w: World) -> Invoke:
    client_id, _ = w.client()
    return call(
        client_id,
        check=lambda r: (
            r is None and refused(lambda: w.auth.client(client_id), tce.ResourceNotFound)
        ),
    )


@case("auth.list_roles")
def _list_roles(w: World) -> Invoke:
    role_id = w.role()
    return call(check=lambda r: role_id in [role.role_id for role in r])


@case("auth.list_roles2")
def _list_roles2(w: World) -> Invoke:
    w.role()
    w.role()
    return call(limit=1, check=lambda r: len(r.roles) == 1 and r.continuation_token)


@case("auth.list_role_ids")
def _list_role_ids(w: World) -> Invoke:
    w.role()
    w.role()
    return call(limit=1, check=lambda r: len(r.role_ids) == 1 and r.continuation_token)


@case("auth.role")
def _role(w: World) -> Invoke:
    role_id = w.role(["queue:ping"])
    return call(role_id, check=lambda r: (r.role_id, r.scopes) == (role_id, ["queue:ping"]))


@case("auth.create_role")
def _create_role(w: World) -> Invoke:
    role_id = w.id("role")
    payload = {"description": "made", "scopes": ["queue:ping"]}
    return call(
        role_id, payload, check=lambda r: r.expanded_scopes == [f"assume:{role_id}", "queue:ping"]
    )


@case("auth.update_role")
def _update_role(w: World) -> Invoke:
    role_id = w.role()
    payload = {"description": "updated", "scopes": ["a:b"]}
    return call(role_id, payload, check=lambda r: (r.description, r.scopes) == ("updated", ["a:b"]))


@case("auth.delete_role")
def _delete_role(w: World) -> Invoke:
    role_id = w.role()
    return call(
        role_id,
        check=lambda r: r is None and refused(lambda: w.auth.role(role_id), tce.ResourceNotFound),
    )


@case("auth.expand_scopes")
def _expand(w: World) -> Invoke:
    role_id = w.role(["queue:ping", "secrets:get:x"])
    return call(
        {"scopes": [f"assume:{role_id}"]},
        check=lambda r: r.scopes == [f"assume:{role_id}", "queue:ping", "secrets:get:x"],
    )


@case("auth.current_scopes")
def _current(w: World) -> Invoke:
    return call(check=lambda r: r.scopes == ["*"])


@case(
    "auth.aws_s3_credentials",
    expect=tce.ResourceNotFound,
    code="ResourceNotFound",
    not_local="no AWS buckets are configured (AWS_CREDENTIALS_ALLOWED_BUCKETS is empty)",
)
def _aws(w: World) -> Invoke:
    return call("read-only", "some-bucket", "some/prefix/")


@case("auth.azure_accounts")
def _azure_accounts(w: World) -> Invoke:
    return call(check=lambda r: r.accounts == [])


_AZURE = "no Azure accounts are configured (AZURE_ACCOUNTS is empty)"


@case("auth.azure_tables", expect=tce.ResourceNotFound, code="ResourceNotFound", not_local=_AZURE)
def _azure_tables(w: World) -> Invoke:
    return call("someaccount")


@case(
    "auth.azure_table_sas", expect=tce.ResourceNotFound, code="ResourceNotFound", not_local=_AZURE
)
def _azure_table_sas(w: World) -> Invoke:
    return call("someaccount", "sometable", "read-only")


@case(
    "auth.azure_containers", expect=tce.ResourceNotFound, code="ResourceNotFound", not_local=_AZURE
)
def _azure_containers(w: World) -> Invoke:
    return call("someaccount")


@case(
    "auth.azure_container_sas",
    expect=tce.ResourceNotFound,
    code="ResourceNotFound",
    not_local=_AZURE,
)
def _azure_container_sas(w: World) -> Invoke:
    return call("someaccount", "somecontainer", "read-only")


@case(
    "auth.sentry_dsn",
    expect=tce.ResourceNotFound,
    code="ResourceNotFound",
    not_local="no Sentry organization is configured (SENTRY_* are empty)",
)
def _sentry(w: World) -> Invoke:
    return call("some-project")


@case(
    "auth.websocktunnel_token",
    expect=tce.InternalServerError,
    not_local="no websocktunnel secret is configured (WEBSOCKTUNNEL_SECRET is empty): the "
    "service fails to sign the token",
)
def _websocktunnel(w: World) -> Invoke:
    return call("some-audience", "some-client")


@case(
    "auth.gcp_credentials",
    expect=tce.InvalidRequestArguments,
    code="InvalidRequestArguments",
    not_local="no GCP project is configured (GCP_CREDENTIALS_ALLOWED_PROJECTS is empty): "
    "the service refuses every service account",
)
def _gcp(w: World) -> Invoke:
    return call("some-project", "someone@some-project.iam.gserviceaccount.com")


@case(
    "auth.github_repo_token",
    expect=tce.ResourceNotFound,
    code="ResourceNotFound",
    not_local="no GitHub App is configured (GITHUB_CREDENTIALS_APPS is empty)",
)
def _github_token(w: World) -> Invoke:
    return call(
        "some-app", "some-owner", {"repositories": ["repo"], "permissions": {"contents": "read"}}
    )


@case("auth.authenticate_hawk")
def _authenticate_hawk(w: World) -> Invoke:
    client_id, credentials = w.client(["queue:ping"])
    resource = "/some/resource?x=1"
    header = hawk_header(
        credentials=credentials,
        method="GET",
        url=f"http://example.com:80{resource}",
        content_hash=None,
        ext=None,
    )
    payload = {
        "method": "get",
        "resource": resource,
        "host": "example.com",
        "port": 80,
        "authorization": header,
    }
    return call(
        payload,
        check=lambda r: (
            r.status == "auth-success" and r.client_id == client_id and "queue:ping" in r.scopes
        ),
    )


@case("auth.test_authenticate")
def _test_authenticate(w: World) -> Invoke:
    return call(
        {"clientScopes": ["test:a*"], "requiredScopes": ["test:ab"]},
        credentials=Credentials("tester", "no-secret"),
        check=lambda r: r.client_id == "tester" and "test:a*" in r.scopes,
    )


@case("auth.test_authenticate_get")
def _test_authenticate_get(w: World) -> Invoke:
    # The endpoint authenticates against a fixed fake client: tester / no-secret, scope test:*.
    return call(
        credentials=Credentials("tester", "no-secret"),
        check=lambda r: r.client_id == "tester" and "test:*" in r.scopes,
    )
