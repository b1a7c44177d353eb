"""Taskcluster URLs, as the official clients build them (taskcluster-lib-urls v13).

A root URL loses every trailing ``/``; paths lose every leading ``/``. Route parameters are
percent-encoded fully (``/`` becomes ``%2F``), and a parameter that is empty, ``.`` or ``..``
is refused before anything is sent: such a value would name another resource once a client or
proxy normalises the path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

from .errors import ConfigurationError, RequestValidationError

_PARAM = re.compile(r"<([^>]+)>")


def normalize_root_url(root_url: str) -> str:
    """The root URL without trailing slashes."""
    return root_url.rstrip("/")


def check_root_url(root_url: str) -> str:
    """The root URL normalised, after checking it names an http(s) origin (and path) only.

    Refused with a `ConfigurationError` that never shows a password: another scheme, no host,
    userinfo (``user:pass@``), a query or a fragment (they would change every request's
    target), whitespace or control characters. (A non-ASCII host is sent IDNA-encoded.)
    """
    from urllib.parse import urlsplit

    if not isinstance(root_url, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ConfigurationError(f"root_url must be a str, not {type(root_url).__name__}")
    if any(ord(c) <= 0x20 or 0x7F <= ord(c) <= 0x9F for c in root_url):
        raise ConfigurationError("root_url must not contain whitespace or control characters")
    try:
        parts = urlsplit(root_url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise ConfigurationError(f"root_url is not a valid URL: {exc}") from None
    if "@" in parts.netloc:
        raise ConfigurationError(
            "root_url must not contain credentials (user:password@): use credentials="
        )
    shown = f"{parts.scheme}://{parts.netloc}{parts.path}"
    if parts.scheme not in ("http", "https"):
        raise ConfigurationError(f"root_url must be an http:// or https:// URL, not {shown!r}")
    if not parts.hostname:
        raise ConfigurationError(f"root_url has no host: {shown!r}")
    if "?" in root_url or "#" in root_url:
        raise ConfigurationError(
            f"root_url must not have a query or fragment ('?' or '#'): {shown!r}"
        )
    return normalize_root_url(root_url)


def check_header_value(name: str, value: str) -> None:
    """Refuse a header value that is not printable ASCII (CR/LF would add a header or a
    request; non-ASCII cannot be sent), naming the option."""
    if not isinstance(value, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ConfigurationError(f"{name} must be a str, not {type(value).__name__}")
    if any(not (0x20 <= ord(c) < 0x7F) for c in value):
        raise ConfigurationError(
            f"{name} must be printable ASCII (no CR, LF or other control or non-ASCII characters)"
        )


def api_url(root_url: str, service: str, path: str, version: str = "v1") -> str:
    """``{root}/api/{service}/{version}/{path}``."""
    return f"{normalize_root_url(root_url)}/api/{service}/{version}/{path.lstrip('/')}"


def method_url(
    root_url: str,
    service: str,
    version: str,
    path: str,
    query: Mapping[str, object] | None = None,
) -> str:
    """The URL of an API call: `api_url` plus the encoded query, if any option is set."""
    url = api_url(root_url, service, path, version)
    if query:
        encoded = encode_query(query)
        if encoded:
            url = f"{url}?{encoded}"
    return url


def api_reference_url(root_url: str, service: str, version: str = "v1") -> str:
    return f"{normalize_root_url(root_url)}/references/{service}/{version}/api.json"


def exchange_reference_url(root_url: str, service: str, version: str = "v1") -> str:
    return f"{normalize_root_url(root_url)}/references/{service}/{version}/exchanges.json"


def schema_url(root_url: str, service: str, schema: str) -> str:
    return f"{normalize_root_url(root_url)}/schemas/{service}/{schema.lstrip('/')}"


def api_reference_schema_url(root_url: str, version: str = "v0") -> str:
    return schema_url(root_url, "common", f"api-reference-{version}.json")


def exchanges_reference_schema_url(root_url: str, version: str = "v0") -> str:
    return schema_url(root_url, "common", f"exchanges-reference-{version}.json")


def api_manifest_schema_url(root_url: str, version: str = "v3") -> str:
    return schema_url(root_url, "common", f"manifest-{version}.json")


def metadata_metaschema_url(root_url: str) -> str:
    return schema_url(root_url, "common", "metadata-metaschema.json")


def api_manifest_url(root_url: str) -> str:
    return f"{normalize_root_url(root_url)}/references/manifest.json"


def docs_url(root_url: str, path: str) -> str:
    return f"{normalize_root_url(root_url)}/docs/{path.lstrip('/')}"


def ui_url(root_url: str, path: str) -> str:
    return f"{normalize_root_url(root_url)}/{path.lstrip('/')}"


def encode_param(method: str, name: str, value: object) -> str:
    """One route parameter, percent-encoded with nothing left safe (``/`` -> ``%2F``)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RequestValidationError(method, [(name, f"must be a str, not {type(value).__name__}")])
    encoded = quote(str(value), safe="")
    if encoded in ("", ".", ".."):
        problem = "must not be empty" if encoded == "" else f"must not be {encoded!r}"
        raise RequestValidationError(method, [(name, problem)])
    return encoded


def expand_route(method: str, route: str, params: Mapping[str, object]) -> str:
    """The route with each ``<name>`` replaced by its encoded value, without a leading ``/``."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise RequestValidationError(method, [(name, "is required")])
        return encode_param(method, name, params[name])

    return _PARAM.sub(substitute, route).lstrip("/")


def expand_path(method: str, path: str, params: Mapping[str, object] | None) -> str:
    """A path given by hand (``request()``, ``for_route()``): its ``<name>`` placeholders
    replaced by `params` encoded as a generated method encodes them; a parameter the path
    does not use, and a ``.`` or ``..`` segment, are refused."""
    names = set(route_params(path))
    unused = sorted(set(params or ()) - names)
    if unused:
        raise RequestValidationError(
            method, [(n, "is not a <parameter> of the path") for n in unused]
        )
    expanded = expand_route(method, path, params or {}) if names else path.lstrip("/")
    segments = expanded.split("?", 1)[0].split("/")
    if any(segment in (".", "..") for segment in segments):
        raise RequestValidationError(method, [("path", "must not contain '.' or '..' segments")])
    return expanded


def route_params(route: str) -> tuple[str, ...]:
    """The parameter names of a route, in order."""
    return tuple(_PARAM.findall(route))


def encode_query(query: Mapping[str, object]) -> str:
    """A query string (without ``?``): None values left out, booleans ``true``/``false``.

    Keys and values are percent-encoded with nothing left safe, so what is signed is exactly
    what is sent.
    """
    parts: list[str] = []
    for key, value in query.items():
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (str, int)):
            text = str(value)
        else:
            raise RequestValidationError("query", [(key, "must be a str, int or bool")])
        parts.append(f"{quote(key, safe='')}={quote(text, safe='')}")
    return "&".join(parts)
