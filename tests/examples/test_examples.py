"""Every program in ``examples/`` run against a fresh local Taskcluster, through the same
environment variables a real deployment would use; assertions are on what the services hold
afterwards (task states, artifact bytes, secrets, hook-created tasks)."""

from __future__ import annotations

import sys
from pathlib import Path

import fetch_artifact
import listen_completed
import manage_secrets
import pytest
import rotate_credentials
import sharing
import submit_task_graph
import trigger_hook
import wait_for_group
import worker

from taskcluster_typed import Credentials, Hooks, InsufficientScopes, Queue, Secrets
from taskcluster_typed.events.queue import TaskCompletedEvent, TaskFailedEvent
from taskcluster_typed.pulse import PulseConsumer
from taskcluster_typed.testing import LocalTaskcluster


def _queue() -> Queue:
    return Queue.from_env()


def test_graph_is_submitted_worked_and_waited_for(env: Credentials) -> None:
    with _queue() as queue:
        task_queue_id = submit_task_graph.new_task_queue_id()
        group_id, task_ids = submit_task_graph.create_group(queue, task_queue_id)
        states = [queue.status(t).status.state for t in task_ids]
        assert states == ["pending", "unscheduled", "unscheduled", "unscheduled"]
        with pytest.raises(TimeoutError, match="unfinished"):
            wait_for_group.wait_for_group(queue, group_id, timeout=0.05, poll=0.01)

        # First round: only the build is pending; the tests are scheduled when it completes.
        assert worker.work(queue, task_queue_id) == 4
        assert worker.work(queue, task_queue_id) == 0
        done = wait_for_group.wait_for_group(queue, group_id, timeout=5, poll=0.01)
        assert done == {
            "build": "completed",
            "test-unit": "completed",
            "test-integration": "completed",
            "test-lint": "completed",
        }
        runs = [queue.status(t).status.runs for t in task_ids]
        assert all(len(r) == 1 and r[0].worker_id == "worker-1" for r in runs)


def test_a_failed_build_leaves_its_dependents_unscheduled(env: Credentials) -> None:
    with _queue() as queue:
        task_queue_id = submit_task_graph.new_task_queue_id()
        group_id, _ = submit_task_graph.create_group(queue, task_queue_id)
        assert worker.work(queue, task_queue_id, lambda name: name != "build") == 1
        states = wait_for_group.group_states(queue, group_id)
        assert states["build"] == "failed"
        assert {states[n] for n in ("test-unit", "test-integration", "test-lint")} == {
            "unscheduled"
        }
        with pytest.raises(TimeoutError):
            wait_for_group.wait_for_group(queue, group_id, timeout=0.05, poll=0.01)


def test_the_group_is_paged(env: Credentials, capsys: pytest.CaptureFixture[str]) -> None:
    with _queue() as queue:
        task_queue_id = submit_task_graph.new_task_queue_id()
        group_id, _ = submit_task_graph.create_group(queue, task_queue_id)
        capsys.readouterr()
        wait_for_group.show_group(queue, group_id, page_size=3)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0].strip() for line in lines] == ["page 1"] * 3 + ["page 2"]


def test_the_fetched_artifact_is_the_uploaded_log(env: Credentials, tmp_path: Path) -> None:
    with _queue() as queue:
        task_queue_id = submit_task_graph.new_task_queue_id()
        _, task_ids = submit_task_graph.create_group(queue, task_queue_id)
        worker.work(queue, task_queue_id)
        target = tmp_path / "live.log"
        downloaded = fetch_artifact.fetch(queue, task_ids[1], worker.LOG_NAME, target)
    assert target.read_bytes() == b"test-unit: ok\n"
    assert downloaded.size == len(b"test-unit: ok\n")
    assert downloaded.storage_type == "s3"
    assert downloaded.content_type == "text/plain"


def test_temporary_credentials_rotate_before_expiry(env: Credentials) -> None:
    now = [0.0]
    rotating = rotate_credentials.RotatingCredentials(env, ["queue:status:*"], clock=lambda: now[0])
    first = rotating.current()
    assert first.certificate is not None and first.client_id == env.client_id
    now[0] = 54 * 60.0  # 55 minutes is the renewal point of one hour minus five minutes
    assert rotating.current() is first
    now[0] = 55 * 60.0
    second = rotating.current()
    assert second is not first and rotating.issued == 2
    with _queue() as queue:
        task_queue_id = submit_task_graph.new_task_queue_id()
        _, task_ids = submit_task_graph.create_group(queue, task_queue_id)
        client = rotate_credentials.with_fresh_credentials(queue, rotating)
        assert client.credentials is second
        assert client.status(task_ids[0]).status.state == "pending"
        limited = rotate_credentials.RotatingCredentials(
            env, ["secrets:get:project/taskcluster-typed-demo/x"]
        )
        with pytest.raises(InsufficientScopes):  # only the scopes asked for, not the issuer's
            rotate_credentials.with_fresh_credentials(queue, limited).cancel_task(task_ids[0])


