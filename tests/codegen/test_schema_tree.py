"""JSON pointers, the subschema walker and $ref resolution."""

from __future__ import annotations

import pytest

from codegen.schema_tree import (
    SchemaError,
    SchemaSet,
    deref,
    get_pointer,
    iter_subschemas,
    resolve_ref,
    set_pointer,
    split_location,
)


def test_pointers_follow_rfc_6901() -> None:
    doc = {"a/b": {"m~n": [10, {"x": 1}]}}
    assert get_pointer(doc, "") is doc
    assert get_pointer(doc, "/a~1b/m~0n/1/x") == 1
    with pytest.raises(SchemaError):
        get_pointer(doc, "/a~1b/m~0n/2")
    with pytest.raises(SchemaError):
        get_pointer(doc, "a")
    assert set_pointer(doc, "/a~1b/m~0n/0", 11) == {"a/b": {"m~n": [11, {"x": 1}]}}
    assert set_pointer(doc, "", 5) == 5
    with pytest.raises(SchemaError):
        set_pointer(doc, "/missing", 1)


def test_split_location() -> None:
    assert split_location("q/v1/a.json#/properties/x") == ("q/v1/a.json", "/properties/x")
    assert split_location("q/v1/a.json#") == ("q/v1/a.json", "")


def test_walker_visits_subschemas_but_not_data() -> None:
    schema = {
        "type": "object",
        "properties": {"p": {"items": [{"type": "string"}]}, "q": {"not": {"type": "null"}}},
        "definitions": {"d": {"oneOf": [{"const": 1}]}},
        "default": {"type": "object"},
        "enum": [{"type": "object"}],
        "additionalProperties": False,
    }
    pointers = [p for p, _ in iter_subschemas(schema)]
    assert pointers == [
        "",
        "/definitions/d",
        "/definitions/d/oneOf/0",
        "/properties/p",
        "/properties/p/items/0",
        "/properties/q",
        "/properties/q/not",
    ]


def test_resolve_ref_relative_to_the_referring_file() -> None:
    schemas: SchemaSet = {
        "q/v1/a.json": {"definitions": {"x": {"$ref": "b.json#/properties/y"}}},
        "q/v1/b.json": {
            "properties": {"y": {"$ref": "#/definitions/z"}},
            "definitions": {"z": {"type": "string"}},
        },
    }
    assert resolve_ref(schemas, "q/v1/a.json", "./b.json#") == (
        "q/v1/b.json",
        "",
        schemas["q/v1/b.json"],
    )
    assert deref(schemas, "q/v1/a.json", {"$ref": "#/definitions/x"}) == (
        "q/v1/b.json",
        {"type": "string"},
    )
    with pytest.raises(SchemaError, match="missing schema"):
        resolve_ref(schemas, "q/v1/a.json", "../c.json#")
    with pytest.raises(SchemaError, match="remote"):
        resolve_ref(schemas, "q/v1/a.json", "http://json-schema.org/draft-06/schema#")


def test_circular_refs_are_an_error() -> None:
    schemas: SchemaSet = {
        "a.json": {
            "definitions": {"x": {"$ref": "#/definitions/y"}, "y": {"$ref": "#/definitions/x"}}
        }
    }
    with pytest.raises(SchemaError, match="circular"):
        deref(schemas, "a.json", {"$ref": "#/definitions/x"})
