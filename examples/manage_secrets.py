"""Manage secrets: set, get, list (page by page) and remove them with the secrets service.
Reads only TASKCLUSTER_ROOT_URL, TASKCLUSTER_CLIENT_ID, TASKCLUSTER_ACCESS_TOKEN (and
TASKCLUSTER_CERTIFICATE) through ``Secrets.from_env()``, so it runs against a real deployment
unchanged (the credentials need ``secrets:get:``/``secrets:set:<prefix>/*`` and
``secrets:list-secrets``). Secret
values are printed here only because they are examples; never log real ones.

python examples/manage_secrets.py
"""

from __future__ import annotations

from typing import Any

from taskcluster_typed import ResourceNotFound, Secrets, from_now, slugid

PREFIX = "project/taskcluster-typed-demo"


def store(secrets: Secrets, name: str, value: dict[str, Any]) -> None:
    """Set the secret `name` to `value`, expiring in a day."""
    secrets.set(name, {"secret": value, "expires": from_now("1 day")})


def read(secrets: Secrets, name: str) -> dict[str, Any] | None:
    """The value of the secret `name`, or None when there is no such secret."""
    try:
        return secrets.get(name).secret
    except ResourceNotFound:
        return None


def names(secrets: Secrets, prefix: str = PREFIX) -> list[str]:
    """The names of the secrets under `prefix`, every page of ``list``."""
    return [n for page in secrets.iter_list().pages() for n in page.secrets if n.startswith(prefix)]


def main() -> None:
    """Set two secrets, read one, list them, remove both."""
    with Secrets.from_env() as secrets:
        run = f"{PREFIX}/{slugid()}"
        store(secrets, f"{run}/db", {"password": "example-only"})
        store(secrets, f"{run}/api", {"token": "example-only"})
        print(f"  stored {run}/db and {run}/api; db = {read(secrets, f'{run}/db')}")
        print(f"  listed: {[n for n in names(secrets) if n.startswith(run)]}")
        for name in (f"{run}/db", f"{run}/api"):
            secrets.remove(name)
        print(f"  removed both; db is now {read(secrets, f'{run}/db')}")


if __name__ == "__main__":
    main()
