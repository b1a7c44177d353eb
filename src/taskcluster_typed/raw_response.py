"""`RawResponse`: a reply's status, headers and body with its decoded model.

The public import path of `taskcluster_typed._core.raw_response`
(where the code lives): this module only re-exports it.
"""

from ._core.raw_response import RawResponse as RawResponse
from ._core.raw_response import async_raw_response_wrapper as async_raw_response_wrapper
from ._core.raw_response import raw_response_wrapper as raw_response_wrapper

__all__ = ["RawResponse", "async_raw_response_wrapper", "raw_response_wrapper"]
