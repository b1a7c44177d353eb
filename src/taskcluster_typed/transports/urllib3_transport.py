"""An httpx transport over urllib3 2.x: the sync clients' default (see `selection`).

urllib3 (the engine under requests and botocore) does the HTTP/1.1: parsing, framing,
keep-alive, TLS, proxies. This adapter only turns an `httpx.Request` into a urllib3 call and
the reply into an `httpx.Response`, and adds what the SDK needs on top:

- the request target goes on the wire exactly as httpx built it and Hawk signed it
  (``url.raw_path``; urllib3 is handed the target, not a URL to re-encode);
- no retries and no redirects inside urllib3 (``Retry(total=False)``): the SDK's retry policy
  is the only one; a Content-Length that does not match the body, or conflicting
  Content-Length headers, are errors (urllib3's ``enforce_content_length``, ``InvalidHeader``);
- an *attempt deadline*: with a timeout, one watchdog thread per transport (`attempt_bound`)
  shuts the socket of an attempt that passes ``start + timeout`` (a server trickling a byte
  every half second cannot hold a call), and the attempt fails with `httpx.ReadTimeout`;
- fork safety: the pools belong to the process that built them; used in a forked child the
  transport builds new ones and never sends, reads, shuts down or TLS-closes the parent's
  connections (their descriptors are closed in the child only);
- proxies from ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` (any case, as
  `urllib.request.getproxies` and `proxy_bypass` read them); a ``socks`` proxy needs the
  ``socks`` extra, and without it is a `ConfigurationError` naming it;
- urllib3's errors raised as httpx's exceptions, so the pipeline's retries and typed errors
  work as on every transport.
"""

from __future__ import annotations

import functools
import os
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import httpx
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    HTTPError,
    InvalidHeader,
    NewConnectionError,
    ProtocolError,
    ProxyError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util import Retry, Timeout

from .._core.errors import ConfigurationError
from .._core.pipeline import ATTEMPT_TIMEOUT, Outgoing, WireReply
from .attempt_bound import Attempt, Watchdog

__all__ = ["Urllib3Transport"]

# Replies up to this size (with a Content-Length) are read before the response is returned,
# so the connection goes back to the pool at once; larger ones are streamed.
_EAGER_LIMIT = 256 * 1024
_READ_SIZE = 64 * 1024
_NO_RETRIES = Retry(total=False, redirect=False, raise_on_redirect=False, raise_on_status=False)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# A connection idle for longer is not reused: servers close idle keep-alive connections
# (Node's default, the Taskcluster services', is 5 s), and a request that crosses the close
# fails after it may have been sent (then only idempotent calls are retried).
KEEPALIVE_EXPIRY = 4.0
# Hosts kept a pool for (a Taskcluster deployment, and the storage hosts of transfers).
_MAX_POOLS = 100

_current = threading.local()


def _before_request(conn: HTTPConnection) -> None:
    """Tell the running attempt which connection carries it (for its deadline), and drop a
    connection idle for longer than `KEEPALIVE_EXPIRY` (reconnect instead)."""
    attempt: Attempt | None = getattr(_current, "attempt", None)
    if attempt is not None:
        attempt.conn = conn
        if attempt.expired:
            raise TimeoutError("the attempt's deadline passed")
    last: float | None = getattr(conn, "tc_last_reply", None)
    if last is not None and conn.sock is not None and time.monotonic() - last > KEEPALIVE_EXPIRY:
        conn.close()  # http.client connects again when the request is sent


class _WatchedHTTPConnection(HTTPConnection):
    """A connection that tells the running attempt it carries it, and notes when its last
    reply came (for `KEEPALIVE_EXPIRY`)."""

    def request(self, *args: Any, **kwargs: Any) -> None:
        _before_request(self)
        super().request(*args, **kwargs)

    def getresponse(self) -> Any:
        response = super().getresponse()
        self.tc_last_reply = time.monotonic()
        return response


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    """The same over TLS (its methods come first in the order, then HTTPSConnection's)."""


