"""What a service handler of the local Taskcluster gets: the request, its caller, the state."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..._core.endpoint import Endpoint
from ...scopes import ScopeExpression, remove_given_scopes
from .failures import Failure
from .hawk_check import Caller, RequestData
from .scope_templates import render, template

if TYPE_CHECKING:
    from .app import LocalTaskcluster


@dataclass
class Redirect:
    """A reply that is not 200 JSON (queue artifacts answer 303 with a Location)."""

    status: int
    location: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=lambda: {})


@dataclass
class RawReply:
    """A JSON reply sent as is, not checked against the output schema (the queue answers an
    error artifact with ``424 {reason, message}``)."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=lambda: {})


@dataclass
class Context:
    """One request: its endpoint, route parameters, validated input, and its caller, who is
    authenticated when first needed (as the services do: a request refused before its scopes
    are checked is never authenticated)."""

    endpoint: Endpoint[Any]
    params: dict[str, str]
    server: LocalTaskcluster
    request: RequestData
    authenticate: Callable[[], Caller]
    payload: Any = None  # the validated input model, or None
    body: Any = None  # the request's JSON, as sent
    query: dict[str, str] = field(default_factory=lambda: {})
    authorized: bool = False
    _caller: Caller | None = None

    @property
    def service(self) -> str:
        return self.endpoint.service

    @property
    def caller(self) -> Caller:
        """Who made the request (authenticated now if not yet: `Failure` 401)."""
        if self._caller is None:
            self._caller = self.authenticate()
        return self._caller

    def authorize(self, **values: Any) -> None:
        """Check the method's scope expression, rendered with the route params and `values`
        (403 InsufficientScopes when the caller's scopes do not satisfy it)."""
        self.authorized = True
        expression = template(self.service, self.endpoint.name)
        if expression is None:
            return
        rendered = render(expression, {**self.params, **values})
        if rendered == {"AllOf": []}:  # nothing required: a public request, not authenticated
            return
        require(self.caller, rendered)


def require(caller: Caller, expression: ScopeExpression) -> None:
    """403 InsufficientScopes, worded as the services word it, unless `caller`'s scopes
    satisfy `expression`."""
    missing = remove_given_scopes(caller.scopes, expression)
    if missing is not None:
        who = caller.client_id or "an anonymous caller"
        raise Failure(
            403,
            "InsufficientScopes",
            f"Client ID {who} does not have sufficient scopes and is missing the following "
            f"scopes:\n\n{json.dumps(missing)}\n\nThis request requires the client to "
            f"satisfy the following scope expression:\n\n{json.dumps(expression)}",
        )


Handler = Callable[[Context], Any]
