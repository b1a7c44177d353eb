"""The local Taskcluster: a real HTTP server on 127.0.0.1 (stdlib `ThreadingHTTPServer`).

Every request is routed with the generated endpoints, its query and body validated against
the references' schemas, its Hawk header or bewit verified, the method's scopes checked, and
the reply validated against the output schema before it is sent.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

import pydantic
from typing_extensions import Self

from ..._core.client import AsyncClient, SyncClient
from ..._core.endpoint import validation_errors
from ...credentials import Credentials
from . import (
    auth_clients,
    auth_other,
    auth_roles,
    hooks_service,
    index_service,
    purge_cache_service,
    queue_artifacts,
    queue_claims,
    queue_groups,
    queue_state,
    queue_tasks,
    queue_workers,
    secrets_service,
)
from .auth_state import AuthState, Client, new_access_token, now
from .context import Context, Handler, RawReply, Redirect
from .failures import Failure, error_body
from .hawk_check import Authenticator, Caller, RequestData
from .pulse import PulsePublisher
from .routing import route
from .scope_templates import template, template_params

__all__ = ["IMITATED", "ROOT_CLIENT_ID", "LocalTaskcluster", "handler_for"]

ROOT_CLIENT_ID = "static/taskcluster/root"
_STATIC_CLIENT = (
    "Internal client\n---\n\nThis is a **static client** inserted into this taskcluster "
    "deployment\nthrough static configuration. To modify this client you must contact the\n"
    "administrator who deploys this taskcluster instance."
)
C = TypeVar("C", bound=SyncClient | AsyncClient)

_HANDLERS: dict[str, dict[str, Handler]] = {
    "auth": {**auth_clients.HANDLERS, **auth_roles.HANDLERS, **auth_other.HANDLERS},
    "hooks": hooks_service.HANDLERS,
    "index": index_service.HANDLERS,
    "queue": {
        **queue_tasks.HANDLERS,
        **queue_groups.HANDLERS,
        **queue_claims.HANDLERS,
        **queue_artifacts.HANDLERS,
        **queue_workers.HANDLERS,
    },
    "secrets": secrets_service.HANDLERS,
    "purge-cache": purge_cache_service.HANDLERS,
}
IMITATED = frozenset(_HANDLERS)
"""The services the local Taskcluster imitates (the others answer 501 "not imitated")."""
_ALWAYS = frozenset({"ping", "lbheartbeat", "version", "heartbeat"})


def _alive(ctx: Context) -> Any:
    return {"alive": True, "uptime": 1}


def handler_for(service: str, name: str) -> Handler | None:
    """The handler of the API method `name` of `service` (None: not imitated)."""
    handler = _HANDLERS.get(service, {}).get(name)
    if handler is None and name in _ALWAYS:
        return _alive
    return handler


_BOOLEAN_QUERY = frozenset({"quarantined", "includeArchived"})


def _adapter(kind: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(kind)


def _errors_text(error: pydantic.ValidationError) -> str:
    return "\n".join(f"  * {loc}: {msg}" for loc, msg in validation_errors("data", error))


class LocalTaskcluster:
    """A local Taskcluster deployment (queue, secrets, index, auth, hooks) for tests and demos.

    >>> with LocalTaskcluster() as tc:
    ...     queue = tc.client(Queue)          # root credentials
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        pulse_url: str | None = None,
        claim_timeout: timedelta = timedelta(minutes=20),
        deadline_delay: timedelta = timedelta(0),
    ) -> None:
        """`claim_timeout`: how long a claim lasts before it must be reclaimed (the queue's
        ``claimTimeout``); `deadline_delay`: how long after its deadline an unresolved task is
        resolved ``deadline-exceeded`` (the queue's ``deadlineDelay``: 10 minutes by default
        in a deployment; here 0, so tests need not wait)."""
        self.auth = AuthState()
        self.pulse = PulsePublisher(pulse_url)
        """The queue's Pulse messages: all recorded in ``pulse.messages``, and published to
        `pulse_url` (a kombu URL: ``amqp://...``, ``memory://``) when given."""
        self.authenticator = Authenticator(self.auth)
        self.queue = queue_state.QueueState(
            claim_timeout=claim_timeout, deadline_delay=deadline_delay
        )
        self.secrets = secrets_service.SecretsState()
        self.index = index_service.IndexState()
        self.hooks = hooks_service.HooksState()
        self.purge_cache = purge_cache_service.PurgeCacheState()
        self.root_credentials = self.add_client(ROOT_CLIENT_ID, ["*"])
        self.auth.clients[ROOT_CLIENT_ID].description = _STATIC_CLIENT
        self._address = (host, port)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.root_url = ""

    # Set-up ------------------------------------------------------------------

    def add_client(
        self,
        client_id: str,
        scopes: Sequence[str],
        *,
        access_token: str | None = None,
        expires_in: timedelta = timedelta(days=365),
    ) -> Credentials:
        """Create (or replace) a permanent client; its credentials."""
        token = access_token or new_access_token()
        with self.auth.lock:
            self.auth.clients[client_id] = Client(
                client_id, token, list(scopes), expires=now() + expires_in
            )
        return Credentials(client_id, token)

    def add_role(self, role_id: str, scopes: Sequence[str]) -> None:
        from .auth_state import Role

        with self.auth.lock:
            self.auth.roles[role_id] = Role(role_id, list(scopes))

    def client(
        self,
        client_class: type[C],
        *,
        credentials: Credentials | None = None,
        scopes: Sequence[str] | None = None,
        **options: Any,
    ) -> C:
        """A `client_class` client of this deployment: root credentials, or `credentials`, or
        a new client holding just `scopes`."""
        if scopes is not None:
            credentials = self.add_client(f"test/{new_access_token()[:22]}", scopes)
        return client_class(
            self.root_url, credentials=credentials or self.root_credentials, **options
        )

    # Lifecycle ---------------------------------------------------------------

    def start(self) -> Self:
        self.pulse.open()  # declares the queue's exchanges, as the real publisher does
        server = ThreadingHTTPServer(self._address, _make_handler(self))
        server.daemon_threads = True
        self._server = server
        host, port = server.server_address[0], server.server_address[1]
        self.root_url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.pulse.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # One request -------------------------------------------------------------

    def handle(self, request: RequestData) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for one request."""
        parts = urlsplit(request.resource)
        if parts.path.startswith("/_blobs/"):
            return self._blob(request, parts.path.removeprefix("/_blobs/"))
        segments = parts.path.split("/", 4)
        if len(segments) < 4 or segments[1] != "api" or segments[3] != "v1":
            return _json(404, {"code": "ResourceNotFound", "message": "no such API"})
        service = segments[2]
        path = "/" + (segments[4] if len(segments) > 4 else "")
        found = route(service, request.method, path)
        if found is None:
            failure = Failure(404, "ResourceNotFound", f"no route {request.method} {parts.path}")
            return _json(404, error_body(failure, method="", params={}, payload={}))
        endpoint, params = found.endpoint, found.params
        body: Any = {}
        expression = template(service, endpoint.name)
        context = Context(endpoint, params, self, request, self._caller_of(request, expression))
        try:
            handler = handler_for(service, endpoint.name)
            if handler is None:
                raise Failure(501, "NotImplemented", _not_imitated(service, endpoint.name))
            # As lib-api: a scope expression that the route's parameters determine is checked
            # first (authenticating the caller); then the query and the body are validated;
            # other expressions are checked by the handler, with the values it has found.
            if expression is not None and template_params(expression) <= set(params):
                context.authorize()
            context.query = self._query(endpoint.query, parts.query)
            if endpoint.input_type is not None:
                body, context.payload = self._body(endpoint, request.body)
                context.body = body
            result = handler(context)
            if expression is not None and not context.authorized:
                raise RuntimeError(f"{service}.{endpoint.name} did not authorize")
            if isinstance(result, Redirect):
                status, headers, content = _json(result.status, result.body)
                return status, {**headers, **result.headers, "location": result.location}, content
            if isinstance(result, RawReply):
                status, headers, content = _json(result.status, result.body)
                return status, {**headers, **result.headers}, content
            if endpoint.output_type is None:
                return (204, {}, b"") if result is None else _json(200, result)
            return 200, {"content-type": "application/json"}, self._output(endpoint, result)
        except Failure as failure:
            return _json(
                failure.status,
                error_body(failure, method=endpoint.name, params=params, payload=body),
            )

    def _caller_of(self, request: RequestData, expression: Any) -> Callable[[], Caller]:
        if expression is None:  # methods without scopes do not authenticate
            return lambda: Caller(None, self.auth.expand(["assume:anonymous"]))
        return lambda: self.authenticator.authenticate(request)

    def _blob(self, request: RequestData, token: str) -> tuple[int, dict[str, str], bytes]:
        """The local stand-in for S3: a PUT to an s3 artifact's ``putUrl`` stores the bytes,
        a GET of its URL returns them (the unguessable token is the authorization)."""
        blobs = self.queue.blobs
        with self.queue.lock:
            if token not in blobs:
                return 404, {"content-type": "text/plain"}, b"no such blob"
            if request.method == "PUT":
                blobs[token] = (request.content_type or "application/octet-stream", request.body)
                return 200, {}, b""
            if request.method in ("GET", "HEAD"):
                content_type, content = blobs[token]
                return 200, {"content-type": content_type}, content
        return 405, {"content-type": "text/plain"}, b"method not allowed"

    def _query(self, allowed: tuple[str, ...], raw: str) -> dict[str, str]:
        query = dict(parse_qsl(raw, keep_blank_values=True))
        query.pop("bewit", None)
        for key, value in query.items():
            if key not in allowed:
                raise Failure(400, "InvalidRequestArguments", f"unknown query option {key!r}")
            if key == "limit" and not value.isdigit():
                raise Failure(400, "InvalidRequestArguments", "limit must match ^[0-9]+$")
            if key in _BOOLEAN_QUERY and value not in ("true", "false"):
                raise Failure(400, "InvalidRequestArguments", f"{key} must be true or false")
        return query

    def _body(self, endpoint: Any, raw: bytes) -> tuple[Any, Any]:
        input_type = endpoint.input_type
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            raise Failure(400, "MalformedPayload", "the body is not valid JSON") from None
        if type(body) not in (dict, list):
            raise Failure(400, "MalformedPayload", "the body must be a JSON object or array")
        try:
            return body, _adapter(input_type).validate_python(body)
        except pydantic.ValidationError as error:
            raise Failure(
                400,
                "InputValidationError",
                # worded as lib-api words it (the errors are pydantic's, not ajv's)
                "\nSchema Validation Failed!\nRejecting Schema: the input of "
                f"{endpoint.service}.{endpoint.name}\nErrors:\n{_errors_text(error)}",
            ) from None

    def _output(self, endpoint: Any, result: Any) -> bytes:
        adapter = _adapter(endpoint.output_type)
        if isinstance(result, pydantic.BaseModel):
            result = result.model_dump(mode="json", by_alias=True, exclude_unset=True)
        try:
            adapter.validate_python(result)
        except pydantic.ValidationError as error:  # a bug in the local Taskcluster
            raise RuntimeError(
                f"{endpoint.name}: reply does not match its schema: {_errors_text(error)}"
            ) from None
        return json.dumps(result, separators=(",", ":")).encode()


def _not_imitated(service: str, name: str) -> str:
    if service in _HANDLERS:
        return f"{service}.{name} is not implemented by the local Taskcluster"
    return (
        f"{service}.{name} is not imitated: the local Taskcluster (taskcluster_typed.testing) "
        f"imitates the queue, auth, secrets, index, hooks and purge-cache services, not {service}; "
        "use a real deployment, or a Fake of this client"
    )


def _json(status: int, body: Any) -> tuple[int, dict[str, str], bytes]:
    return status, {"content-type": "application/json"}, json.dumps(body).encode()


def _make_handler(tc: LocalTaskcluster) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else each reply waits ~40 ms for a delayed ACK

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            host_header = self.headers.get("host") or ""
            host, _, port_text = host_header.rpartition(":")
            if not host or not port_text.isdigit():
                host, port_text = host_header, "80"
            port = int(self.headers.get("x-forwarded-port") or port_text)
            request = RequestData(
                method=self.command,
                resource=self.path,
                host=host,
                port=port,
                authorization=self.headers.get("authorization"),
                content_type=self.headers.get("content-type") or "",
                body=body,
            )
            try:
                status, headers, content = tc.handle(request)
            except Exception as error:  # a bug: answer 500 as the service would
                status, headers, content = _json(
                    500, {"code": "InternalServerError", "message": f"{error}", "requestInfo": {}}
                )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _serve  # noqa: N815

    return RequestHandler
