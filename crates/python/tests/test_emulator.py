"""ssokit.testing.Emulator: the default organisation and the profile names are the
emulator's own (the same as ``ssokit demo`` and Node's ``Emulator``), and the config
it writes works with ssokit."""

from __future__ import annotations

import os

import pytest

import ssokit
from ssokit.testing import DEFAULT_ACCOUNTS, Emulator

# The contract shared by every front-end (crates/emulator/src/home.rs, the CLI's
# demo test, crates/node/test/emulator.test.js): keep them equal.
ORGANISATION = [
    {"id": "111122223333", "name": "dev", "email": "dev@example.com", "roles": ["ReadOnly", "AdministratorAccess"]},
    {"id": "444455556666", "name": "staging", "email": "staging@example.com", "roles": ["ReadOnly", "Deployer"]},
    {"id": "777788889999", "name": "prod", "email": "prod@example.com", "roles": ["ReadOnly"]},
]
PROFILES = [
    ("default", "111122223333", "ReadOnly"),
    ("dev", "111122223333", "ReadOnly"),
    ("dev-ReadOnly", "111122223333", "ReadOnly"),
    ("dev-AdministratorAccess", "111122223333", "AdministratorAccess"),
    ("staging", "444455556666", "ReadOnly"),
    ("staging-ReadOnly", "444455556666", "ReadOnly"),
    ("staging-Deployer", "444455556666", "Deployer"),
    ("prod", "777788889999", "ReadOnly"),
    ("prod-ReadOnly", "777788889999", "ReadOnly"),
]


def test_the_default_organisation_and_its_profiles() -> None:
    assert DEFAULT_ACCOUNTS == ORGANISATION
    with Emulator() as idc:
        assert [(name, *target) for name, target in idc.profiles.items()] == PROFILES
        assert ssokit.list_profiles() == [name for name, _, _ in PROFILES]
        for name, account_id, role in PROFILES:
            p = ssokit.resolve_profile(name)
            assert (p.account_id, p.role_name, p.session_name) == (account_id, role, "emulator"), name
        ssokit.login(flow="device-code", open_browser=False, on_prompt=lambda _p: None, timeout=60)
        accounts = ssokit.list_accounts("staging-Deployer")
        assert [(a.account_id, a.account_name, a.email_address) for a in accounts] == [
            (a["id"], a["name"], a["email"]) for a in ORGANISATION
        ]
        assert ssokit.get_credentials("staging-Deployer").account_id == "444455556666"


def test_the_config_and_environment_come_from_the_emulator() -> None:
    with Emulator() as idc:
        text = idc.config_path.read_text()
        assert text.startswith(
            "[sso-session emulator]\nsso_start_url = https://d-0000000000.awsapps.com/start\n"
            "sso_region = us-east-1\n"
        )
        assert "\n[default]\nsso_session = emulator\nsso_account_id = 111122223333\n" in text
        assert "\n[profile staging-Deployer]\n" in text
        assert (idc.sso_session, idc.start_url, idc.region) == (
            "emulator",
            "https://d-0000000000.awsapps.com/start",
            "us-east-1",
        )
        assert idc.env == {
            "HOME": str(idc.home),
            "USERPROFILE": str(idc.home),
            "AWS_CONFIG_FILE": str(idc.home / ".aws" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(idc.home / ".aws" / "credentials"),
            "AWS_ENDPOINT_URL_SSO": idc.url,
            "AWS_ENDPOINT_URL_SSO_OIDC": idc.url,
            "AWS_ENDPOINT_URL_SIGNIN": idc.url,
            "AWS_ENDPOINT_URL_STS": idc.url,
        }
        assert idc.credentials_path.read_text() == ""
        for name, value in idc.env.items():
            assert os.environ[name] == value


def test_own_accounts_session_and_region() -> None:
    accounts = [
        {"id": "123456789012", "name": "My Team (EU)", "roles": ["Ops", "Dev"]},
        {"id": "210987654321", "name": "solo", "email": "owner@example.org", "roles": ["Admin"]},
    ]
    with Emulator(accounts, sso_session="corp", region="eu-west-1") as idc:
        assert list(idc.profiles) == ["default", "My-Team-EU", "My-Team-EU-Ops", "My-Team-EU-Dev", "solo", "solo-Admin"]
        p = ssokit.resolve_profile("My-Team-EU-Dev")
        assert (p.account_id, p.role_name, p.session_name, p.sso_region, p.region) == (
            "123456789012",
            "Dev",
            "corp",
            "eu-west-1",
            "eu-west-1",
        )
        ssokit.login(sso_session="corp", flow="device-code", open_browser=False, on_prompt=lambda _p: None, timeout=60)
        emails = [a.email_address for a in ssokit.list_accounts(sso_session="corp")]
        assert emails == ["my-team-eu@example.com", "owner@example.org"]


def test_invalid_accounts_are_value_errors() -> None:
    with pytest.raises(ValueError, match="invalid accounts"):
        Emulator([{"id": "123456789012", "nmae": "typo", "roles": []}]).start()
    assert "AWS_ENDPOINT_URL_SSO" not in os.environ
