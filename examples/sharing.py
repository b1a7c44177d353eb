"""Share access safely: temporary credentials with fewer scopes, a signed URL anyone can GET
for 15 minutes, and the checks that refuse bad input before anything is sent. Runs against
any deployment (TASKCLUSTER_ROOT_URL, TASKCLUSTER_CLIENT_ID, TASKCLUSTER_ACCESS_TOKEN; the
credentials need ``secrets:get:`` and ``secrets:set:project/taskcluster-typed-demo/*``).

python examples/sharing.py
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from taskcluster_typed import (
    InsufficientScopes,
    RequestValidationError,
    Secrets,
    create_temporary_credentials,
    from_now,
    slugid,
)

PREFIX = "project/taskcluster-typed-demo"


def main() -> None:
    with Secrets.from_env() as secrets:
        name = f"{PREFIX}/{slugid()}"
        secrets.set(name, {"secret": {"token": "s3cr3t"}, "expires": from_now("1 hour")})
        print(f"  stored secret {name}")

        assert secrets.credentials is not None
        reader = create_temporary_credentials(
            secrets.credentials, scopes=[f"secrets:get:{PREFIX}/*"], expiry=timedelta(minutes=10)
        )
        as_reader = secrets.with_options(credentials=reader)
        print(f"  temporary credentials read it: {as_reader.get(name).secret}")
        try:
            as_reader.remove(name)
        except InsufficientScopes as error:
            print(f"  ...and cannot delete it: {error.status_code} {error.code}")

        url = secrets.signed_urls.get(name, expires_in=timedelta(minutes=15))
        shown = url.split("?", 1)[0]
        print(f"  signed URL {shown}?bewit=... -> {httpx.get(url).json()['secret']}")

        try:
            # mypy rejects this call as well ("expires" is missing); the run-time check
            # protects callers without a type checker, and nothing reaches the server.
            secrets.set(name, {"secret": {"token": 1}})  # type: ignore[arg-type]
        except RequestValidationError as error:
            print(f"  refused before sending: {error}")
        secrets.remove(name)


if __name__ == "__main__":
    main()
