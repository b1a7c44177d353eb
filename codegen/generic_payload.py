"""Make the models that hold a task's ``payload`` generic over its type.

A task's ``payload`` is an open object in the queue's schema: its shape belongs to the worker
that runs the task. ``[tool.codegen] generic_payload_fields`` names such properties; the model
holding one becomes ``Generic[PayloadT]`` with the property typed ``PayloadT`` (whose default
is ``dict[str, Any]``, so the unparameterized model is what dcg wrote), and the TypedDict
emitter does the same (see ``typeddicts.py``). ``CreateTaskRequest[DockerWorkerPayload]``
then validates the payload as a docker-worker payload.

dcg has no option for this, so its output is edited: each edit must match exactly once, or
generation fails (a dcg upgrade that writes the class differently is noticed, not skipped).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from codegen.models import GenerationError, module_of_file
from codegen.naming import snake_case

TYPE_PARAMETER = "PayloadT"
TYPE_PARAMETER_MODULE = "taskcluster_typed._core.payload_type"
_FUTURE = "from __future__ import annotations\n"


def split_field(location: str) -> tuple[str, str]:
    """``"queue/v1/x.json#/properties/payload"`` -> ``("queue/v1/x.json#", "payload")``:
    the object holding the property, and the property. Only a property of a schema's root
    is supported (the model of a nested object has no stable name to edit)."""
    match = re.fullmatch(r"([^#]+\.json)#/properties/([A-Za-z_][A-Za-z0-9_]*)", location)
    if match is None:
        raise GenerationError(f"generic payload field {location!r}: not <file>#/properties/<name>")
    return f"{match[1]}#", match[2]


def _replace_once(source: str, pattern: str, replacement: str, what: str) -> str:
    result, count = re.subn(pattern, replacement, source, count=0, flags=re.MULTILINE)
    if count != 1:
        raise GenerationError(f"generic payload field: {what} matched {count} times, not once")
    return result


def make_generic(source: str, class_name: str, field: str) -> str:
    """The module `source` with `class_name` generic over ``PayloadT`` in `field`."""
    source = _replace_once(
        source,
        rf"^class {re.escape(class_name)}\(TaskclusterModel\):$",
        f"class {class_name}(TaskclusterModel, Generic[{TYPE_PARAMETER}]):",
        f"class {class_name}",
    )
    start = source.index(f"class {class_name}(")
    end_match = re.compile(r"^\S", re.MULTILINE).search(source, start + 1)
    end = end_match.start() if end_match else len(source)
    body = _replace_once(
        source[start:end],
        rf"^    {re.escape(snake_case(field))}: [^\n]*[^\n(\[]$",
        f"    {snake_case(field)}: {TYPE_PARAMETER}",
        f"{class_name}.{field}",
    )
    parameter = f"from {TYPE_PARAMETER_MODULE} import {TYPE_PARAMETER}"
    imports = f"\nfrom typing import Generic\n\n{parameter}\n"
    head = _replace_once(source[:start], f"^{re.escape(_FUTURE)}", _FUTURE + imports, "imports")
    return head + body + source[end:]


def apply_generic_fields(
    models_dir: Path, locations: Iterable[str], names: Mapping[str, str]
) -> list[str]:
    """Edit the generated modules in `models_dir`; `names` maps ``<file>#`` to class names.
    Returns the ``<file>#`` of each model made generic."""
    changed = []
    for location in sorted(locations):
        root, field = split_field(location)
        if root not in names:
            raise GenerationError(f"generic payload field {location!r}: no model for {root}")
        path = models_dir.joinpath(*module_of_file(root.removesuffix("#")).split(".")).with_suffix(
            ".py"
        )
        path.write_text(
            make_generic(path.read_text(encoding="utf-8"), names[root], field), encoding="utf-8"
        )
        changed.append(root)
    return changed
