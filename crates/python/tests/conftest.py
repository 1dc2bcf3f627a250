"""Shared fixtures: a temporary AWS home and a local Identity Center (the emulator
linked into the native module); never the real ~/.aws, never the network."""

from __future__ import annotations

import signal
import textwrap
from pathlib import Path
from typing import Iterator

import pytest

import ssokit
from ssokit.testing import Emulator

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

ACCOUNTS = [
    {"id": "111122223333", "name": "dev", "roles": ["ReadOnly", "Admin"]},
    {"id": "444455556666", "name": "prod", "roles": ["ReadOnly"]},
]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs with HOME in a temporary directory and no AWS variables, so
    nothing can read or write the real ~/.aws."""
    home = tmp_path / "guard-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SSO",
        "AWS_ENDPOINT_URL_SSO_OIDC",
        "AWS_ENDPOINT_URL_SIGNIN",
        "AWS_ENDPOINT_URL_STS",
        "BROWSER",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def aws_home(tmp_path: Path) -> dict[str, str]:
    """An environment whose HOME is a temporary directory with a sample config."""
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text(SAMPLE_CONFIG)
    return {"HOME": str(tmp_path)}


@pytest.fixture
def idc() -> Iterator[Emulator]:
    """A running emulator that approves device logins by itself."""
    with Emulator(accounts=ACCOUNTS) as emulator:
        yield emulator


@pytest.fixture
def logged_in(idc: Emulator) -> Emulator:
    """The emulator, with a token for its sso-session in the temporary home."""
    ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda _prompt: None, timeout=60)
    idc.clear_requests()
    return idc


@pytest.fixture
def ctrl_c() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt during the test, as in an interactive shell.

    A runner started as a background job from a non-interactive shell inherits SIGINT
    ignored, and then ``_thread.interrupt_main()`` does nothing: a test that relies on
    Ctrl-C sets the handler itself and restores the inherited one afterwards."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
