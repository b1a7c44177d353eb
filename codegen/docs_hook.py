"""mkdocs hook: the API reference pages, generated from the pinned references at build time.

One page per service (its clients' methods with signatures, docstrings and scopes) and one per
service's models, plus the events of the services with exchanges. Nothing here is written by
hand or committed: the pages follow `references/` and the generated code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = ROOT / "references"


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("-"))


def _services() -> list[tuple[str, str, str, bool]]:
    """(service, module, class name, has exchanges), sorted by service name."""
    found = []
    for api in sorted(REFERENCES.glob("*/v1/api.json")):
        name = json.loads(api.read_text())["serviceName"]
        has_events = (api.parent / "exchanges.json").exists()
        found.append((name, name.replace("-", "_"), _pascal(name), has_events))
    return found


def _service_page(service: str, module: str, cls: str, has_events: bool) -> str:
    api = json.loads((REFERENCES / service / "v1" / "api.json").read_text())
    lines = [
        f"# {cls}",
        "",
        f"`{service}`: {api['title']}. {len(api['entries'])} methods.",
        "",
        f"`Async{cls}` has the same methods, each to be awaited; both come from",
        f"`from taskcluster_typed import {cls}, Async{cls}`, their models from",
        f"[`taskcluster_typed.models.{module}`](../models/{module}.md).",
        "",
        f"::: taskcluster_typed.services.{module}.{cls}",
        "    options:",
        "      show_root_heading: true",
        "",
    ]
    if has_events:
        lines += [f"::: taskcluster_typed.events.{module}.{cls}Events", ""]
    return "\n".join(lines)


def _models_page(module: str, cls: str) -> str:
    return "\n".join(
        [
            f"# {cls} models",
            "",
            f"Request and response types of [`{cls}`](../services/{module}.md).",
            "",
            f"::: taskcluster_typed.models.{module}",
            "    options:",
            "      show_root_heading: false",
            "      members_order: alphabetical",
            "",
        ]
    )


def retry_safety_page() -> str:
    """Every POST method and whether a call is sent again after it may have reached the
    server, from the generated endpoints and the reasons in ``[tool.codegen.idempotent_posts]``."""
    import importlib

    from codegen.config import load_config

    reasons = load_config().idempotent_posts
    lines = [
        "# Retry safety of POST methods",
        "",
        "Generated from the references and `[tool.codegen.idempotent_posts]` in",
        "`pyproject.toml`. GET, HEAD, PUT and DELETE calls are sent again after a failure that",
        "may have reached the server (a read timeout, a connection closed after sending); a POST",
        "only when it is marked here. Every method is retried after a connection error (nothing",
        "was sent) and after a 5xx or 429 reply. See [Behaviour](../behaviour.md#retries).",
        "",
        "| method | resent after it may have reached the server | why |",
        "|---|---|---|",
    ]
    for service, module, _, _ in _services():
        generated = importlib.import_module(f"taskcluster_typed.services.{module}")
        endpoints = [
            value
            for name, value in sorted(vars(generated).items())
            if name.startswith("_") and type(value).__name__ == "Endpoint"
        ]
        for endpoint in sorted(endpoints, key=lambda e: e.name):
            if endpoint.method != "POST":
                continue
            key = f"{service}.{endpoint.name}"
            safe = "yes" if endpoint.idempotent else "no"
            why = reasons.get(key, "changes state; a second call could act twice")
            lines.append(f"| `{key}` | {safe} | {why} |")
    return "\n".join(lines) + "\n"


def _pages() -> dict[str, str]:
    pages: dict[str, str] = {"reference/retry-safety.md": retry_safety_page()}
    for service, module, cls, has_events in _services():
        pages[f"services/{module}.md"] = _service_page(service, module, cls, has_events)
        pages[f"models/{module}.md"] = _models_page(module, cls)
    return pages


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    services = _services()
    reference: list[Any] = [
        {"Retry safety": "reference/retry-safety.md"},
        {"Services": [{cls: f"services/{module}.md"} for _, module, cls, _ in services]},
        {"Models": [{cls: f"models/{module}.md"} for _, module, cls, _ in services]},
    ]
    nav = config.nav or []
    nav.append({"API reference": reference})
    config.nav = nav
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for path, content in _pages().items():
        files.append(File.generated(config, path, content=content))
    return files
