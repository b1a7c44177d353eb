"""`RetryPolicy`: when to retry and how long to wait.

The public import path of `taskcluster_typed._core.retry`
(where the code lives): this module only re-exports it.
"""

from ._core.retry import RetryPolicy as RetryPolicy

__all__ = ["RetryPolicy"]
