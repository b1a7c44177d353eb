"""Taskcluster credentials: the `Credentials` class (`client_credentials`), the Hawk ``ext``
a request carries for them (`ext`), temporary credentials (`temporary`) and what the auth
service knows of a client (`information`)."""

from .client_credentials import Credentials as Credentials
from .ext import hawk_ext as hawk_ext

__all__ = ["Credentials", "hawk_ext"]
