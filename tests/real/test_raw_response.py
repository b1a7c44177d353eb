"""Raw replies from the real services: headers, status and the decoded model."""

from __future__ import annotations

import asyncio

from taskcluster_typed import AsyncAuth, Auth

from .conftest import RealTaskcluster


def test_raw_reply_carries_the_services_headers(real: RealTaskcluster) -> None:
    with real.client(Auth, trace_id="typed-raw-reply-trace") as auth:
        raw = auth.with_raw_response.current_scopes()
    assert raw.status_code == 200
    assert raw.headers["x-for-trace-id"] == "typed-raw-reply-trace"
    assert raw.headers["x-for-request-id"]
    assert raw.parse().scopes == ["*"]


def test_async_raw_reply(real: RealTaskcluster) -> None:
    async def main() -> tuple[int, list[str]]:
        async with real.client(AsyncAuth) as auth:
            raw = await auth.with_raw_response.current_scopes()
            return raw.status_code, raw.parse().scopes

    assert asyncio.run(main()) == (200, ["*"])
