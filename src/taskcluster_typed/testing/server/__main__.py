"""``python -m taskcluster_typed.testing.server [--port N] [--pulse-url URL]``: run the local
Taskcluster until interrupted, printing its root URL and the root client's credentials as shell
variables."""

from __future__ import annotations

import argparse
import contextlib
import threading

from .app import LocalTaskcluster


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m taskcluster_typed.testing.server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="default: any free port")
    parser.add_argument(
        "--pulse-url",
        default=None,
        help="publish the queue's Pulse messages to this kombu URL (amqp://...); needs kombu",
    )
    args = parser.parse_args(argv)
    with LocalTaskcluster(host=args.host, port=args.port, pulse_url=args.pulse_url) as tc:
        credentials = tc.root_credentials
        print(f"export TASKCLUSTER_ROOT_URL={tc.root_url}")
        print(f"export TASKCLUSTER_CLIENT_ID={credentials.client_id}")
        print(f"export TASKCLUSTER_ACCESS_TOKEN={credentials.access_token}")
        print("# local Taskcluster running; Ctrl-C stops it", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
