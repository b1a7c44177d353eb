"""Every error class this package raises, and the mapping of an error reply to its class.

The public import path of `taskcluster_typed._core.errors`
(where the code lives): this module only re-exports it.
"""

from ._core.errors import APIError as APIError
from ._core.errors import ArgumentError as ArgumentError
from ._core.errors import AuthenticationFailed as AuthenticationFailed
from ._core.errors import AuthorizationFailed as AuthorizationFailed
from ._core.errors import BadRequest as BadRequest
from ._core.errors import ConfigurationError as ConfigurationError
from ._core.errors import CredentialsError as CredentialsError
from ._core.errors import DenylistedAddress as DenylistedAddress
from ._core.errors import Forbidden as Forbidden
from ._core.errors import ForbiddenByGithub as ForbiddenByGithub
from ._core.errors import InputError as InputError
from ._core.errors import InputTooLarge as InputTooLarge
from ._core.errors import InputValidationError as InputValidationError
from ._core.errors import InsufficientScopes as InsufficientScopes
from ._core.errors import InternalServerError as InternalServerError
from ._core.errors import InvalidRequestArguments as InvalidRequestArguments
from ._core.errors import MalformedPayload as MalformedPayload
from ._core.errors import NoMatchingBackend as NoMatchingBackend
from ._core.errors import NoMatchingMethod as NoMatchingMethod
from ._core.errors import ProviderSetupFailed as ProviderSetupFailed
from ._core.errors import RequestConflict as RequestConflict
from ._core.errors import RequestTimeoutError as RequestTimeoutError
from ._core.errors import RequestValidationError as RequestValidationError
from ._core.errors import ResourceExpired as ResourceExpired
from ._core.errors import ResourceNotFound as ResourceNotFound
from ._core.errors import ResponseValidationError as ResponseValidationError
from ._core.errors import ServerError as ServerError
from ._core.errors import TaskclusterError as TaskclusterError
from ._core.errors import TimeoutError as TimeoutError
from ._core.errors import TooManyRequests as TooManyRequests
from ._core.errors import TransportError as TransportError
from ._core.errors import ValidationError as ValidationError
from ._core.errors import error_class as error_class
from ._core.errors import make_api_error as make_api_error
from ._core.errors import redact_url as redact_url

__all__ = [
    "APIError",
    "ArgumentError",
    "AuthenticationFailed",
    "AuthorizationFailed",
    "BadRequest",
    "ConfigurationError",
    "CredentialsError",
    "DenylistedAddress",
    "Forbidden",
    "ForbiddenByGithub",
    "InputError",
    "InputTooLarge",
    "InputValidationError",
    "InsufficientScopes",
    "InternalServerError",
    "InvalidRequestArguments",
    "MalformedPayload",
    "NoMatchingBackend",
    "NoMatchingMethod",
    "ProviderSetupFailed",
    "RequestConflict",
    "RequestTimeoutError",
    "RequestValidationError",
    "ResourceExpired",
    "ResourceNotFound",
    "ResponseValidationError",
    "ServerError",
    "TaskclusterError",
    "TimeoutError",
    "TooManyRequests",
    "TransportError",
    "ValidationError",
    "error_class",
    "make_api_error",
    "redact_url",
]
