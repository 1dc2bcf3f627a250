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
        ssokit.UsageError,
        ssokit.InternalError,
    ):
        assert issubclass(cls, ssokit.SsoError)
        assert cls.__doc__
    assert issubclass(ssokit.SessionExpiredError, ssokit.NotLoggedInError)
    assert issubclass(ssokit.NetworkError, ssokit.ServiceError)
    assert issubclass(ssokit.UsageError, ValueError)
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


# One class per kind of core error (ssokit::ErrorKind), reached through the one table.
KIND_CLASSES = {
    "not_logged_in": ssokit.NotLoggedInError,
    "session_expired": ssokit.SessionExpiredError,
    "access_denied": ssokit.AccessDeniedError,
    "login_timeout": ssokit.LoginTimeoutError,
    "cancelled": ssokit.LoginCancelledError,
    "config": ssokit.ConfigError,
    "cache": ssokit.CacheError,
    "service": ssokit.ServiceError,
    "network": ssokit.NetworkError,
    "usage": ssokit.UsageError,
    "internal": ssokit.InternalError,
}


@pytest.mark.parametrize("kind", sorted(KIND_CLASSES))
def test_each_kind_raises_its_class(kind: str) -> None:
    with pytest.raises(ssokit.SsoError) as err:
        ssokit._ssokit._example_error(kind)
    assert type(err.value) is KIND_CLASSES[kind]
    assert err.value.kind == kind
    # No front-end's command in a Python message.
    assert "ssokit login" not in str(err.value) and "--profile" not in str(err.value)


def test_login_remedies_are_python_calls() -> None:
    with pytest.raises(ssokit.NotLoggedInError) as err:
        ssokit._ssokit._example_error("not_logged_in")
    assert err.value.remedy == 'call ssokit.login("dev")'
    assert str(err.value).endswith('; call ssokit.login("dev")')
    assert (err.value.profile, err.value.sso_session) == ("dev", None)
    assert (err.value.code, err.value.status) == (None, None)
    with pytest.raises(ssokit.ServiceError) as service:
        ssokit._ssokit._example_error("service")
    assert (service.value.code, service.value.status) == ("TooManyRequestsException", 429)
    assert service.value.remedy is None
    with pytest.raises(ssokit.ServiceError) as network:
        ssokit._ssokit._example_error("network")
    assert isinstance(network.value, ssokit.NetworkError)
    assert (network.value.code, network.value.status) == (None, None)


def test_a_real_missing_login_names_the_python_call(aws_home: dict[str, str]) -> None:
    with pytest.raises(ssokit.NotLoggedInError) as err:
        ssokit.get_token("token-only", env=aws_home)
    assert 'call ssokit.login("token-only")' in str(err.value)
    assert "ssokit login" not in str(err.value)
    assert err.value.profile == "token-only"


def test_a_missing_profile_says_how_to_choose_another(aws_home: dict[str, str]) -> None:
    with pytest.raises(ssokit.ConfigError) as err:
        ssokit.get_credentials("nope", env=aws_home)
    assert str(err.value).endswith("or pass another profile name (or set AWS_PROFILE)")
    assert "--profile" not in str(err.value) and err.value.kind == "config"
