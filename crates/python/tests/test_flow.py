"""ssokit.login(flow=...): the PKCE authorization-code flow against the emulator
(which approves ``GET /authorize`` at once and redirects to ssokit's listener on
127.0.0.1), the device code, and how ``flow="auto"`` chooses between them."""

from __future__ import annotations

import _thread
import asyncio
import json
import os
import re
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, List

import pytest

import ssokit
import ssokit.aio
from ssokit.testing import Emulator

BOTOCORE = """
import json, sys, botocore.session
assert "ssokit" not in sys.modules
creds = botocore.session.Session(profile="dev").get_credentials().get_frozen_credentials()
print(json.dumps({"access_key": creds.access_key}))
"""


def browse(prompt: ssokit.PkcePrompt) -> None:
    """The person at the browser: opens the authorize page, which (auto-approved)
    redirects to ssokit's listener; urllib follows the redirect."""
    with urllib.request.urlopen(prompt.authorize_url, timeout=10) as page:
        assert page.status == 200
        assert "Login complete" in page.read().decode()


def either(prompt: ssokit.LoginPrompt) -> None:
    """A prompt for flow="auto": approve a PKCE login, ignore a device code (the
    emulator approves those by itself)."""
    if isinstance(prompt, ssokit.PkcePrompt):
        browse(prompt)


