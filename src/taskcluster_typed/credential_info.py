"""What a deployment says about a set of credentials.

The public import path of `taskcluster_typed.credentials.information`
(where the code lives): this module only re-exports it.
"""

from .credentials.information import CredentialInformation as CredentialInformation
from .credentials.information import async_credential_information as async_credential_information
from .credentials.information import credential_information as credential_information

__all__ = ["CredentialInformation", "async_credential_information", "credential_information"]
