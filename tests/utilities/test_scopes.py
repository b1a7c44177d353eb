"""Scopes: the official Python client's scopeMatch and lib-scopes' functions, by example and
by property (hypothesis)."""

from __future__ import annotations

import functools
from typing import Any

import pytest
import taskcluster.utils  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from taskcluster_typed import (
    ScopeExpression,
    normalize_scope_set,
    remove_given_scopes,
    satisfies_expression,
    scope_compare,
    scope_intersection,
    scope_match,
    scope_union,
    valid_expression,
    valid_scope,
)

# A small alphabet, so that scopes often prefix each other and "*" often ends them.
scopes = st.text(alphabet="ab:*", max_size=5)
scope_sets = st.lists(scopes, max_size=6)
expressions: st.SearchStrategy[Any] = st.recursive(
    scopes,
    lambda inner: (
        st.builds(lambda xs: {"AllOf": xs}, st.lists(inner, max_size=3))
        | st.builds(lambda xs: {"AnyOf": xs}, st.lists(inner, max_size=3))
    ),
    max_leaves=8,
)
SETTINGS = settings(max_examples=300, deadline=None)
sort_key = functools.cmp_to_key(scope_compare)


def satisfies(assumed: list[str], scope: str) -> bool:
    return satisfies_expression(assumed, scope)


# scope_match ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assumed", "required", "expected"),
    [
        (["scopeA", "scopeB"], [["scopeA", "scopeB"], ["scopeC"]], True),
        (["scopeC"], [["scopeA", "scopeB"], ["scopeC"]], True),
        (["scopeA"], [["scopeA", "scopeB"], ["scopeC"]], False),
        (["scope*"], [["scopeA", "scopeB"]], True),
        (["*"], [["anything"]], True),
        (["scopeC:xyz"], [["scopeC:*"]], False),  # "*" in a required scope is literal
        (["scopeC:*"], [["scopeC:*"]], True),
        ([], [[]], True),
        (["a"], [], False),
    ],
)
def test_scope_match_examples(
    assumed: list[str], required: list[list[str]], expected: bool
) -> None:
    assert scope_match(assumed, required) is expected


@SETTINGS
@given(assumed=scope_sets, required=st.lists(scope_sets, max_size=3))
def test_scope_match_is_the_official_clients(assumed: list[str], required: list[list[str]]) -> None:
    assert scope_match(assumed, required) == taskcluster.utils.scopeMatch(assumed, required)
    dnf: ScopeExpression = {"AnyOf": [{"AllOf": list(s)} for s in required]}
    assert scope_match(assumed, required) == satisfies_expression(assumed, dnf)


def test_scope_match_refuses_strings_for_lists() -> None:
    with pytest.raises(TypeError):
        scope_match("a*", [["a"]])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        scope_match(["a*"], "a")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        scope_match(["a*"], ["a"])  # type: ignore[list-item]


# Expressions ------------------------------------------------------------------------------


def test_satisfies_expression_examples() -> None:
    assert satisfies_expression(["queue:*"], "queue:create-task:x")
    assert satisfies_expression([], {"AllOf": []})
    assert not satisfies_expression(["*"], {"AnyOf": []})
    expression: ScopeExpression = {"AllOf": ["a", {"AnyOf": ["b", "c"]}]}
    assert satisfies_expression(["a", "c"], expression)
    assert not satisfies_expression(["a"], expression)
    assert not satisfies_expression(["b", "c"], expression)
    with pytest.raises(ValueError, match="not a scope expression"):
        satisfies_expression(["a"], {"OneOf": ["a"]})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        satisfies_expression("a", "a")  # type: ignore[arg-type]


def test_valid_scope_and_expression() -> None:
    assert valid_scope("")
    assert valid_scope("queue:create-task:~ !")
    assert not valid_scope("queue:é")
    assert not valid_scope("a\nb")
    assert not valid_scope(3)
    assert valid_expression("a")
    assert valid_expression({"AllOf": ["a", {"AnyOf": []}]})
    assert not valid_expression({"AllOf": ["a"], "AnyOf": []})
    assert not valid_expression({"AllOf": "a"})
    assert not valid_expression({"Foo": []})
    assert not valid_expression({"AnyOf": ["é"]})
    assert not valid_expression(["a"])
    assert not valid_expression({})


@SETTINGS
@given(expression=expressions)
def test_generated_expressions_are_valid(expression: Any) -> None:
    assert valid_expression(expression)


