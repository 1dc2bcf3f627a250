"""console_url: the sign-in URL of a profile's role, accepted by the emulator's
federation endpoint (AWS_ENDPOINT_URL_SIGNIN, set by the Emulator)."""

from __future__ import annotations

import urllib.parse
import urllib.request

import pytest

import ssokit
from ssokit.testing import Emulator


def test_console_url_signs_in_at_the_federation_endpoint(logged_in: Emulator) -> None:
    url = ssokit.console_url("dev")
    prefix = f"{logged_in.url}/federation?Action=login&Issuer=ssokit&Destination="
    assert url.startswith(prefix), url
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["Destination"] == ["https://us-east-1.console.aws.amazon.com/"]
    assert query["SigninToken"][0]
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        assert "us-east-1.console.aws.amazon.com" in response.read().decode()
    assert logged_in.count("GetRoleCredentials") == 1


def test_console_url_takes_a_destination(logged_in: Emulator) -> None:
    url = ssokit.console_url("dev", destination="https://console.aws.amazon.com/s3/")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["Destination"] == ["https://console.aws.amazon.com/s3/"]
    with pytest.raises(ssokit.UsageError, match="https"):
        ssokit.console_url("dev", destination="http://example.com/")


def test_console_url_needs_a_login(idc: Emulator) -> None:
    with pytest.raises(ssokit.NotLoggedInError, match=r"ssokit\.login"):
        ssokit.console_url("dev")