class _HTTPPool(HTTPConnectionPool):
    # urllib3's documented hook for the connection class (its protocol type is stricter than
    # the concrete classes it ships).
    ConnectionCls = _WatchedHTTPConnection  # pyright: ignore[reportAssignmentType]


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection  # pyright: ignore[reportAssignmentType]


# Our pool classes, for this transport's managers only (`PoolManager.pool_classes_by_scheme`).
_POOL_CLASSES: dict[str, type[HTTPConnectionPool]] = {"http": _HTTPPool, "https": _HTTPSPool}


def _proxy_for(proxies: dict[str, str], scheme: str, host: str) -> str | None:
    """The proxy URL `proxies` (the environment's) give for this scheme and host, if any."""
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    return proxy


def _socks_manager(proxy: str, **kwargs: Any) -> urllib3.PoolManager:
    import importlib.util

    if importlib.util.find_spec("socks") is None:  # PySocks, urllib3's socks dependency
        raise ConfigurationError(
            f"a {_scheme_of(proxy)} proxy is set in the environment but socks support is not "
            "installed: pip install 'taskcluster-typed[socks]'"
        )
    from urllib3.contrib.socks import SOCKSProxyManager

    return SOCKSProxyManager(proxy, **kwargs)


def _scheme_of(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else ""


class Urllib3Transport(httpx.BaseTransport):
    """An `httpx.BaseTransport` over urllib3 pools (HTTP/1.1, keep-alive, thread-safe).

    ``httpx.Client(transport=Urllib3Transport())`` or, in this SDK,
    ``Queue(root_url, transport="urllib3")`` (the default for sync clients).
    `ssl_context` defaults to the package's shared verified context, built when the first
    ``https`` pool is (none for ``http://`` hosts); `trust_env=False` ignores the proxy
    variables.
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None = None,
        maxsize: int = 50,
        trust_env: bool = True,
    ) -> None:
        self._ssl_context = ssl_context
        self._maxsize = maxsize
        self._trust_env = trust_env
        self._lock = threading.Lock()
        self._closed = False
        self._start(os.getpid())

    def _start(self, pid: int) -> None:
        self._pid = pid
        # (proxy, TLS to the host) -> its manager (TLS settings only where TLS is spoken).
        self._managers: dict[tuple[str | None, bool], urllib3.PoolManager] = {}
        # (scheme, host, port) -> its pool, and whether the target goes in origin form (not
        # through an HTTP proxy); filled on first use (saves urllib3's key building per call).
        self._pools: dict[tuple[str, str, int], tuple[HTTPConnectionPool, bool]] = {}
        self._watchdog = Watchdog()
        # The proxy variables, read once (as httpx does when a client is built).
        self._proxies = urllib.request.getproxies_environment() if self._trust_env else {}

    def _pool_kwargs(self, tls: bool) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"num_pools": _MAX_POOLS, "maxsize": self._maxsize, "block": False}
        if tls:
            if self._ssl_context is None:
                from .pool_settings import shared_ssl_context

                self._ssl_context = shared_ssl_context()
            kwargs["ssl_context"] = self._ssl_context
        return kwargs

    def _manager(self, proxy: str | None, tls: bool) -> urllib3.PoolManager:
        key = (proxy, tls)
        manager = self._managers.get(key)
        if manager is not None:
            return manager
        with self._lock:
            manager = self._managers.get(key)
            if manager is None:
                kwargs = self._pool_kwargs(tls)
                if proxy is None:
                    manager = urllib3.PoolManager(**kwargs)
                    manager.pool_classes_by_scheme = _POOL_CLASSES
                elif _scheme_of(proxy).startswith("socks"):
                    manager = _socks_manager(proxy, **kwargs)
                else:
                    manager = urllib3.ProxyManager(proxy, **kwargs)
                    manager.pool_classes_by_scheme = _POOL_CLASSES
                self._managers[key] = manager
        return manager

    def _check_process(self) -> None:
        """In a forked child: forget the parent's pools (closing only our descriptors)."""
        pid = os.getpid()
        if pid == self._pid:
            return
        # The parent's lock may have been held by one of its threads when it forked: a new one.
        self._lock = threading.Lock()
        inherited = self._managers
        self._start(pid)
        for manager in inherited.values():
            manager.clear()  # closes the child's copies of the descriptors: nothing is sent

    def _pool_for(self, key: tuple[str, str, int]) -> tuple[HTTPConnectionPool, bool]:
        """The pool for a (scheme, host, port) not seen yet, and whether the target goes in
        origin form (not through an HTTP proxy)."""
        scheme, host, port = key
        if scheme not in _DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {scheme!r}")
        if not host:
            raise httpx.UnsupportedProtocol("the URL has no host")
        proxy = _proxy_for(self._proxies, scheme, host) if self._proxies else None
        pool = self._manager(proxy, scheme == "https").connection_from_host(host, port, scheme)
        if len(self._pools) >= _MAX_POOLS:
            self._pools.clear()  # before the managers evict (and close) any of them
        found = self._pools[key] = (pool, proxy is None or scheme == "https")
        return found

    def _urlopen(
        self,
        method: str,
        key: tuple[str, str, int],
        target: tuple[str, str],
        headers: dict[str, str],
        body: bytes | Iterator[bytes] | None,
        timeouts: tuple[float | None, float | None, float | None],
    ) -> tuple[urllib3.BaseHTTPResponse, Attempt | None]:
        """Send a request and read the reply's head (its body is the caller's to read; the
        caller also finishes the returned attempt with the watchdog).

        `key` is (scheme, host, port), `target` the request target in origin form (as
        signed) and in absolute form (for an HTTP proxy), `timeouts` (connect, read, the
        attempt's bound)."""
        if self._closed:
            raise RuntimeError("the transport is closed")
        self._check_process()
        found = self._pools.get(key)
        if found is None:
            found = self._pool_for(key)
        pool, direct = found
        connect, read, attempt_timeout = timeouts
        attempt = None
        if attempt_timeout is not None:
            attempt = Attempt(time.monotonic() + attempt_timeout)
            connect = attempt_timeout if connect is None else min(connect, attempt_timeout)
            self._watchdog.watch(attempt)
        _current.attempt = attempt
        try:
            response = pool.urlopen(
                method,
                target[0] if direct else target[1],
                body=body,
                headers=headers,
                retries=_NO_RETRIES,
                redirect=False,
                assert_same_host=False,
                timeout=_timeout(connect, read),
                preload_content=False,
                decode_content=False,
                enforce_content_length=True,
                chunked="transfer-encoding" in headers,
            )
        except Exception as exc:
            self._finish(attempt)
            raise _map_error(exc, attempt) from exc
        finally:
            _current.attempt = None
        return response, attempt

    def _finish(self, attempt: Attempt | None) -> None:
        if attempt is not None:
            self._watchdog.finish(attempt)

    def _read(
        self, response: urllib3.BaseHTTPResponse, attempt: Attempt | None, *, decode: bool
    ) -> bytes:
        """The whole body of a reply (its Content-Encoding undone if `decode`), its connection
        back in the pool, its attempt finished."""
        try:
            content = response.read(decode_content=decode)
        except Exception as exc:
            raise _map_error(exc, attempt) from exc
        finally:
            self._finish(attempt)
        response.release_conn()
        return content

    def send(self, request: Outgoing) -> WireReply:
        """Send one of the SDK's requests and read its whole reply (the pipeline's path:
        no `httpx.Request` or `httpx.Response` is built)."""
        target = request.target
        bound = request.timeout
        response, attempt = self._urlopen(
            request.method,
            (target.scheme, target.host, target.port),
            (target.path, target.absolute),
            request.headers,
            request.content,
            (bound, bound, bound),
        )
        content = self._read(response, attempt, decode=True)
        return WireReply(response.status, response.headers, content)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.scheme
        key = (scheme, url.raw_host.decode("ascii"), url.port or _DEFAULT_PORTS.get(scheme, 0))
        timeouts: Any = request.extensions.get("timeout") or {}
        bound: float | None = request.extensions.get(ATTEMPT_TIMEOUT)
        # The target as it was signed; in absolute form to an HTTP proxy.
        target = (url.raw_path.decode("ascii"), str(url))
        headers = dict(request.headers.items())  # (repeated names joined with ", ")
        response, attempt = self._urlopen(
            request.method,
            key,
            target,
            headers,
            _request_body(request),
            (timeouts.get("connect"), timeouts.get("read"), bound),
        )
        length = response.length_remaining
        stream: httpx.SyncByteStream
        if request.method == "HEAD" or (length is not None and length <= _EAGER_LIMIT):
            stream = httpx.ByteStream(self._read(response, attempt, decode=False))
            eager = True
        else:
            stream = _ResponseStream(response, attempt, self._watchdog)
            eager = False
        result = httpx.Response(
            status_code=response.status,
            headers=list(response.headers.items()),
            stream=stream,
            request=request,
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": (response.reason or "").encode("ascii", "replace"),
            },
        )
        if eager:
            result.read()
        return result

    def close(self) -> None:
        """Close every pooled connection (of this process) and stop the watchdog."""
        self._closed = True
        self._check_process()  # in a forked child, the parent's pools are only let go
        with self._lock:
            managers, self._managers = self._managers, {}
            self._pools = {}
        for manager in managers.values():
            manager.clear()
        self._watchdog.close()


