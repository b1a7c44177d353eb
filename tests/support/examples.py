"""Realistic, schema-valid example instances built from the pinned references' schemas.

`example(service, ref)` walks a schema (following ``$ref`` across files and JSON pointers)
and builds an instance that sets every property it can, so a round trip through a model
exercises every field. Strings with a ``pattern`` get a short string built from the
regex's own parse tree (deterministic), date-times a fixed aware instant, enums their first
value. `branches(...)` gives one example per top-level ``oneOf``/``anyOf`` branch.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

# sre_parse is the standard library's own regex parser (deprecated as a public name since 3.11,
# still shipped as re._parser).
try:
    from re import _constants as sre_constants  # type: ignore[attr-defined,unused-ignore]
    from re import _parser as sre_parse  # type: ignore[attr-defined,unused-ignore]
except ImportError:  # Python 3.10
    import sre_constants  # type: ignore[no-redef,unused-ignore]
    import sre_parse  # type: ignore[no-redef,unused-ignore]

ANY, AT, BRANCH, CATEGORY, IN = (
    sre_constants.ANY,
    sre_constants.AT,
    sre_constants.BRANCH,
    sre_constants.CATEGORY,
    sre_constants.IN,
)
LITERAL, NOT_LITERAL, NEGATE, RANGE = (
    sre_constants.LITERAL,
    sre_constants.NOT_LITERAL,
    sre_constants.NEGATE,
    sre_constants.RANGE,
)
MAX_REPEAT, MIN_REPEAT, SUBPATTERN, MAXREPEAT = (
    sre_constants.MAX_REPEAT,
    sre_constants.MIN_REPEAT,
    sre_constants.SUBPATTERN,
    sre_constants.MAXREPEAT,
)


SCHEMAS = Path(__file__).resolve().parents[2] / "references" / "schemas"
DATETIME = "2026-03-04T05:06:07.891Z"
MAX_DEPTH = 12


@functools.cache
def load(path: str) -> Any:
    """A schema file by its path under references/schemas (``queue/v1/task.json``)."""
    return json.loads((SCHEMAS / path).read_text())


def _pointer(doc: Any, pointer: str) -> Any:
    node = doc
    for token in [t for t in pointer.split("/") if t]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def resolve(base: str, ref: str) -> tuple[str, Any]:
    """The schema a ``$ref`` in file `base` points at, and the file it lives in."""
    file_part, _, pointer = ref.partition("#")
    if file_part:
        if file_part.startswith("/schemas/"):
            target = file_part[len("/schemas/") :]
        else:
            target = str(Path(base).parent / file_part)
            target = str(Path(target).as_posix()).replace("/./", "/")
    else:
        target = base
    return target, _pointer(load(target), pointer)


def _class_char(items: list[tuple[Any, Any]]) -> str:
    """The first character a character class accepts (with the class's negation honoured)."""
    negate = any(op is NEGATE for op, _ in items)
    candidates = "aA0-_.:/" + "".join(chr(c) for c in range(0x21, 0x7F))
    for char in candidates:
        if _class_matches(items, char) != negate:
            return char
    raise ValueError("no printable character fits the class")


def _class_matches(items: list[tuple[Any, Any]], char: str) -> bool:
    code = ord(char)
    for op, arg in items:
        if op is LITERAL and arg == code:
            return True
        if op is RANGE and arg[0] <= code <= arg[1]:
            return True
        if op is CATEGORY and re.match(_CATEGORIES.get(str(arg), "$^"), char):
            return True
    return False


_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_WORD": r"\w", "CATEGORY_SPACE": r"\s"}


def _emit(tree: Any, extra: int) -> str:
    """A string the parsed regex `tree` matches; repeats run `extra` times past their minimum."""
    out = []
    for op, arg in tree:
        if op is LITERAL:
            out.append(chr(arg))
        elif op is NOT_LITERAL:
            out.append("a" if arg != ord("a") else "b")
        elif op is ANY:
            out.append("a")
        elif op is IN:
            out.append(_class_char(arg))
        elif op in (MAX_REPEAT, MIN_REPEAT):
            low, high, sub = arg
            count = low + extra if high is MAXREPEAT else min(high, low + extra)
            out.append("".join(_emit(sub, extra) for _ in range(count)))
        elif op is SUBPATTERN:
            out.append(_emit(arg[-1], extra))
        elif op is BRANCH:
            out.append(_emit(arg[1][0], extra))
        elif op is CATEGORY:
            out.append({"CATEGORY_DIGIT": "0", "CATEGORY_SPACE": " "}.get(str(arg), "a"))
        elif op is AT:
            continue
        else:
            raise ValueError(f"regex construct {op} not supported")
    return "".join(out)


@functools.cache
def _pattern_example(pattern: str, min_length: int, max_length: int) -> str:
    """The shortest string (by repeat count) that matches `pattern` and fits the lengths."""
    tree = sre_parse.parse(pattern)
    for extra in range(0, 130):
        text = _emit(tree, extra)
        if min_length <= len(text) <= max_length and re.search(pattern, text):
            return text
    raise ValueError(f"no example for pattern {pattern!r} within {min_length}..{max_length}")


def _string(schema: dict[str, Any]) -> str:
    if schema.get("format") == "date-time":
        return DATETIME
    min_length = int(schema.get("minLength", 0))
    max_length = int(schema.get("maxLength", 10_000))
    if "pattern" in schema:
        return _pattern_example(schema["pattern"], max(min_length, 1), max_length)
    if schema.get("format") in ("uri", "url"):
        return "https://example.com/x"
    formats = {
        "email": "someone@example.com",
        "hostname": "tc.example.com",
        "ipv4": "192.0.2.1",
        "ipv6": "2001:db8::1",
    }
    if schema.get("format") in formats:
        return formats[schema["format"]]
    text = "example ✓ text"
    if len(text) < min_length:
        text = text + "x" * (min_length - len(text))
    return text[:max_length]


def _number(schema: dict[str, Any], integer: bool) -> int | float:
    low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
    if "exclusiveMinimum" in schema and not isinstance(schema["exclusiveMinimum"], bool):
        low = schema["exclusiveMinimum"] + 1
    value: int | float = max(low, 1)
    if "maximum" in schema:
        value = min(value, schema["maximum"])
    if "multipleOf" in schema:
        step = schema["multipleOf"]
        value = step * max(1, round(value / step))
    if integer:
        return int(value)
    if "maximum" in schema or "multipleOf" in schema:
        return float(value)
    return float(value) + 0.5


def build(base: str, schema: Any, depth: int = 0, branch: int = 0) -> Any:
    """An instance of `schema` (found in file `base`)."""
    if depth > MAX_DEPTH or schema is True or schema == {}:
        return {"any": "value"} if depth <= MAX_DEPTH else None
    if "$ref" in schema:
        target, sub = resolve(base, schema["$ref"])
        return build(target, sub, depth + 1, branch)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("oneOf", "anyOf"):
        if key in schema:
            options = schema[key]
            non_null = [o for o in options if o.get("type") != "null"] or options
            chosen = non_null[branch % len(non_null)]
            target = base
            if "$ref" in chosen:
                target, chosen = resolve(base, chosen["$ref"])
            outer = {k: v for k, v in schema.items() if k != key}
            if outer.get("type") == "object" and chosen.get("type", "object") == "object":
                merged_props = {**outer.get("properties", {}), **chosen.get("properties", {})}
                return build(target, {**outer, **chosen, "properties": merged_props}, depth + 1)
            return build(target, {**outer, **chosen}, depth + 1)
    if "allOf" in schema:
        result: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = build(base, part, depth + 1)
            if isinstance(value, dict):
                result.update(value)
        return result
    kind = schema.get("type")
    if kind is None:
        kind = "object" if "properties" in schema else None
    if kind == "object":
        out: dict[str, Any] = {}
        for name, prop in sorted(schema.get("properties", {}).items()):
            value = build(base, prop, depth + 1)
            if value is not None or prop.get("type") == "null":
                out[name] = value
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            out.setdefault("someKey", build(base, extra, depth + 1))
        elif not schema.get("properties") and extra is not False:
            out.setdefault("someKey", "some value")
        return out
    if kind == "array":
        items = schema.get("items", {})
        count = max(1, int(schema.get("minItems", 1)))
        if schema.get("uniqueItems") and count > 1:
            count = 1
        return [build(base, items, depth + 1) for _ in range(count)]
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return _number(schema, integer=True)
    if kind == "number":
        return _number(schema, integer=False)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return {"any": "value"}


def schema_path(service: str, ref: str) -> str:
    """``("queue", "v1/task.json#")`` -> ``queue/v1/task.json``."""
    return f"{service}/{ref.split('#')[0].lstrip('/')}"


def example(service: str, ref: str, branch: int = 0) -> Any:
    path = schema_path(service, ref)
    return build(path, load(path), branch=branch)


def branches(service: str, ref: str) -> int:
    """How many top-level oneOf/anyOf branches the schema has (1 when none)."""
    schema = load(schema_path(service, ref))
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return len(schema[key])
    return 1
