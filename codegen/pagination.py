"""Which methods paginate, and what their pages hold.

A method paginates when its reference lists the ``continuationToken`` query option. Its page
is the output model; the items are the one array property of the page besides
``continuationToken`` (``tasks``, ``clients``, ``roleIds``...), read from the generated model
source with ``ast`` (static, so it works on a tree in a temporary directory). When a page has
no such property or several, ``[tool.codegen.pagination_items]`` names it
(``"queue.listTaskGroup" = "tasks"``); without one, generation fails.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from codegen.model_index import Export, TypeRef

TOKEN_QUERY = "continuationToken"
TOKEN_FIELD = "continuation_token"
# Item annotations that need no import.
_BUILTINS = frozenset({"str", "int", "float", "bool", "dict", "list", "Any"})


class PaginationError(ValueError):
    """A paginated method whose items cannot be found without help from the config."""


@dataclass(frozen=True)
class Paging:
    """The items of a paginated method's pages."""

    field: str  # the page model's attribute: "tasks", "role_ids"
    wire: str  # the JSON property: "tasks", "roleIds"
    item: str  # the item annotation as the service module writes it: "Task", "str"
    item_import: tuple[str, str, str] | None  # (module, name, name in the service module)


@dataclass(frozen=True)
class _Field:
    name: str
    wire: str
    annotation: ast.expr


def _strip_annotated(expr: ast.expr) -> ast.expr:
    """``Annotated[X, ...]`` -> ``X``."""
    while (
        isinstance(expr, ast.Subscript)
        and isinstance(expr.value, ast.Name)
        and expr.value.id == "Annotated"
        and isinstance(expr.slice, ast.Tuple)
    ):
        expr = expr.slice.elts[0]
    return expr


def _alias(annotation: ast.expr) -> str | None:
    """The ``alias=`` of ``Annotated[..., Field(alias="wire")]``, if any."""
    for node in ast.walk(annotation):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            for keyword in node.keywords:
                if keyword.arg == "alias" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return None


def _list_item(annotation: ast.expr) -> ast.expr | None:
    """``X`` of a required ``list[X]`` field, else None."""
    inner = _strip_annotated(annotation)
    if (
        isinstance(inner, ast.Subscript)
        and isinstance(inner.value, ast.Name)
        and inner.value.id == "list"
    ):
        return _strip_annotated(inner.slice)
    return None


def _module_path(models_dir: Path, models_package: str, module: str) -> Path:
    relative = module.removeprefix(models_package + ".").split(".")
    path = models_dir.joinpath(*relative)
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _imports(tree: ast.Module, module: str) -> dict[str, tuple[str, str]]:
    """Local name -> (absolute module, name) for the module's relative imports."""
    found: dict[str, tuple[str, str]] = {}
    package = module.split(".")
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            base = package[: -node.level]
            target = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                found[alias.asname or alias.name] = (target, alias.name)
    return found


def find_paging(
    method: str,
    output: TypeRef,
    *,
    models_dir: Path,
    models_package: str,
    exports: Sequence[Export],
    override: str | None,
) -> Paging:
    """The items of `method` (``"queue.listTaskGroup"``), whose page model is `output`."""
    source = _module_path(models_dir, models_package, output.module).read_text(encoding="utf-8")
    tree = ast.parse(source)
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == output.name]
    if not classes:
        raise PaginationError(f"{method}: the page type {output.name} is not a model class")
    fields = [
        _Field(s.target.id, _alias(s.annotation) or s.target.id, s.annotation)
        for s in classes[0].body
        if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
    ]
    if TOKEN_FIELD not in {f.name for f in fields}:
        raise PaginationError(f"{method}: {output.name} has no {TOKEN_FIELD} field")
    if override is not None:
        chosen = [f for f in fields if f.wire == override]
        if not chosen or _list_item(chosen[0].annotation) is None:
            raise PaginationError(f"{method}: pagination_items names {override!r}, not a list")
    else:
        chosen = [f for f in fields if f.name != TOKEN_FIELD and _list_item(f.annotation)]
        if len(chosen) != 1:
            names = sorted(f.wire for f in chosen)
            raise PaginationError(
                f"{method}: cannot tell the items of {output.name} (arrays: {names}); "
                f'set [tool.codegen.pagination_items] "{method}" = "<property>"'
            )
    field = chosen[0]
    item = _list_item(field.annotation)
    assert item is not None
    if not isinstance(item, ast.Name):
        raise PaginationError(f"{method}: items of type {ast.unparse(item)} are not supported")
    if item.id in _BUILTINS:
        return Paging(field.name, field.wire, item.id, None)
    defined = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    if item.id in defined:
        module, name = output.module, item.id
    else:
        imported = _imports(tree, output.module).get(item.id)
        if imported is None:
            raise PaginationError(f"{method}: cannot find where {item.id} is defined")
        module, name = imported
    public = {(e.ref.module, e.ref.name): e.name for e in exports}
    local = public.get((module, name), name)
    return Paging(field.name, field.wire, local, (module, name, local))
