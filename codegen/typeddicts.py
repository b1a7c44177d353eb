"""TypedDicts for request payloads, one module per service, keyed by wire (camelCase) names.

dcg's own ``--output-model-type typing.TypedDict`` run was evaluated and not used: with
``--no-snake-case-field`` it does give wire names as keys, but date-times come out as plain
``str`` (a user passing a ``datetime`` gets a type error), it writes one module per schema
file with the same class names as the pydantic models, and it costs a second dcg run. This
emitter works from the same preprocessed schemas instead, and takes its names from the dcg
metadata of the model run, so ``TaskMetadata`` (the model) pairs with ``TaskMetadataDict``.

Rules: objects with properties -> TypedDict classes (``NotRequired`` for keys the schema does
not require); open objects -> ``dict[str, Any]``; enums and consts -> ``Literal``; arrays ->
``list``; ``date-time`` strings -> ``datetime | str``; ``oneOf``/``anyOf`` -> unions (mypy
tells union members apart by their ``Literal`` tags, e.g. ``storageType``).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from codegen.generic_payload import TYPE_PARAMETER, TYPE_PARAMETER_MODULE
from codegen.model_index import TypeRef
from codegen.naming import ends_in_digit, pascal_case, snake_case
from codegen.preprocess import root_title
from codegen.schema_tree import SchemaError, SchemaSet, escape_token, get_pointer, resolve_ref

_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")
_SIMPLE_TYPES = {"integer": "int", "number": "float", "boolean": "bool", "null": "None"}


@dataclass
class _Field:
    key: str
    type: str  # may hold placeholders for named types
    required: bool
    description: str | None


@dataclass
class _Named:
    location: str  # "queue/v1/task.json#/properties/x"
    base: str  # name before the Dict suffix, from the model metadata
    is_root: bool
    description: str | None
    fields: list[_Field] | None = None  # a TypedDict class
    alias: str | None = None  # or a type alias of this expression
    name: str = ""  # final name, assigned after all are collected
    generic: bool = False  # a field is typed by the type parameter (see generic_payload.py)


@dataclass(frozen=True)
class TypedDictModule:
    service: str
    module: str  # "taskcluster_typed._typeddicts.queue"
    source: str  # unformatted Python
    roots: Mapping[str, TypeRef]  # "<service>/<ref>" -> the TypedDict of that input schema
    names: tuple[str, ...]  # every name the module defines
    fallback_names: tuple[str, ...] = field(default=())  # names not taken from the metadata


def _docstring(text: str | None, indent: str) -> list[str]:
    if not text or not text.strip():
        return []
    body = text.strip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines = body.split("\n")
    if len(lines) == 1:
        return [f'{indent}"""{lines[0]}"""']
    return [f'{indent}"""', *(f"{indent}{line}".rstrip() for line in lines), f'{indent}"""']


def split_union(text: str) -> list[str]:
    """Split ``A | list[B | C] | None`` at the top level: ``["A", "list[B | C]", "None"]``."""
    members: list[str] = []
    depth = 0
    start = 0
    for i, char in enumerate(text):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "|" and depth == 0:
            members.append(text[start:i].strip())
            start = i + 1
    members.append(text[start:].strip())
    return members


def _union(parts: Iterable[str]) -> str:
    unique: list[str] = []
    for part in parts:
        for member in split_union(part):
            if member not in unique:
                unique.append(member)
    if "None" in unique:  # None last, as dcg writes it
        unique = [u for u in unique if u != "None"] + ["None"]
    return " | ".join(unique)


class _ServiceEmitter:
    def __init__(
        self, schemas: SchemaSet, names: Mapping[str, str], generic_fields: frozenset[str]
    ) -> None:
        self.schemas = schemas
        self.names = names  # source_ref -> model class name
        self.generic_fields = generic_fields  # "<file>#/properties/<name>" typed PayloadT
        self.named: list[_Named] = []
        self.by_location: dict[str, int] = {}
        self.fallbacks: list[str] = []

    def _register(self, location: str, hint: str, is_root: bool, node: Any) -> int:
        if location in self.by_location:
            return self.by_location[location]
        base = self.names.get(location)
        if base is None:
            base = hint
            self.fallbacks.append(location)
        index = len(self.named)
        self.named.append(_Named(location, base, is_root, node.get("description")))
        self.by_location[location] = index
        return index

    def root(self, file: str) -> int:
        node = self.schemas[file]
        location = f"{file}#"
        if location in self.by_location:
            return self.by_location[location]
        if node.get("type") == "object" and isinstance(node.get("properties"), dict):
            self.type_of(file, "", node, root_title(file))
            return self.by_location[location]
        index = self._register(location, root_title(file), True, node)
        self.named[index].alias = self.type_of(file, "", node, root_title(file), as_root=True)
        return index

    def type_of(self, file: str, pointer: str, node: Any, hint: str, as_root: bool = False) -> str:
        if not isinstance(node, dict):
            raise SchemaError(f"{file}#{pointer}: not a schema")
        if isinstance(node.get("$ref"), str):
            target_file, target_pointer, target = resolve_ref(self.schemas, file, node["$ref"])
            if target_pointer == "" and not as_root:
                return f"\x00{self.root(target_file)}\x00"
            return self.type_of(target_file, target_pointer, target, hint)
        for key in ("oneOf", "anyOf"):
            if isinstance(node.get(key), list):
                if "properties" in node:
                    raise SchemaError(f"{file}#{pointer}: properties beside {key}")
                return _union(
                    self.type_of(file, f"{pointer}/{key}/{i}", branch, hint)
                    for i, branch in enumerate(node[key])
                )
        if isinstance(node.get("allOf"), list):
            if len(node["allOf"]) != 1:
                raise SchemaError(f"{file}#{pointer}: allOf with several schemas")
            return self.type_of(file, f"{pointer}/allOf/0", node["allOf"][0], hint)
        if "const" in node:
            return f"Literal[{node['const']!r}]"
        if isinstance(node.get("enum"), list):
            values = [v for v in node["enum"] if v is not None]
            literal = f"Literal[{', '.join(repr(v) for v in values)}]"
            return _union([literal, "None"]) if None in node["enum"] else literal
        kind = node.get("type")
        if isinstance(kind, list):
            return _union(self.type_of(file, pointer, {**node, "type": k}, hint) for k in kind)
        if kind == "object" or (kind is None and "properties" in node):
            return self._object(file, pointer, node, hint)
        if kind == "array":
            items = node.get("items")
            if isinstance(items, dict):
                return f"list[{self.type_of(file, f'{pointer}/items', items, hint)}]"
            return "list[Any]"
        if kind == "string":
            return "datetime | str" if node.get("format") == "date-time" else "str"
        return _SIMPLE_TYPES.get(kind, "Any") if isinstance(kind, str) else "Any"

    def _object(self, file: str, pointer: str, node: dict[str, Any], hint: str) -> str:
        properties = node.get("properties")
        if not isinstance(properties, dict) or not properties:
            extra = node.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                value = self.type_of(file, f"{pointer}/additionalProperties", extra, hint)
                return f"dict[str, {value}]"
            return "dict[str, Any]"
        location = f"{file}#{pointer}"
        if location in self.by_location:
            return f"\x00{self.by_location[location]}\x00"
        index = self._register(location, hint, pointer == "", node)
        required = set(node.get("required", ()))
        fields = []
        for key, schema in sorted(properties.items()):
            where = f"{pointer}/properties/{escape_token(key)}"
            if f"{file}#{where}" in self.generic_fields:
                value = TYPE_PARAMETER
                self.named[index].generic = True
            else:
                value = self.type_of(file, where, schema, hint + pascal_case(key))
            description = schema.get("description") if isinstance(schema, dict) else None
            fields.append(_Field(key, value, key in required, description))
        self.named[index].fields = fields
        return f"\x00{index}\x00"


def _assign_names(named: list[_Named]) -> None:
    """``<Base>Dict``; on a clash a root keeps the plain name and the others are prefixed with
    their schema file's root name. Numbered names are an error."""
    by_base: dict[str, list[_Named]] = {}
    for item in named:
        by_base.setdefault(item.base, []).append(item)
    taken: set[str] = set()
    for base in sorted(by_base):
        group = sorted(by_base[base], key=lambda n: (not n.is_root, n.location))
        for position, item in enumerate(group):
            qualify = position > 0 or (len(group) > 1 and not item.is_root)
            name = base
            if qualify:
                prefix = root_title(item.location.partition("#")[0])
                name = base if base.startswith(prefix) else prefix + base
            if ends_in_digit(name) and not item.is_root:
                raise SchemaError(
                    f"{item.location}: numbered TypedDict name {name!r}; add a title override"
                )
            item.name = name + "Dict"
            if item.name in taken:
                raise SchemaError(f"{item.location}: TypedDict name {item.name} is taken twice")
            taken.add(item.name)


