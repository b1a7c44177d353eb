"""The real services' error replies raise the class of their Taskcluster code."""

from __future__ import annotations

import pytest

from taskcluster_typed import Auth, Credentials, Queue, Secrets
from taskcluster_typed._core import errors

from .conftest import RealTaskcluster


def test_each_code_the_services_send_has_its_class(real: RealTaskcluster) -> None:
    with real.client(Secrets) as secrets:
        with pytest.raises(errors.ResourceNotFound) as not_found:
            secrets.get(f"typed/missing-{real.run_id}")
        assert not_found.value.code == "ResourceNotFound"
    with real.client(Queue) as queue:
        with pytest.raises(errors.InvalidRequestArguments) as bad_argument:
            queue.request("GET", "task/not!a!slugid/status")
        assert bad_argument.value.code == "InvalidRequestArguments"
        with pytest.raises(errors.InputValidationError) as bad_input:
            queue.request("PUT", "task/fN1SbArXTPSVFNUvaOlinQ", json={"created": "nope"})
        assert bad_input.value.code == "InputValidationError"
    stranger = Credentials(real.limited.client_id, "not-the-access-token-0123456789abcdef012")
    with real.client(Auth, credentials=stranger) as auth:
        with pytest.raises(errors.AuthenticationFailed) as unauthenticated:
            auth.current_scopes()
        assert unauthenticated.value.status_code == 401
    with real.client(Secrets, credentials=real.limited) as limited:
        with pytest.raises(errors.InsufficientScopes) as forbidden:
            limited.get("typed/not-readable")
        assert isinstance(forbidden.value, errors.Forbidden)
