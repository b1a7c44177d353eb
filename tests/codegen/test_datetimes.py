"""The AwareDatetime -> UtcDatetime edit of the generated models."""

from __future__ import annotations

import pytest

from codegen.datetimes import utc_datetimes
from codegen.models import GenerationError

MODEL = """from __future__ import annotations

from pydantic import AwareDatetime, ConfigDict, Field

from taskcluster_typed._core.model_base import TaskclusterModel


class Run(TaskclusterModel):
    started: AwareDatetime
    resolved: AwareDatetime | None = None
"""


def test_every_aware_datetime_becomes_utc_datetime() -> None:
    result = utc_datetimes(MODEL)
    assert "AwareDatetime" not in result
    assert "from pydantic import ConfigDict, Field\n" in result
    imported = "from taskcluster_typed._core.model_base import TaskclusterModel, UtcDatetime\n"
    assert imported in result
    assert "    started: UtcDatetime\n    resolved: UtcDatetime | None = None" in result


def test_an_alias_module_gets_its_own_import() -> None:
    source = (
        "from __future__ import annotations\n\nfrom pydantic import AwareDatetime\n\n"
        "Expires = AwareDatetime\n"
    )
    result = utc_datetimes(source)
    assert "from pydantic" not in result
    assert "from taskcluster_typed._core.model_base import UtcDatetime\n" in result
    assert result.endswith("Expires = UtcDatetime\n")


def test_a_module_without_date_times_is_unchanged() -> None:
    source = "from pydantic import Field\n\nX = 1\n"
    assert utc_datetimes(source) is source


def test_an_unexpected_import_fails_generation() -> None:
    with pytest.raises(GenerationError):
        utc_datetimes("from pydantic import (\n    AwareDatetime,\n)\nX: AwareDatetime\n")
