"""Settings: URL and credentials from options or PULSE_* variables, Pulse queue names,
the reconnect policy; bad input is refused naming what is wrong, the password never shown."""

from __future__ import annotations

import pytest

from taskcluster_typed.pulse import (
    PulseConfigurationError,
    PulseConsumer,
    PulseSettings,
    ReconnectPolicy,
    queue_name,
)
from taskcluster_typed.pulse.core import Backoff

SECRET = "s3cr3t-pässword"


def test_url_from_pulse_url() -> None:
    settings = PulseSettings.resolve(environ={"PULSE_URL": "amqp://bot:pw@host:5672/vh"})
    assert settings.url == "amqp://bot:pw@host:5672/vh"
    assert settings.username == "bot"
    assert settings.namespace == "bot"  # Pulse: the namespace is the user name


def test_url_built_from_the_services_variables() -> None:
    env = {
        "PULSE_USERNAME": "my bot",
        "PULSE_PASSWORD": "p@ss/word",
        "PULSE_HOSTNAME": "pulse.example.com",
        "PULSE_VHOST": "/",
    }
    settings = PulseSettings.resolve(environ=env)
    assert settings.url == "amqps://my%20bot:p%40ss%2Fword@pulse.example.com:5671/%2F"
    assert settings.namespace == "my bot"
    settings = PulseSettings.resolve(
        environ={**env, "PULSE_AMQPS": "false", "PULSE_VHOST": "local"}
    )
    assert settings.url == "amqp://my%20bot:p%40ss%2Fword@pulse.example.com:5672/local"


def test_options_win_over_the_environment() -> None:
    settings = PulseSettings.resolve(
        url="amqp://a:b@h/v", namespace="ns", environ={"PULSE_URL": "amqp://x:y@z/w"}
    )
    assert (settings.url, settings.namespace) == ("amqp://a:b@h/v", "ns")


def test_missing_variables_are_named() -> None:
    with pytest.raises(PulseConfigurationError) as raised:
        PulseSettings.resolve(environ={"PULSE_USERNAME": "u"})
    assert "PULSE_PASSWORD (password)" in str(raised.value)
    assert "PULSE_HOSTNAME (hostname)" in str(raised.value)
    assert "PULSE_USERNAME" not in str(raised.value).split("set ")[-1]


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"prefetch": 0}, "prefetch"),
        ({"max_length": 0}, "max_length"),
        ({"namespace": "a/b"}, "namespace"),
        ({"queue_name": ""}, "queue_name"),
        ({"url": "http://u:p@h/"}, "amqp://"),
        ({"url": "amqp://u:p@h/", "hostname": "h"}, "either url"),
    ],
)
def test_bad_options_are_refused_by_name(options: dict[str, object], named: str) -> None:
    options.setdefault("url", "amqp://u:p@h/")
    with pytest.raises(PulseConfigurationError, match=named):
        PulseSettings.resolve(**options)  # type: ignore[arg-type]


def test_bad_amqps_value() -> None:
    env = {"PULSE_USERNAME": "u", "PULSE_PASSWORD": "p", "PULSE_HOSTNAME": "h"}
    with pytest.raises(PulseConfigurationError, match="PULSE_AMQPS"):
        PulseSettings.resolve(environ={**env, "PULSE_AMQPS": "maybe"})


def test_the_password_is_never_shown() -> None:
    consumer = PulseConsumer(url=f"amqp://bot:{SECRET}@127.0.0.1:1/v", namespace="bot")
    assert SECRET not in repr(consumer)
    assert SECRET not in repr(consumer.settings)
    assert consumer.settings.safe_url == "amqp://bot:**@127.0.0.1:1/v"


def test_queue_names_follow_pulse() -> None:
    assert queue_name("bot", "completed") == "queue/bot/completed"
    named = PulseSettings.resolve(url="amqp://bot:p@h/", queue_name="completed", max_length=10)
    spec = named.queue()
    assert spec.name == "queue/bot/completed"
    assert (spec.durable, spec.exclusive, spec.auto_delete) == (True, False, False)
    assert dict(spec.arguments) == {"x-queue-type": "quorum", "x-max-length": 10}
    exclusive = PulseSettings.resolve(url="amqp://bot:p@h/", namespace="ns")
    first, second = exclusive.queue(), exclusive.queue()
    assert first.name.startswith("queue/ns/") and first.name != second.name
    assert (first.durable, first.exclusive, first.auto_delete) == (False, True, True)
    assert dict(first.arguments) == {}


def test_reconnect_delays_grow_to_the_cap() -> None:
    policy = ReconnectPolicy(base_delay=0.5, max_delay=4.0, jitter=0.25, random=lambda: 0.5)
    assert [policy.delay(k) for k in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    low = ReconnectPolicy(base_delay=1.0, jitter=0.25, random=lambda: 0.0)
    assert low.delay(1) == 0.75


def test_backoff_gives_up_after_the_bound() -> None:
    clock = [100.0]
    policy = ReconnectPolicy(give_up_after=10.0, random=lambda: 0.5, now=lambda: clock[0])
    backoff = Backoff(policy)
    assert backoff.next_delay() == 0.5
    clock[0] = 110.0
    assert backoff.next_delay() == 1.0
    clock[0] = 110.5
    assert backoff.next_delay() is None


def test_bad_policy() -> None:
    with pytest.raises(ValueError, match="jitter"):
        ReconnectPolicy(jitter=1.0)
    with pytest.raises(ValueError, match="delays"):
        ReconnectPolicy(base_delay=-1)
