"""docs/architecture.md names every hand-written module of the package, and every generated tree."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "taskcluster_typed"
GENERATED_TREES = ("_models", "_typeddicts", "services", "models", "events", "payloads")


def page() -> str:
    return (ROOT / "docs" / "architecture.md").read_text()


def hand_written_modules() -> list[str]:
    return sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in GENERATED_TREES
    )


def test_every_module_of_the_package_is_on_the_page() -> None:
    text = page()
    missing = [module for module in hand_written_modules() if f"`{module}`" not in text]
    assert missing == []


def test_every_generated_tree_is_on_the_page() -> None:
    text = page()
    assert [tree for tree in GENERATED_TREES if f"`{tree}/`" not in text] == []


def test_the_page_names_no_module_that_is_gone() -> None:
    import re

    named = set(re.findall(r"`([a-z_/]+\.py)`", page()))
    in_package = {m for m in named if not m.startswith(("codegen/", "tests/", "services/"))}
    assert sorted(in_package - set(hand_written_modules())) == []
