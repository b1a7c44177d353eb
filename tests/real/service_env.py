"""The environment of each Taskcluster service: upstream's ``docker/env/.<service>`` (the
docker-compose deployment's settings) with this machine's loopback addresses."""

from __future__ import annotations

import json
import os
from pathlib import Path


def service_env(
    source: Path, service: str, *, root_url: str, port: int | None, pg_port: int, s3_url: str
) -> dict[str, str]:
    env: dict[str, str] = {}
    for line in (source / "docker" / "env" / f".{service}").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    short = service.replace("-", "_")
    db = f"postgresql://taskcluster_{short}:{short}_password@127.0.0.1:{pg_port}/taskcluster"
    env |= {
        "TASKCLUSTER_ROOT_URL": root_url,
        "PORT": "" if port is None else str(port),
        "PROMETHEUS_CONFIG": "",  # upstream binds 9100 in every container
        "NODE_ENV": "development",
        "FORCE_SSL": "false",
        "TRUST_PROXY": "true",
    }
    if "READ_DB_URL" in env:  # db upgrade creates one database user per service
        env["READ_DB_URL"] = env["WRITE_DB_URL"] = db
    if "PULSE_HOSTNAME" in env:
        env["PULSE_HOSTNAME"] = "127.0.0.1"
    if "AWS_ENDPOINT" in env:
        env["AWS_ENDPOINT"] = s3_url
    if "PUBLIC_URL" in env:
        env["PUBLIC_URL"] = root_url
    if service == "queue":  # moto refuses anonymous GETs: sign public artifact URLs
        env["SIGN_PUBLIC_ARTIFACT_URLS"] = "true"
    if service == "object":
        backends = json.loads(env["BACKENDS"])
        backends["everything"]["endpoint"] = s3_url
        env["BACKENDS"] = json.dumps(backends)
    if service == "notify":
        env["AWS_REGION"] = "us-east-1"
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **env}
