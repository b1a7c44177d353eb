from __future__ import annotations

import pickle

import pytest

from taskcluster_typed._core import errors as tce

SERVER_MESSAGE = (
    "Client ID x does not have sufficient scopes\n\n---\n\n* method: createTask\n"
    "* errorCode: InsufficientScopes\n* statusCode: 403\n* time: 2026-01-01T00:00:00.000Z"
)

CASES = [
    (400, "MalformedPayload", tce.MalformedPayload),
    (400, "InvalidRequestArguments", tce.InvalidRequestArguments),
    (400, "InputValidationError", tce.InputValidationError),
    (400, "InputError", tce.InputError),
    (401, "AuthenticationFailed", tce.AuthenticationFailed),
    (403, "InsufficientScopes", tce.InsufficientScopes),
    (404, "ResourceNotFound", tce.ResourceNotFound),
    (409, "RequestConflict", tce.RequestConflict),
    (410, "ResourceExpired", tce.ResourceExpired),
    (413, "InputTooLarge", tce.InputTooLarge),
    (500, "InternalServerError", tce.InternalServerError),
    (400, None, tce.BadRequest),
    (401, None, tce.AuthenticationFailed),
    (429, None, tce.TooManyRequests),
    (502, None, tce.ServerError),
    (424, None, tce.APIError),
    (418, "SomethingNew", tce.APIError),
    # Issue 15 item 6: the code chooses, not the status.
    (403, "AuthorizationFailed", tce.AuthorizationFailed),
    (403, "ForbiddenByGithub", tce.ForbiddenByGithub),
    (403, "SomethingNew", tce.Forbidden),  # its status family, not another code's class
    (403, None, tce.Forbidden),
    (400, "DenylistedAddress", tce.DenylistedAddress),
    (400, "NoMatchingBackend", tce.NoMatchingBackend),
    (406, "NoMatchingMethod", tce.NoMatchingMethod),
    (406, None, tce.APIError),
    (429, "TooManyRequests", tce.TooManyRequests),
    (503, "ProviderSetupFailed", tce.ProviderSetupFailed),
    (503, None, tce.ServerError),
]

# Every error code the Taskcluster v106 services declare: lib-api's ERROR_CODES
# (libraries/api/src/middleware/errors.js) and the services' own `errorCodes` (auth, github,
# notify, object, worker-manager), with the status the server sends each with.
SERVER_CODES = {
    "MalformedPayload": 400,
    "InvalidRequestArguments": 400,
    "InputValidationError": 400,
    "InputError": 400,
    "AuthenticationFailed": 401,
    "InsufficientScopes": 403,
    "ResourceNotFound": 404,
    "RequestConflict": 409,
    "ResourceExpired": 410,
    "InputTooLarge": 413,
    "InternalServerError": 500,
    "TooManyRequests": 429,
    "ForbiddenByGithub": 403,
    "DenylistedAddress": 400,
    "NoMatchingMethod": 406,
    "NoMatchingBackend": 400,
    "ProviderSetupFailed": 503,
}


@pytest.mark.parametrize(("code", "status"), sorted(SERVER_CODES.items()))
def test_every_server_code_has_its_own_class(code: str, status: int) -> None:
    error = tce.make_api_error(
        status_code=status, body={"code": code, "message": "m"}, text="", method="m", url="u"
    )
    assert type(error).__name__ == code
    assert getattr(tce, code) is type(error)
    assert type(error) is tce.error_class(status, code)


@pytest.mark.parametrize(("status", "code", "cls"), CASES)
def test_every_code_maps_to_its_class(
    status: int, code: str | None, cls: type[tce.APIError]
) -> None:
    body = {"code": code, "message": "msg", "requestInfo": {"method": "m"}} if code else None
    error = tce.make_api_error(
        status_code=status, body=body, text="", method="m", url="https://x/api"
    )
    assert type(error) is cls
    assert isinstance(error, tce.APIError) and isinstance(error, tce.TaskclusterError)
    assert error.status_code == status and error.code == code


