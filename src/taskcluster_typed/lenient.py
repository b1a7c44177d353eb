"""Lenient decoding of replies, and strict mode for conformance tests.

The public import path of `taskcluster_typed._core.lenient`
(where the code lives): this module only re-exports it.
"""

from ._core.lenient import strict_replies as strict_replies
from ._core.lenient import unknown_fields as unknown_fields
from ._core.lenient import validate_leniently as validate_leniently

__all__ = ["strict_replies", "unknown_fields", "validate_leniently"]
