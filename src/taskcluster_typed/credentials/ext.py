"""The Hawk ``ext`` of a request: what a set of credentials says beyond the MAC (the
certificate of temporary credentials, and the authorized scopes a call is limited to)."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

from .client_credentials import Credentials


def hawk_ext(credentials: Credentials, authorized_scopes: Sequence[str] | None) -> str | None:
    """The Hawk ``ext`` value: base64 of a JSON object, or None when there is nothing to say.

    The object holds ``certificate`` (temporary credentials) and ``authorizedScopes`` (when
    set: an empty list restricts the call to no scopes, which differs from not set).
    """
    ext: dict[str, Any] = {}
    certificate = credentials.certificate
    if certificate is not None:
        ext["certificate"] = certificate
    if authorized_scopes is not None:
        ext["authorizedScopes"] = list(authorized_scopes)
    if not ext:
        return None
    raw = json.dumps(ext, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.b64encode(raw).decode("ascii")
