"""Role chaining: a profile with role_arn and source_profile resolves through the
emulator's STS (which verifies the SigV4 signature), in get_credentials and
boto3_session, and shares ~/.aws/cli/cache with the AWS CLI."""

from __future__ import annotations

import json

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


HOP_ARN = "arn:aws:sts::444455556666:assumed-role/ReadOnly/py"


def cached_access_key(emulator: Emulator, assumed_role_arn: str) -> str:
    """The AccessKeyId of the one ~/.aws/cli/cache entry of that assumed role."""
    keys: list[str] = []
    for path in (emulator.home / ".aws" / "cli" / "cache").glob("*.json"):
        entry = json.loads(path.read_text())
        if entry.get("AssumedRoleUser", {}).get("Arn") == assumed_role_arn:
            keys.append(str(entry["Credentials"]["AccessKeyId"]))
    assert len(keys) == 1, keys
    return keys[0]


def test_get_credentials_of_a_chained_profile(chained: Emulator) -> None:
    creds = ssokit.get_credentials("hop")
    assert creds.access_key_id.startswith("ASIA")
    assert creds.account_id == "444455556666"
    assert chained.count("AssumeRole") == 1
    # Exactly the hop's credentials, as the AWS CLI's cache holds them.
    assert creds.access_key_id == cached_access_key(chained, HOP_ARN)
    # Memory, then the AWS CLI's cache: no second AssumeRole.
    assert ssokit.get_credentials("hop").access_key_id == creds.access_key_id
    assert chained.count("AssumeRole") == 1
    # Not the source profile's (the SSO role's) credentials.
    assert ssokit.get_credentials("dev").access_key_id != creds.access_key_id


def test_boto3_session_of_a_chained_profile(chained: Emulator) -> None:
    session = ssokit.boto3_session("hop")
    frozen = session.get_credentials().get_frozen_credentials()
    assert frozen.access_key == ssokit.get_credentials("hop").access_key_id
    assert frozen.access_key == cached_access_key(chained, HOP_ARN)
    assert chained.count("AssumeRole") == 1


def test_chain_errors(chained: Emulator) -> None:
    with pytest.raises(ssokit.AccessDeniedError, match="not authorized to perform: sts:AssumeRole"):
        ssokit.get_credentials("denied")
    with pytest.raises(ssokit.ConfigError, match="loop: looping -> looping"):
        ssokit.get_credentials("looping")
