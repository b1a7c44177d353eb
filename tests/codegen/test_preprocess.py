"""Each preprocessing step on a tiny synthetic schema set, then the whole pass on the real
references (the counts pin what codegen-notes.md measured)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from codegen.config import Config, SchemaPatch
from codegen.preprocess import (
    apply_schema_patches,
    apply_title_overrides,
    check_no_remote_refs,
    copy_ref_descriptions,
    default_descriptions,
    drop_format_only_unions,
    drop_metaschemas,
    inject_discriminators,
    load_schemas,
    mark_secrets,
    open_objects,
    preprocess,
    preprocess_schemas,
    root_title,
    set_root_titles,
    strip_ids,
    write_schemas,
)
from codegen.schema_tree import SchemaError, SchemaSet

from .conftest import REFERENCES


def _obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def test_load_and_write_schemas_sorted_without_excluded_dirs(tmp_path: Path) -> None:
    src = tmp_path / "schemas"
    for rel, doc in {
        "svc/v1/b.json": {"type": "string", "$id": "/schemas/svc/v1/b.json#"},
        "common/metaschema.json": {"$ref": "http://json-schema.org/draft-06/schema#"},
        "generic-worker/x_y.json": {"title": "x"},
    }.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(json.dumps(doc))
    schemas = load_schemas(src, exclude_dirs=["common"])
    assert list(schemas) == ["generic-worker/x_y.json", "svc/v1/b.json"]
    root = write_schemas(schemas, tmp_path / "out")
    assert root == tmp_path / "out" / "schemas"
    assert (root / "svc/v1/b.json").read_text() == (
        '{\n  "$id": "/schemas/svc/v1/b.json#",\n  "type": "string"\n}\n'
    )


def test_strip_ids() -> None:
    schemas: SchemaSet = {"a.json": {"$id": "x", "$schema": "y", "type": "object"}}
    rewrites = strip_ids(schemas)
    assert schemas == {"a.json": {"type": "object"}}
    assert [r.detail for r in rewrites] == ["removed $id", "removed $schema"]


def test_drop_metaschemas() -> None:
    schemas: SchemaSet = {
        "common/metaschema.json": {"$ref": "http://json-schema.org/draft-06/schema#"},
        "common/metadata-metaschema.json": {},
        "q/v1/a.json": {},
    }
    assert len(drop_metaschemas(schemas)) == 2
    assert list(schemas) == ["q/v1/a.json"]


def test_remote_ref_is_an_error() -> None:
    schemas: SchemaSet = {"a.json": _obj(x={"items": {"$ref": "https://example.com/s.json#"}})}
    with pytest.raises(SchemaError, match="remote"):
        check_no_remote_refs(schemas)
    check_no_remote_refs({"a.json": _obj(x={"$ref": "b.json#"})})


def test_open_objects_become_dict_of_any() -> None:
    schemas: SchemaSet = {
        "a.json": {
            "type": "object",
            "properties": {
                "payload": {"type": "object"},
                "extra": {"type": "object", "additionalProperties": True, "default": {}},
                "closed": {"type": "object", "additionalProperties": False},
                "typed": {"type": "object", "additionalProperties": {"type": "string"}},
                "union": {"type": "object", "oneOf": [{"type": "object"}]},
                "list": {"type": "array", "items": {"type": "object"}},
                # data, not a schema: never rewritten
                "withDefault": {"type": "string", "default": {"type": "object"}},
            },
            "definitions": {"ctx": {"type": "object"}},
        },
        "root.json": {"type": "object", "description": "a trigger context"},
    }
    rewrites = open_objects(schemas)
    assert sorted(r.location for r in rewrites) == [
        "a.json#/definitions/ctx",
        "a.json#/properties/extra",
        "a.json#/properties/list/items",
        "a.json#/properties/payload",
        "a.json#/properties/union/oneOf/0",
        "root.json#",
    ]
    props = schemas["a.json"]["properties"]
    assert props["payload"]["additionalProperties"] == {}
    assert props["closed"]["additionalProperties"] is False
    assert props["typed"]["additionalProperties"] == {"type": "string"}
    assert "additionalProperties" not in props["union"]
    assert props["withDefault"]["default"] == {"type": "object"}


def _branch(tag: str, tag_value: Any, *, required: bool = True) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {tag: tag_value, "other": {"type": "string"}},
        "required": [tag] if required else [],
    }


def test_discriminator_injected_across_files_with_const_and_single_enum() -> None:
    schemas: SchemaSet = {
        "s/v1/union.json": {
            "oneOf": [
                {"$ref": "simple.json#/definitions/response"},
                _branch("method", {"enum": ["getUrl"]}),
            ]
        },
        "s/v1/simple.json": {
            "definitions": {
                "response": _branch("method", {"$ref": "#/definitions/tag"}),
                "tag": {"const": "simple"},
            },
        },
    }
    rewrites = inject_discriminators(schemas)
    assert [(r.location, r.detail) for r in rewrites] == [("s/v1/union.json#", "method")]
    assert schemas["s/v1/union.json"]["discriminator"] == {"propertyName": "method"}


@pytest.mark.parametrize(
    "branches",
    [
        [_branch("kind", {"const": "a"}), _branch("kind", {"const": "a"})],  # not distinct
        [_branch("kind", {"const": "a"}), _branch("kind", {"const": "b"}, required=False)],
        [_branch("kind", {"const": "a"}), {"type": "string"}],  # not an object
        [_branch("kind", {"const": "a"}), _branch("kind", {"type": "string"})],  # no const
        [_branch("kind", {"const": "a"})],  # one branch
    ],
)
def test_no_discriminator_without_a_distinct_required_tag(branches: list[Any]) -> None:
    schemas: SchemaSet = {"a.json": {"oneOf": branches}}
    assert inject_discriminators(schemas) == []
    assert "discriminator" not in schemas["a.json"]


def test_format_only_unions_dropped() -> None:
    source = {
        "type": "string",
        "maxLength": 4096,
        "anyOf": [{"format": "uri"}, {"format": "regex"}],
    }
    kept = {"type": "string", "oneOf": [{"format": "uri"}, {"maxLength": 3}]}
    schemas: SchemaSet = {"a.json": _obj(source=source, kept=copy.deepcopy(kept))}
    rewrites = drop_format_only_unions(schemas)
    assert [r.detail for r in rewrites] == ["anyOf [uri, regex]"]
    assert schemas["a.json"]["properties"]["source"] == {"type": "string", "maxLength": 4096}
    assert schemas["a.json"]["properties"]["kept"] == kept


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("queue/v1/create-task-request.json", "CreateTaskRequest"),
        ("hooks/v1/list-lastFires-response.json", "ListLastFiresResponse"),
        ("github/v1/taskcluster-github-config.v1.json", "TaskclusterGithubConfigV1"),
        ("generic-worker/multiuser_posix.json", "MultiuserPosix"),
    ],
)
def test_root_title_is_pascal_case_of_the_file_stem(path: str, title: str) -> None:
    assert root_title(path) == title


def test_set_root_titles_reports_only_changes() -> None:
    schemas: SchemaSet = {
        "q/v1/task.json": {"title": "Task Definition Response"},
        "q/v1/a-b.json": {"title": "AB"},
    }
    rewrites = set_root_titles(schemas)
    assert [r.location for r in rewrites] == ["q/v1/task.json#"]
    assert schemas["q/v1/task.json"]["title"] == "Task"


def test_title_overrides_name_nested_schemas_and_fail_when_stale() -> None:
    schemas: SchemaSet = {
        "h/v1/r.json": {"anyOf": [_obj(taskId={"type": "string"}), {"type": "object"}]}
    }
    rewrites = apply_title_overrides(schemas, {"h/v1/r.json#/anyOf/0": "TriggerHookTaskCreated"})
    assert schemas["h/v1/r.json"]["anyOf"][0]["title"] == "TriggerHookTaskCreated"
    assert rewrites[0].detail == "None -> 'TriggerHookTaskCreated'"
    with pytest.raises(SchemaError, match="does not exist"):
        apply_title_overrides(schemas, {"h/v1/r.json#/anyOf/7": "X"})
    with pytest.raises(SchemaError, match="no schema"):
        apply_title_overrides(schemas, {"h/v1/gone.json#": "X"})


def test_ref_descriptions_are_copied_unless_present() -> None:
    schemas: SchemaSet = {
        "q/v1/req.json": _obj(
            payload={"$ref": "task.json#/properties/payload"},
            described={"$ref": "task.json#/properties/payload", "description": "mine"},
            meta={"$ref": "meta.json#"},
        ),
        "q/v1/task.json": _obj(payload={"type": "object", "description": "the payload"}),
        "q/v1/meta.json": {"type": "object", "description": "metadata"},
    }
    rewrites = copy_ref_descriptions(schemas)
    props = schemas["q/v1/req.json"]["properties"]
    assert props["payload"]["description"] == "the payload"
    assert props["described"]["description"] == "mine"
    assert props["meta"]["description"] == "metadata"
    assert len(rewrites) == 2


def test_secrets_get_repr_false() -> None:
    schemas: SchemaSet = {
        "a.json": _obj(
            accessToken={"type": "string"},
            continuationToken={"type": "string"},
            credentials=_obj(certificate={"type": "string"}),
        )
    }
    rewrites = mark_secrets(schemas, ["accessToken", "certificate"])
    props = schemas["a.json"]["properties"]
    assert props["accessToken"]["repr"] is False
    assert "repr" not in props["continuationToken"]
    assert props["credentials"]["properties"]["certificate"]["repr"] is False
    assert len(rewrites) == 2
    assert mark_secrets(schemas, ["accessToken"]) == []  # idempotent


def test_schema_patches_replace_by_pointer_and_fail_when_stale() -> None:
    schemas: SchemaSet = {"q/v1/a.json": _obj(x={"type": "string"}, y={"type": "integer"})}
    patches = [
        SchemaPatch(target="q/v1/a.json#/properties/x", value={"type": "integer"}, reason="r1"),
        SchemaPatch(
            target="q/v1/a.json#/properties/y/type", value_json='["integer", "null"]', reason="r2"
        ),
    ]
    rewrites = apply_schema_patches(schemas, patches)
    assert schemas["q/v1/a.json"]["properties"] == {
        "x": {"type": "integer"},
        "y": {"type": ["integer", "null"]},
    }
    assert [r.detail for r in rewrites] == ["r1", "r2"]
    whole = SchemaPatch(target="q/v1/a.json#", value={"type": "null"}, reason="root")
    apply_schema_patches(schemas, [whole])
    assert schemas["q/v1/a.json"] == {"type": "null"}
    with pytest.raises(SchemaError, match="does not exist"):
        apply_schema_patches(schemas, [SchemaPatch(target="q/v1/a.json#/nope", value=1, reason="")])


def test_schema_patch_value_json_can_say_null() -> None:
    patch = SchemaPatch(target="a.json#/default", value_json="null", reason="")
    assert patch.replacement() is None
    with pytest.raises(ValueError, match="exactly one"):
        SchemaPatch(target="a.json#/x", reason="")
    with pytest.raises(ValueError, match="exactly one"):
        SchemaPatch(target="a.json#/x", value=1, value_json="1", reason="")
    with pytest.raises(ValueError, match="pointer"):
        SchemaPatch(target="a.json", value=1, reason="")


def test_the_whole_pass_on_the_pinned_references(config: Config, tmp_path: Path) -> None:
    result = preprocess(REFERENCES, tmp_path, config)
    assert len(result.schemas) == 191  # 201 published, minus common/
    counts = result.counts()
    assert counts["discriminator"] == 6
    assert counts["open-object"] == 50
    assert counts["format-union"] == 3
    assert counts["title-override"] == len(config.title_overrides)
    assert counts["secret"] == 27
    # integer, number and boolean properties of the four worker payload schemas
    assert counts["strict"] == 73
    discriminated = {r.location: r.detail for r in result.rewrites if r.step == "discriminator"}
    assert discriminated == {
        "auth/v1/authenticate-hawk-response.json#": "status",
        "hooks/v1/hook-status.json#/properties/lastFire": "result",
        "object/v1/download-object-response.json#": "method",
        "queue/v1/artifact-content-response.json#": "storageType",
        "queue/v1/post-artifact-request.json#": "storageType",
        "queue/v1/post-artifact-response.json#": "storageType",
    }
    opened = {r.location for r in result.rewrites if r.step == "open-object"}
    assert {
        "queue/v1/task.json#/properties/payload",
        "queue/v1/task.json#/properties/extra",
        "hooks/v1/trigger-hook.json#",
        "worker-manager/v1/worker-pool-full.json#/properties/config",
        "secrets/v1/secret.json#/properties/secret",
    } <= opened
    task = json.loads((tmp_path / "schemas/queue/v1/task.json").read_text())
    assert task["title"] == "Task" and "$id" not in task and "$schema" not in task
    assert not (tmp_path / "schemas/common").exists()


def test_preprocess_reports_every_step_in_order(config: Config) -> None:
    schemas: SchemaSet = {
        "common/metaschema.json": {},
        "q/v1/a-b.json": {"$id": "x", **_obj(accessToken={"type": "string"}, p={"type": "object"})},
        "w/payload.json": _obj(n={"type": "integer"}),
    }
    cfg = config.model_copy(
        update={
            "worker_payloads": {"w": "w/payload.json"},
            "title_overrides": {"q/v1/a-b.json#/properties/p": "Payload"},
            "schema_patches": (
                SchemaPatch(target="q/v1/a-b.json#/properties/p/type", value="object", reason="x"),
            ),
        }
    )
    result = preprocess_schemas(schemas, cfg)
    assert [r.step for r in result.rewrites] == [
        "schema-patch",
        "strip-id",
        "drop-metaschema",
        "open-object",
        "root-title",
        "root-title",
        "title-override",
        "default-description",
        "default-description",
        "default-description",
        "secret",
        "strict",
    ]


def test_default_descriptions_name_the_title_and_file_and_keep_given_ones() -> None:
    schemas: SchemaSet = {
        "q/v1/a.json": {
            "title": "A",
            "type": "object",
            "properties": {
                "given": {"type": "object", "description": "Mine.", "properties": {}},
                "nested": {"type": "object", "properties": {"x": {"type": "string"}}},
                "ref": {"$ref": "b.json#"},
                "text": {"type": "string"},
            },
        }
    }
    rewrites = default_descriptions(schemas)
    root = schemas["q/v1/a.json"]
    assert root["description"] == "A: an object of the schema `q/v1/a.json`."
    assert (
        root["properties"]["nested"]["description"]
        == "nested: an object of the schema `q/v1/a.json`."
    )
    assert root["properties"]["given"]["description"] == "Mine."
    assert "description" not in root["properties"]["ref"]
    assert "description" not in root["properties"]["text"]
    assert [r.step for r in rewrites] == ["default-description"] * 2
