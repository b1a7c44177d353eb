"""``request(params=)`` and a signed URL of any GET route against the real services (item 8)."""

from __future__ import annotations

import httpx

from taskcluster_typed import Auth, Secrets

from .conftest import RealTaskcluster


def test_request_with_params_reaches_the_route(real: RealTaskcluster) -> None:
    with real.client(Auth) as auth:
        reply = auth.request(
            "GET", "clients/<clientId>", params={"clientId": real.limited.client_id}
        )
    assert reply.json()["clientId"] == real.limited.client_id


def test_a_signed_url_of_any_get_route_is_accepted(real: RealTaskcluster) -> None:
    name = f"typed/readable/signed-{real.run_id}"
    with real.client(Secrets) as secrets:
        secrets.set(name, {"secret": {"k": "v"}, "expires": "3000-01-01T00:00:00.000Z"})
        url = secrets.signed_urls.for_route("secret/<name>", params={"name": name})
    assert "%2F" in url and "bewit=" in url
    reply = httpx.get(url)  # no credentials but the bewit
    assert reply.status_code == 200
    assert reply.json()["secret"] == {"k": "v"}
