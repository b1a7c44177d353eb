"""API references -> the service specs the templates render.

Reads ``references/<service>/v1/api.json`` and turns each entry into a `Method`: Python
names, typed route parameters and query options, the input/output types found by the model
index, and the docstring parts (title, description, scopes, stability).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.model_index import TypeRef
from codegen.naming import pascal_case, snake_case
from codegen.pagination import TOKEN_QUERY, Paging


@dataclass(frozen=True)
class Argument:
    wire: str
    name: str
    annotation: str


@dataclass(frozen=True)
class Method:
    wire_name: str
    name: str
    http_method: str
    route: str
    params: tuple[Argument, ...]
    query: tuple[Argument, ...]
    input: TypeRef | None
    input_dict: TypeRef | None
    output: TypeRef | None
    raw_reply: bool
    title: str
    description: str
    scopes: Any
    stability: str
    category: str
    paging: Paging | None = None
    generic_input: bool = False  # the input is generic over its payload type

    @property
    def endpoint_var(self) -> str:
        return f"_{self.name.upper()}"

    @property
    def iter_name(self) -> str:
        """The generated method that walks the pages (paginated methods only)."""
        return f"iter_{self.name}"

    @property
    def deprecation_message(self) -> str:
        """What type checkers and IDEs show for a deprecated method (PEP 702)."""
        return f"{self.wire_name} ({self.http_method} {self.route}) is deprecated by Taskcluster"

    @property
    def signable(self) -> bool:
        """Whether a signed URL (a bewit) can authorize this method: GET only."""
        return self.http_method == "GET"

    @property
    def returns(self) -> str:
        if self.raw_reply:
            return "Reply"
        return self.output.name if self.output is not None else "None"

    @property
    def payload_annotation(self) -> str:
        assert self.input is not None
        # A generic input takes any payload type: the user's annotation (a
        # `CreateTaskRequestDict[DockerWorkerPayloadDict]`) is what checks the payload.
        parameter = "[Any]" if self.generic_input else ""
        if self.input_dict is None:
            return f"{self.input.name}{parameter}"
        return f"{self.input.name}{parameter} | {self.input_dict.name}{parameter}"


@dataclass(frozen=True)
class Service:
    name: str
    module: str
    class_name: str
    title: str
    description: str
    api_version: str
    reference_path: str
    methods: tuple[Method, ...]

    def type_refs(self) -> list[TypeRef]:
        refs = {t for m in self.methods for t in (m.input, m.output) if t is not None}
        return sorted(refs)

    def typeddict_refs(self) -> list[TypeRef]:
        return sorted({m.input_dict for m in self.methods if m.input_dict is not None})

    @property
    def paginated(self) -> tuple[Method, ...]:
        return tuple(m for m in self.methods if m.paging is not None)

    def _local_names(self) -> dict[tuple[str, str], str]:
        """(module, name) -> its name in the service module, for models and page items.

        Fails if one local name would stand for two types."""
        local_names = {(r.module, r.name): r.name for r in self.type_refs()}
        for m in self.paginated:
            assert m.paging is not None
            if m.paging.item_import is not None:
                module, name, local = m.paging.item_import
                local_names.setdefault((module, name), local)
        by_local: dict[str, tuple[str, str]] = {}
        for key, local in local_names.items():
            if by_local.setdefault(local, key) != key:
                clash = f"{local} would name both {by_local[local]} and {key}"
                raise ValueError(f"{self.name}: {clash}")
        return local_names

    def item_imports(self) -> list[tuple[str, str, str]]:
        """``(module, name, local name)`` of the page item types not imported as models."""
        type_refs = {(r.module, r.name) for r in self.type_refs()}
        return sorted(
            (module, name, local)
            for (module, name), local in self._local_names().items()
            if (module, name) not in type_refs
        )

    def item_annotation(self, method: Method) -> str:
        """The item type of a paginated method, as the service module names it."""
        assert method.paging is not None
        if method.paging.item_import is None:
            return method.paging.item
        module, name, _ = method.paging.item_import
        return self._local_names()[(module, name)]


@dataclass(frozen=True)
class ServicesConfig:
    """The parts of ``[tool.codegen]`` the service templates need."""

    query_types: Mapping[str, str]
    int_params: tuple[str, ...]
    raw_reply_methods: tuple[str, ...]
    # "<service>/v1/<file>.json#" of the inputs generic over their payload type.
    generic_inputs: frozenset[str] = frozenset()


Resolver = Callable[[str, str], TypeRef]
DictResolver = Callable[[str, str], "TypeRef | None"]
# ("queue.listTaskGroup", its output type) -> what its pages hold.
PagingResolver = Callable[[str, TypeRef], Paging]
# Attributes the generated clients add next to the API methods.
CLIENT_ATTRIBUTES = frozenset({"urls", "signed_urls", "with_raw_response"})


def _query_annotation(wire: str, config: ServicesConfig) -> str:
    return f"{config.query_types.get(wire, 'str')} | None"


def _param_annotation(wire: str, config: ServicesConfig) -> str:
    return "str | int" if wire in config.int_params else "str"


def load_service(
    api_json: Path,
    refs_root: Path,
    config: ServicesConfig,
    resolve: Resolver,
    resolve_dict: DictResolver,
    resolve_paging: PagingResolver | None = None,
) -> Service:
    """One service from its api.json; `resolve` maps ``(service, "v1/x.json#")`` to a type,
    `resolve_paging` finds the items of methods with a ``continuationToken`` option."""
    api = json.loads(api_json.read_text())
    service = api["serviceName"]
    methods = []
    for entry in api["entries"]:
        wire_name = entry["name"]
        params = tuple(
            Argument(a, snake_case(a), _param_annotation(a, config)) for a in entry["args"]
        )
        query = tuple(
            Argument(q, snake_case(q), _query_annotation(q, config)) for q in entry.get("query", [])
        )
        in_ref = entry.get("input")
        out_ref = entry.get("output")
        output = resolve(service, out_ref) if out_ref and out_ref != "blob" else None
        paging = None
        if resolve_paging is not None and TOKEN_QUERY in entry.get("query", []):
            if output is None:
                raise ValueError(f"{service}.{wire_name}: paginated but has no output")
            paging = resolve_paging(f"{service}.{wire_name}", output)
        methods.append(
            Method(
                wire_name=wire_name,
                name=snake_case(wire_name),
                http_method=entry["method"].upper(),
                route=entry["route"],
                params=params,
                query=query,
                input=resolve(service, in_ref) if in_ref else None,
                input_dict=resolve_dict(service, in_ref) if in_ref else None,
                output=output,
                raw_reply=f"{service}.{wire_name}" in config.raw_reply_methods,
                title=entry.get("title", ""),
                description=entry.get("description", ""),
                scopes=entry.get("scopes"),
                stability=entry.get("stability", "stable"),
                category=entry.get("category", ""),
                paging=paging,
                generic_input=bool(in_ref) and f"{service}/{in_ref}" in config.generic_inputs,
            )
        )
    names = [m.name for m in methods]
    names += [m.iter_name for m in methods if m.paging is not None]
    names += sorted(CLIENT_ATTRIBUTES)
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"{service}: attributes with the same Python name: {sorted(duplicates)}")
    return Service(
        name=service,
        module=snake_case(service),
        class_name=pascal_case(service),
        title=api.get("title", ""),
        description=api.get("description", ""),
        api_version=api.get("apiVersion", "v1"),
        reference_path=api_json.relative_to(refs_root).as_posix(),
        methods=tuple(methods),
    )


def render_scopes(expression: Any, indent: str = "") -> list[str]:
    """A scope expression as an indented, readable list of lines."""
    if expression is None:
        return []
    if isinstance(expression, str):
        return [f"{indent}{expression}"]
    if "AllOf" in expression or "AnyOf" in expression:
        key = "AllOf" if "AllOf" in expression else "AnyOf"
        items = expression[key]
        head = "all of:" if key == "AllOf" else "any of:"
        lines = [f"{indent}{head}"]
        for item in items:
            sub = render_scopes(item, indent + "    ")
            if sub:
                sub[0] = f"{indent}  - {sub[0].lstrip()}"
            lines.extend(sub)
        return lines
    if "if" in expression:
        lines = [f"{indent}if {expression['if']}:"]
        lines += render_scopes(expression.get("then"), indent + "    ")
        if "else" in expression:
            lines.append(f"{indent}else:")
            lines += render_scopes(expression["else"], indent + "    ")
        return lines
    if "for" in expression:
        return [f"{indent}for each {expression['for']} in {expression['in']}: {expression['each']}"]
    return [f"{indent}{json.dumps(expression, sort_keys=True)}"]
