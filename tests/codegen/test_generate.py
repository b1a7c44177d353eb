"""The generated tree and its ModelIndex: every api slot resolves, kinds are right, no
numbered names are reachable, exports are unambiguous, output is deterministic and current."""

from __future__ import annotations

import importlib
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pydantic
import pytest
import typing_extensions

from codegen.__main__ import main
from codegen.api_refs import ApiEntry, ServiceReferences
from codegen.config import REPO_ROOT
from codegen.generate import generate_models
from codegen.indexing import build_slots, check_numbered_names
from codegen.model_index import ModelIndex, TypeRef
from codegen.model_source import Definition, scan_module
from codegen.models import GenerationError, generated_header, module_of_file
from codegen.naming import ends_in_digit
from codegen.references import ReferencesError, pin
from taskcluster_typed._core.model_base import TaskclusterModel

from .conftest import REFERENCES, Generated

PACKAGE_DIR = REPO_ROOT / "src" / "taskcluster_typed"
HEADER = generated_header("v106.0.0")


def _load(ref: TypeRef) -> Any:
    return getattr(importlib.import_module(ref.module), ref.name)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))}


def test_committed_tree_is_current_and_generation_deterministic(generated: Generated) -> None:
    """The session's run and the run that wrote the working tree give identical bytes."""
    for name in ("_models", "_typeddicts"):
        fresh, committed = _files(generated.package_dir / name), _files(PACKAGE_DIR / name)
        assert fresh.keys() == committed.keys(), name
        changed = [path for path in fresh if fresh[path] != committed[path]]
        assert changed == [], f"run `python -m codegen generate`: {name} differs"
    assert not list(generated.package_dir.rglob(".ruff_cache"))


