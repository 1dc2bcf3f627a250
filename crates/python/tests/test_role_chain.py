"""Role chaining: a profile with role_arn and source_profile resolves through the
emulator's STS (which verifies the SigV4 signature), in get_credentials and
boto3_session, and shares ~/.aws/cli/cache with the AWS CLI."""

from __future__ import annotations

import pytest

import ssokit
from ssokit.testing import Emulator

CHAIN = """
[profile hop]
role_arn = arn:aws:iam::444455556666:role/ReadOnly
source_profile = dev
role_session_name = py
region = us-east-1

[profile denied]
role_arn = arn:aws:iam::444455556666:role/NoSuchRole
source_profile = dev

[profile looping]
role_arn = arn:aws:iam::444455556666:role/ReadOnly
source_profile = looping
"""


@pytest.fixture
def chained(logged_in: Emulator) -> Emulator:
    with open(logged_in.config_path, "a") as config:
        config.write(CHAIN)
    return logged_in


def test_get_credentials_of_a_chained_profile(chained: Emulator) -> None:
    creds = ssokit.get_credentials("hop")
    assert creds.access_key_id.startswith("ASIA")
    assert creds.account_id == "444455556666"
    assert chained.count("AssumeRole") == 1
    # Memory, then the AWS CLI's cache: no second AssumeRole.
    assert ssokit.get_credentials("hop").access_key_id == creds.access_key_id
    assert chained.count("AssumeRole") == 1


def test_boto3_session_of_a_chained_profile(chained: Emulator) -> None:
    pytest.importorskip("boto3")
    session = ssokit.boto3_session("hop")
    frozen = session.get_credentials().get_frozen_credentials()
    assert frozen.access_key.startswith("ASIA")


def test_chain_errors(chained: Emulator) -> None:
    with pytest.raises(ssokit.AccessDeniedError, match="not authorized to perform: sts:AssumeRole"):
        ssokit.get_credentials("denied")
    with pytest.raises(ssokit.ConfigError, match="loop: looping -> looping"):
        ssokit.get_credentials("looping")
