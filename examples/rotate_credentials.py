"""Use temporary credentials that are rotated before they expire: a long-running program keeps
its permanent credentials to itself and makes its calls with short-lived temporary credentials
holding only the scopes it needs (``create_temporary_credentials``, signed locally, no call to
the auth service). Reads only TASKCLUSTER_ROOT_URL, TASKCLUSTER_CLIENT_ID,
TASKCLUSTER_ACCESS_TOKEN (and TASKCLUSTER_CERTIFICATE) through ``Queue.from_env()``, so it runs
against a real deployment unchanged (the permanent credentials must hold the scopes given).

python examples/rotate_credentials.py <task-id>
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from datetime import timedelta

from taskcluster_typed import Credentials, Queue, create_temporary_credentials


class RotatingCredentials:
    """Temporary credentials from `issuer`, re-issued when less than `margin` is left."""

    def __init__(
        self,
        issuer: Credentials,
        scopes: Sequence[str],
        *,
        lifetime: timedelta = timedelta(hours=1),
        margin: timedelta = timedelta(minutes=5),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._issuer, self._scopes = issuer, list(scopes)
        self._lifetime, self._margin, self._clock = lifetime, margin, clock
        self._current: Credentials | None = None
        self._renew_at = 0.0
        self.issued = 0
        """How many temporary credentials were issued so far."""

    def current(self) -> Credentials:
        """Valid temporary credentials, new ones if the current ones expire within `margin`."""
        if self._current is None or self._clock() >= self._renew_at:
            self._current = create_temporary_credentials(
                self._issuer, scopes=self._scopes, expiry=self._lifetime
            )
            self._renew_at = self._clock() + (self._lifetime - self._margin).total_seconds()
            self.issued += 1
        return self._current


def with_fresh_credentials(queue: Queue, rotating: RotatingCredentials) -> Queue:
    """A client sharing `queue`'s connection pool that signs with the current credentials."""
    return queue.with_options(credentials=rotating.current())


def main() -> None:
    """Read a task's status three times through rotating read-only credentials."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("task_id", metavar="task-id")
    task_id: str = parser.parse_args().task_id
    with Queue.from_env() as queue:
        assert queue.credentials is not None, "set TASKCLUSTER_CLIENT_ID/ACCESS_TOKEN"
        rotating = RotatingCredentials(queue.credentials, [f"queue:status:{task_id}"])
        for _ in range(3):
            state = with_fresh_credentials(queue, rotating).status(task_id).status.state
            print(f"  {task_id}: {state} (credentials issued: {rotating.issued})")


if __name__ == "__main__":
    main()
