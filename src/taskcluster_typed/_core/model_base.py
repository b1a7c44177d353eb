"""The one base class of every generated model.

Generated request and response models inherit from `TaskclusterModel`: Python names in
snake_case, wire names (camelCase) as aliases, either accepted on input, output by alias,
schema building deferred to first use so that importing a service's models stays cheap.

Replies are validated with ``extra="allow"`` (see `lenient.py`), so a field that a newer
server adds is kept in `model_extra` even on a model whose schema forbids extra fields; the
serializer below writes such fields back out, so a reply dumps as it came.

Only pydantic's public API is used: each instance keeps its own `model_fields_set`, as pydantic
builds it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, cast

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    SerializerFunctionWrapHandler,
    model_serializer,
)
from pydantic_core import CoreSchema, core_schema


def _naive_as_utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


class UnknownValue(str):
    """An enum value this package does not know (a newer server's): kept, as a ``str``.

    Generated enum fields are typed ``Literal[...] | UnknownValue``, so an exhaustive
    ``match`` has to say what to do with one (``case UnknownValue():``). Replies are decoded
    leniently: only a value outside the enum is an `UnknownValue`; requests never take one
    (it is not any of the values the server accepts)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"UnknownValue({str.__repr__(self)})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _only_unknown_values,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )


def _only_unknown_values(value: Any) -> UnknownValue:
    if isinstance(value, UnknownValue):
        return value
    raise ValueError("not a known value")


#: The type of every generated date-time field: an aware datetime, where a naive one is taken
#: as UTC (as the official Python client does); a string needs its offset (``Z``).
UtcDatetime = Annotated[AwareDatetime, BeforeValidator(_naive_as_utc)]


class TaskclusterModel(BaseModel):
    """Base of all generated Taskcluster models."""

    model_config = ConfigDict(
        populate_by_name=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        defer_build=True,
        # NaN/Infinity written as constants (not as null) so that sending one is refused.
        ser_json_inf_nan="constants",
    )

    @model_serializer(mode="wrap")
    def _dump_with_kept_extras(self, handler: SerializerFunctionWrapHandler) -> Any:
        data: Any = handler(self)
        extra = self.model_extra
        if not extra or self.model_config.get("extra") == "allow" or not isinstance(data, dict):
            return data
        fields = cast("dict[str, Any]", data)
        for key, value in extra.items():
            fields.setdefault(key, value)
        return fields