def callback_port(authorize_url: str) -> int:
    """The port of ssokit's loopback listener, from the authorize URL."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize_url).query)
    port = urllib.parse.urlsplit(query["redirect_uri"][0]).port
    assert port is not None
    return port


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for(prompts: List[ssokit.PkcePrompt], timeout: float = 10.0) -> ssokit.PkcePrompt:
    deadline = time.monotonic() + timeout
    while not prompts:
        if time.monotonic() > deadline:
            raise AssertionError("no PKCE prompt")
        time.sleep(0.02)
    return prompts[0]


# -- PKCE ------------------------------------------------------------------------------


def test_pkce_login_writes_a_token_botocore_uses(idc: Emulator) -> None:
    prompts: List[ssokit.PkcePrompt] = []

    def on_prompt(prompt: ssokit.PkcePrompt) -> None:
        prompts.append(prompt)
        browse(prompt)

    token = ssokit.login("dev", flow="pkce", open_browser=False, on_prompt=on_prompt, timeout=60)
    assert token.flow == "pkce" and token.flow_reason == "as requested"
    assert "flow='pkce'" in repr(token) and token.access_token not in repr(token)
    [prompt] = prompts
    assert prompt.flow == "pkce" and not prompt.browser_opened
    assert prompt.text == (
        "Open this URL in a browser on this machine and approve the request:\n\n" + prompt.authorize_url + "\n"
    )
    assert prompt.authorize_url.startswith(idc.url.rstrip("/") + "/authorize?response_type=code&")
    assert "code_challenge_method=S256" in prompt.authorize_url
    assert repr(prompt).startswith("PkcePrompt(flow='pkce', authorize_url=")
    assert token.expiration > datetime.now(timezone.utc) + timedelta(minutes=50)
    assert token.start_url == idc.start_url and token.region == idc.region
    assert idc.count("StartDeviceAuthorization") == 0 and idc.count("CreateToken") == 1
    # The listener is gone once the login returns.
    assert not listening(callback_port(prompt.authorize_url))

    # The file the AWS CLI and botocore read.
    path = ssokit.resolve_profile("dev").token_cache_path
    assert path is not None and path.parent == idc.home / ".aws" / "sso" / "cache"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["accessToken"] == token.access_token
    assert {"expiresAt", "region", "startUrl", "clientId", "clientSecret", "refreshToken"} <= set(data)
    assert ssokit.get_token("dev").flow is None

    # Plain botocore (in a subprocess: it fixes its cache directory at import) uses it.
    idc.clear_requests()
    env = {"PATH": os.environ.get("PATH", ""), **idc.env}
    out = subprocess.run([sys.executable, "-c", BOTOCORE], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["access_key"].startswith("ASIA")
    assert idc.count("GetRoleCredentials") == 1 and idc.count("CreateToken") == 0


def test_pkce_opens_the_browser_and_prints_the_url_on_stderr(
    idc: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    opened = tmp_path / "opened"
    browser = tmp_path / "browser.sh"
    fetch = "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=10).read()"
    browser.write_text(f'echo "$1" > {opened}\nexec {sys.executable} -c "{fetch}" "$1"\n')
    monkeypatch.setenv("BROWSER", f"/bin/sh {browser}")
    token = ssokit.login("dev", flow="pkce", timeout=30)
    assert token.flow == "pkce"
    err = capsys.readouterr().err
    url = opened.read_text().strip()
    assert err.startswith("Opening the authorization page in your browser. If it does not open, visit:\n\n")
    assert url in err
    assert url.startswith(idc.url.rstrip("/") + "/authorize?")


def test_pkce_timeout_with_nobody_at_the_browser(idc: Emulator) -> None:
    prompts: List[ssokit.PkcePrompt] = []
    started = time.monotonic()
    with pytest.raises(ssokit.LoginTimeoutError):
        ssokit.login("dev", flow="pkce", open_browser=False, on_prompt=prompts.append, timeout=1)
    assert time.monotonic() - started < 10
    assert not listening(callback_port(prompts[0].authorize_url))
    assert not ssokit.status()[0].logged_in
    assert idc.count("CreateToken") == 0


def test_pkce_cancel_token_and_ctrl_c(idc: Emulator, ctrl_c: None) -> None:
    cancel = ssokit.CancelToken()
    prompts: List[ssokit.PkcePrompt] = []
    threading.Timer(0.3, cancel.cancel).start()
    with pytest.raises(ssokit.LoginCancelledError):
        ssokit.login("dev", flow="pkce", open_browser=False, on_prompt=prompts.append, cancel=cancel, timeout=30)
    assert not listening(callback_port(prompts[0].authorize_url))

    if sys.platform != "win32":  # interrupt_main simulates SIGINT on POSIX
        prompts.clear()

        def interrupt_once_waiting(prompt: ssokit.PkcePrompt) -> None:
            prompts.append(prompt)
            threading.Timer(0.2, _thread.interrupt_main).start()

        # With a 30 s timeout, anything but the interrupt ends the login otherwise.
        with pytest.raises(KeyboardInterrupt):
            ssokit.login("dev", flow="pkce", open_browser=False, on_prompt=interrupt_once_waiting, timeout=30)
        assert not listening(callback_port(prompts[0].authorize_url))
    # The lock is free: a new login works at once.
    assert ssokit.login("dev", flow="pkce", open_browser=False, on_prompt=browse, timeout=30).flow == "pkce"


def test_pkce_exception_in_on_prompt_cancels_the_login(idc: Emulator) -> None:
    class Boom(Exception):
        pass

    def on_prompt(prompt: ssokit.PkcePrompt) -> None:
        raise Boom("the GUI is gone")

    with pytest.raises(Boom):
        ssokit.login("dev", flow="pkce", open_browser=False, on_prompt=on_prompt, timeout=60)
    assert not ssokit.status()[0].logged_in


def test_pkce_denied_in_the_browser_and_a_wrong_state() -> None:
    with Emulator(auto_approve=False) as idc:

        def deny(prompt: ssokit.PkcePrompt) -> None:
            with urllib.request.urlopen(prompt.authorize_url, timeout=10) as page:
                form = page.read().decode()
            match = re.search(r'name="request" value="([^"]+)"', form)
            assert match, form
            body = urllib.parse.urlencode({"request": match.group(1), "decision": "deny"}).encode()
            with urllib.request.urlopen(idc.url.rstrip("/") + "/authorize", data=body, timeout=10) as page:
                assert "denied" in page.read().decode()

        with pytest.raises(ssokit.AccessDeniedError, match="denied"):
            ssokit.login("dev", flow="pkce", open_browser=False, on_prompt=deny, timeout=30)

        # A callback with a wrong state (a stale tab, or a forged request) is answered
        # 400 and ignored: the login goes on waiting for the real one, here until its
        # timeout.
        statuses: List[int] = []

        def wrong_state(prompt: ssokit.PkcePrompt) -> None:
            port = callback_port(prompt.authorize_url)
            url = f"http://127.0.0.1:{port}/oauth/callback?code=stolen&state=not-this-login"
            try:
                with urllib.request.urlopen(url, timeout=10) as page:
                    statuses.append(page.status)
                    text = page.read().decode()
            except urllib.error.HTTPError as err:
                statuses.append(err.code)
                text = err.read().decode()
            assert "wrong state" in text

        with pytest.raises(ssokit.LoginTimeoutError):
            ssokit.login("dev", flow="pkce", open_browser=False, on_prompt=wrong_state, timeout=2)
        assert statuses == [400]
        assert idc.count("CreateToken") == 0


def test_aio_login_with_pkce_and_its_cancellation(idc: Emulator) -> None:
    async def main() -> None:
        token = await ssokit.aio.login("dev", flow="pkce", open_browser=False, on_prompt=browse, timeout=60)
        assert token.flow == "pkce"
        prompts: List[ssokit.PkcePrompt] = []
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(
                ssokit.aio.login("dev", flow="pkce", open_browser=False, on_prompt=prompts.append, timeout=60), 1.0
            )
        assert not listening(callback_port(prompts[0].authorize_url))

    asyncio.run(main())


# -- the device code, and choosing ---------------------------------------------------------


def test_device_code_flow_still_works_and_says_so(idc: Emulator) -> None:
    prompts: List[ssokit.DevicePrompt] = []
    token = ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=prompts.append, timeout=60)
    assert token.flow == "device-code" and token.flow_reason == "as requested"
    assert prompts[0].flow == "device-code" and "flow='device-code'" in repr(prompts[0])
    assert idc.count("StartDeviceAuthorization") == 1


def emulator_env(idc: Emulator, **extra: str) -> Dict[str, str]:
    """The emulator's variables and `extra`, and nothing else (env= replaces the
    process environment for the call)."""
    return {**idc.env, **extra}


def test_auto_over_ssh_chooses_the_device_code(idc: Emulator) -> None:
    prompts: List[ssokit.LoginPrompt] = []
    env = emulator_env(idc, SSH_CONNECTION="10.0.0.2 50000 10.0.0.1 22", DISPLAY=":0")
    token = ssokit.login("dev", open_browser=False, on_prompt=prompts.append, env=env, timeout=60)
    assert token.flow == "device-code"
    assert token.flow_reason is not None and "SSH" in token.flow_reason
    assert [p.flow for p in prompts] == ["device-code"]
    token = ssokit.login("dev", open_browser=False, on_prompt=prompts.append, env=emulator_env(idc, SSH_TTY="/dev/pts/3"), timeout=60)
    assert token.flow == "device-code" and "SSH" in (token.flow_reason or "")


def test_auto_with_a_display_chooses_pkce(idc: Emulator) -> None:
    # No SSH and a display: PKCE, also in a container (/.dockerenv only matters
    # without a display). The core decides; this checks the binding passes env on.
    token = ssokit.login("dev", open_browser=False, on_prompt=either, env=emulator_env(idc, DISPLAY=":0"), timeout=30)
    assert token.flow == "pkce", token.flow_reason
    assert token.flow_reason == "a local browser can reach 127.0.0.1"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="macOS and Windows always have a browser")
def test_auto_without_a_display_chooses_the_device_code(idc: Emulator) -> None:
    token = ssokit.login("dev", open_browser=False, on_prompt=either, env=emulator_env(idc), timeout=30)
    assert token.flow == "device-code"
    in_container = Path("/.dockerenv").exists() or Path("/run/.containerenv").exists()
    expected = "container" if in_container else "no display"
    assert token.flow_reason is not None and expected in token.flow_reason


def test_auto_for_a_legacy_profile_chooses_the_device_code(idc: Emulator, tmp_path: Path) -> None:
    config = tmp_path / "legacy-config"
    account_id, role = idc.profiles["dev"]
    config.write_text(
        textwrap.dedent(
            f"""\
            [profile old]
            sso_start_url = {idc.start_url}
            sso_region = {idc.region}
            sso_account_id = {account_id}
            sso_role_name = {role}
            """
        )
    )
    env = emulator_env(idc, DISPLAY=":0")
    token = ssokit.login("old", open_browser=False, on_prompt=either, config_file=config, env=env, timeout=60)
    assert token.flow == "device-code"
    assert token.flow_reason is not None and "legacy" in token.flow_reason


def test_unknown_flow_is_a_value_error(idc: Emulator) -> None:
    with pytest.raises(ValueError) as raised:
        ssokit.login("dev", flow="browser")  # type: ignore[call-overload]
    assert str(raised.value) == 'flow must be "auto", "pkce" or "device-code", not "browser"'
    assert idc.requests() == []


# -- SSOKIT_LOGIN_FLOW and sso_use_device_code ---------------------------------------------


def keyed_config(idc: Emulator, tmp_path: Path, value: str) -> Path:
    """A config whose [sso-session org] says ``sso_use_device_code = <value>`` (line 9)."""
    config = tmp_path / "keyed-config"
    account_id, role = idc.profiles["dev"]
    config.write_text(
        textwrap.dedent(
            f"""\
            [profile keyed]
            sso_session = org
            sso_account_id = {account_id}
            sso_role_name = {role}
            [sso-session org]
            sso_start_url = {idc.start_url}
            sso_region = {idc.region}
            sso_registration_scopes = sso:account:access
            sso_use_device_code = {value}
            """
        )
    )
    return config


def test_the_login_flow_variable_applies_when_flow_is_auto(idc: Emulator) -> None:
    # A desktop would get PKCE: the variable asks for the device code.
    token = ssokit.login(
        "dev", open_browser=False, on_prompt=either, env=emulator_env(idc, DISPLAY=":0", SSOKIT_LOGIN_FLOW="device-code"), timeout=60
    )
    assert (token.flow, token.flow_reason) == ("device-code", "SSOKIT_LOGIN_FLOW=device-code")
    # Over SSH the device code would be chosen: the variable asks for PKCE.
    ssh = emulator_env(idc, SSH_CONNECTION="10.0.0.2 50000 10.0.0.1 22", SSOKIT_LOGIN_FLOW="pkce")
    token = ssokit.login("dev", open_browser=False, on_prompt=either, env=ssh, timeout=60)
    assert (token.flow, token.flow_reason) == ("pkce", "SSOKIT_LOGIN_FLOW=pkce")
    # The binding's argument beats it.
    token = ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=either, env=ssh, timeout=60)
    assert (token.flow, token.flow_reason) == ("device-code", "as requested")
    assert idc.count("StartDeviceAuthorization") == 2


def test_the_sso_session_key_applies_after_the_variable(idc: Emulator, tmp_path: Path) -> None:
    config = keyed_config(idc, tmp_path, "true")
    for env in (emulator_env(idc, DISPLAY=":0"), emulator_env(idc, DISPLAY=":0", SSOKIT_LOGIN_FLOW="auto")):
        token = ssokit.login("keyed", open_browser=False, on_prompt=either, config_file=config, env=env, timeout=60)
        assert (token.flow, token.flow_reason) == ("device-code", "sso_use_device_code = true in [sso-session org]")
    env = emulator_env(idc, DISPLAY=":0", SSOKIT_LOGIN_FLOW="pkce")
    token = ssokit.login("keyed", open_browser=False, on_prompt=either, config_file=config, env=env, timeout=60)
    assert (token.flow, token.flow_reason) == ("pkce", "SSOKIT_LOGIN_FLOW=pkce")


def test_an_invalid_login_flow_variable_or_key_is_a_config_error(idc: Emulator, tmp_path: Path) -> None:
    with pytest.raises(ssokit.ConfigError) as raised:
        ssokit.login("dev", open_browser=False, env=emulator_env(idc, SSOKIT_LOGIN_FLOW="browser"), timeout=60)
    assert str(raised.value).startswith(
        'invalid SSOKIT_LOGIN_FLOW "browser" (environment variable SSOKIT_LOGIN_FLOW): '
        'expected "auto", "pkce" or "device-code"'
    )
    config = keyed_config(idc, tmp_path, "yes")
    with pytest.raises(ssokit.ConfigError) as raised:
        ssokit.login("keyed", open_browser=False, config_file=config, env=emulator_env(idc), timeout=60)
    assert f'invalid sso_use_device_code "yes" ([sso-session org] in {config} line 9)' in str(raised.value)
    assert idc.requests() == []
