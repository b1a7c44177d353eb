"""Read the pinned API and exchange references: which schemas each service's methods and
exchanges use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from codegen.jsonfiles import read_json

_REFERENCE = re.compile(r"/references/(?P<path>[^/]+/v\d+/(?P<kind>api|exchanges)\.json)")


@dataclass(frozen=True)
class ApiEntry:
    name: str
    input: str | None  # "v1/create-task-request.json#", relative to schemas/<service>/
    output: str | None


@dataclass(frozen=True)
class ServiceReferences:
    service: str  # serviceName: "queue", "worker-manager"
    entries: tuple[ApiEntry, ...]  # api entries, in reference order
    exchange_schemas: tuple[str, ...]  # message schemas of its exchanges, in order

    def input_refs(self) -> list[str]:
        """The input schemas of its methods, first use first."""
        refs: list[str] = []
        for entry in self.entries:
            if entry.input is not None and entry.input not in refs:
                refs.append(entry.input)
        return refs

    def schema_refs(self) -> list[str]:
        """Every schema a method or exchange of the service uses, first use first."""
        refs: list[str] = []
        for entry in self.entries:
            for ref in (entry.input, entry.output):
                if ref is not None and ref not in refs:
                    refs.append(ref)
        refs += [r for r in self.exchange_schemas if r not in refs]
        return refs


def load_service_references(refs_dir: Path) -> list[ServiceReferences]:
    """Every service with an API or exchanges, sorted by service name."""
    manifest = read_json(refs_dir / "manifest.json")
    entries: dict[str, list[ApiEntry]] = {}
    exchanges: dict[str, list[str]] = {}
    for served in manifest["references"]:
        match = _REFERENCE.fullmatch(served)
        if match is None:
            continue
        doc = read_json(refs_dir / match["path"])
        service = doc["serviceName"]
        if match["kind"] == "api":
            entries[service] = [
                ApiEntry(name=e["name"], input=e.get("input"), output=e.get("output"))
                for e in doc["entries"]
            ]
        else:
            exchanges[service] = [e["schema"] for e in doc["entries"] if e.get("schema")]
    return [
        ServiceReferences(
            service=service,
            entries=tuple(entries.get(service, ())),
            exchange_schemas=tuple(exchanges.get(service, ())),
        )
        for service in sorted(entries.keys() | exchanges.keys())
    ]
