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


def _pages() -> dict[str, str]:
    pages: dict[str, str] = {}
    for service, module, cls, has_events in _services():
        pages[f"services/{module}.md"] = _service_page(service, module, cls, has_events)
        pages[f"models/{module}.md"] = _models_page(module, cls)
    return pages


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    services = _services()
    reference: list[Any] = [
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
