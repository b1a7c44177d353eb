"""Hawk headers and bewits, as the services verify them.

The public import path of `taskcluster_typed._core.hawk`
(where the code lives): this module only re-exports it.
"""

from ._core.hawk import Target as Target
from ._core.hawk import bewit as bewit
from ._core.hawk import header as header
from ._core.hawk import nonce as nonce
from ._core.hawk import payload_hash as payload_hash
from ._core.hawk import request_header as request_header

__all__ = ["Target", "bewit", "header", "nonce", "payload_hash", "request_header"]
