"""The exchange references, read straight from references/ (not through the generator)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REFERENCES = Path(__file__).resolve().parents[2] / "references"
INTEGER_KEYS = frozenset({"runId"})  # [tool.codegen] int_params


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def pascal(name: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[-_]", name))


@dataclass(frozen=True)
class Exchange:
    service: str  # "worker-manager"
    prefix: str
    entry: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.entry["name"])

    @property
    def id(self) -> str:
        return f"{self.service}.{self.name}"

    @property
    def full_name(self) -> str:
        return self.prefix + str(self.entry["exchange"])

    @property
    def keys(self) -> list[dict[str, Any]]:
        return list(self.entry["routingKey"])

    @property
    def schema(self) -> str:
        return str(self.entry["schema"])

    @property
    def events_class(self) -> str:
        return pascal(self.service) + "Events"

    @property
    def module(self) -> str:
        return self.service.replace("-", "_")


def exchanges() -> list[Exchange]:
    manifest = json.loads((REFERENCES / "manifest.json").read_text())
    found = []
    for url in manifest["references"]:
        if url.endswith("/exchanges.json"):
            path = url.split("/references/", 1)[1]
            doc = json.loads((REFERENCES / path).read_text())
            for entry in doc["entries"]:
                found.append(Exchange(doc["serviceName"], doc["exchangePrefix"], entry))
    return sorted(found, key=lambda e: (e.service, e.full_name))


EXCHANGES = exchanges()


def expected_pattern(exchange: Exchange, given: dict[str, Any]) -> str:
    """The pattern the JS client makes, from the reference alone (wire names as keys)."""
    words = []
    for key in exchange.keys:
        if "constant" in key:
            words.append(key["constant"])
        elif given.get(key["name"]) is not None:
            words.append(str(given[key["name"]]))
        else:
            words.append("#" if key["multipleWords"] else "*")
    return ".".join(words)


def consumer_js_routing(exchange: Exchange, routing_key: str) -> dict[str, str]:
    """taskcluster-lib-pulse consumer.js `_handleMessage`, ported line by line."""
    reference = exchange.keys
    routing: dict[str, str] = {}
    keys = routing_key.split(".")
    i = 0
    while i < len(reference):
        ref = reference[i]
        if ref["multipleWords"]:
            break
        routing[ref["name"]] = keys.pop(0)
        i += 1
    if i < len(reference):
        j = len(reference) - 1
        while j > i:
            ref = reference[j]
            if ref["multipleWords"]:
                break
            routing[ref["name"]] = keys.pop()
            j -= 1
        assert i == j
        routing[reference[i]["name"]] = ".".join(keys)
    return routing
