"""Build the :class:`~codegen.model_index.ModelIndex` from dcg's metadata and the generated
source, and enforce the naming rules: every api slot resolves, and no type reachable from an
api entry has a numbered name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from codegen.api_refs import ServiceReferences
from codegen.model_index import Export, Slot, TypeRef
from codegen.model_source import Definition, QualName, reachable
from codegen.models import GenerationError, ModelMeta, module_of_file
from codegen.naming import is_counter_name
from codegen.preprocess import root_title
from codegen.schema_tree import SchemaSet, get_pointer


@dataclass(frozen=True)
class _Candidate:
    qualname: QualName
    ref: TypeRef
    reason: str  # "root" | "variant" | "reachable"
    file: str  # the schema file whose module defines it
    fingerprint: str


def root_refs(
    metadata: list[ModelMeta], definitions: Mapping[QualName, Definition], models_package: str
) -> dict[str, TypeRef]:
    """Every schema root that has a type of its own: ``"queue/v1/task.json#"`` -> ``Task``.

    A root appears in the metadata of other modules too (an ``allOf`` parent); only the entry
    in the schema's own module counts. Root arrays dcg collapses have no entry at all."""
    roots: dict[str, TypeRef] = {}
    for meta in metadata:
        if meta.pointer == "" and meta.module == module_of_file(meta.file):
            definition = definitions[(meta.module, meta.class_name)]
            module = f"{models_package}.{meta.module}"
            roots[f"{meta.file}#"] = TypeRef(module, meta.class_name, definition.kind)
    return dict(sorted(roots.items()))


def _qualname(ref: TypeRef, models_package: str) -> QualName:
    return (ref.module.removeprefix(models_package + "."), ref.name)


def build_slots(
    services: list[ServiceReferences],
    roots: Mapping[str, TypeRef],
    typed_dicts: Mapping[str, TypeRef],
) -> tuple[Slot, ...]:
    """Every api entry's input and output; a slot without a type fails generation."""
    slots: list[Slot] = []
    missing: list[str] = []
    for service in services:
        for entry in service.entries:
            for direction, ref in (("input", entry.input), ("output", entry.output)):
                if ref is None:
                    continue
                key = f"{service.service}/{ref}"
                model = roots.get(key)
                typed_dict = typed_dicts.get(key) if direction == "input" else None
                if model is None or (direction == "input" and typed_dict is None):
                    missing.append(f"{service.service}.{entry.name} {direction} {ref}")
                    continue
                slots.append(
                    Slot(service.service, entry.name, direction, ref, model, typed_dict)  # type: ignore[arg-type]
                )
    if missing:
        raise GenerationError("api slots without a generated type:\n  " + "\n  ".join(missing))
    return tuple(slots)


def counter_names(
    definitions: Mapping[QualName, Definition], metadata: list[ModelMeta], schemas: SchemaSet
) -> set[QualName]:
    """The generated names made unique by dcg's counter (see ``naming.is_counter_name``):
    digits at the end that neither the schema's title, nor its key, nor a tag value in it
    explains."""
    sources = {(m.module, m.class_name): m for m in metadata}
    numbered: set[QualName] = set()
    for qualname in definitions:
        meta = sources.get(qualname)
        explanations: list[str] = []
        if meta is not None and meta.file in schemas:
            node = get_pointer(schemas[meta.file], meta.pointer)
            key = meta.pointer.rsplit("/", 1)[-1]
            if not key.isdigit():  # a property or definition name, not a oneOf index
                explanations.append(key)
            if isinstance(node, dict):
                explanations.append(str(node.get("title", "")))
                for prop in (node.get("properties") or {}).values():
                    if isinstance(prop, dict) and isinstance(prop.get("const"), str):
                        explanations.append(prop["const"])
                    if isinstance(prop, dict) and len(prop.get("enum") or ()) == 1:
                        explanations.append(str(prop["enum"][0]))
        if is_counter_name(qualname[1], explanations):
            numbered.add(qualname)
    return numbered


def check_numbered_names(
    definitions: Mapping[QualName, Definition],
    start: list[QualName],
    numbered: set[QualName],
    source_refs: Mapping[QualName, str],
) -> list[QualName]:
    """Return every type reachable from ``start``; fail if one of them has a counter-made
    name such as ``Owner18``."""
    found = reachable(dict(definitions), start)
    bad = [q for q in found if q in numbered]
    if bad:
        lines = [f"{m}.{n} (from {source_refs.get((m, n), '?')})" for m, n in bad]
        raise GenerationError(
            "numbered names reachable from api entries; add title_overrides in "
            "[tool.codegen]:\n  " + "\n  ".join(lines)
        )
    return found


def _is_variant(meta: ModelMeta) -> bool:
    tokens = meta.pointer.split("/")
    return len(tokens) >= 3 and tokens[-2] in ("oneOf", "anyOf") and tokens[-1].isdigit()


def service_exports(
    service: ServiceReferences,
    metadata: list[ModelMeta],
    definitions: Mapping[QualName, Definition],
    roots: Mapping[str, TypeRef],
    models_package: str,
    numbered: set[QualName],
) -> tuple[Export, ...]:
    """The names a service's public models module re-exports: the roots of its schemas, the
    union variants in them, and every type its methods and exchanges reach. Counter-made
    names are never exported. Clashing names: if all are type aliases of the same shape
    (auth's eight ``Scope`` patterns), one is exported; otherwise a root keeps the plain name
    and the others are prefixed with their schema file's root name (``TasksResponseTask``).
    Two model classes are never merged, even of one shape: pydantic does not accept an
    instance of one for a field typed as the other."""
    prefix = f"{service.service}/"
    file_of = {m.module: m.file for m in metadata if m.module == module_of_file(m.file)}

    def candidate(qualname: QualName, reason: str) -> _Candidate:
        definition = definitions[qualname]
        ref = TypeRef(f"{models_package}.{qualname[0]}", qualname[1], definition.kind)
        return _Candidate(qualname, ref, reason, file_of[qualname[0]], definition.fingerprint)

    found: dict[QualName, _Candidate] = {}
    for key, ref in roots.items():
        if key.startswith(prefix):
            qualname = _qualname(ref, models_package)
            found[qualname] = candidate(qualname, "root")
    for meta in metadata:
        qualname = (meta.module, meta.class_name)
        if meta.file.startswith(prefix) and _is_variant(meta) and qualname not in found:
            found[qualname] = candidate(qualname, "variant")
    start = [_qualname(roots[prefix + r], models_package) for r in service.schema_refs()]
    for qualname in reachable(dict(definitions), start):
        if qualname not in found:
            found[qualname] = candidate(qualname, "reachable")

    by_name: dict[str, list[_Candidate]] = {}
    for cand in found.values():
        if cand.qualname not in numbered:
            by_name.setdefault(cand.qualname[1], []).append(cand)
    exports: dict[str, Export] = {}
    for name in sorted(by_name):
        group = sorted(by_name[name], key=lambda c: (c.reason != "root", c.qualname))
        same_alias = all(c.ref.kind == "alias" for c in group)
        if same_alias and len({c.fingerprint for c in group}) == 1:
            group = group[:1]  # one structural alias stands for all; classes never do
        for position, cand in enumerate(group):
            public = name
            if position > 0 or (len(group) > 1 and cand.reason != "root"):
                file_root = root_title(cand.file)
                public = name if name.startswith(file_root) else file_root + name
            if public in exports:
                raise GenerationError(f"{service.service}: export name {public} clashes")
            exports[public] = Export(public, cand.ref, cand.reason)  # type: ignore[arg-type]
    return tuple(exports[name] for name in sorted(exports))
