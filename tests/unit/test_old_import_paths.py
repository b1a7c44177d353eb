"""Every public import path of the layout before `_core/` still gives the same objects."""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType

import pytest

# The old public path -> the module the code lives in now.
MOVED = {
    "taskcluster_typed.errors": "taskcluster_typed._core.errors",
    "taskcluster_typed.lenient": "taskcluster_typed._core.lenient",
    "taskcluster_typed.raw_response": "taskcluster_typed._core.raw_response",
    "taskcluster_typed.exchanges": "taskcluster_typed._core.exchanges",
    "taskcluster_typed.hawk": "taskcluster_typed._core.hawk",
    "taskcluster_typed.retry": "taskcluster_typed._core.retry",
    "taskcluster_typed.temporary_credentials": "taskcluster_typed.credentials.temporary",
    "taskcluster_typed.credential_info": "taskcluster_typed.credentials.information",
    "taskcluster_typed.credentials": "taskcluster_typed.credentials.client_credentials",
}
# `taskcluster_typed.credentials` also offers the Hawk ext, from its own module now.
CREDENTIALS_EXT = ("taskcluster_typed.credentials", "taskcluster_typed.credentials.ext")


def public_names(module: ModuleType) -> set[str]:
    """What a module offers: its ``__all__``, else the classes and functions defined in it."""
    declared = getattr(module, "__all__", None)
    if declared is not None:
        return set(declared)
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__ == module.__name__
    }


@pytest.mark.parametrize(("old", "new"), [*MOVED.items(), CREDENTIALS_EXT], ids=[*MOVED, "ext"])
def test_the_old_path_gives_the_same_objects(old: str, new: str) -> None:
    old_module = importlib.import_module(old)
    new_module = importlib.import_module(new)
    names = public_names(new_module)
    assert names, f"{new} offers nothing"
    missing = sorted(name for name in names if not hasattr(old_module, name))
    assert missing == [], f"{old} lacks {missing}"
    different = sorted(n for n in names if getattr(old_module, n) is not getattr(new_module, n))
    assert different == []


@pytest.mark.parametrize("old", [m for m in MOVED if m != "taskcluster_typed.credentials"])
def test_the_old_path_holds_no_code(old: str) -> None:
    """The old modules only re-export: everything in them is defined elsewhere."""
    module = importlib.import_module(old)
    own = [
        name
        for name, value in vars(module).items()
        if (inspect.isclass(value) or inspect.isfunction(value)) and value.__module__ == old
    ]
    assert own == []
    assert set(module.__all__) == public_names(importlib.import_module(MOVED[old]))


def test_the_package_root_still_offers_the_moved_names() -> None:
    import taskcluster_typed
    from taskcluster_typed._core import client, errors, pipeline

    assert taskcluster_typed.SyncClient is client.SyncClient
    assert taskcluster_typed.Reply is pipeline.Reply
    assert taskcluster_typed.APIError is errors.APIError
