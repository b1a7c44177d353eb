"""A set of JSON schemas keyed by path, with JSON pointers, a subschema walker and ``$ref``
resolution across files (``$ref``s are relative to the referring file, as on disk)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

Schema = dict[str, Any]
# "queue/v1/task.json" -> schema; paths are relative to references/schemas/.
SchemaSet = dict[str, Schema]

# Keywords whose value is a schema, a list of schemas, or a name -> schema map. Everything
# else (default, enum, const, examples, ...) is data and never walked.
_SCHEMA_KEYWORDS: tuple[str, ...] = ("additionalItems", "additionalProperties", "contains")
_SCHEMA_KEYWORDS += ("else", "if", "not", "propertyNames", "then")
_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf")
_MAP_KEYWORDS = ("$defs", "definitions", "dependencies", "patternProperties", "properties")


class SchemaError(Exception):
    """A schema cannot be preprocessed (bad pointer, unresolvable or remote ``$ref``)."""


def escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _step(node: Any, token: str, pointer: str) -> Any:
    if isinstance(node, dict) and token in node:
        return node[token]
    if isinstance(node, list) and token.isdigit() and int(token) < len(node):
        return node[int(token)]
    raise SchemaError(f"JSON pointer {pointer!r} does not exist")


def get_pointer(doc: Any, pointer: str) -> Any:
    """Resolve an RFC 6901 pointer (``""`` or ``"/properties/payload"``)."""
    if pointer in ("", "/"):
        return doc
    if not pointer.startswith("/"):
        raise SchemaError(f"JSON pointer {pointer!r} does not start with '/'")
    node = doc
    for token in pointer[1:].split("/"):
        node = _step(node, unescape_token(token), pointer)
    return node


def set_pointer(doc: Any, pointer: str, value: Any) -> Any:
    """Replace the value at an existing pointer; the root pointer returns ``value``."""
    if pointer in ("", "/"):
        return value
    parent_pointer, _, last = pointer.rpartition("/")
    parent = get_pointer(doc, parent_pointer)
    key = unescape_token(last)
    _step(parent, key, pointer)  # must exist
    if isinstance(parent, list):
        parent[int(key)] = value
    else:
        parent[key] = value
    return doc


def split_location(location: str) -> tuple[str, str]:
    """``"queue/v1/task.json#/properties/x"`` -> ``("queue/v1/task.json", "/properties/x")``."""
    path, _, pointer = location.partition("#")
    return path, pointer


def iter_subschemas(schema: Any, pointer: str = "") -> Iterator[tuple[str, Schema]]:
    """Yield ``(pointer, node)`` for the schema and every subschema in it, depth first in key
    order, never descending into data keywords (``default``, ``enum``, ``examples``...)."""
    if not isinstance(schema, dict):
        return
    yield pointer, schema
    for key in sorted(schema):
        value = schema[key]
        here = f"{pointer}/{escape_token(key)}"
        if key in _SCHEMA_KEYWORDS:
            yield from iter_subschemas(value, here)
        elif key == "items":
            if isinstance(value, list):
                for i, item in enumerate(value):
                    yield from iter_subschemas(item, f"{here}/{i}")
            else:
                yield from iter_subschemas(value, here)
        elif key in _LIST_KEYWORDS and isinstance(value, list):
            for i, item in enumerate(value):
                yield from iter_subschemas(item, f"{here}/{i}")
        elif key in _MAP_KEYWORDS and isinstance(value, dict):
            for name in sorted(value):
                yield from iter_subschemas(value[name], f"{here}/{escape_token(name)}")


def is_remote_ref(ref: str) -> bool:
    return ref.startswith(("http://", "https://", "//"))


def resolve_ref(schemas: SchemaSet, current: str, ref: str) -> tuple[str, str, Schema]:
    """Resolve ``ref`` found in file ``current`` to ``(file, pointer, node)``."""
    if is_remote_ref(ref):
        raise SchemaError(f"{current}: remote $ref {ref!r} is not allowed")
    file_part, _, pointer = ref.partition("#")
    if file_part:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(current), file_part))
    else:
        target = current
    if target not in schemas:
        raise SchemaError(f"{current}: $ref {ref!r} points at a missing schema {target!r}")
    node = get_pointer(schemas[target], pointer)
    if not isinstance(node, dict):
        raise SchemaError(f"{current}: $ref {ref!r} does not point at a schema")
    return target, pointer, node


def deref(schemas: SchemaSet, current: str, node: Schema) -> tuple[str, Schema]:
    """Follow ``$ref`` chains from ``node`` (in file ``current``); return (file, schema)."""
    seen: set[tuple[str, str]] = set()
    while isinstance(node.get("$ref"), str):
        current, pointer, node = resolve_ref(schemas, current, node["$ref"])
        if (current, pointer) in seen:
            raise SchemaError(f"{current}#{pointer}: circular $ref")
        seen.add((current, pointer))
    return current, node