def _order(named: list[_Named]) -> list[_Named]:
    """Definitions before uses (annotations are evaluated at import), else by name."""
    order: list[int] = []
    state: dict[int, bool] = {}

    def visit(index: int) -> None:
        if state.get(index) is True:
            return
        if state.get(index) is False:
            # Annotations are evaluated at import (no `from __future__ import annotations`,
            # so that NotRequired is seen at run time too); a cycle would need quoting.
            raise SchemaError(f"{named[index].location}: recursive payload schema")
        state[index] = False
        item = named[index]
        texts = [item.alias] if item.alias is not None else [f.type for f in item.fields or []]
        for text in texts:
            for dep in _PLACEHOLDER.findall(text or ""):
                visit(int(dep))
        state[index] = True
        order.append(index)

    for index in sorted(range(len(named)), key=lambda i: named[i].name):
        visit(index)
    return [named[i] for i in order]


def _render_type(text: str, named: list[_Named]) -> str:
    return _PLACEHOLDER.sub(lambda m: named[int(m[1])].name, text)


def _render(what: str, named: list[_Named], header: str) -> str:
    body: list[str] = []
    for item in _order(named):
        body += ["", ""]
        if item.fields is None:
            body.append(f"{item.name}: TypeAlias = {_render_type(item.alias or 'Any', named)}")
            body += _docstring(item.description, "")
            continue
        if all(f.key.isidentifier() and not keyword.iskeyword(f.key) for f in item.fields):
            bases = f"TypedDict, Generic[{TYPE_PARAMETER}]" if item.generic else "TypedDict"
            body.append(f"class {item.name}({bases}):")
            body += _docstring(item.description, "    ")
            for f in item.fields:
                value = _render_type(f.type, named)
                body.append(f"    {f.key}: {value if f.required else f'NotRequired[{value}]'}")
                body += _docstring(f.description, "    ")
        else:
            if item.generic:
                raise SchemaError(f"{item.location}: a generic TypedDict needs identifier keys")
            body.append(f'{item.name} = TypedDict("{item.name}", {{')
            for f in item.fields:
                value = _render_type(f.type, named)
                body.append(f"    {f.key!r}: {value if f.required else f'NotRequired[{value}]'},")
            body.append("})")
            body += _docstring(item.description, "")
    text = "\n".join(body)
    imports = []
    if "datetime" in text:
        imports.append("from datetime import datetime")
    typing_names = [
        n for n in ("Any", "Generic", "Literal", "TypeAlias") if re.search(rf"\b{n}\b", text)
    ]
    if typing_names:
        imports.append(f"from typing import {', '.join(typing_names)}")
    extension_names = [n for n in ("NotRequired", "TypedDict") if re.search(rf"\b{n}\b", text)]
    if extension_names:
        imports += ["", f"from typing_extensions import {', '.join(extension_names)}"]
    if any(item.generic for item in named):
        imports += ["", f"from {TYPE_PARAMETER_MODULE} import {TYPE_PARAMETER}"]
    names = sorted(item.name for item in named)
    exported = ["", "__all__ = [", *(f'    "{name}",' for name in names), "]"]
    doc = f'"""{what} as TypedDicts with wire names as keys."""'
    return "\n".join([header, doc, "", *imports, *exported, text]) + "\n"


