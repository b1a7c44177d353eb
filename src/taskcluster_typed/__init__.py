"""taskcluster-typed: a statically typed Python SDK for Taskcluster."""

from .client import NOT_GIVEN as NOT_GIVEN
from .client import AsyncClient as AsyncClient
from .client import NotGiven as NotGiven
from .client import SyncClient as SyncClient
from .credentials import Credentials as Credentials
from .env import from_env as from_env
from .errors import *  # noqa: F403
from .pipeline import Reply as Reply
from .retry import RetryPolicy as RetryPolicy
