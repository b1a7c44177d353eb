"""Every public name is short enough to read: at most 40 characters.

Names come from schema titles; a title written as a sentence ("Task that are currently
running in a given task queue") makes an unreadable class name, and gets a title override in
``[tool.codegen.title_overrides]`` instead.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import taskcluster_typed
import taskcluster_typed.events
import taskcluster_typed.models
import taskcluster_typed.payloads

MAX_LENGTH = 40
# Words of a sentence-like title left in a name ("...ThatMustBe...", "...ToBeAttached...").
SENTENCE = re.compile(r"(That|Must|ToBe|InAGiven|ForThe)(?=[A-Z]|$)")


def public_names() -> dict[str, str]:
    """Every name in the ``__all__`` of the package and of its public generated modules."""
    found = {name: "taskcluster_typed" for name in taskcluster_typed.__all__}
    for package in (taskcluster_typed.models, taskcluster_typed.payloads, taskcluster_typed.events):
        found.update({name: package.__name__ for name in getattr(package, "__all__", [])})
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            found.update({name: module.__name__ for name in module.__all__})
    return found


def test_the_names_are_collected() -> None:
    names = public_names()
    assert len(names) > 500
    assert "GenericWorkerMultiuserWindowsPayloadDict" in names  # 40 characters
    assert "ClaimedTask" in names and "PendingTask" in names


def test_no_public_name_is_over_40_characters() -> None:
    long = {n: m for n, m in public_names().items() if len(n) > MAX_LENGTH}
    assert long == {}


def test_no_public_name_is_a_sentence() -> None:
    sentences = {n: m for n, m in public_names().items() if SENTENCE.search(n)}
    assert sentences == {}