def test_cli_generate_into_another_root_gives_the_same_bytes(
    generated: Generated, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "api slots: 171 (47 inputs)" in out
    assert "generated in" in out
    for name in ("_models", "_typeddicts"):
        assert _files(tmp_path / "src/taskcluster_typed" / name) == _files(
            generated.package_dir / name
        )


def test_every_generated_file_starts_with_the_header(generated: Generated) -> None:
    for path in generated.package_dir.rglob("*.py"):
        assert path.read_text().splitlines()[0] == HEADER, path


def test_generated_code_passes_ruff() -> None:
    dirs = [str(PACKAGE_DIR / "_models"), str(PACKAGE_DIR / "_typeddicts")]
    ruff = [sys.executable, "-m", "ruff"]
    for command in (["check", "--no-cache", *dirs], ["format", "--check", "--no-cache", *dirs]):
        done = subprocess.run([*ruff, *command], cwd=REPO_ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_counts(generated: Generated) -> None:
    stats = generated.index.stats
    assert stats["schemas"] == 191
    assert stats["model modules"] == 190
    assert stats["classes"] == 406
    assert stats["aliases"] == 54
    assert stats["api-reachable types"] == 225
    assert stats["typeddict modules"] == 10


def test_every_api_slot_resolves(generated: Generated) -> None:
    index = generated.index
    inputs = [s for s in index.slots if s.direction == "input"]
    outputs = [s for s in index.slots if s.direction == "output"]
    assert (len(index.slots), len(inputs), len(outputs)) == (171, 47, 124)
    assert len({s.key for s in index.slots}) == 124
    assert all(s.typed_dict is not None for s in inputs)
    assert all(s.typed_dict is None for s in outputs)
    create = next(s for s in index.slots if s.method == "createTask" and s.direction == "input")
    assert create.key == "queue/v1/create-task-request.json#"
    assert create.model == TypeRef(
        "taskcluster_typed._models.queue.v1.create_task_request", "CreateTaskRequest", "model"
    )
    assert create.typed_dict == TypeRef(
        "taskcluster_typed._typeddicts.queue", "CreateTaskRequestDict", "typeddict"
    )
    assert index.model("queue", "v1/task-status-response.json#").name == "TaskStatusResponse"
    assert index.typed_dict("hooks", "v1/trigger-hook.json#").name == "TriggerHookDict"
    assert index.model("hooks", "v1/list-lastFires-response.json#").module.endswith(
        "hooks.v1.list_lastFires_response"
    )


def test_alias_roots_are_the_eleven_known_slots(generated: Generated) -> None:
    aliases = sorted(
        f"{s.method}:{s.model.name}" for s in generated.index.slots if s.model.kind == "alias"
    )
    assert aliases == [
        "artifact:ArtifactContentResponse",
        "authenticateHawk:AuthenticateHawkResponse",
        "createArtifact:PostArtifactRequest",
        "createArtifact:PostArtifactResponse",
        "latestArtifact:ArtifactContentResponse",
        "listRoles:ListRolesResponse",
        "startDownload:DownloadObjectResponse",
        "triggerHook:TriggerHook",
        "triggerHook:TriggerHookResponse",
        "triggerHookWithToken:TriggerHook",
        "triggerHookWithToken:TriggerHookResponse",
    ]


def test_index_kinds_match_the_imported_objects(generated: Generated) -> None:
    for key, ref in generated.index.roots.items():
        obj = _load(ref)
        if ref.kind == "model":
            assert isinstance(obj, type) and issubclass(obj, TaskclusterModel), key
        else:
            assert isinstance(obj, typing_extensions.TypeAliasType), key
    for key, ref in generated.index.typed_dicts.items():
        obj = _load(ref)
        if not typing_extensions.is_typeddict(obj):  # an alias: a union of them, or a dict
            members = typing.get_args(obj)
            is_dict = typing.get_origin(obj) is dict
            assert is_dict or all(typing_extensions.is_typeddict(m) for m in members), key


def _runtime_reachable(roots: list[Any]) -> set[tuple[str, str]]:
    """The spike's reach.py: walk model_fields annotations and alias __value__ at run time."""
    seen: set[tuple[str, str]] = set()
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if isinstance(obj, typing_extensions.TypeAliasType):
            key = (str(obj.__module__), obj.__name__)
            if key not in seen:
                seen.add(key)
                stack.append(obj.__value__)
        elif isinstance(obj, type) and issubclass(obj, pydantic.BaseModel):
            key = (obj.__module__, obj.__name__)
            if key not in seen:
                seen.add(key)
                stack.extend(f.annotation for f in obj.model_fields.values())
        else:
            stack.extend(typing.get_args(obj))
    return seen


def test_static_reachability_agrees_with_a_runtime_walk(generated: Generated) -> None:
    roots = [_load(s.model) for s in generated.index.slots]
    found = _runtime_reachable(roots)
    assert len(found) == generated.index.stats["api-reachable types"] == 225
    numbered = sorted(name for _, name in found if ends_in_digit(name))
    assert numbered == ["ArtifactContentResponseS3"]  # a tag ("s3"), not a counter


def test_models_keep_their_extra_policy_on_the_shared_base() -> None:
    from taskcluster_typed._models.object.v1.hashes import ObjectContentHashes
    from taskcluster_typed._models.queue.v1.create_task_request import CreateTaskRequest

    assert CreateTaskRequest.model_config["extra"] == "forbid"
    assert CreateTaskRequest.model_config["defer_build"] is True
    assert CreateTaskRequest.model_config["populate_by_name"] is True
    assert ObjectContentHashes.model_config["extra"] == "allow"


def test_exports_are_unique_and_qualify_clashes(generated: Generated) -> None:
    exports = generated.index.exports
    assert set(exports) == {
        "auth", "github", "hooks", "index", "notify", "object", "purge-cache", "queue",
        "secrets", "web-server", "worker-manager",
    }  # fmt: skip
    for service, names in exports.items():
        public = [e.name for e in names]
        assert public == sorted(set(public)), service
        for export in names:
            assert _load(export.ref) is not None
    queue = {e.name: e for e in exports["queue"]}
    assert queue["Task"].ref.module.endswith("queue.v1.task")
    assert queue["TasksResponseTask"].ref.name == "Task"
    assert queue["S3ArtifactRequest"].reason == "variant"
    assert queue["CreateTaskRequest"].reason == "root"
    assert queue["RunInformation"].reason == "reachable"
    auth = [e for e in exports["auth"] if e.ref.name == "Scope"]
    assert [e.name for e in auth] == ["Scope"]  # eight identical aliases, exported once
    wm = {e.name for e in exports["worker-manager"]}
    assert {
        "StaticProviderInfo",  # a title override: no clash, so no file prefix
        "StaticProviderType",
        "RegisterWorkerResponseCredentials",
        "ReregisterWorkerResponseCredentials",
    } <= wm
    assert "Credentials" not in wm


def test_index_to_json_round_trips_the_keys(generated: Generated) -> None:
    data = generated.index.to_json()
    assert len(data["slots"]) == 171
    assert data["roots"]["queue/v1/task.json#"]["name"] == "Task"
    assert generated.index.summary()[0] == "Taskcluster v106.0.0"


# --- failures ----------------------------------------------------------------------------


def _index_inputs() -> tuple[list[ServiceReferences], dict[str, TypeRef]]:
    services = [
        ServiceReferences(
            "svc", (ApiEntry("get", None, "v1/out.json#"), ApiEntry("put", "v1/in.json#", None)), ()
        )
    ]
    roots = {
        "svc/v1/out.json#": TypeRef("m.svc.v1.out", "Out", "model"),
        "svc/v1/in.json#": TypeRef("m.svc.v1.in_", "In", "model"),
    }
    return services, roots


def test_a_slot_without_a_type_fails_generation() -> None:
    services, roots = _index_inputs()
    typed = {"svc/v1/in.json#": TypeRef("t.svc", "InDict", "typeddict")}
    assert len(build_slots(services, roots, typed)) == 2
    with pytest.raises(GenerationError, match=r"svc\.put input v1/in\.json#"):
        build_slots(services, roots, {})
    del roots["svc/v1/out.json#"]
    with pytest.raises(GenerationError, match=r"svc\.get output"):
        build_slots(services, roots, typed)


def test_a_reachable_counter_name_fails_generation() -> None:
    source = "class Out(M):\n    owner: Owner18 | None\n\nclass Owner18(M):\n    x: int\n"
    definitions = {(d.module, d.name): d for d in scan_module("svc.v1.out", source)}
    assert definitions[("svc.v1.out", "Out")].references == (("svc.v1.out", "Owner18"),)
    start = [("svc.v1.out", "Out")]
    numbered = {("svc.v1.out", "Owner18")}
    with pytest.raises(
        GenerationError, match=r"svc\.v1\.out\.Owner18 \(from svc/v1/out\.json#/x\)"
    ):
        check_numbered_names(
            definitions, start, numbered, {("svc.v1.out", "Owner18"): "svc/v1/out.json#/x"}
        )
    assert len(check_numbered_names(definitions, start, set(), {})) == 2


def test_scan_module_reads_classes_aliases_and_relative_imports() -> None:
    source = (
        "from .task import Scope\nfrom ..other.x import Y as Z\n"
        'A = TypeAliasType("A", Annotated[list[Scope] | "B", Field(title="a")])\n'
        'class B(Base):\n    """doc"""\n    z: Z\n    a: A\n'
    )
    found = {d.name: d for d in scan_module("q.v1.mod", source)}
    assert found["A"] == Definition(
        "q.v1.mod", "A", "alias", found["A"].references, found["A"].fingerprint
    )
    assert set(found["A"].references) == {("q.v1.task", "Scope"), ("q.v1.mod", "B")}
    assert found["B"].kind == "model"
    assert found["B"].references == (("q.other.x", "Y"), ("q.v1.mod", "A"))
    other = scan_module(
        "q.v1.mod", source.replace('title="a"', 'title="other"').replace('"""doc"""', '"""x"""')
    )
    assert [d.fingerprint for d in other] == [found["A"].fingerprint, found["B"].fingerprint]


def test_module_of_file() -> None:
    assert module_of_file("worker-manager/v1/task-run.json") == "worker_manager.v1.task_run"
    assert module_of_file("github/v1/taskcluster-github-config.v1.json") == (
        "github.v1.taskcluster_github_config_v1"
    )


def test_generation_refuses_references_that_do_not_match_the_lock(tmp_path: Path) -> None:
    refs = tmp_path / "refs"
    pin({"manifest.json": {"references": []}}, refs, version="v1.0.0", source="test")
    (refs / "manifest.json").write_text('{"references": ["/references/x/v1/api.json"]}\n')
    package = tmp_path / "src" / "taskcluster_typed"
    with pytest.raises(ReferencesError, match="does not match"):
        generate_models(refs, package)
    assert not package.exists()


def test_model_index_lookup_helpers(generated: Generated) -> None:
    index: ModelIndex = generated.index
    assert {s.method for s in index.slots_of("secrets")} >= {"set", "get", "list"}
    assert index.model("secrets", "v1/secret.json#").name == "Secret"
    assert REFERENCES.is_dir()