@SETTINGS
@given(assumed=scope_sets, expression=expressions)
def test_remove_given_scopes_is_none_exactly_when_satisfied(
    assumed: list[str], expression: Any
) -> None:
    remaining = remove_given_scopes(assumed, expression)
    assert (remaining is None) == satisfies_expression(assumed, expression)
    if remaining is not None:
        assert valid_expression(remaining)
        # Adding what remains (all of it, or any one alternative) satisfies the expression.
        assert not satisfies_expression(assumed, remaining)


def test_remove_given_scopes_examples() -> None:
    expression: ScopeExpression = {"AllOf": ["a", "b", {"AnyOf": ["c", "d"]}]}
    assert remove_given_scopes(["a"], expression) == {"AllOf": ["b", {"AnyOf": ["c", "d"]}]}
    assert remove_given_scopes(["a", "d"], expression) == "b"
    assert remove_given_scopes(["*"], expression) is None


# Ordering and normalization ---------------------------------------------------------------


def test_scope_compare_order() -> None:
    ordered = ["*", "", "a*", "a", "a(", "aa", "b"]
    assert sorted(reversed(ordered), key=sort_key) == ordered
    assert scope_compare("a", "a") == 0
    assert scope_compare("a*", "a") == -1
    assert scope_compare("a", "a*") == 1


@SETTINGS
@given(a=scopes, b=scopes, c=scopes)
def test_scope_compare_is_a_total_order(a: str, b: str, c: str) -> None:
    assert scope_compare(a, b) == -scope_compare(b, a)
    assert (scope_compare(a, b) == 0) == (a == b)
    if scope_compare(a, b) <= 0 and scope_compare(b, c) <= 0:
        assert scope_compare(a, c) <= 0


def test_normalize_examples() -> None:
    assert normalize_scope_set(["b", "a", "a*", "ab"]) == ["a*", "b"]
    assert normalize_scope_set(["a", "a", "b*", "b*"]) == ["a", "b*"]
    assert normalize_scope_set(["*", "x"]) == ["*"]
    assert normalize_scope_set([]) == []


def is_normalized(result: list[str]) -> bool:
    return all(
        not (x != y and satisfies([x], y)) for i, x in enumerate(result) for y in result[i + 1 :]
    ) and all(not satisfies([y], x) for i, x in enumerate(result) for y in result[i + 1 :])


@SETTINGS
@given(scope_set=scope_sets)
def test_normalize_keeps_meaning_sorts_and_is_idempotent(scope_set: list[str]) -> None:
    result = normalize_scope_set(scope_set)
    assert all(satisfies(result, s) for s in scope_set)  # nothing lost
    assert set(result) <= set(scope_set)  # nothing new
    assert is_normalized(result)  # nothing redundant
    assert result == sorted(result, key=sort_key)
    assert normalize_scope_set(result) == result


@SETTINGS
@given(a=scope_sets, b=scope_sets)
def test_union_is_satisfied_by_exactly_what_satisfies_either(a: list[str], b: list[str]) -> None:
    a_before, b_before = list(a), list(b)
    union = scope_union(a, b)
    assert (a, b) == (a_before, b_before)  # not sorted in place
    assert all(satisfies(union, s) for s in [*a, *b])
    assert all(satisfies(a, s) or satisfies(b, s) for s in union)
    assert set(union) <= {*a, *b}
    assert is_normalized(union)
    assert union == scope_union(b, a)


@SETTINGS
@given(a=scope_sets, b=scope_sets, probe=scopes)
def test_intersection_is_satisfied_by_both(a: list[str], b: list[str], probe: str) -> None:
    intersection = scope_intersection(a, b)
    assert len(intersection) == len(set(intersection))
    for scope in intersection:
        assert satisfies(a, scope)
        assert satisfies(b, scope)
    # Anything both sets satisfy, the intersection satisfies too.
    if satisfies(a, probe) and satisfies(b, probe):
        assert satisfies(intersection, probe)


def test_intersection_examples() -> None:
    assert scope_intersection(["a*"], ["ab*"]) == ["ab*"]
    assert scope_intersection(["a", "b"], ["b", "c"]) == ["b"]
    assert scope_intersection(["a*", "c"], ["ab", "ac", "c"]) == ["c", "ab", "ac"]
    assert scope_intersection([], ["a"]) == []