def emit_service(
    service: str,
    input_refs: list[str],
    schemas: SchemaSet,
    names: Mapping[str, str],
    *,
    package: str,
    header: str,
    module_name: str | None = None,
    generic_fields: Iterable[str] = (),
    what: str | None = None,
) -> TypedDictModule:
    """The TypedDict module of one service, for its input schemas (``v1/x.json#``); it is
    ``<package>.<module_name>`` (by default the service's name in snake case)."""
    emitter = _ServiceEmitter(schemas, names, frozenset(generic_fields))
    roots: dict[str, int] = {}
    for ref in input_refs:
        file = f"{service}/{ref.partition('#')[0]}"
        if file not in schemas:
            raise SchemaError(f"{service}: input schema {ref!r} is not in the tree")
        get_pointer(schemas[file], ref.partition("#")[2])
        roots[f"{service}/{ref}"] = emitter.root(file)
    _assign_names(emitter.named)
    module = f"{package}.{module_name or snake_case(service)}"
    source = _render(what or f"Request payloads of the {service} service", emitter.named, header)
    return TypedDictModule(
        service=service,
        module=module,
        source=source,
        roots={
            key: TypeRef(module, emitter.named[i].name, "typeddict") for key, i in roots.items()
        },
        names=tuple(sorted(n.name for n in emitter.named)),
        fallback_names=tuple(emitter.fallbacks),
    )
