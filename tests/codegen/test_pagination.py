"""The generator's pagination finder: the one array besides continuationToken, read from the
generated model source; overrides from [tool.codegen.pagination_items]; clear failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.config import load_config
from codegen.model_index import Export, TypeRef
from codegen.pagination import PaginationError, Paging, find_paging

PACKAGE = "pkg._models"
PAGE = """
from __future__ import annotations
from typing import Annotated
from pydantic import Field
from taskcluster_typed._core.model_base import TaskclusterModel
from .item import Item
from .other import Other as Renamed


class Local(TaskclusterModel):
    name: str


class {name}(TaskclusterModel):
    continuation_token: Annotated[str | None, Field(alias="continuationToken")] = None
{fields}
"""


def write(tmp_path: Path, name: str, fields: str) -> TypeRef:
    directory = tmp_path / "svc" / "v1"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "page.py").write_text(PAGE.format(name=name, fields=fields))
    return TypeRef(f"{PACKAGE}.svc.v1.page", name, "model")


def find(
    tmp_path: Path, page: TypeRef, override: str | None = None, exports: tuple[Export, ...] = ()
) -> Paging:
    return find_paging(
        "svc.listThings",
        page,
        models_dir=tmp_path,
        models_package=PACKAGE,
        exports=exports,
        override=override,
    )


def test_an_imported_item_type(tmp_path: Path) -> None:
    page = write(
        tmp_path, "Page", '    things: Annotated[list[Item], Field(alias="thingList")]\n    n: int'
    )
    assert find(tmp_path, page) == Paging(
        "things", "thingList", "Item", (f"{PACKAGE}.svc.v1.item", "Item", "Item")
    )


def test_a_local_item_type_under_its_public_name(tmp_path: Path) -> None:
    page = write(tmp_path, "Page", "    things: list[Local]")
    module = f"{PACKAGE}.svc.v1.page"
    export = Export("PageLocal", TypeRef(module, "Local", "model"), "reachable")
    found = find(tmp_path, page, exports=(export,))
    assert found.item_import == (module, "Local", "PageLocal")
    assert found.item == "PageLocal"


def test_an_import_alias_is_followed_to_the_defining_module(tmp_path: Path) -> None:
    page = write(tmp_path, "Page", "    things: list[Renamed]")
    assert find(tmp_path, page).item_import == (f"{PACKAGE}.svc.v1.other", "Other", "Other")


def test_builtin_items_need_no_import(tmp_path: Path) -> None:
    page = write(
        tmp_path,
        "Page",
        '    ids: Annotated[list[Annotated[str, Field(pattern="x")]], Field(alias="roleIds")]',
    )
    assert find(tmp_path, page) == Paging("ids", "roleIds", "str", None)


def test_several_arrays_need_an_override(tmp_path: Path) -> None:
    page = write(tmp_path, "Page", "    a: list[Item]\n    b: list[str]")
    with pytest.raises(PaginationError, match=r'pagination_items\] "svc.listThings"'):
        find(tmp_path, page)
    assert find(tmp_path, page, override="b").field == "b"
    with pytest.raises(PaginationError, match="not a list"):
        find(tmp_path, page, override="missing")


def test_no_array_or_no_token_fails(tmp_path: Path) -> None:
    with pytest.raises(PaginationError, match="cannot tell the items"):
        find(tmp_path, write(tmp_path, "Page", "    n: int"))
    directory = tmp_path / "svc" / "v1"
    (directory / "page.py").write_text("class Page:\n    things: list[int]\n")
    with pytest.raises(PaginationError, match="no continuation_token"):
        find(tmp_path, TypeRef(f"{PACKAGE}.svc.v1.page", "Page", "model"))


def test_the_pinned_references_need_no_override() -> None:
    assert load_config().pagination_items == {}
