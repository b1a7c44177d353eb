"""Where to connect and what to declare: a Pulse consumer's settings, without I/O.

Pulse conventions (as taskcluster-lib-pulse follows them):

- The broker URL comes from ``PULSE_URL`` (``amqps://user:password@host:5671/vhost``), or is
  built from ``PULSE_USERNAME``, ``PULSE_PASSWORD``, ``PULSE_HOSTNAME``, ``PULSE_VHOST`` (``/``
  when unset) and ``PULSE_AMQPS`` (``true`` unless ``false``): the variables the Taskcluster
  services themselves read. Options given to the consumer win over the environment.
- A user's objects live in its namespace, by default its user name: queues are named
  ``queue/<namespace>/<name>``. Mozilla's Pulse lets a user configure and write only there.
- A named queue (``queue_name``) is durable and survives the consumer, a quorum queue as
  lib-pulse declares it (``x-queue-type: quorum``): messages wait in it while the consumer is
  away. Without a name the queue is exclusive and auto-deleted: it gets a new random name
  ``queue/<namespace>/<slugid>`` on every connection and vanishes with the connection.

The password never appears in a repr or an error message: `PulseSettings.safe_url` masks it.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from ..slugids import slugid
from .errors import PulseConfigurationError

__all__ = ["PulseSettings", "QueueSpec", "ReconnectPolicy", "queue_name"]

_DEFAULT_PREFETCH = 5  # as taskcluster-lib-pulse


def queue_name(namespace: str, name: str) -> str:
    """``queue/<namespace>/<name>``, the only queues a Pulse user may declare."""
    return f"queue/{namespace}/{name}"


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """The queue to declare on each connection (the driver passes these to its library)."""

    name: str
    durable: bool
    exclusive: bool
    auto_delete: bool
    arguments: Mapping[str, Any]


@dataclass(frozen=True)
class ReconnectPolicy:
    """How long to wait between attempts to (re)connect, and when to give up.

    The wait before attempt ``k`` (1-based; none before the first) is
    ``min(base_delay * 2**(k-1) * (1 + jitter * u), max_delay)`` with ``u`` uniform in
    [-1, 1). The consumer gives up, raising `PulseConnectionError`, when the broker has been
    unreachable for more than `give_up_after` seconds in a row (a successful connection
    starts the count again). `random` and `now` are injectable for tests.
    """

    base_delay: float = 0.5
    max_delay: float = 10.0
    jitter: float = 0.25
    give_up_after: float = 300.0
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)
    now: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.base_delay < 0 or self.max_delay < 0 or self.give_up_after < 0:
            raise ValueError("ReconnectPolicy: delays must be >= 0")
        if not 0 <= self.jitter < 1:
            raise ValueError("ReconnectPolicy: jitter must be in [0, 1)")

    def delay(self, attempt: int) -> float:
        """Seconds to wait before attempt number `attempt` (1 for the first retry)."""
        spread = 1.0 + self.jitter * (2.0 * float(self.random()) - 1.0)
        return min(self.base_delay * 2.0 ** max(attempt - 1, 0) * spread, self.max_delay)

    def gives_up(self, failing_since: float) -> bool:
        """True once the broker has been failing for longer than `give_up_after`."""
        return self.now() - failing_since > self.give_up_after


def _env_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes"):
        return True
    if lowered in ("0", "false", "no"):
        return False
    raise PulseConfigurationError(f"{name} must be true or false, not {value!r}")


@dataclass(frozen=True)
class PulseSettings:
    """A consumer's resolved settings. Build with `PulseSettings.resolve`."""

    url: str = field(repr=False)
    username: str
    namespace: str
    queue_name: str | None = None
    prefetch: int = _DEFAULT_PREFETCH
    max_length: int | None = None
    reconnect: ReconnectPolicy = field(default_factory=ReconnectPolicy)

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not self.namespace or "/" in self.namespace:
            problems.append(f"namespace {self.namespace!r} must be a non-empty word without '/'")
        if self.queue_name is not None and not self.queue_name:
            problems.append("queue_name must not be empty (None for an exclusive queue)")
        if self.prefetch < 1:
            problems.append(f"prefetch must be >= 1, not {self.prefetch}")
        if self.max_length is not None and self.max_length < 1:
            problems.append(f"max_length must be >= 1, not {self.max_length}")
        if problems:
            raise PulseConfigurationError("; ".join(problems))

    @property
    def safe_url(self) -> str:
        """The URL with the password masked: for messages and logs."""
        parts = urlsplit(self.url)
        if parts.password is None:
            return self.url
        netloc = f"{parts.username}:**@{parts.hostname}"
        if parts.port is not None:
            netloc += f":{parts.port}"
        return parts._replace(netloc=netloc).geturl()

    @property
    def durable(self) -> bool:
        return self.queue_name is not None

    def queue(self) -> QueueSpec:
        """The queue to declare now: the named one, or a fresh exclusive one."""
        arguments: dict[str, Any] = {}
        if self.max_length is not None:
            arguments["x-max-length"] = self.max_length
        if self.queue_name is not None:
            arguments["x-queue-type"] = "quorum"
            return QueueSpec(
                queue_name(self.namespace, self.queue_name),
                durable=True,
                exclusive=False,
                auto_delete=False,
                arguments=arguments,
            )
        return QueueSpec(
            queue_name(self.namespace, slugid()),
            durable=False,
            exclusive=True,
            auto_delete=True,
            arguments=arguments,
        )

    @classmethod
    def resolve(
        cls,
        *,
        url: str | None = None,
        username: str | None = None,
        password: str | None = None,
        hostname: str | None = None,
        vhost: str | None = None,
        amqps: bool | None = None,
        namespace: str | None = None,
        queue_name: str | None = None,
        prefetch: int = _DEFAULT_PREFETCH,
        max_length: int | None = None,
        reconnect: ReconnectPolicy | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> PulseSettings:
        """Settings from the options given, then the ``PULSE_*`` variables of `environ`
        (None: read nothing from the environment)."""
        env: Mapping[str, str] = {} if environ is None else environ
        url = url or env.get("PULSE_URL") or None
        if url is not None and (hostname or username or password):
            raise PulseConfigurationError("give either url or username/password/hostname")
        if url is None:
            username = username or env.get("PULSE_USERNAME")
            password = password if password is not None else env.get("PULSE_PASSWORD")
            hostname = hostname or env.get("PULSE_HOSTNAME")
            vhost = vhost if vhost is not None else env.get("PULSE_VHOST", "/")
            if amqps is None:
                raw = env.get("PULSE_AMQPS")
                amqps = True if raw is None else _env_bool("PULSE_AMQPS", raw)
            missing = [
                name
                for name, value in (
                    ("PULSE_USERNAME (username)", username),
                    ("PULSE_PASSWORD (password)", password),
                    ("PULSE_HOSTNAME (hostname)", hostname),
                )
                if not value
            ]
            if missing:
                raise PulseConfigurationError(
                    "no Pulse URL: set PULSE_URL or give url, or set " + ", ".join(missing)
                )
            assert username is not None and password is not None and hostname is not None
            scheme, port = ("amqps", 5671) if amqps else ("amqp", 5672)
            url = (
                f"{scheme}://{quote(username, safe='')}:{quote(password, safe='')}"
                f"@{hostname}:{port}/{quote(vhost, safe='')}"
            )
        parts = urlsplit(url)
        if parts.scheme not in ("amqp", "amqps", "memory"):
            raise PulseConfigurationError(
                f"the Pulse URL must be amqp:// or amqps:// (or memory:// in tests), "
                f"not {parts.scheme}://"
            )
        user = unquote(parts.username or "") or username or ""
        namespace = namespace or env.get("PULSE_NAMESPACE") or user
        if not namespace:
            raise PulseConfigurationError(
                "no namespace: give namespace (or a URL with a user name)"
            )
        return cls(
            url=url,
            username=user,
            namespace=namespace,
            queue_name=queue_name,
            prefetch=prefetch,
            max_length=max_length,
            reconnect=reconnect or ReconnectPolicy(),
        )


def environ() -> Mapping[str, str]:
    """The process environment (a function so tests can see when it is read)."""
    return os.environ
