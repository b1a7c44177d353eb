"""Rewrite the pinned schemas into the tree datamodel-code-generator is fed.

Each step is a small function over a :data:`SchemaSet` that changes it in place and returns
the :class:`Rewrite`s it made. Each step exists because, measured on Taskcluster's schemas,
datamodel-code-generator does something wrong without it (the step says what):

0. ``apply_schema_patches``: JSON-pointer replacements from ``[tool.codegen]``.
1. ``load_schemas`` / ``strip_ids`` / ``write_schemas``: explode ``references/schemas`` into
   ``<out>/schemas/<svc>/v1/<file>.json`` with sorted keys, without ``$id``/``$schema``.
   File names are kept as published: ``$ref``s keep working and the model index maps the
   published names. The one module name ruff's N999 dislikes (``list_lastFires_response``) is
   covered by the per-file-ignores of the private ``_models`` tree.
2. ``drop_metaschemas``.
3. ``check_no_remote_refs``: a http(s) ``$ref`` is an error, never fetched.
4. ``open_objects``: a schema-less object becomes ``additionalProperties: {}``.
5. ``inject_discriminators``: ``oneOf`` of objects tagged by a required const property.
6. ``drop_format_only_unions``: ``anyOf: [{format: uri}, {format: regex}]`` beside a type.
7. ``set_root_titles``: the root title is PascalCase(file stem).
8. ``apply_title_overrides``: names for anonymous nested schemas.
9. ``copy_ref_descriptions``: a ``$ref`` without a description gets its target's.
10. ``mark_secrets``: secret properties get ``"repr": false``.
11. ``strict_payload_scalars``: integer, number and boolean properties of the worker payload
    schemas get ``"strict": true``, so ``"maxRunTime": "600"`` is an error, not coerced.
"""

from __future__ import annotations

import copy
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.config import Config, SchemaPatch
from codegen.jsonfiles import read_json, write_json
from codegen.naming import pascal_case
from codegen.schema_tree import (
    SchemaError,
    SchemaSet,
    deref,
    escape_token,
    get_pointer,
    is_remote_ref,
    iter_subschemas,
    set_pointer,
    split_location,
)

METASCHEMAS = ("common/metaschema.json", "common/metadata-metaschema.json")
# The one directory name dcg sees; it is recorded in every generated __init__.py.
TREE_DIR = "schemas"


@dataclass(frozen=True)
class Rewrite:
    step: str
    location: str  # "<file>#<pointer>"
    detail: str


@dataclass(frozen=True)
class PreprocessResult:
    schemas: SchemaSet
    rewrites: tuple[Rewrite, ...]

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(r.step for r in self.rewrites).items()))


def _loc(path: str, pointer: str) -> str:
    return f"{path}#{pointer}"


def _walk(schemas: SchemaSet) -> list[tuple[str, str, dict[str, Any]]]:
    """Every (file, pointer, node) in the set, materialised so steps can mutate freely."""
    return [
        (path, pointer, node)
        for path in sorted(schemas)
        for pointer, node in iter_subschemas(schemas[path])
    ]


# --- step 1: explode ---------------------------------------------------------------------


def load_schemas(schemas_dir: Path, exclude_dirs: Iterable[str] = ()) -> SchemaSet:
    """Read ``references/schemas/**.json`` except the excluded top-level directories."""
    excluded = set(exclude_dirs)
    schemas: SchemaSet = {}
    for path in sorted(schemas_dir.rglob("*.json")):
        rel = path.relative_to(schemas_dir).as_posix()
        if rel.split("/")[0] not in excluded:
            schemas[rel] = read_json(path)
    return schemas


def strip_ids(schemas: SchemaSet) -> list[Rewrite]:
    rewrites = []
    for path in sorted(schemas):
        for key in ("$id", "$schema"):
            if key in schemas[path]:
                del schemas[path][key]
                rewrites.append(Rewrite("strip-id", _loc(path, ""), f"removed {key}"))
    return rewrites


def write_schemas(schemas: SchemaSet, out_dir: Path) -> Path:
    """Write ``<out_dir>/schemas/<file>`` with sorted keys; return the tree's root."""
    root = out_dir / TREE_DIR
    if root.exists():
        shutil.rmtree(root)
    for path in sorted(schemas):
        write_json(root / path, schemas[path])
    return root


# --- step 0 and 2-10 ---------------------------------------------------------------------


def apply_schema_patches(schemas: SchemaSet, patches: Iterable[SchemaPatch]) -> list[Rewrite]:
    rewrites = []
    for patch in patches:
        path, pointer = split_location(patch.target)
        if path not in schemas:
            raise SchemaError(f"schema patch {patch.target!r}: no schema {path!r}")
        get_pointer(schemas[path], pointer)  # the pointer must exist
        schemas[path] = set_pointer(schemas[path], pointer, copy.deepcopy(patch.replacement()))
        rewrites.append(Rewrite("schema-patch", patch.target, patch.reason))
    return rewrites


