"""Issuing temporary credentials locally from permanent ones.

The public import path of `taskcluster_typed.credentials.temporary`
(where the code lives): this module only re-exports it.
"""

from .credentials.temporary import (
    MAX_TEMPORARY_CREDENTIALS_LIFETIME as MAX_TEMPORARY_CREDENTIALS_LIFETIME,
)
from .credentials.temporary import create_temporary_credentials as create_temporary_credentials

__all__ = ["MAX_TEMPORARY_CREDENTIALS_LIFETIME", "create_temporary_credentials"]
