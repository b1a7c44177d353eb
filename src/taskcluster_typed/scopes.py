"""Scopes: matching, scope expressions, and scope-set algebra, as Taskcluster computes them.

A scope is a string of printable ASCII (``^[\\x20-\\x7e]*$``). An assumed scope satisfies a
required one when they are equal, or when the assumed scope ends in ``*`` and the required
one starts with the rest (``queue:*`` satisfies ``queue:create-task:x``, and ``*`` satisfies
everything). A ``*`` in a *required* scope is an ordinary character.

- `scope_match` is the official Python client's ``scopeMatch``: required scopes in
  disjunctive normal form (a list of alternatives, each a list of scopes all needed).
- `satisfies_expression`, `valid_scope`, `valid_expression`, `remove_given_scopes`,
  `scope_compare`, `normalize_scope_set`, `scope_union` and `scope_intersection` follow
  Taskcluster's lib-scopes (the server's own code), with Python conveniences: nothing is
  sorted in place, and `normalize_scope_set` sorts its input itself.

Scope expressions are what the API references write under ``scopes``: a scope, ``{"AllOf":
[...]}`` or ``{"AnyOf": [...]}``, nested freely. ``{"AllOf": []}`` is always satisfied,
``{"AnyOf": []}`` never.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, TypeAlias, TypedDict, cast

__all__ = [
    "AllOf",
    "AnyOf",
    "ScopeExpression",
    "Scopes",
    "normalize_scope_set",
    "remove_given_scopes",
    "satisfies_expression",
    "scope_compare",
    "scope_intersection",
    "scope_match",
    "scope_union",
    "valid_expression",
    "valid_scope",
]

_VALID_SCOPE = re.compile(r"[\x20-\x7e]*")


class AllOf(TypedDict):
    """Satisfied when every sub-expression is."""

    AllOf: Sequence[ScopeExpression]


class AnyOf(TypedDict):
    """Satisfied when at least one sub-expression is."""

    AnyOf: Sequence[ScopeExpression]


ScopeExpression: TypeAlias = str | AllOf | AnyOf

Scopes: TypeAlias = list[str] | tuple[str, ...]
"""Scopes as parameters take them: a list or tuple of strings. Not ``Sequence[str]``,
which a bare ``str`` is too (``"queue:*"`` would be seven one-letter scopes): passing a str
is a type error, as it is a ``TypeError`` at run time."""


def _satisfies(pattern: str, scope: str) -> bool:
    """Whether the assumed scope `pattern` satisfies the required `scope`."""
    return scope == pattern or (pattern.endswith("*") and scope.startswith(pattern[:-1]))


def _scopes(name: str, value: Iterable[str]) -> list[str]:
    # A str would be taken for its characters, a dict for its keys: lib-scopes insists on an
    # array (its scopeMatch throws for ``{}`` or ``[{}]``), and so do we.
    if isinstance(value, (str, Mapping)):
        kind = type(cast(object, value)).__name__
        raise TypeError(f"{name} must be a sequence of scopes, not a {kind}")
    scopes = list(value)
    for scope in scopes:
        if not isinstance(scope, str):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"{name} must hold str scopes, not {type(scope).__name__}")
    return scopes


def valid_scope(scope: object) -> bool:
    """Whether `scope` is a str of printable ASCII characters (space included)."""
    return isinstance(scope, str) and _VALID_SCOPE.fullmatch(scope) is not None


def valid_expression(expression: object) -> bool:
    """Whether `expression` is a scope expression: a valid scope, or a dict with exactly one
    key, ``AllOf`` or ``AnyOf``, holding a list of valid expressions."""
    if isinstance(expression, str):
        return valid_scope(expression)
    if not isinstance(expression, dict):
        return False
    mapping = cast("dict[object, object]", expression)
    if len(mapping) != 1:
        return False
    ((key, items),) = mapping.items()
    if key not in ("AllOf", "AnyOf") or not isinstance(items, list):
        return False
    return all(valid_expression(item) for item in cast("list[object]", items))


def _operands(expression: AllOf | AnyOf) -> tuple[bool, Sequence[ScopeExpression]]:
    """``(is AllOf, sub-expressions)``; `ValueError` for a dict that is neither."""
    mapping = cast("Mapping[str, Any]", expression)
    if isinstance(expression, dict):  # pyright: ignore[reportUnnecessaryIsInstance]
        for key in ("AllOf", "AnyOf"):
            if key in mapping:
                return key == "AllOf", mapping[key]
    raise ValueError(f"not a scope expression: {expression!r}")


def satisfies_expression(scopes: Scopes, expression: ScopeExpression) -> bool:
    """Whether the assumed `scopes` satisfy `expression`.

    >>> satisfies_expression(["queue:*"], {"AllOf": ["queue:create-task:a", "queue:get"]})
    True

    A dict with neither ``AllOf`` nor ``AnyOf`` raises `ValueError` (lib-scopes returns false).
    """
    assumed = _scopes("scopes", scopes)

    def satisfied(expr: ScopeExpression) -> bool:
        if isinstance(expr, str):
            return any(_satisfies(pattern, expr) for pattern in assumed)
        all_of, operands = _operands(expr)
        if all_of:
            return all(satisfied(e) for e in operands)
        return any(satisfied(e) for e in operands)

    return satisfied(expression)


def remove_given_scopes(scopes: Scopes, expression: ScopeExpression) -> ScopeExpression | None:
    """What `expression` still needs beyond `scopes`: None when they satisfy it, else the
    expression without the parts already satisfied (for "missing scopes" messages)."""
    assumed = _scopes("scopes", scopes)

    def simplify(expr: ScopeExpression) -> ScopeExpression | None:
        if isinstance(expr, str):
            return None if any(_satisfies(p, expr) for p in assumed) else expr
        all_of, operands = _operands(expr)
        simplified = [simplify(e) for e in operands]
        remaining = [e for e in simplified if e is not None]
        if all_of:
            if not remaining:
                return None
            return remaining[0] if len(remaining) == 1 else AllOf(AllOf=remaining)
        if len(remaining) < len(simplified):
            return None
        return remaining[0] if len(remaining) == 1 else AnyOf(AnyOf=remaining)

    return simplify(expression)


def scope_match(assumed_scopes: Scopes, required_scope_sets: Iterable[Scopes]) -> bool:
    """Whether `assumed_scopes` satisfy one of `required_scope_sets` (all scopes of one set).

    The official Python client's ``scopeMatch``:

    >>> scope_match(["queue:*"], [["queue:a", "queue:b"], ["index:c"]])
    True
    >>> scope_match(["scopeC:xyz"], [["scopeC:*"]])   # "*" in a required scope is literal
    False

    Where a list belongs, a str or a dict raises `TypeError`, as lib-scopes' scopeMatch throws
    (the client iterates their characters or keys: ``scopeMatch(["a"], [{}])`` is True).
    """
    assumed = _scopes("assumed_scopes", assumed_scopes)
    if isinstance(required_scope_sets, (str, Mapping)):
        raise TypeError("required_scope_sets must be a list of lists of scopes")
    return any(
        all(any(_satisfies(pattern, scope) for pattern in assumed) for scope in required)
        for required in (_scopes("each required scope set", s) for s in required_scope_sets)
    )


def scope_compare(a: str, b: str) -> int:
    """-1, 0 or 1: the order in which normalized scope sets are sorted.

    Plain string order, except that a trailing ``*`` sorts before the end of the string, so
    ``a*`` comes right before ``a``: ``['*', '', 'a*', 'a', 'a(', 'aa', 'b']`` is sorted.
    """
    a_star, b_star = a.endswith("*"), b.endswith("*")
    a_base = a[:-1] if a_star else a
    b_base = b[:-1] if b_star else b
    if a_star != b_star and a_base == b_base:
        return -1 if a_star else 1
    return (a_base > b_base) - (a_base < b_base)


_SORT_KEY = functools.cmp_to_key(scope_compare)


def _normalize_sorted(scopes: Sequence[str]) -> list[str]:
    """lib-scopes' normalizeScopeSet: drop duplicates and scopes a ``*`` scope before them
    satisfies. `scopes` must be sorted with `scope_compare`."""
    result: list[str] = []
    i, n = 0, len(scopes)
    while i < n:
        scope = scopes[i]
        result.append(scope)
        i += 1
        while i < n and scopes[i] == scope:
            i += 1
        if scope.endswith("*"):
            prefix = scope[:-1]
            while i < n and scopes[i].startswith(prefix):
                i += 1
    return result


def normalize_scope_set(scopes: Scopes | AbstractSet[str]) -> list[str]:
    """The smallest set of scopes equivalent to `scopes`, sorted with `scope_compare`: no
    duplicates, and no scope that another one satisfies.

    >>> normalize_scope_set(["b", "a", "a*", "ab"])
    ['a*', 'b']
    """
    return _normalize_sorted(sorted(_scopes("scopes", scopes), key=_SORT_KEY))


def scope_union(
    scopes1: Scopes | AbstractSet[str], scopes2: Scopes | AbstractSet[str]
) -> list[str]:
    """The normalized union: satisfies exactly what either set satisfies. (lib-scopes'
    scopeUnion also sorts its arguments in place; this does not touch them.)"""
    return normalize_scope_set([*_scopes("scopes1", scopes1), *_scopes("scopes2", scopes2)])


def scope_intersection(
    scopes1: Scopes | AbstractSet[str], scopes2: Scopes | AbstractSet[str]
) -> list[str]:
    """The scopes of each set that the other satisfies, without duplicates, in order: what
    both sets satisfy. (``["a*"]`` and ``["ab*"]`` intersect in ``["ab*"]``.)"""
    first, second = _scopes("scopes1", scopes1), _scopes("scopes2", scopes2)
    found = [s for s in first if any(_satisfies(p, s) for p in second)]
    found += [s for s in second if any(_satisfies(p, s) for p in first)]
    return list(dict.fromkeys(found))
