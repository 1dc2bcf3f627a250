"""get_credentials and CredentialProvider: caching, refresh, threads, auto-login,
and the exceptions a caller acts on."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

import ssokit
from ssokit.testing import Emulator


def test_get_credentials(logged_in: Emulator) -> None:
    c = ssokit.get_credentials("dev")
    assert c.access_key_id.startswith("ASIA")
    assert c.secret_access_key and c.session_token
    assert c.account_id == "111122223333"
    assert c.expiration.tzinfo is not None
    assert timedelta(minutes=50) < c.expiration - datetime.now(timezone.utc) <= timedelta(hours=1)
    assert logged_in.count("GetRoleCredentials") == 1
    # Shared with the AWS CLI's cache: a second call (another "process") reads it.
    again = ssokit.get_credentials("dev")
    assert again.access_key_id == c.access_key_id
    assert logged_in.count("GetRoleCredentials") == 1
    role_cache = ssokit.resolve_profile("dev").role_cache_path
    assert role_cache is not None
    assert json.loads(role_cache.read_text())["Credentials"]["AccessKeyId"] == c.access_key_id
    env = dict(c.to_env())
    assert env["AWS_ACCESS_KEY_ID"] == c.access_key_id
    assert env["AWS_SECRET_ACCESS_KEY"] == c.secret_access_key
    assert env["AWS_SESSION_TOKEN"] == c.session_token
    assert "AWS_CREDENTIAL_EXPIRATION" in env


def test_credentials_are_frozen(logged_in: Emulator) -> None:
    c = ssokit.get_credentials("dev")
    with pytest.raises(AttributeError):
        c.access_key_id = "x"  # type: ignore[misc]


def test_provider_caches_and_returns_the_same_object(logged_in: Emulator) -> None:
    provider = ssokit.CredentialProvider("dev")
    assert (provider.profile, provider.account_id, provider.role_name) == ("dev", "111122223333", "ReadOnly")
    assert provider.auto_login is False
    assert "dev" in repr(provider)
    first = provider()
    for _ in range(100):
        assert provider() is first
    assert logged_in.count("GetRoleCredentials") == 1


def test_one_provider_many_threads_one_call(logged_in: Emulator) -> None:
    logged_in.inject_fault("latency", operation="GetRoleCredentials", delay=0.3)
    provider = ssokit.CredentialProvider("dev")
    barrier = threading.Barrier(16)
    keys: list[str] = []

    def worker() -> None:
        barrier.wait()
        keys.append(provider().access_key_id)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 16 and len(set(keys)) == 1
    assert logged_in.count("GetRoleCredentials") == 1


def test_short_lived_credentials_are_refreshed() -> None:
    # Fresh for 2 s: ssokit refreshes 15 minutes before expiry.
    with Emulator(credentials_lifetime=15 * 60 + 2) as idc:
        ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=60)
        provider = ssokit.CredentialProvider("dev")
        first = provider()
        assert provider() is first
        time.sleep(2.5)
        second = provider()
        assert second.access_key_id != first.access_key_id
        assert idc.count("GetRoleCredentials") == 2


def test_not_logged_in(idc: Emulator) -> None:
    provider = ssokit.CredentialProvider("dev")  # no network, no error yet
    with pytest.raises(ssokit.NotLoggedInError, match="not logged in") as err:
        provider()
    assert not isinstance(err.value, ssokit.SessionExpiredError)
    with pytest.raises(ssokit.NotLoggedInError):
        ssokit.get_credentials("dev")
    assert idc.count("GetRoleCredentials") == 0


def test_revoked_session_is_session_expired(logged_in: Emulator) -> None:
    logged_in.revoke_all_sessions()
    with pytest.raises(ssokit.SessionExpiredError, match="ended") as err:
        ssokit.get_credentials("dev")
    assert isinstance(err.value, ssokit.NotLoggedInError)


def test_a_revoked_session_is_session_expired_on_every_path(logged_in: Emulator) -> None:
    """A 401 from the portal ends the session for listings too, so the documented
    ``except ssokit.NotLoggedInError: ssokit.login(...)`` catches it everywhere."""
    logged_in.revoke_all_sessions()
    for call in (lambda: ssokit.list_accounts("dev"), lambda: ssokit.list_roles("dev")):
        with pytest.raises(ssokit.SessionExpiredError, match="ended") as err:
            call()
        assert isinstance(err.value, ssokit.NotLoggedInError)


def test_expired_token_that_cannot_refresh_is_session_expired() -> None:
    with Emulator(token_lifetime=1) as idc:
        ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=60)
        idc.revoke_all_sessions()
        time.sleep(1.2)
        with pytest.raises(ssokit.SessionExpiredError):
            ssokit.get_token("dev")


def test_auto_login(idc: Emulator) -> None:
    prompts: list[ssokit.DevicePrompt] = []
    provider = ssokit.CredentialProvider("dev", auto_login=True, open_browser=False, on_prompt=prompts.append)
    assert provider.auto_login
    assert provider().account_id == "111122223333"
    assert len(prompts) == 1
    assert idc.count("StartDeviceAuthorization") == 1


def test_service_error_has_code_and_status(logged_in: Emulator) -> None:
    config = logged_in.config_path
    config.write_text(
        config.read_text()
        + "\n[profile nope]\nsso_session = emulator\nsso_account_id = 999999999999\nsso_role_name = Nope\n"
    )
    with pytest.raises(ssokit.ServiceError) as err:
        ssokit.get_credentials("nope")
    assert err.value.status is not None and 400 <= err.value.status < 500
    assert err.value.code and err.value.code.endswith("Exception")
    assert "GetRoleCredentials" in str(err.value)


def test_server_errors_are_service_errors(logged_in: Emulator) -> None:
    logged_in.inject_fault("fail", operation="ListAccounts", status=400, times=1)
    with pytest.raises(ssokit.ServiceError) as err:
        ssokit.list_accounts("dev")
    assert err.value.status == 400


def test_a_recent_failure_is_raised_at_once_as_the_service_error(logged_in: Emulator) -> None:
    """A throttled GetRoleCredentials is not repeated by the next caller within its
    back-off: it gets the same ServiceError (code and status) without a request."""
    logged_in.inject_fault("fail", operation="GetRoleCredentials", status=429, times=1000)
    with pytest.raises(ssokit.ServiceError) as first:
        ssokit.get_credentials("dev")
    assert first.value.status == 429
    calls = logged_in.count("GetRoleCredentials")
    with pytest.raises(ssokit.ServiceError) as again:
        ssokit.get_credentials("dev")
    assert again.value.status == 429 and again.value.code == first.value.code
    assert "the last attempt, by process" in str(again.value)
    assert logged_in.count("GetRoleCredentials") == calls
