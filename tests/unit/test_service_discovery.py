"""Service discovery by Kubernetes DNS (the JS client's
``serviceDiscoveryScheme: 'k8s-dns'``): calls go to ``http://taskcluster-<service>``."""

from __future__ import annotations

import asyncio

import pytest
import respx
from mohawk import Receiver  # type: ignore[import-untyped]

from taskcluster_typed import AsyncSecrets, ConfigurationError, Credentials, Queue, Secrets

pytestmark = pytest.mark.usefixtures("httpx_transport")

ROOT = "https://tc.example.com"
CREDS = Credentials("project/ci", "access-token-0123456789")


def test_calls_go_to_the_services_cluster_name() -> None:
    with respx.mock() as mock:
        route = mock.get("http://taskcluster-queue/api/queue/v1/ping").respond(204)
        with Queue(ROOT, service_discovery="k8s-dns") as queue:
            queue.ping()
            assert queue.root_url == ROOT
            assert queue.service_discovery == "k8s-dns"
    assert route.called


def test_each_service_has_its_own_name_and_requests_are_signed_for_it() -> None:
    with respx.mock() as mock:
        route = mock.get("http://taskcluster-secrets/api/secrets/v1/secrets").respond(
            json={"secrets": []}
        )
        with Secrets(ROOT, credentials=CREDS, service_discovery="k8s-dns") as secrets:
            secrets.list()
    request = route.calls[0].request
    Receiver(
        lambda _id: {"id": CREDS.client_id, "key": CREDS.access_token, "algorithm": "sha256"},
        request.headers["authorization"],
        str(request.url),
        request.method,
        content=b"",
        content_type="",
        accept_untrusted_content=True,
    )  # raises if the MAC does not cover the URL as sent


def test_async_and_with_options_keep_the_scheme() -> None:
    async def main() -> None:
        async with AsyncSecrets(ROOT, service_discovery="k8s-dns") as secrets:
            await secrets.with_options(timeout=5).ping()

    with respx.mock() as mock:
        route = mock.get("http://taskcluster-secrets/api/secrets/v1/ping").respond(204)
        asyncio.run(main())
    assert route.called


def test_urls_for_others_keep_the_root_url() -> None:
    queue = Queue(ROOT, credentials=CREDS, service_discovery="k8s-dns")
    assert queue.urls.status("abc") == f"{ROOT}/api/queue/v1/task/abc/status"
    assert queue.signed_urls.status("abc").startswith(f"{ROOT}/api/queue/v1/task/abc/status?")


def test_default_uses_the_root_url() -> None:
    with respx.mock() as mock:
        route = mock.get(f"{ROOT}/api/queue/v1/ping").respond(204)
        Queue(ROOT).ping()
    assert route.called


def test_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="k8s-dns"):
        Queue(ROOT, service_discovery="consul")  # type: ignore[arg-type]
