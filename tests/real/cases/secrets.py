"""Conformance cases of the secrets service."""

from __future__ import annotations

from taskcluster_typed import from_now
from taskcluster_typed._core import errors as tce

from ..world import World
from .table import Invoke, call, case, refused

# secrets ------------------------------------------------------------------------------------


def _secret(w: World) -> str:
    name = w.id("secret")
    w.secrets.set(name, {"secret": {"token": name}, "expires": from_now("1 day")})
    return name


@case("secrets.set")
def _set(w: World) -> Invoke:
    name = w.id("secret")
    return call(
        name,
        {"secret": {"n": 1}, "expires": from_now("1 day")},
        check=lambda r: r is None and w.secrets.get(name).secret == {"n": 1},
    )


@case("secrets.remove")
def _remove(w: World) -> Invoke:
    name = _secret(w)
    return call(
        name,
        check=lambda r: r is None and refused(lambda: w.secrets.get(name), tce.ResourceNotFound),
    )


@case("secrets.get")
def _get(w: World) -> Invoke:
    name = _secret(w)
    return call(name, check=lambda r: r.secret == {"token": name})


@case("secrets.list")
def _list(w: World) -> Invoke:
    _secret(w)
    _secret(w)
    return call(limit=1, check=lambda r: len(r.secrets) == 1 and r.continuation_token)
