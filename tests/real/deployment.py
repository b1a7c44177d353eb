"""The real Taskcluster v106.0.0 services on loopback, for the conformance suite.

`Deployment` installs (once per machine), starts, checks and stops: Postgres 15, RabbitMQ, an S3
stand-in (moto), one Node process per service, the background processes that make a deployment
behave like a real one (dependency, deadline and claim resolvers, hooks scheduler and listeners,
index and notify handlers), and a path proxy that gives one root URL. Everything it starts is
recorded in a pid file (pid and kernel start time) and stopped by pid; nothing else is touched.

Files:
- the install (Node 24, the monorepo subset with its node_modules, moto's venv: about 1 GB) lives
  in ``$TC_REAL_INSTALL``, by default ``/var/tmp/taskcluster-typed/install-<key>``, keyed by the
  bundle it comes from, and is made by ``real-taskcluster/setup.sh`` from the shared folder
  beside the repository (the one step taken from there);
- the state (databases, broker, logs, pid files) lives in ``$TC_REAL_STATE``, by default
  ``/var/tmp/taskcluster-typed/state``, and is made anew at every start.

A deployment that already answers at the root URL (one started by ``make real-up``) is reused and
left running. Command line: ``python -m tests.real.deployment up|down|status``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .processes import Processes, tail
from .service_env import service_env

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("TC_REAL_SHARED", REPO.parent / "shared" / "real-taskcluster"))
BASE = Path("/var/tmp/taskcluster-typed")
PG_BIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")

ROOT_URL = "http://127.0.0.1:18080"
ROOT_CLIENT_ID = "static/taskcluster/root"
# Upstream's development value (docker/env/.auth); the deployment is reachable from loopback only.
ROOT_ACCESS_TOKEN = "j2Z6zW2QSLehailBXlosdw9e2Ti8R_Qh2M4buAEQfsMA"
PULSE_URL = "amqp://admin:admin@127.0.0.1:5672/local"
PG_PORT, AMQP_PORT, EPMD_PORT, S3_PORT, PROXY_PORT = 15432, 5672, 4369, 3090, 18080

# service -> port behind the proxy (web-server's development profile insists on 3050)
SERVICE_PORTS: Mapping[str, int] = {
    "auth": 18011,
    "hooks": 18013,
    "index": 18014,
    "notify": 18015,
    "object": 18016,
    "purge-cache": 18017,
    "queue": 18018,
    "secrets": 18019,
    "worker-manager": 18020,
    "web-server": 3050,
}
# servers without an API of their own, and the background processes (procs.yml commands)
EXTRA_PROCESSES = [("built-in-workers", "server")]
BACKGROUND = [
    ("queue", "dependency-resolver"),
    ("queue", "deadline-resolver"),
    ("queue", "claim-resolver"),
    ("hooks", "scheduler"),
    ("hooks", "listeners"),
    ("index", "handlers"),
    ("notify", "handler"),
]
START_TIMEOUT = 120.0


class DeploymentError(RuntimeError):
    """The real services could not be brought up; the message says what is missing."""


def _install_key() -> str:
    digest = hashlib.sha256()
    for name in ("taskcluster-v106-subset.tar.gz", "setup.sh", "stubs.sh"):
        path = SHARED / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _get(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return int(reply.status)
    except OSError:
        return 0


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Deployment:
    """One local deployment: `start()` (or reuse), `stop()`; see the module docstring."""

    install: Path
    state: Path
    owned: bool = False

    @classmethod
    def default(cls) -> Deployment:
        install = os.environ.get("TC_REAL_INSTALL") or str(BASE / f"install-{_install_key()}")
        state = os.environ.get("TC_REAL_STATE") or str(BASE / "state")
        return cls(Path(install), Path(state))

    root_url = ROOT_URL
    pulse_url = PULSE_URL

    @property
    def logs(self) -> Path:
        return self.state / "logs"

    @property
    def processes(self) -> Processes:
        return Processes(self.state / "run", self.logs)

    # Health ------------------------------------------------------------------------------

    def answering(self) -> list[str]:
        """The services that answer ``ping`` at the root URL."""
        return [s for s in SERVICE_PORTS if _get(f"{ROOT_URL}/api/{s}/v1/ping") == 200]

    def wait_until_up(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        missing = list(SERVICE_PORTS)
        while time.monotonic() < deadline:
            missing = [s for s in missing if _get(f"{ROOT_URL}/api/{s}/v1/ping") != 200]
            if not missing:
                return
            self._check_alive()
            time.sleep(0.25)
        raise DeploymentError(
            f"services not answering ping after {timeout:.0f} s: {', '.join(missing)} "
            f"(logs in {self.logs})"
        )

    # Start -------------------------------------------------------------------------------

    def start(self) -> None:
        """Reuse a deployment that answers, or install (once) and start one."""
        if len(self.answering()) == len(SERVICE_PORTS):
            self.owned = False
            return
        self.stop()  # leftovers of an earlier run of ours, by pid file
        self.check_prerequisites()
        self.owned = True
        try:
            self._install()
            if self.state.exists():
                shutil.rmtree(self.state)
            for folder in (self.state, self.logs, self.state / "run"):
                folder.mkdir(parents=True, exist_ok=True)
            self.state.chmod(0o755)
            self._start_postgres()
            self._start_rabbitmq()
            self._start_s3()
            self._start_services()
            self.wait_until_up()
            self._start_background()
        except BaseException:
            self.stop()
            raise

    def check_prerequisites(self) -> None:
        problems: list[str] = []
        if not (PG_BIN / "postgres").exists():
            problems.append(f"Postgres 15 (no {PG_BIN}/postgres: apt-get install postgresql-15)")
        if os.geteuid() != 0 and not (RABBIT_BIN / "rabbitmq-server").exists():
            problems.append("RabbitMQ (as root: apt-get install rabbitmq-server; setup does it)")
        if shutil.which("npm") is None:
            problems.append("npm (to fetch Node 24: apt-get install npm)")
        if not (SHARED / "setup.sh").exists():
            problems.append(f"the real-taskcluster bundle (expected at {SHARED})")
        ports = [PG_PORT, AMQP_PORT, S3_PORT, PROXY_PORT, *SERVICE_PORTS.values()]
        taken = [str(p) for p in ports if _port_open(p)]
        if taken:
            problems.append(
                f"free loopback ports (taken: {', '.join(taken)}; stop what listens there, "
                "e.g. `make real-down`, or another deployment)"
            )
        if problems:
            raise DeploymentError("cannot start the real services; missing: " + "; ".join(problems))

    def _install(self) -> None:
        BASE.mkdir(parents=True, exist_ok=True)
        marker = self.install / ".installed"
        with open(BASE / "install.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if marker.exists():
                return
            log = BASE / "setup.log"
            with open(log, "w") as out:
                done = subprocess.run(
                    ["bash", str(SHARED / "setup.sh")],
                    env={**os.environ, "RT": str(self.install)},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    timeout=900,
                    check=False,
                )
            if done.returncode != 0:
                tail = "".join(log.read_text().splitlines(keepends=True)[-15:])
                raise DeploymentError(f"installing the real services failed ({log}):\n{tail}")
            marker.touch()

    def wait_for(self, what: str, ready: Callable[[], bool], timeout: float = 60.0) -> None:
        """Poll `ready` (bounded), failing early if a process of ours exited."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            self._check_alive()
            time.sleep(0.2)
        raise DeploymentError(f"timed out waiting for {what} (logs in {self.logs})")

    def _check_alive(self) -> None:
        dead = self.processes.dead()
        if dead:
            tails = "\n".join(f"--- {name}.log:\n{text}" for name, text in dead.items())
            raise DeploymentError(f"exited early: {', '.join(dead)}\n{tails}")

    def _chown(self, path: Path, user: str) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, user, user)

    def _start_postgres(self) -> None:
        data = self.state / "pgdata"
        data.mkdir(mode=0o700)
        self._chown(data, "postgres")
        user = "postgres" if os.geteuid() == 0 else None
        subprocess.run(
            [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--locale=C.UTF-8"],
            user=user, group=user, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        self.processes.spawn(
            "postgres",
            [str(PG_BIN / "postgres"), "-D", str(data), "-p", str(PG_PORT), "-k", str(data),
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=300",
             "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
            user="postgres",
        )  # fmt: skip
        self.wait_for("postgres", lambda: self._psql("select 1", db="postgres") == "1")
        # lib-postgres wants en_US ordering (0 < a < A < b): an ICU collation gives it
        self._psql(
            "create database taskcluster template template0 encoding 'UTF8' "
            "locale_provider icu icu_locale 'en-US'",
            db="postgres",
        )
        init_sql = self.install / "src" / "docker" / "postgres" / "init.sql"
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-q",
             "-d", "taskcluster", "-f", str(init_sql)],
            capture_output=True, check=False, timeout=60,
        )  # fmt: skip
        upgrade = subprocess.run(
            [self._node, "db/src/main.js", "upgrade"],
            cwd=self.install / "src",
            env={
                **os.environ,
                "ADMIN_DB_URL": f"postgresql://postgres@127.0.0.1:{PG_PORT}/taskcluster",
                "USERNAME_PREFIX": "taskcluster",
            },
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if upgrade.returncode != 0:
            raise DeploymentError(f"db upgrade failed:\n{upgrade.stdout[-2000:]}{upgrade.stderr}")

    def _psql(self, sql: str, db: str = "taskcluster") -> str:
        done = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", db,
             "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
            capture_output=True, text=True, check=False, timeout=30,
        )  # fmt: skip
        return done.stdout.strip() if done.returncode == 0 else ""

    @property
    def _node(self) -> str:
        return str(self.install / "node" / "package" / "bin" / "node")

    # RabbitMQ ------------------------------------------------------------------------------

    def _rabbit_env(self) -> dict[str, str]:
        home = self.state / "rabbit"
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "RABBITMQ_NODENAME": "rabbit@localhost",
            "RABBITMQ_CONFIG_FILE": str(home / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(home / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(home / "mnesia"),
            "RABBITMQ_LOG_BASE": str(home / "log"),
            "RABBITMQ_PID_FILE": str(home / "rabbit.pid"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "LANG": "C.UTF-8",
        }

    def _start_rabbitmq(self) -> None:
        home = self.state / "rabbit"
        if not home.exists():
            home.mkdir()
            (home / "rabbitmq.conf").write_text(
                f"listeners.tcp.default = 127.0.0.1:{AMQP_PORT}\n"
                "default_user = admin\ndefault_pass = admin\ndefault_vhost = local\n"
                "default_permissions.configure = .*\ndefault_permissions.read = .*\n"
                "default_permissions.write = .*\nloopback_users = none\n"
            )
            (home / "enabled_plugins").write_text("[].\n")
            if os.geteuid() == 0:
                subprocess.run(["chown", "-R", "rabbitmq:rabbitmq", str(home)], check=True)
        env = self._rabbit_env()
        if not _port_open(EPMD_PORT):  # Erlang's port mapper: ours, so stopped by pid too
            self.processes.spawn(
                "epmd", ["epmd", "-address", "127.0.0.1"], env=env, user="rabbitmq"
            )
            self.wait_for("epmd", lambda: _port_open(EPMD_PORT), 10)
        self.processes.spawn(
            "rabbitmq", [str(RABBIT_BIN / "rabbitmq-server")], env=env, user="rabbitmq", cwd=home
        )
        self.wait_for("rabbitmq", lambda: _port_open(AMQP_PORT), 90)

    def stop_rabbitmq(self) -> None:
        """Stop the broker (for tests of reconnection); `start_rabbitmq()` brings it back."""
        self.processes.stop("rabbitmq", grace=30.0)
        self.wait_for("rabbitmq to stop", lambda: not _port_open(AMQP_PORT), 30)

    def start_rabbitmq(self) -> None:
        self._start_rabbitmq()

    # S3 stand-in, services, proxy -----------------------------------------------------------

    def _start_s3(self) -> None:
        moto = self.install / "venv" / "bin" / "moto_server"
        self.processes.spawn("s3", [str(moto), "-H", "127.0.0.1", "-p", str(S3_PORT)])
        self.wait_for("moto S3", lambda: _get(f"http://127.0.0.1:{S3_PORT}/") == 200, 30)
        for bucket in ("public-bucket", "private-bucket"):
            request = urllib.request.Request(f"http://127.0.0.1:{S3_PORT}/{bucket}", method="PUT")
            urllib.request.urlopen(request, timeout=10).close()

    def _start_process(self, service: str, command: str) -> None:
        name = service if command == "server" else f"{service}-{command}"
        self.processes.spawn(
            name,
            [self._node, f"services/{service}/src/main.js", command],
            env=service_env(
                self.install / "src",
                service,
                root_url=ROOT_URL,
                port=SERVICE_PORTS.get(service),
                pg_port=PG_PORT,
                s3_url=f"http://127.0.0.1:{S3_PORT}/",
            ),
            cwd=self.install / "src",
        )

    def _start_services(self) -> None:
        for service, command in [(s, "server") for s in SERVICE_PORTS] + EXTRA_PROCESSES:
            self._start_process(service, command)
        self.processes.spawn(
            "proxy",
            [self._node, str(Path(__file__).with_name("proxy.mjs"))],
            env={
                "PROXY_PORT": str(PROXY_PORT),
                "PROXY_ROUTES": json.dumps(dict(SERVICE_PORTS)),
            },
        )

    def _start_background(self, settle: float = 4.0, attempts: int = 3) -> None:
        """Start the background processes once the servers are up (the listeners bind to
        exchanges that the servers declare). One that exits at once, as when it binds before its
        exchange exists, is started again (a real deployment's supervisor does the same)."""
        for service, command in BACKGROUND:
            self._start_process(service, command)
        names = {f"{service}-{command}": (service, command) for service, command in BACKGROUND}
        restarts = dict.fromkeys(names, 0)
        deadline = time.monotonic() + settle
        while time.monotonic() < deadline:
            for name, (service, command) in names.items():
                if self.processes.alive(name):
                    continue
                if restarts[name] >= attempts:
                    end = tail(self.logs / f"{name}.log")
                    raise DeploymentError(f"{name} keeps exiting:\n{end}")
                restarts[name] += 1
                self._start_process(service, command)
                deadline = max(deadline, time.monotonic() + settle)
            time.sleep(0.25)

    # Stop ----------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop every process this deployment started (by pid file): the proxy, the services,
        then the stores they use."""
        processes = self.processes
        last = ["s3", "rabbitmq", "epmd", "postgres"]
        names = ["proxy", *(n for n in processes.names() if n not in last and n != "proxy")]
        for name in [*names, *last]:
            processes.stop(name, grace=30.0 if name in ("rabbitmq", "postgres") else 10.0)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    deployment = Deployment.default()
    if command == "up":
        started = time.monotonic()
        deployment.start()
        how = "started" if deployment.owned else "already running"
        print(f"real Taskcluster {how} at {ROOT_URL} ({time.monotonic() - started:.0f} s)")
        print(f"export TASKCLUSTER_ROOT_URL={ROOT_URL}")
        print(f"export TASKCLUSTER_CLIENT_ID={ROOT_CLIENT_ID}")
        print(f"export TASKCLUSTER_ACCESS_TOKEN={ROOT_ACCESS_TOKEN}")
        print(f"# pulse: {PULSE_URL}; logs: {deployment.logs}")
    elif command == "down":
        deployment.stop()
        print("stopped what was started from", deployment.state)
    else:
        answering = deployment.answering()
        print(f"{len(answering)}/{len(SERVICE_PORTS)} services answer at {ROOT_URL}")
        return 0 if len(answering) == len(SERVICE_PORTS) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
