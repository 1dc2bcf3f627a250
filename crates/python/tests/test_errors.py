"""Bad profiles and the exception hierarchy."""

from __future__ import annotations

from pathlib import Path

import pytest

import ssokit


def test_exception_hierarchy() -> None:
    for cls in (
        ssokit.ConfigError,
        ssokit.CacheError,
        ssokit.NotLoggedInError,
        ssokit.AccessDeniedError,
        ssokit.LoginTimeoutError,
        ssokit.LoginCancelledError,
        ssokit.ServiceError,
    ):
        assert issubclass(cls, ssokit.SsoError)
        assert cls.__doc__
    assert issubclass(ssokit.SessionExpiredError, ssokit.NotLoggedInError)
    assert issubclass(ssokit.SsoError, Exception)


def test_missing_profile(aws_home: dict[str, str]) -> None:
    with pytest.raises(ssokit.ConfigError, match="nope"):
        ssokit.get_credentials("nope", env=aws_home)
    with pytest.raises(ssokit.ConfigError):
        ssokit.CredentialProvider("nope", env=aws_home)
    with pytest.raises(ssokit.ConfigError):
        ssokit.login("nope", env=aws_home)


def test_profile_without_sso(aws_home: dict[str, str]) -> None:
    with pytest.raises(ssokit.ConfigError, match="plain"):
        ssokit.CredentialProvider("plain", env=aws_home)
    with pytest.raises(ssokit.ConfigError):
        ssokit.get_token("plain", env=aws_home)


def test_token_only_profile_has_no_credentials(aws_home: dict[str, str]) -> None:
    with pytest.raises(ssokit.ConfigError, match="token-only"):
        ssokit.get_credentials("token-only", env=aws_home)
    # ... but it has a token, once logged in.
    with pytest.raises(ssokit.NotLoggedInError):
        ssokit.get_token("token-only", env=aws_home)


def test_unknown_sso_session(aws_home: dict[str, str]) -> None:
    with pytest.raises(ssokit.ConfigError, match="missing-session"):
        ssokit.list_accounts(sso_session="missing-session", env=aws_home)


def test_invalid_config_names_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile broken]\nsso_session = s\nsso_account_id = 12\nsso_role_name = R\n\n[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n")
    with pytest.raises(ssokit.ConfigError) as err:
        ssokit.get_credentials("broken", config_file=config, env={"HOME": str(tmp_path)})
    assert "sso_account_id" in str(err.value)


def test_corrupt_token_file_is_not_logged_in(aws_home: dict[str, str]) -> None:
    profile = ssokit.resolve_profile("dev", env=aws_home)
    assert profile.token_cache_path is not None
    profile.token_cache_path.parent.mkdir(parents=True)
    profile.token_cache_path.write_text("{not json")
    with pytest.raises(ssokit.NotLoggedInError, match=str(profile.token_cache_path)):
        ssokit.get_credentials("dev", env=aws_home)


def test_status_without_sessions(aws_home: dict[str, str], tmp_path: Path) -> None:
    empty = tmp_path / "empty-config"
    empty.write_text("[profile plain]\nregion = us-east-1\n")
    assert ssokit.status(config_file=empty, env=aws_home) == []
    states = ssokit.status(env=aws_home)
    assert [s.sso_session for s in states] == ["my-sso", None]
    assert all(not s.logged_in for s in states)
