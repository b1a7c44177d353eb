"""The local Taskcluster: ``python -m taskcluster_typed.testing.server``."""

from __future__ import annotations

from .app import ROOT_CLIENT_ID as ROOT_CLIENT_ID
from .app import LocalTaskcluster as LocalTaskcluster

__all__ = ["ROOT_CLIENT_ID", "LocalTaskcluster"]
