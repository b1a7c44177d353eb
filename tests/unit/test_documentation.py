"""Documentation checks: every public name has a docstring, and the migration guide covers
every public name of the official client's top-level package."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
import taskcluster  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_PACKAGES = ("models", "services", "events")


def public_modules() -> list[str]:
    names = ["taskcluster_typed"]
    for sub in PUBLIC_PACKAGES:
        package = importlib.import_module(f"taskcluster_typed.{sub}")
        names += [
            f"taskcluster_typed.{sub}.{m.name}" for m in pkgutil.iter_modules(package.__path__)
        ]
    return names


def public_objects() -> list[tuple[str, object]]:
    found = []
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            found.append((f"{module_name}.{name}", getattr(module, name)))
    return found


def own_docstring(obj: object) -> str | None:
    if inspect.isclass(obj):
        doc = obj.__dict__.get("__doc__")
        return doc if isinstance(doc, str) else None
    return inspect.getdoc(obj)


def test_every_public_class_and_function_has_a_docstring() -> None:
    objects = public_objects()
    assert len(objects) > 500
    missing = [
        name
        for name, obj in objects
        if (inspect.isclass(obj) or inspect.isfunction(obj))
        and not (own_docstring(obj) or "").strip()
    ]
    assert missing == []


def test_every_public_method_of_the_core_clients_has_a_docstring() -> None:
    from taskcluster_typed import AsyncClient, SyncClient

    for cls in (SyncClient, AsyncClient):
        for name, member in inspect.getmembers(cls):
            if not name.startswith("_") and (
                inspect.isfunction(member) or isinstance(member, property)
            ):
                assert inspect.getdoc(member), name


def official_public_names() -> list[str]:
    return sorted(
        name
        for name in dir(taskcluster)
        if not name.startswith("_") and not inspect.ismodule(getattr(taskcluster, name))
    )


@pytest.mark.parametrize("name", official_public_names())
def test_the_migration_guide_covers_every_official_name(name: str) -> None:
    guide = (ROOT / "docs" / "migration.md").read_text()
    assert re.search(rf"`(taskcluster\.)?{re.escape(name)}`", guide), (
        f"{name} is not in docs/migration.md"
    )
