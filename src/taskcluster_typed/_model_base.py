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

from typing import Any, cast

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer


class TaskclusterModel(BaseModel):
    """Base of all generated Taskcluster models."""

    model_config = ConfigDict(
        populate_by_name=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        defer_build=True,
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