@functools.lru_cache(maxsize=64)
def _timeout(connect: float | None, read: float | None) -> Timeout:
    return Timeout(connect=connect, read=read)


def _request_body(request: httpx.Request) -> bytes | Iterator[bytes] | None:
    try:
        content = request.content
    except httpx.RequestNotRead:
        stream = request.stream
        if not isinstance(stream, httpx.SyncByteStream):
            raise RuntimeError("an async request body cannot be sent by a sync transport") from None
        return iter(stream)
    return content or None


class _ResponseStream(httpx.SyncByteStream):
    """A large or unsized reply body, read as it is iterated."""

    def __init__(
        self,
        response: urllib3.BaseHTTPResponse,
        attempt: Attempt | None,
        watchdog: Watchdog,
    ) -> None:
        self._response = response
        self._attempt = attempt
        self._watchdog = watchdog
        self._complete = False

    def __iter__(self) -> Iterator[bytes]:
        try:
            while True:
                chunk = self._response.read1(_READ_SIZE)
                if not chunk:
                    self._complete = True
                    return
                yield chunk
        except Exception as exc:
            raise _map_error(exc, self._attempt) from exc

    def close(self) -> None:
        if self._attempt is not None:
            self._watchdog.finish(self._attempt)
        response = self._response
        if not self._complete:
            response.close()  # read in part: the connection cannot carry another request
        response.release_conn()


