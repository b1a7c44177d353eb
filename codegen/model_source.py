"""Read the generated model modules back with ``ast``: what each defines (class or type
alias) and which generated types each definition refers to. Static, so it works on a tree in
a temporary directory that is not importable as ``taskcluster_typed``."""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DefKind = Literal["model", "alias"]
# (module relative to the models package, name): ("queue.v1.task", "Task")
QualName = tuple[str, str]


@dataclass(frozen=True)
class Definition:
    module: str
    name: str
    kind: DefKind
    references: tuple[QualName, ...]  # generated types used in fields, bases or alias value
    fingerprint: str  # the definition's AST without docstrings: equal means same shape


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _names_in(expr: ast.expr | None) -> Iterator[str]:
    """Bare names used in an annotation, including quoted forward references."""
    if expr is None:
        return
    for node in ast.walk(expr):
        if isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                parsed = ast.parse(node.value, mode="eval")
            except SyntaxError:
                continue
            yield from (n.id for n in ast.walk(parsed) if isinstance(n, ast.Name))


def _alias_value(node: ast.stmt) -> tuple[str, ast.expr] | None:
    """``X = TypeAliasType("X", value)`` or ``X: TypeAlias = value``."""
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "TypeAliasType"
        and len(node.value.args) == 2
    ):
        return node.targets[0].id, node.value.args[1]
    if (
        isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and isinstance(node.annotation, ast.Name)
        and node.annotation.id == "TypeAlias"
        and node.value is not None
    ):
        return node.target.id, node.value
    return None


def _absolute(module: str, imported: str | None, level: int) -> str:
    if level == 0:
        return imported or ""
    package = module.split(".")[:-level]
    return ".".join([*package, *([imported] if imported else [])])


class _DropDocumentation(ast.NodeTransformer):
    """Remove docstrings and ``Field(title=..., description=...)``: what is left is the
    shape of a type, so two copies of one schema under different titles compare equal."""

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        node.body = [s for s in node.body if not _is_docstring(s)]
        self.generic_visit(node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.Call:
        if isinstance(node.func, ast.Name) and node.func.id == "Field":
            node.keywords = [k for k in node.keywords if k.arg not in ("title", "description")]
        self.generic_visit(node)
        return node


def _fingerprint(node: ast.stmt) -> str:
    stripped = _DropDocumentation().visit(copy.deepcopy(node))
    return ast.dump(stripped, annotate_fields=False, include_attributes=False)


def scan_module(module: str, source: str) -> list[Definition]:
    tree = ast.parse(source)
    imports: dict[str, QualName] = {}
    local: list[tuple[str, DefKind, list[str], str]] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            target = _absolute(module, node.module, node.level)
            for alias in node.names:
                imports[alias.asname or alias.name] = (target, alias.name)
        elif isinstance(node, ast.ClassDef):
            used = [n for base in node.bases for n in _names_in(base)]
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign):
                    used += _names_in(stmt.annotation)
            local.append((node.name, "model", used, _fingerprint(node)))
        elif (alias_def := _alias_value(node)) is not None:
            name, value = alias_def
            local.append((name, "alias", list(_names_in(value)), _fingerprint(node)))
    defined = {name for name, *_ in local}
    definitions = []
    for name, kind, used, fingerprint in local:
        refs: list[QualName] = []
        for used_name in used:
            ref = (module, used_name) if used_name in defined else imports.get(used_name)
            if ref is not None and ref != (module, name) and ref not in refs:
                refs.append(ref)
        definitions.append(Definition(module, name, kind, tuple(refs), fingerprint))
    return definitions


def scan_models(models_dir: Path) -> dict[QualName, Definition]:
    """Every class and type alias in a generated models tree, keyed (module, name)."""
    found: dict[QualName, Definition] = {}
    for path in sorted(models_dir.rglob("*.py")):
        parts = path.relative_to(models_dir).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        module = ".".join(parts)
        for definition in scan_module(module, path.read_text(encoding="utf-8")):
            found[(module, definition.name)] = definition
    return found


def reachable(definitions: dict[QualName, Definition], start: list[QualName]) -> list[QualName]:
    """Every generated type reachable from ``start`` through fields and alias values."""
    seen: list[QualName] = []
    stack = list(reversed(start))
    visited: set[QualName] = set()
    while stack:
        key = stack.pop()
        if key in visited or key not in definitions:
            continue
        visited.add(key)
        seen.append(key)
        stack.extend(reversed(definitions[key].references))
    return seen
