"""Conformance cases of the github service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from taskcluster_typed._core import errors as tce

from ..world import World
from .monitoring import GITHUB
from .table import Invoke, call, case

# github -------------------------------------------------------------------------------------


def _calling(*args: Any) -> Callable[[World], Invoke]:
    def setup(w: World) -> Invoke:
        return call(*args)

    return setup


for _method, _args in (
    ("builds", ()),
    ("cancel_builds", ("owner", "repo")),
    ("badge", ("owner", "repo", "main")),
    ("repository", ("owner", "repo")),
    ("latest", ("owner", "repo", "main")),
    ("create_status", ("owner", "repo", "0" * 40, {"state": "success"})),
    ("create_comment", ("owner", "repo", "1", {"body": "hi"})),
    ("render_taskcluster_yml", ({"body": "version: 1", "fakeEvent": {"type": "github-push"}},)),
):
    case(f"github.{_method}", expect=tce.ResourceNotFound, not_local=GITHUB)(_calling(*_args))
