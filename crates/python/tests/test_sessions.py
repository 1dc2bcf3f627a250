"""get_token, status, list_accounts, list_roles and logout, mirroring the CLI."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import ssokit
from ssokit.testing import Emulator


def test_get_token(logged_in: Emulator) -> None:
    by_profile = ssokit.get_token("dev")
    by_session = ssokit.get_token(sso_session="emulator")
    assert by_profile.access_token == by_session.access_token
    assert by_profile.expiration > datetime.now(timezone.utc)
    assert logged_in.count("CreateToken") == 0  # served from the cache


def test_get_token_refreshes_a_short_lived_token() -> None:
    with Emulator(token_lifetime=60) as idc:  # less than 15 minutes: refreshed
        first = ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=60)
        idc.clear_requests()
        second = ssokit.get_token("dev")
        assert second.access_token != first.access_token
        [refresh] = idc.requests("CreateToken")
        assert refresh.detail is not None and "refresh_token" in refresh.detail


def test_status(idc: Emulator) -> None:
    [before] = ssokit.status()
    assert before.sso_session == "emulator" and not before.logged_in
    assert before.expires_at is None
    ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=60)
    [after] = ssokit.status()
    assert after.logged_in and after.refreshable
    assert after.start_url == idc.start_url and after.sso_region == idc.region
    assert after.expires_at is not None and after.expires_in_seconds is not None
    assert after.expires_in_seconds > 3000
    assert after.token_file.exists()
    assert after.profiles == sorted(idc.profiles)
    assert after.problem is None
    assert "logged_in=True" in repr(after)


def test_list_accounts(logged_in: Emulator) -> None:
    accounts = ssokit.list_accounts("dev")
    assert [(a.account_id, a.account_name) for a in accounts] == [("111122223333", "dev"), ("444455556666", "prod")]
    assert accounts[0].email_address == "dev@example.com"
    assert accounts == ssokit.list_accounts(sso_session="emulator")
    assert "444455556666" in repr(accounts[1])


def test_list_roles(logged_in: Emulator) -> None:
    # Sorted by account id, then role name (the emulator lists ReadOnly before Admin).
    every = ssokit.list_roles("dev")
    assert [(r.account_id, r.account_name, r.role_name) for r in every] == [
        ("111122223333", "dev", "Admin"),
        ("111122223333", "dev", "ReadOnly"),
        ("444455556666", "prod", "ReadOnly"),
    ]
    assert logged_in.count("ListAccounts") == 1 and logged_in.count("ListAccountRoles") == 2
    one = ssokit.list_roles("dev", account_id="111122223333")
    assert [(r.role_name, r.account_name) for r in one] == [("Admin", None), ("ReadOnly", None)]
    assert "ReadOnly" in repr(one[1])


def test_logout_one_session(logged_in: Emulator) -> None:
    ssokit.get_credentials("dev")
    report = ssokit.logout("dev")
    assert len(report.tokens_removed) == 1 and len(report.role_credentials_removed) == 1
    assert report.revoke_failures == 0
    assert logged_in.count("Logout") == 1
    assert not ssokit.status()[0].logged_in
    with pytest.raises(ssokit.NotLoggedInError):
        ssokit.get_token("dev")


def test_logout_everything(logged_in: Emulator) -> None:
    ssokit.get_credentials("dev")
    ssokit.get_credentials("prod")
    report = ssokit.logout()
    assert len(report.tokens_removed) == 1
    assert len(report.role_credentials_removed) == 2
    assert "tokens_removed" in repr(report)
    again = ssokit.logout()
    assert again.tokens_removed == [] and again.role_credentials_removed == []
