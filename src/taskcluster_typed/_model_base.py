"""The one base class of every generated model.

Generated request and response models inherit from `TaskclusterModel`: Python names in
snake_case, wire names (camelCase) as aliases, either accepted on input, output by alias,
schema building deferred to first use so that importing a service's models stays cheap.

Replies are validated with ``extra="allow"`` (see `lenient.py`), so a field that a newer
server adds is kept in `model_extra` even on a model whose schema forbids extra fields; the
serializer below writes such fields back out, so a reply dumps as it came.

Memory: pydantic keeps a `set` of the names each instance was given (`model_fields_set`), about
half a kilobyte per instance, more than many of the instances' values. Validated instances that
were given the same names share one read-only set instead (a 5000-task listing then takes about a
quarter less memory); an instance gets a set of its own again when an attribute is assigned
and on copy, so pydantic's in-place updates of the set keep working. `model_fields_set` is
therefore read-only on an instance nobody assigned to: read it, do not mutate it.
(tests/unit/test_model_base.py pins the pydantic behaviour this relies on.)
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
from typing_extensions import Self


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


class SharedNames(set[str]):
    """A set of given names shared between instances: read-only (a `set` for pydantic-core,
    whose serializer requires one for ``exclude_unset``)."""

    __slots__ = ()

    def _read_only(self, *args: object) -> None:
        raise TypeError("a shared model_fields_set is read-only; assign the attribute instead")

    add = discard = remove = update = clear = pop = _read_only  # type: ignore[assignment]
    difference_update = intersection_update = symmetric_difference_update = _read_only
    __ior__ = __iand__ = __isub__ = __ixor__ = _read_only  # type: ignore[assignment]


# Distinct sets of given names, shared between instances; bounded, as names of extra fields
# are in these sets too and a server could send any number of different ones.
_SHARED_FIELD_SETS: dict[frozenset[str], SharedNames] = {}
_MAX_SHARED_FIELD_SETS = 4096


def _shared(fields: set[str]) -> set[str]:
    key = frozenset(fields)
    shared = _SHARED_FIELD_SETS.get(key)
    if shared is not None:
        return shared
    if len(_SHARED_FIELD_SETS) >= _MAX_SHARED_FIELD_SETS:
        return fields
    return _SHARED_FIELD_SETS.setdefault(key, SharedNames(key))


class TaskclusterModel(BaseModel):
    """Base of all generated Taskcluster models."""

    model_config = ConfigDict(
        populate_by_name=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        defer_build=True,
    )

    def model_post_init(self, context: Any, /) -> None:
        """After validation: share the set of given names with like instances."""
        object.__setattr__(self, "__pydantic_fields_set__", _shared(self.__pydantic_fields_set__))

    def _own_fields_set(self) -> None:
        fields = self.__pydantic_fields_set__
        if type(fields) is SharedNames:
            object.__setattr__(self, "__pydantic_fields_set__", set(fields))

    def __setattr__(self, name: str, value: Any) -> None:
        self._own_fields_set()
        super().__setattr__(name, value)

    def __copy__(self) -> Self:
        copied = super().__copy__()
        copied._own_fields_set()
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        copied = super().__deepcopy__(memo)
        copied._own_fields_set()
        return copied

    @model_serializer(mode="wrap")
    def _dump_with_kept_extras(self, handler: SerializerFunctionWrapHandler) -> Any:
        data: Any = handler(self)
        extra = self.__pydantic_extra__
        if not extra or self.model_config.get("extra") == "allow" or not isinstance(data, dict):
            return data
        fields = cast("dict[str, Any]", data)
        for key, value in extra.items():
            fields.setdefault(key, value)
        return fields