def drop_metaschemas(schemas: SchemaSet) -> list[Rewrite]:
    rewrites = []
    for path in METASCHEMAS:
        if schemas.pop(path, None) is not None:
            rewrites.append(Rewrite("drop-metaschema", _loc(path, ""), "removed"))
    return rewrites


def check_no_remote_refs(schemas: SchemaSet) -> list[Rewrite]:
    for path, pointer, node in _walk(schemas):
        ref = node.get("$ref")
        if isinstance(ref, str) and is_remote_ref(ref):
            raise SchemaError(f"{_loc(path, pointer)}: remote $ref {ref!r} is not allowed")
    return []


def _is_open_object(node: Mapping[str, Any]) -> bool:
    return (
        node.get("type") == "object"
        and "$ref" not in node
        and "properties" not in node
        and "patternProperties" not in node
        and node.get("additionalProperties", True) is True
        and not any(k in node for k in ("oneOf", "anyOf", "allOf"))
    )


def open_objects(schemas: SchemaSet) -> list[Rewrite]:
    """``{type: object}`` with no properties becomes ``dict[str, Any]``, not an empty model
    that silently drops every key."""
    rewrites = []
    for path, pointer, node in _walk(schemas):
        if _is_open_object(node):
            node["additionalProperties"] = {}
            rewrites.append(Rewrite("open-object", _loc(path, pointer), "additionalProperties {}"))
    return rewrites


def _tag_value(schemas: SchemaSet, path: str, branch: Mapping[str, Any], prop: str) -> Any:
    """The const string a branch gives a required property, or None."""
    if prop not in branch.get("required", ()):
        return None
    raw = branch.get("properties", {}).get(prop)
    if not isinstance(raw, dict):
        return None
    _, schema = deref(schemas, path, raw)
    if isinstance(schema.get("const"), str):
        return schema["const"]
    enum = schema.get("enum")
    if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
        return enum[0]
    return None


def find_discriminator(schemas: SchemaSet, path: str, branches: list[Any]) -> str | None:
    """The property that tags every branch of a ``oneOf`` with a distinct const string."""
    resolved = []
    for branch in branches:
        if not isinstance(branch, dict):
            return None
        branch_path, schema = deref(schemas, path, branch)
        if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
            return None
        resolved.append((branch_path, schema))
    if len(resolved) < 2:
        return None
    candidates = set.intersection(*(set(s.get("required", ())) for _, s in resolved))
    for prop in sorted(candidates):
        values = [_tag_value(schemas, p, s, prop) for p, s in resolved]
        if None not in values and len(set(values)) == len(values):
            return str(prop)
    return None


def inject_discriminators(schemas: SchemaSet) -> list[Rewrite]:
    rewrites = []
    for path, pointer, node in _walk(schemas):
        if "discriminator" in node or not isinstance(node.get("oneOf"), list):
            continue
        prop = find_discriminator(schemas, path, node["oneOf"])
        if prop is not None:
            node["discriminator"] = {"propertyName": prop}
            rewrites.append(Rewrite("discriminator", _loc(path, pointer), prop))
    return rewrites


def drop_format_only_unions(schemas: SchemaSet) -> list[Rewrite]:
    """``{type: string, anyOf: [{format: a}, {format: b}]}`` -> ``{type: string}``."""
    rewrites = []
    for path, pointer, node in _walk(schemas):
        for key in ("anyOf", "oneOf"):
            branches = node.get(key)
            if (
                isinstance(node.get("type"), str)
                and isinstance(branches, list)
                and branches
                and all(isinstance(b, dict) and set(b) == {"format"} for b in branches)
            ):
                del node[key]
                formats = ", ".join(b["format"] for b in branches)
                rewrites.append(Rewrite("format-union", _loc(path, pointer), f"{key} [{formats}]"))
    return rewrites


