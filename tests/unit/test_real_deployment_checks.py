"""The real-services fixture says what is missing, and how to get it, instead of hanging."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.real import deployment as module
from tests.real.deployment import Deployment, DeploymentError


def test_missing_postgres_and_taken_ports_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "PG_BIN", tmp_path / "no-postgres")

    def taken(port: int) -> bool:
        return port == module.AMQP_PORT

    monkeypatch.setattr(module, "_port_open", taken)
    with pytest.raises(DeploymentError) as caught:
        Deployment(tmp_path / "install", tmp_path / "state").check_prerequisites()
    message = str(caught.value)
    assert "apt-get install postgresql-15" in message
    assert "taken: 5672" in message
    assert "make real-down" in message


def test_missing_bundle_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "SHARED", tmp_path / "nowhere")

    def free(port: int) -> bool:
        return False

    monkeypatch.setattr(module, "_port_open", free)
    with pytest.raises(DeploymentError, match="real-taskcluster bundle"):
        Deployment(tmp_path / "install", tmp_path / "state").check_prerequisites()


def test_a_service_that_exits_early_is_reported_with_its_log(tmp_path: Path) -> None:
    state = tmp_path / "state"
    for folder in ("run", "logs"):
        (state / folder).mkdir(parents=True)
    deployment = Deployment(tmp_path / "install", state)
    deployment.processes.spawn("quitter", ["sh", "-c", "echo cannot bind; exit 3"])
    with pytest.raises(DeploymentError, match="quitter") as caught:
        deployment.wait_for("never", lambda: False, timeout=5)
    assert "cannot bind" in str(caught.value)
