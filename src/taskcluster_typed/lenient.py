"""Parse a reply so that what a newer server adds does not break an older client.

Unknown fields are kept (``extra="allow"``). A value outside a `Literal` (a state or kind
added after this package was generated) is kept as the string the server sent: the reply is
validated with an allowed value in its place, then the server's value is put back on the
parsed object. Any other validation error is raised.
"""

from __future__ import annotations

import copy
import re
from typing import Any, cast

import pydantic
from pydantic_core import ErrorDetails

_FIRST_EXPECTED = re.compile(r"^'((?:[^'\\]|\\.)*)'")


def _allowed_value(error: ErrorDetails) -> str | None:
    context: dict[str, Any] = error.get("ctx") or {}
    expected = context.get("expected")
    match = _FIRST_EXPECTED.match(expected) if isinstance(expected, str) else None
    return match.group(1) if match else None


def _data_path(data: Any, loc: tuple[Any, ...]) -> list[Any] | None:
    """The keys of `loc` that step through `data`; union branch names and tags are dropped."""
    path: list[Any] = []
    node: Any = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)  # pyright: ignore[reportUnknownArgumentType]
        if not (in_dict or in_list):
            continue
        node = cast(Any, node)[part]
        path.append(part)
    return path or None


def _step(node: Any, key: Any) -> Any:
    if isinstance(node, pydantic.BaseModel):
        return getattr(node, _field_name(node, key))
    return node[key]


def _assign(node: Any, key: Any, value: Any) -> None:
    if isinstance(node, pydantic.BaseModel):
        name = _field_name(node, key)
        if name in type(node).model_fields:
            setattr(node, name, value)
        elif node.model_extra is not None:
            node.model_extra[name] = value
    else:
        node[key] = value


def _field_name(model: pydantic.BaseModel, key: str) -> str:
    fields = type(model).model_fields
    if key in fields:
        return key
    for name, info in fields.items():
        if info.alias == key:
            return name
    return key


def validate_leniently(adapter: pydantic.TypeAdapter[Any], data: Any) -> Any:
    """`adapter.validate_python(data)`, keeping unknown fields and unknown Literal values."""
    try:
        return adapter.validate_python(data, extra="allow")
    except pydantic.ValidationError as error:
        errors = error.errors(include_url=False)
        if any(e["type"] != "literal_error" for e in errors):
            raise
        patched = copy.deepcopy(data)
        fixes: list[tuple[list[Any], Any]] = []
        for e in errors:
            path = _data_path(patched, tuple(e["loc"]))
            allowed = _allowed_value(e)
            if path is None or allowed is None:
                raise
            holder = patched
            for key in path[:-1]:
                holder = holder[key]
            fixes.append((path, holder[path[-1]]))
            holder[path[-1]] = allowed
        parsed = adapter.validate_python(patched, extra="allow")
        for path, original in fixes:
            node = parsed
            for key in path[:-1]:
                node = _step(node, key)
            _assign(node, path[-1], original)
        return parsed
