"""Scope expression templates, as the API references write them, rendered with a request's
values (lib-api's ``req.authorize``): ``<param>`` substitution, ``{for, in, each}`` and
``{if, then, else}``."""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any, cast

from ...scopes import ScopeExpression

_PARAM = re.compile(r"<([^>]+)>")


@functools.cache
def _table() -> dict[str, dict[str, Any]]:
    text = resources.files(__name__.rsplit(".", 1)[0]).joinpath("scopes.json").read_text("utf-8")
    return cast("dict[str, dict[str, Any]]", json.loads(text))


def template(service: str, name: str) -> Any:
    """The scope expression template of one method (None: no scopes needed)."""
    return _table()[service].get(name)


def template_params(expr: Any) -> set[str]:
    """The names a template needs from the request."""
    if isinstance(expr, str):
        return set(_PARAM.findall(expr))
    if isinstance(expr, dict):
        node = cast("dict[str, Any]", expr)
        if "for" in node:
            return {node["in"]} | (template_params(node["each"]) - {node["for"]})
        if "if" in node:
            names = {node["if"]} | template_params(node["then"])
            return names | template_params(node.get("else", {"AllOf": []}))
        found: set[str] = set()
        for sub in cast("list[Any]", node.get("AllOf", node.get("AnyOf", []))):
            found |= template_params(sub)
        return found
    return set()


def _substitute(scope: str, values: dict[str, Any]) -> str:
    def one(found: re.Match[str]) -> str:
        value = values[found.group(1)]
        if not isinstance(value, str):
            raise TypeError(f"scope parameter {found.group(1)} is not a string")
        return value

    return _PARAM.sub(one, scope)


def _expand(expr: Any, values: dict[str, Any]) -> list[ScopeExpression]:
    """One template item as the items it stands for in its parent: ``{for, in, each}``
    splices one item per value into the enclosing ``AllOf``/``AnyOf``."""
    if isinstance(expr, str):
        return [_substitute(expr, values)]
    node = cast("dict[str, Any]", expr)
    if "for" in node:
        items = cast("list[Any]", values[node["in"]])
        return [e for i in items for e in _expand(node["each"], {**values, node["for"]: i})]
    if "if" in node:
        chosen = node["then"] if values[node["if"]] else node.get("else", {"AllOf": []})
        return _expand(chosen, values)
    key = "AllOf" if "AllOf" in node else "AnyOf"
    subs = [e for sub in cast("list[Any]", node[key]) for e in _expand(sub, values)]
    return [{"AllOf": subs} if key == "AllOf" else {"AnyOf": subs}]


def render(expr: Any, values: dict[str, Any]) -> ScopeExpression:
    """The expression with every template form expanded (`KeyError` for a missing value)."""
    expanded = _expand(expr, values)
    return expanded[0] if len(expanded) == 1 else {"AllOf": expanded}
