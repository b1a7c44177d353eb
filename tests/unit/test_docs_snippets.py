"""Every Python snippet in docs/ runs as written.

Each ```python block is run as a script in a fresh interpreter, in an empty directory, with
``TASKCLUSTER_ROOT_URL``/``CLIENT_ID``/``ACCESS_TOKEN`` naming a local Taskcluster (root
credentials), and must exit 0. A snippet that needs a service the local Taskcluster does not
have (the object service, Pulse) shows it inside a function, which the run defines.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from taskcluster_typed.testing import LocalTaskcluster

DOCS = Path(__file__).resolve().parents[2] / "docs"
# A fence may be indented (inside a list item): the block is dedented by the fence's indent.
_BLOCK = re.compile(r"^( *)```python\n(.*?)^\1```", re.S | re.M)


def snippets() -> list[tuple[str, str]]:
    found = []
    for page in sorted(DOCS.glob("*.md")):
        blocks = _BLOCK.findall(page.read_text(encoding="utf-8"))
        for number, (_indent, block) in enumerate(blocks):
            found.append((f"{page.name}#{number}", textwrap.dedent(block)))
    return found


SNIPPETS = snippets()


@pytest.fixture(scope="module")
def environment() -> Iterator[dict[str, str]]:
    with LocalTaskcluster() as tc:
        yield {
            **os.environ,
            "TASKCLUSTER_ROOT_URL": tc.root_url,
            "TASKCLUSTER_CLIENT_ID": tc.root_credentials.client_id,
            "TASKCLUSTER_ACCESS_TOKEN": tc.root_credentials.access_token,
        }


def test_the_docs_have_snippets() -> None:
    assert len(SNIPPETS) >= 15
    assert any("Without pytest" in p.read_text() for p in DOCS.glob("testing.md"))


@pytest.mark.parametrize(("where", "code"), SNIPPETS, ids=[w for w, _ in SNIPPETS])
def test_snippet_runs(where: str, code: str, environment: dict[str, str], tmp_path: Path) -> None:
    script = tmp_path / "snippet.py"
    script.write_text(code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{where}:\n{result.stdout}\n{result.stderr}"
