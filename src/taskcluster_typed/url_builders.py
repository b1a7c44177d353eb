"""URLs of API methods, unsigned or signed with a bewit.

Every service client has two generated builders with the methods' own signatures (route
parameters, then the query options as keywords), returning a ``str``:

    queue.urls.get_artifact(task_id, run_id, "public/logs/live.log")
    queue.signed_urls.get_artifact(task_id, run_id, name, expires_in=timedelta(hours=1))

`urls` has every method (the payload of a POST is not part of its URL); `signed_urls` has
only the GET methods, the only ones a bewit can authorize, so signing a POST is a type error
(and a `ValueError` at run time for a hand-built call). A signed URL carries the client's
credentials as a Hawk bewit: ``id\\exp\\mac\\ext`` with the certificate of temporary
credentials and the client's ``authorized_scopes`` in ``ext``; anyone holding the URL can
make that GET until it expires (15 minutes by default), so treat it as a secret. The error
messages and logs of this package redact bewits (`errors.redact_url`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeAlias
from urllib.parse import urlsplit

from ._core import hawk
from ._core.endpoint import Endpoint
from ._core.errors import ArgumentError, CredentialsError
from ._core.urls import expand_path, expand_route, method_url
from .credentials import Credentials
from .scopes import Scopes

__all__ = [
    "DEFAULT_SIGNED_URL_EXPIRY",
    "ExpiresIn",
    "SignedUrlBuilder",
    "UrlBuilder",
    "UrlContext",
    "sign_url",
]

DEFAULT_SIGNED_URL_EXPIRY = timedelta(minutes=15)
# A signed URL's lifetime: a timedelta, or seconds.
ExpiresIn: TypeAlias = timedelta | float


def _now() -> float:
    """Unix time; the tests move it."""
    return time.time()


def _seconds(expires_in: ExpiresIn) -> float:
    seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else float(expires_in)
    if not seconds > 0:
        raise ArgumentError(f"expires_in must be positive, not {expires_in!r}")
    return seconds


def sign_url(
    url: str,
    credentials: Credentials,
    *,
    expires_in: ExpiresIn = DEFAULT_SIGNED_URL_EXPIRY,
    authorized_scopes: Scopes | None = None,
) -> str:
    """`url` with a ``bewit`` appended that authorizes a GET of it until `expires_in` from now.

    The expiry is whole Unix seconds (``int(now + expires_in)``, as the official clients
    make it); the server allows no clock skew for bewits.
    """
    if not isinstance(credentials, Credentials):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise CredentialsError("signing a URL needs taskcluster_typed.Credentials")
    if isinstance(authorized_scopes, str):
        raise ArgumentError("authorized_scopes must be a sequence of scopes, not a str")
    if "#" in url:
        raise ArgumentError("a URL to sign must not have a fragment")
    expires_at = int(_now() + _seconds(expires_in))
    bewit = hawk.bewit(
        credentials=credentials,
        authorized_scopes=None if authorized_scopes is None else list(authorized_scopes),
        url=url,
        expires_at=expires_at,
    )
    separator = "&" if urlsplit(url).query else "?"
    if url.endswith(("?", "&")):
        separator = ""
    return f"{url}{separator}bewit={bewit}"


@dataclass(frozen=True, slots=True)
class UrlContext:
    """What a client's URLs are made of, taken from the client when a builder is made."""

    root_url: str
    service: str
    api_version: str
    credentials: Credentials | None
    authorized_scopes: tuple[str, ...] | None

    def __repr__(self) -> str:
        return f"UrlContext({self.root_url!r}, {self.service!r}, credentials={self.credentials!r})"

    def url(
        self,
        endpoint: Endpoint[Any],
        params: Mapping[str, object],
        query: Mapping[str, object] | None = None,
    ) -> str:
        """The URL a call of `endpoint` with these arguments requests."""
        path = expand_route(endpoint.name, endpoint.route, params)
        return method_url(self.root_url, self.service, self.api_version, path, query)

    def signed_url(
        self,
        endpoint: Endpoint[Any],
        params: Mapping[str, object],
        query: Mapping[str, object] | None = None,
        *,
        expires_in: ExpiresIn = DEFAULT_SIGNED_URL_EXPIRY,
    ) -> str:
        """The URL with a bewit; only for GET methods."""
        if endpoint.method != "GET":
            raise ArgumentError(
                f"{endpoint.service}.{endpoint.name} is a {endpoint.method} method: "
                "only GET methods can have a signed URL"
            )
        if self.credentials is None:
            raise CredentialsError(
                f"{endpoint.service}.{endpoint.name}: a signed URL needs a client with credentials"
            )
        return sign_url(
            self.url(endpoint, params, query),
            self.credentials,
            expires_in=expires_in,
            authorized_scopes=self.authorized_scopes,
        )


class UrlBuilder:
    """Base of the generated ``<Service>Urls``: one method per API method, returning its URL."""

    __slots__ = ("_context",)

    def __init__(self, context: UrlContext) -> None:
        self._context = context

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._context.root_url!r})"

    def _url(
        self,
        endpoint: Endpoint[Any],
        params: Mapping[str, object],
        query: Mapping[str, object] | None = None,
    ) -> str:
        return self._context.url(endpoint, params, query)

    def for_route(
        self,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        query: Mapping[str, object] | None = None,
    ) -> str:
        """The URL of any route of the service, as ``request()`` takes it:
        ``queue.urls.for_route("task/<taskId>/status", params={"taskId": task_id})``."""
        context = self._context
        path = expand_path(f"{context.service}.for_route", path, params)
        return method_url(context.root_url, context.service, context.api_version, path, query)


class SignedUrlBuilder(UrlBuilder):
    """Base of the generated ``<Service>SignedUrls``: one method per GET method, and
    `for_route` for any GET route."""

    __slots__ = ()

    def for_route(
        self,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        query: Mapping[str, object] | None = None,
        expires_in: ExpiresIn = DEFAULT_SIGNED_URL_EXPIRY,
    ) -> str:
        """The signed URL of any GET route of the service, as ``request()`` takes it:
        ``queue.signed_urls.for_route("task/<taskId>/runs/<runId>/artifacts/<name>",
        params={"taskId": t, "runId": 0, "name": "private/x"})``."""
        context = self._context
        if context.credentials is None:
            raise CredentialsError(f"{context.service}: a signed URL needs credentials")
        return sign_url(
            super().for_route(path, params=params, query=query),
            context.credentials,
            expires_in=expires_in,
            authorized_scopes=context.authorized_scopes,
        )

    def _signed_url(
        self,
        endpoint: Endpoint[Any],
        params: Mapping[str, object],
        query: Mapping[str, object] | None = None,
        *,
        expires_in: ExpiresIn = DEFAULT_SIGNED_URL_EXPIRY,
    ) -> str:
        return self._context.signed_url(endpoint, params, query, expires_in=expires_in)
