"""What the model generator hands to the service generator: where each schema's type lives.

Keys are ``"<service>/<ref>"`` with ``ref`` as an api entry writes it (``v1/task.json#``),
which is also the schema's path under ``references/schemas/`` plus ``#``:
``"queue/v1/create-task-request.json#"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

TypeKind = Literal["model", "alias", "typeddict"]
Direction = Literal["input", "output"]


@dataclass(frozen=True, order=True)
class TypeRef:
    """A generated type: ``from <module> import <name>``.

    ``kind`` is ``"model"`` for a ``TaskclusterModel`` subclass (use ``model_validate`` /
    ``model_dump``), ``"alias"`` for a ``TypeAliasType`` (use a ``TypeAdapter``), and
    ``"typeddict"`` for a TypedDict or a union/dict alias of TypedDicts (typing only).
    """

    module: str  # "taskcluster_typed._models.queue.v1.create_task_request"
    name: str  # "CreateTaskRequest"
    kind: TypeKind

    @property
    def import_line(self) -> str:
        return f"from {self.module} import {self.name}"


@dataclass(frozen=True)
class Slot:
    """One api entry's input or output schema and the types generated for it."""

    service: str  # "queue"
    method: str  # the entry name, "createTask"
    direction: Direction
    ref: str  # as written in api.json, "v1/create-task-request.json#"
    model: TypeRef
    typed_dict: TypeRef | None  # inputs only

    @property
    def key(self) -> str:
        return f"{self.service}/{self.ref}"


@dataclass(frozen=True)
class Export:
    """A name a service's public models module re-exports."""

    name: str  # public name; differs from ref.name when qualified to avoid a clash
    ref: TypeRef
    reason: Literal["root", "variant", "reachable"]


@dataclass(frozen=True)
class PayloadModule:
    """A worker payload schema, published as ``taskcluster_typed.payloads.<module>``."""

    module: str  # "docker_worker"
    schema: str  # "docker-worker/v1/payload.json"
    root: TypeRef  # the payload's model (or union alias): DockerWorkerPayload
    root_dict: TypeRef  # its TypedDict: DockerWorkerPayloadDict
    models: tuple[TypeRef, ...]  # every model and alias of the schema's module, by name
    typed_dicts: tuple[TypeRef, ...]  # every TypedDict of the schema, by name


@dataclass(frozen=True)
class ModelIndex:
    taskcluster_version: str
    # Every generated schema root: "<service>/v1/<file>.json#" -> model or alias.
    roots: Mapping[str, TypeRef]
    # Every api entry's input and output, in reference order (service name, then entry).
    slots: tuple[Slot, ...]
    # Input schema key -> TypedDict with wire names as keys.
    typed_dicts: Mapping[str, TypeRef]
    # Service name ("queue", "worker-manager") -> public re-exports, sorted by name.
    exports: Mapping[str, tuple[Export, ...]]
    # Counts for the report: modules, classes, aliases, typeddicts, ...
    stats: Mapping[str, int] = field(default_factory=dict)
    # The worker payload schemas of ``[tool.codegen] worker_payloads``, by module name.
    payloads: tuple[PayloadModule, ...] = ()

    def model(self, service: str, ref: str) -> TypeRef:
        """The model or alias of a schema, e.g. ``model("queue", "v1/task.json#")``."""
        return self.roots[f"{service}/{ref}"]

    def typed_dict(self, service: str, ref: str) -> TypeRef:
        return self.typed_dicts[f"{service}/{ref}"]

    def slots_of(self, service: str) -> tuple[Slot, ...]:
        return tuple(s for s in self.slots if s.service == service)

    def summary(self) -> list[str]:
        lines = [f"Taskcluster {self.taskcluster_version}"]
        lines += [f"{name}: {count}" for name, count in self.stats.items()]
        inputs = sum(1 for s in self.slots if s.direction == "input")
        lines.append(f"api slots: {len(self.slots)} ({inputs} inputs)")
        return lines

    def to_json(self) -> dict[str, Any]:
        def ref(r: TypeRef) -> dict[str, str]:
            return {"module": r.module, "name": r.name, "kind": r.kind}

        return {
            "taskcluster_version": self.taskcluster_version,
            "roots": {k: ref(v) for k, v in sorted(self.roots.items())},
            "typed_dicts": {k: ref(v) for k, v in sorted(self.typed_dicts.items())},
            "slots": [
                {
                    "service": s.service,
                    "method": s.method,
                    "direction": s.direction,
                    "ref": s.ref,
                    "model": ref(s.model),
                    "typed_dict": ref(s.typed_dict) if s.typed_dict else None,
                }
                for s in self.slots
            ],
            "exports": {
                svc: [{"name": e.name, "reason": e.reason, **ref(e.ref)} for e in exports]
                for svc, exports in sorted(self.exports.items())
            },
            "stats": dict(self.stats),
        }
