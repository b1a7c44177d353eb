"""Client options from the environment, as Taskcluster tools set it.

Outside a task: ``TASKCLUSTER_ROOT_URL``, ``TASKCLUSTER_CLIENT_ID``,
``TASKCLUSTER_ACCESS_TOKEN`` and (for temporary credentials) ``TASKCLUSTER_CERTIFICATE``.

Inside a task that has the taskcluster-proxy feature, ``from_env(use_proxy=True)`` uses
``TASKCLUSTER_PROXY_URL`` as the root URL and no credentials: the proxy signs each request
with the task's own credentials.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TypedDict

from ._core.errors import ConfigurationError
from .credentials import Credentials


class EnvOptions(TypedDict):
    """Keyword arguments for any client: ``Queue(**from_env())``."""

    root_url: str
    credentials: Credentials | None


def from_env(*, use_proxy: bool = False, environ: Mapping[str, str] | None = None) -> EnvOptions:
    """Read the root URL and credentials from the environment (empty values count as unset)."""
    env = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        return env.get(name) or None

    if use_proxy:
        proxy = get("TASKCLUSTER_PROXY_URL")
        if proxy is None:
            raise ConfigurationError(
                "TASKCLUSTER_PROXY_URL is not set: is this a task with the taskcluster-proxy "
                "feature enabled?"
            )
        return EnvOptions(root_url=proxy.rstrip("/"), credentials=None)
    root_url = get("TASKCLUSTER_ROOT_URL")
    if root_url is None:
        raise ConfigurationError(
            "TASKCLUSTER_ROOT_URL is not set: set it (and TASKCLUSTER_CLIENT_ID, "
            "TASKCLUSTER_ACCESS_TOKEN, optionally TASKCLUSTER_CERTIFICATE) or pass root_url"
        )
    client_id = get("TASKCLUSTER_CLIENT_ID")
    access_token = get("TASKCLUSTER_ACCESS_TOKEN")
    certificate = get("TASKCLUSTER_CERTIFICATE")
    if (client_id is None) != (access_token is None):
        missing = "TASKCLUSTER_ACCESS_TOKEN" if access_token is None else "TASKCLUSTER_CLIENT_ID"
        raise ConfigurationError(
            f"{missing} is not set, but the other of TASKCLUSTER_CLIENT_ID / "
            "TASKCLUSTER_ACCESS_TOKEN is"
        )
    if certificate is not None and client_id is None:
        raise ConfigurationError(
            "TASKCLUSTER_CERTIFICATE is set without TASKCLUSTER_CLIENT_ID and "
            "TASKCLUSTER_ACCESS_TOKEN"
        )
    credentials = None
    if client_id is not None and access_token is not None:
        credentials = Credentials(client_id, access_token, certificate)
    return EnvOptions(root_url=root_url.rstrip("/"), credentials=credentials)
