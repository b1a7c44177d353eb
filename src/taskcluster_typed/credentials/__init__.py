"""Taskcluster credentials: the `Credentials` class and the Hawk ``ext`` it signs with
(`client_credentials`), temporary credentials (`temporary`) and what the auth service knows
of a client (`information`)."""

from .client_credentials import Credentials as Credentials
from .client_credentials import hawk_ext as hawk_ext

__all__ = ["Credentials", "hawk_ext"]
