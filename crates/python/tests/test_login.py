"""ssokit.login: the device-code flow against the emulator, prompts, approval,
denial, timeouts, cancellation and Ctrl-C."""

from __future__ import annotations

import _thread
import json
import os
import stat
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import ssokit
from ssokit.testing import Emulator


def wait_for_code(idc: Emulator, timeout: float = 10.0) -> str:
    """The user code of the one pending device login, once there is one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        codes = idc.pending_user_codes()
        if codes:
            return codes[0]
        time.sleep(0.02)
    raise AssertionError("no device login started")


def test_login_writes_the_shared_token_and_shows_the_prompt(idc: Emulator) -> None:
    prompts: list[ssokit.DevicePrompt] = []
    token = ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=prompts.append, timeout=60)
    assert len(prompts) == 1
    p = prompts[0]
    assert p.verification_uri.startswith(idc.url)
    assert p.verification_uri_complete is not None and p.user_code in p.verification_uri_complete
    assert p.expires_at.tzinfo is not None and p.expires_at > datetime.now(timezone.utc)
    assert p.browser_opened is False
    assert p.user_code in repr(p)
    # The core's text, as the CLI prints it and the default prompt writes it.
    assert p.text.startswith("Open the following URL in a browser (on any device):\n\n")
    assert f"\n\nThen enter the code:\n\n{p.user_code}\n\n" in p.text
    assert p.text.endswith(f"which fills in the code:\n{p.verification_uri_complete}\n")
    assert token.expiration > datetime.now(timezone.utc) + timedelta(minutes=50)
    assert token.start_url == idc.start_url and token.region == idc.region
    path = ssokit.resolve_profile("dev").token_cache_path
    assert path is not None and path.parent == idc.home / ".aws" / "sso" / "cache"
    data = json.loads(path.read_text())
    assert data["accessToken"] == token.access_token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    ops = [r.operation for r in idc.requests() if r.operation]
    assert ops[:2] == ["RegisterClient", "StartDeviceAuthorization"]
    assert ops[-1] == "CreateToken"


def test_default_prompt_goes_to_python_stderr(idc: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    ssokit.login(sso_session=idc.sso_session, flow="device-code", open_browser=False, timeout=60)
    err = capsys.readouterr().err
    assert err.startswith("Open the following URL in a browser (on any device):\n\n")
    assert "Then enter the code:" in err
    assert "/device" in err


def test_browser_is_opened_with_the_complete_url(idc: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = tmp_path / "opened"
    browser = tmp_path / "browser.sh"
    # Written whole, then renamed: the file appears only with the URL in it. Run by sh,
    # not executed, so a file just written cannot be "text file busy".
    browser.write_text(f'echo "$1" > {opened}.tmp && mv {opened}.tmp {opened}\n')
    monkeypatch.setenv("BROWSER", f"/bin/sh {browser}")
    prompts: list[ssokit.DevicePrompt] = []
    ssokit.login("dev", flow="device-code", on_prompt=prompts.append, timeout=60)
    assert prompts[0].browser_opened
    deadline = time.monotonic() + 30
    while not opened.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert opened.read_text().strip() == prompts[0].verification_uri_complete


def test_manual_approval_from_another_thread() -> None:
    with Emulator(auto_approve=False) as idc:
        approver = threading.Thread(target=lambda: idc.approve(wait_for_code(idc)))
        approver.start()
        token = ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=60)
        approver.join()
        assert token.access_token
        assert ssokit.status()[0].logged_in


def test_denied_login_raises_access_denied() -> None:
    with Emulator(auto_approve=False) as idc:
        threading.Thread(target=lambda: idc.deny(wait_for_code(idc))).start()
        with pytest.raises(ssokit.AccessDeniedError, match="denied"):
            ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=60)


def test_timeout_raises_login_timeout() -> None:
    with Emulator(auto_approve=False):
        started = time.monotonic()
        with pytest.raises(ssokit.LoginTimeoutError):
            ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=timedelta(seconds=1.5))
        assert time.monotonic() - started < 10


def test_exception_in_on_prompt_cancels_the_login() -> None:
    class Boom(Exception):
        pass

    def on_prompt(p: ssokit.DevicePrompt) -> None:
        raise Boom("the GUI is gone")

    with Emulator(auto_approve=False) as idc:
        with pytest.raises(Boom):
            ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=on_prompt, timeout=60)
        assert not ssokit.status()[0].logged_in
        assert idc.count("CreateToken") == 0


def test_cancel_token_from_another_thread() -> None:
    cancel = ssokit.CancelToken()
    assert not cancel.cancelled
    with Emulator(auto_approve=False):
        threading.Timer(0.3, cancel.cancel).start()
        with pytest.raises(ssokit.LoginCancelledError):
            ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, cancel=cancel, timeout=60)
    assert cancel.cancelled and "True" in repr(cancel)


@pytest.mark.skipif(sys.platform == "win32", reason="interrupt_main simulates SIGINT on POSIX")
def test_ctrl_c_interrupts_a_login_cleanly(ctrl_c: None) -> None:
    with Emulator(auto_approve=False) as idc:
        # Ctrl-C once the login waits for approval; with its 30 s timeout, anything
        # but an interrupt ends the login with another error.
        with pytest.raises(KeyboardInterrupt):
            ssokit.login(
                "dev",
                flow="device-code",
                open_browser=False,
                on_prompt=lambda p: threading.Timer(0.2, _thread.interrupt_main).start(),
                timeout=30,
            )
        # The lock is free and the poll loop has stopped: a new login works at once.
        polls = idc.count("CreateToken")
        time.sleep(1.5)
        assert idc.count("CreateToken") == polls
        idc.set_auto_approve(True)
        assert ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=30).access_token


def test_force_false_keeps_a_valid_token(logged_in: Emulator) -> None:
    first = ssokit.get_token("dev")
    again = ssokit.login("dev", flow="device-code", open_browser=False, force=False, on_prompt=lambda p: None, timeout=60)
    assert again.access_token == first.access_token
    assert logged_in.count("StartDeviceAuthorization") == 0


def test_login_keyword_errors(idc: Emulator) -> None:
    # The core's rule, as a UsageError that is also a ValueError.
    with pytest.raises(ssokit.UsageError, match="give one of them") as both:
        ssokit.login("dev", sso_session="emulator")
    assert isinstance(both.value, ValueError) and both.value.kind == "usage"
    with pytest.raises(ValueError, match="give one of them"):
        ssokit.logout("dev", sso_session="emulator")
    with pytest.raises(TypeError, match="timeout"):
        ssokit.login("dev", timeout="soon")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="positive"):
        ssokit.login("dev", timeout=-1)


def test_environment_is_restored_after_the_emulator() -> None:
    before = dict(os.environ)
    with Emulator() as idc:
        assert os.environ["AWS_ENDPOINT_URL_SSO"] == idc.url
        home = idc.home
    assert dict(os.environ) == before
    assert not home.exists()
