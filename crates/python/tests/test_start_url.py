"""Custom ("vanity") start URLs: ssokit.login resolves the start URL through the one
redirect of the emulator's ``/vanity/<target>`` and writes the URL as written."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import ssokit
from ssokit.testing import Emulator

PORTAL = "https://d-0000000000.awsapps.com/start"


def vanity_config(idc: Emulator, tmp_path: Path, target: str) -> tuple[Path, str]:
    """A config whose sso-session's start URL is the emulator's custom URL ``target``."""
    url = f"{idc.url.rstrip('/')}/vanity/{target}"
    account_id, role = idc.profiles["dev"]
    config = tmp_path / f"vanity-{target}"
    config.write_text(
        textwrap.dedent(
            f"""\
            [profile vanity]
            sso_session = org
            sso_account_id = {account_id}
            sso_role_name = {role}
            [sso-session org]
            sso_start_url = {url}
            sso_region = {idc.region}
            sso_registration_scopes = sso:account:access
            """
        )
    )
    return config, url


def vanity_requests(idc: Emulator) -> list[str]:
    return [f"{r.method} {r.path}" for r in idc.requests() if r.path.startswith("/vanity/")]


def test_login_through_a_custom_start_url(idc: Emulator, tmp_path: Path) -> None:
    config, url = vanity_config(idc, tmp_path, "aws")
    token = ssokit.login("vanity", flow="device-code", open_browser=False, on_prompt=lambda _p: None, config_file=config, timeout=60)
    # The token file: the URL as written, the region, under the session's key.
    assert token.start_url == url and token.region == idc.region
    path = ssokit.resolve_profile("vanity", config_file=config).token_cache_path
    assert path is not None
    data = json.loads(path.read_text())
    assert data["startUrl"] == url and data["region"] == idc.region
    assert vanity_requests(idc) == ["HEAD /vanity/aws"]
    # The device authorization was for the portal the redirect named.
    assert idc.sessions()[-1]["start_url"] == PORTAL
    # The token serves role credentials like any other.
    creds = ssokit.get_credentials("vanity", config_file=config)
    assert creds.access_key_id.startswith("ASIA")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("elsewhere", 'redirects to "https://sso.example.com/start", which is not an AWS access portal host'),
        ("none", "answered HTTP 200 without a redirect"),
    ],
)
def test_a_custom_start_url_without_an_aws_redirect_is_a_config_error(
    idc: Emulator, tmp_path: Path, target: str, expected: str
) -> None:
    config, url = vanity_config(idc, tmp_path, target)
    with pytest.raises(ssokit.ConfigError) as raised:
        ssokit.login("vanity", flow="device-code", open_browser=False, config_file=config, timeout=60)
    message = str(raised.value)
    assert url in message and expected in message, message
    assert "set sso_start_url to your AWS access portal URL" in message
    assert idc.count("RegisterClient") == 0 and idc.count("StartDeviceAuthorization") == 0
