"""Shared fixtures: a temporary AWS home, never the real ~/.aws."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

SAMPLE_CONFIG = textwrap.dedent(
    """\
    [profile dev]
    sso_session = my-sso
    sso_account_id = 111122223333
    sso_role_name = ReadOnly
    region = eu-west-1

    [profile token-only]
    sso_session = my-sso

    [profile legacy]
    sso_start_url = https://d-1234567890.awsapps.com/start
    sso_region = us-east-1
    sso_account_id = 111122223333
    sso_role_name = ReadOnly

    [profile plain]
    region = us-west-2

    [sso-session my-sso]
    sso_start_url = https://d-1234567890.awsapps.com/start
    sso_region = us-east-1
    sso_registration_scopes = sso:account:access
    """
)


@pytest.fixture
def aws_home(tmp_path: Path) -> dict[str, str]:
    """An environment whose HOME is a temporary directory with a sample config."""
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text(SAMPLE_CONFIG)
    return {"HOME": str(tmp_path)}