def _map_error(exc: BaseException, attempt: Attempt | None) -> Exception:
    """The httpx exception for a urllib3 (or socket) failure."""
    if isinstance(exc, httpx.HTTPError | ConfigurationError | RuntimeError):
        return exc
    message = str(exc) or type(exc).__name__
    if attempt is not None and attempt.expired:
        return httpx.ReadTimeout("the attempt's timeout passed")
    if isinstance(exc, NewConnectionError) and not isinstance(exc.__cause__, TimeoutError):
        return httpx.ConnectError(message)  # (a ConnectTimeoutError subclass)
    if isinstance(exc, ConnectTimeoutError):
        return httpx.ConnectTimeout(message)
    if isinstance(exc, ReadTimeoutError | TimeoutError | socket.timeout):
        return httpx.ReadTimeout(message)
    if isinstance(exc, DecodeError):  # a body its Content-Encoding does not decode
        return httpx.DecodingError(message)
    if isinstance(exc, SSLError | ProxyError):
        return httpx.ConnectError(message)
    if isinstance(exc, InvalidHeader | ProtocolError):
        return httpx.RemoteProtocolError(message)
    if isinstance(exc, HTTPError | OSError):
        return httpx.ReadError(message)
    return exc if isinstance(exc, Exception) else RuntimeError(message)
