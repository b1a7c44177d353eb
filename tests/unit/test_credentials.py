from __future__ import annotations

import base64
import json
import pickle

import pytest

from taskcluster_typed import Credentials
from taskcluster_typed._core.errors import CredentialsError
from taskcluster_typed.credentials import hawk_ext

SECRET = "s3cr3t-ACCESS-token-value-xyz"
CERT = {
    "version": 1,
    "scopes": ["a"],
    "start": 1,
    "expiry": 2,
    "seed": "x" * 44,
    "signature": "sig",
}


def decode(ext: str | None) -> object:
    assert ext is not None
    return json.loads(base64.b64decode(ext))


def test_repr_and_str_hide_the_secret() -> None:
    creds = Credentials("project/ci", SECRET, certificate=json.dumps(CERT))
    for text in (repr(creds), str(creds), f"{creds}", repr([creds])):
        assert SECRET not in text
        assert "sig" not in text
        assert "project/ci" in text


def test_certificate_as_string_or_dict_is_kept_as_a_dict() -> None:
    from_str = Credentials("c", SECRET, certificate=json.dumps(CERT))
    from_dict = Credentials("c", SECRET, certificate=CERT)
    assert from_str.certificate == CERT == from_dict.certificate
    assert from_str.is_temporary
    assert not Credentials("c", SECRET).is_temporary


def test_non_ascii_secret_is_refused_without_showing_it() -> None:
    with pytest.raises(CredentialsError) as info:
        Credentials("client", "sécret-value")
    assert "access_token" in str(info.value)
    assert "sécret" not in str(info.value)


@pytest.mark.parametrize("client_id", ["clïent", 'a"b', "a\\b", ""])
def test_bad_client_ids_are_refused(client_id: str) -> None:
    with pytest.raises(CredentialsError, match="client_id"):
        Credentials(client_id, SECRET)


def test_bad_certificate_is_refused_without_showing_it() -> None:
    with pytest.raises(CredentialsError) as info:
        Credentials("c", SECRET, certificate='{"signature": "topsecret"')
    assert "topsecret" not in str(info.value)
    with pytest.raises(CredentialsError, match="JSON object"):
        Credentials("c", SECRET, certificate="[1, 2]")


def test_ext_for_permanent_credentials_without_restriction_is_omitted() -> None:
    assert hawk_ext(Credentials("c", SECRET), None) is None


def test_ext_distinguishes_empty_authorized_scopes_from_unset() -> None:
    assert decode(hawk_ext(Credentials("c", SECRET), [])) == {"authorizedScopes": []}
    assert decode(hawk_ext(Credentials("c", SECRET), ["a", "b"])) == {
        "authorizedScopes": ["a", "b"]
    }


def test_ext_carries_the_certificate_as_an_object() -> None:
    ext = hawk_ext(Credentials("c", SECRET, certificate=json.dumps(CERT)), ["a"])
    assert decode(ext) == {"certificate": CERT, "authorizedScopes": ["a"]}


def test_credentials_pickle_and_compare() -> None:
    creds = Credentials("c", SECRET, certificate=CERT)
    assert pickle.loads(pickle.dumps(creds)) == creds
    assert creds != Credentials("c", SECRET)