def root_title(path: str) -> str:
    """``hooks/v1/list-lastFires-response.json`` -> ``ListLastFiresResponse``."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".json")
    return pascal_case(stem)


def set_root_titles(schemas: SchemaSet) -> list[Rewrite]:
    rewrites = []
    for path in sorted(schemas):
        title = root_title(path)
        old = schemas[path].get("title")
        if old != title:
            schemas[path]["title"] = title
            rewrites.append(Rewrite("root-title", _loc(path, ""), f"{old!r} -> {title!r}"))
    return rewrites


def apply_title_overrides(schemas: SchemaSet, overrides: Mapping[str, str]) -> list[Rewrite]:
    rewrites = []
    for location in sorted(overrides):
        path, pointer = split_location(location)
        if path not in schemas:
            raise SchemaError(f"title override {location!r}: no schema {path!r}")
        node = get_pointer(schemas[path], pointer)
        if not isinstance(node, dict):
            raise SchemaError(f"title override {location!r}: not a schema")
        old = node.get("title")
        node["title"] = overrides[location]
        rewrites.append(Rewrite("title-override", location, f"{old!r} -> {overrides[location]!r}"))
    return rewrites


def copy_ref_descriptions(schemas: SchemaSet) -> list[Rewrite]:
    rewrites = []
    for path, pointer, node in _walk(schemas):
        if isinstance(node.get("$ref"), str) and "description" not in node:
            _, target = deref(schemas, path, node)
            if isinstance(target.get("description"), str):
                node["description"] = target["description"]
                rewrites.append(Rewrite("ref-description", _loc(path, pointer), node["$ref"]))
    return rewrites


def default_descriptions(schemas: SchemaSet) -> list[Rewrite]:
    """Give every object schema without a description one (its title and its file), so each
    generated model and TypedDict has a docstring."""
    rewrites = []
    for path, pointer, node in _walk(schemas):
        is_object = node.get("type") == "object" or isinstance(node.get("properties"), dict)
        if not is_object or "$ref" in node or isinstance(node.get("description"), str):
            continue
        title = node.get("title")
        name = title if isinstance(title, str) else (pointer.rsplit("/", 1)[-1] or path)
        # No pointer in the text: identical schemas must stay identical, or dcg stops sharing
        # their class.
        node["description"] = f"{name}: an object of the schema `{path}`."
        rewrites.append(Rewrite("default-description", _loc(path, pointer), name))
    return rewrites


def mark_secrets(schemas: SchemaSet, secret_properties: Iterable[str]) -> list[Rewrite]:
    secrets = set(secret_properties)
    rewrites = []
    for path, pointer, node in _walk(schemas):
        properties = node.get("properties")
        if not isinstance(properties, dict):
            continue
        for name in sorted(secrets.intersection(properties)):
            if isinstance(properties[name], dict) and properties[name].get("repr") is not False:
                properties[name]["repr"] = False
                where = f"{pointer}/properties/{escape_token(name)}"
                rewrites.append(Rewrite("secret", _loc(path, where), "repr false"))
    return rewrites


STRICT_TYPES = ("integer", "number", "boolean")


def strict_payload_scalars(schemas: SchemaSet, files: Iterable[str]) -> list[Rewrite]:
    """A worker payload is written by hand, so a string where the worker wants a number is a
    mistake to report, not a value to convert (pydantic's lax mode would turn ``"600"`` into
    600 and the task would be sent): such properties become ``Field(strict=True)``."""
    rewrites = []
    for path in sorted(files):
        if path not in schemas:
            raise SchemaError(f"worker payload schema {path!r} is not in the tree")
        for pointer, node in iter_subschemas(schemas[path]):
            properties = node.get("properties")
            if not isinstance(properties, dict):
                continue
            for name in sorted(properties):
                prop = properties[name]
                if isinstance(prop, dict) and prop.get("type") in STRICT_TYPES:
                    prop["strict"] = True
                    where = f"{pointer}/properties/{escape_token(name)}"
                    rewrites.append(Rewrite("strict", _loc(path, where), prop["type"]))
    return rewrites


# --- the whole pass ----------------------------------------------------------------------


def preprocess_schemas(schemas: SchemaSet, config: Config) -> PreprocessResult:
    """Run steps 0 and 2-10 on a loaded set (changed in place) and report every rewrite."""
    rewrites: list[Rewrite] = []
    rewrites += apply_schema_patches(schemas, config.schema_patches)
    rewrites += strip_ids(schemas)
    rewrites += drop_metaschemas(schemas)
    rewrites += check_no_remote_refs(schemas)
    rewrites += open_objects(schemas)
    rewrites += inject_discriminators(schemas)
    rewrites += drop_format_only_unions(schemas)
    rewrites += set_root_titles(schemas)
    rewrites += apply_title_overrides(schemas, config.title_overrides)
    rewrites += copy_ref_descriptions(schemas)
    rewrites += default_descriptions(schemas)
    rewrites += mark_secrets(schemas, config.secret_properties)
    rewrites += strict_payload_scalars(schemas, config.worker_payloads.values())
    return PreprocessResult(schemas=schemas, rewrites=tuple(rewrites))


def preprocess(refs_dir: Path, out_dir: Path, config: Config) -> PreprocessResult:
    """Load ``refs_dir/schemas``, preprocess, and write ``out_dir/schemas``."""
    schemas = load_schemas(refs_dir / TREE_DIR, config.exclude_schema_dirs)
    result = preprocess_schemas(schemas, config)
    write_schemas(result.schemas, out_dir)
    return result