def test_message_names_method_url_status_and_server_message() -> None:
    body = {
        "code": "InsufficientScopes",
        "message": SERVER_MESSAGE,
        "requestInfo": {"payload": {"secret": "p"}},
    }
    error = tce.make_api_error(
        status_code=403,
        body=body,
        text="",
        method="createTask",
        url="https://tc/api/queue/v1/task/a",
    )
    text = str(error)
    assert text.startswith("createTask: 403 InsufficientScopes from https://tc/api/queue/v1/task/a")
    assert "does not have sufficient scopes" in text
    assert "---" not in text  # the server's trailer is in .message, not repeated in the summary
    assert error.message == SERVER_MESSAGE
    assert error.request_info == {"payload": {"secret": "p"}}
    assert "secret" not in text and "secret" not in repr(error)


def test_non_json_error_bodies_still_give_a_useful_message() -> None:
    error = tce.make_api_error(
        status_code=502,
        body=None,
        text="<html>Bad Gateway</html>",
        method="task",
        url="https://tc/x",
    )
    assert isinstance(error, tce.ServerError)
    assert "task: 502 from https://tc/x" in str(error)
    assert "Bad Gateway" in str(error)
    assert error.body == "<html>Bad Gateway</html>"


def test_bewits_are_redacted_everywhere() -> None:
    url = "https://tc/api/queue/v1/task/a/artifacts/x?bewit=c2VjcmV0&foo=1"
    error = tce.make_api_error(status_code=404, body=None, text="", method="m", url=url)
    for text in (str(error), repr(error), error.url):
        assert "c2VjcmV0" not in text
        assert "bewit=REDACTED&foo=1" in text
    transport = tce.TransportError("m", url, 3, "refused")
    assert "c2VjcmV0" not in str(transport)


@pytest.mark.parametrize(
    "error",
    [
        tce.make_api_error(
            status_code=403,
            body={"code": "InsufficientScopes", "message": "m"},
            text="",
            method="m",
            url="u",
        ),
        tce.TransportError("m", "u", 6, "refused"),
        tce.RequestTimeoutError("m", "u", 6, "ReadTimeout"),
        tce.RequestValidationError("createTask", [("payload.metadata", "Field required")]),
        tce.ResponseValidationError("task", "u", "bad", {"a": 1}),
        tce.ConfigurationError("no root URL"),
        tce.CredentialsError("bad"),
    ],
)
def test_errors_pickle_with_their_state(error: tce.TaskclusterError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.__dict__ == error.__dict__


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        # the codes the v106 services define themselves (their api.js `errorCodes`)
        (403, "ForbiddenByGithub", tce.ForbiddenByGithub),
        (400, "DenylistedAddress", tce.DenylistedAddress),
        (400, "NoMatchingBackend", tce.NoMatchingBackend),
        (406, "NoMatchingMethod", tce.NoMatchingMethod),
        (429, "TooManyRequests", tce.TooManyRequests),
        (503, "ProviderSetupFailed", tce.ProviderSetupFailed),
        # lib-api's own codes keep their classes; an unknown or missing code gets the class
        # of its status, never the class of another code
        (403, "InsufficientScopes", tce.InsufficientScopes),
        (403, None, tce.Forbidden),
        (403, "SomethingNew", tce.Forbidden),
        (404, None, tce.ResourceNotFound),
        (500, None, tce.InternalServerError),
    ],
)
def test_a_services_own_code_gets_its_class_and_an_unknown_code_its_status_class(
    status: int, code: str | None, expected: type[tce.APIError]
) -> None:
    body = {"code": code, "message": "m"} if code else None
    error = tce.make_api_error(status_code=status, body=body, text="", method="m", url="u")
    assert type(error) is expected
    assert error.code == code


def test_the_deprecated_names_are_the_renamed_classes() -> None:
    """`TimeoutError` and `ValidationError` (which shadowed the builtin and looked like
    pydantic's) are aliases of the same classes, wherever they are imported from."""
    import taskcluster_typed
    from taskcluster_typed import errors as public_errors

    for module in (tce, public_errors, taskcluster_typed):
        assert module.TimeoutError is tce.RequestTimeoutError
        assert module.ValidationError is tce.RequestValidationError
    with pytest.raises(tce.TimeoutError):
        raise tce.RequestTimeoutError("createTask", "https://tc.example.com/x", 1, "ReadTimeout")