def test_the_hook_fires_a_task_rendered_from_the_payload(env: Credentials) -> None:
    with Hooks.from_env() as hooks, _queue() as queue:
        trigger_hook.ensure_hook(hooks, "proj-demo/nightly")
        trigger_hook.ensure_hook(hooks, "proj-demo/nightly-2")  # exists: updated
        assert hooks.hook(trigger_hook.HOOK_GROUP, trigger_hook.HOOK_ID).task["taskQueueId"] == (
            "proj-demo/nightly-2"
        )
        task_id = trigger_hook.fire(hooks, "release-1.2")
        task = queue.task(task_id)
        assert task.metadata.name == "nightly release-1.2"
        assert task.task_queue_id == "proj-demo/nightly-2"
        assert task.payload == {"command": ["build", "release-1.2"]}
        assert queue.status(task_id).status.state == "pending"


def test_secrets_are_set_read_listed_and_removed(env: Credentials) -> None:
    with Secrets.from_env() as secrets:
        name = f"{manage_secrets.PREFIX}/test/db"
        assert manage_secrets.read(secrets, name) is None
        manage_secrets.store(secrets, name, {"password": "p"})
        assert manage_secrets.read(secrets, name) == {"password": "p"}
        assert manage_secrets.names(secrets) == [name]
        secrets.remove(name)
        assert manage_secrets.names(secrets) == []


def test_every_main_runs_from_the_environment(
    env: Credentials,
    local_taskcluster: LocalTaskcluster,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    submit_task_graph.main()
    out = capsys.readouterr().out
    group_id, task_queue_id = out.splitlines()[-1].split()[2::2]
    monkeypatch.setattr(sys, "argv", ["worker.py", task_queue_id])
    worker.main()
    assert "resolved 4 runs" in capsys.readouterr().out
    monkeypatch.setattr(sys, "argv", ["wait_for_group.py", group_id, "5"])
    wait_for_group.main()
    assert "test-lint: completed" in capsys.readouterr().out
    target = tmp_path / "log"
    monkeypatch.setattr(sys, "argv", ["fetch", group_id, worker.LOG_NAME, str(target)])
    fetch_artifact.main()  # the build task's id is the group id
    assert target.read_bytes() == b"build: ok\n"
    monkeypatch.setattr(sys, "argv", ["rotate_credentials.py", group_id])
    rotate_credentials.main()
    assert "completed (credentials issued: 1)" in capsys.readouterr().out
    monkeypatch.setattr(sys, "argv", ["trigger_hook.py", task_queue_id, "main"])
    trigger_hook.main()
    assert "triggered" in capsys.readouterr().out
    manage_secrets.main()
    sharing.main()
    assert "refused before sending" in capsys.readouterr().out
    assert local_taskcluster.client(Secrets).list().secrets == []  # both cleaned up


def test_completed_and_failed_messages_are_received_and_typed(
    local_taskcluster: LocalTaskcluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LocalTaskcluster(pulse_url="memory://") as tc:
        queue = tc.client(Queue)
        task_queue_id = submit_task_graph.new_task_queue_id()
        group_id, task_ids = submit_task_graph.create_group(queue, task_queue_id)
        with PulseConsumer(url="memory://", namespace="test") as consumer:
            stream = consumer.listen(*listen_completed.bindings(group_id), idle_timeout=0.5)
            worker.work(queue, task_queue_id, lambda task: task != "test-lint")
            other_group = submit_task_graph.create_group(queue, task_queue_id)[0]
            worker.work(queue, task_queue_id)  # another group: not bound, not received
            events = list(stream)  # until nothing more arrives for 0.5 s
    assert other_group != group_id
    assert [type(e) for e in events] == [TaskCompletedEvent] * 3 + [TaskFailedEvent]
    resolved = [e for e in events if isinstance(e, (TaskCompletedEvent, TaskFailedEvent))]
    assert [e.routing.task_id for e in resolved] == task_ids
    assert all(e.routing.task_group_id == group_id for e in resolved)
    first = events[0]
    assert isinstance(first, TaskCompletedEvent) and first.payload.status.state == "completed"
    assert listen_completed.describe(first) == f"completed {task_ids[0]} run 0 (completed)"
    assert listen_completed.describe(events[3]) == f"failed {task_ids[3]} run 0 on worker-1"


def test_listen_completed_main_reads_the_pulse_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with LocalTaskcluster(pulse_url="memory://") as tc:
        queue = tc.client(Queue)
        task_queue_id = submit_task_graph.new_task_queue_id()
        group_id, task_ids = submit_task_graph.create_group(queue, task_queue_id)
        monkeypatch.setenv("PULSE_URL", "memory://")
        monkeypatch.setenv("PULSE_NAMESPACE", "example")
        monkeypatch.setattr(sys, "argv", ["listen_completed.py", group_id, "0.5"])
        with PulseConsumer.from_env() as consumer:
            stream = consumer.listen(*listen_completed.bindings(group_id), idle_timeout=0.5)
            worker.work(queue, task_queue_id)
            capsys.readouterr()
            listen_completed.main()  # its own queue: bound after the work, receives nothing
            assert capsys.readouterr().out == ""
            assert len(list(stream)) == len(task_ids)
