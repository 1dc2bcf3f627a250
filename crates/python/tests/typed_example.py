"""An example that uses the whole public API of ssokit, checked with
``mypy --strict`` (test_typing.py) and run against the emulator.

Run it yourself: ``python crates/python/tests/typed_example.py``.
"""

from __future__ import annotations

import asyncio
import threading
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import List, Literal, Optional

import ssokit
import ssokit.aio
from ssokit.testing import Emulator, EmulatorRequest


def show(prompt: ssokit.DevicePrompt) -> None:
    """A GUI would show these; this example only checks them."""
    url: str = prompt.verification_uri
    complete: Optional[str] = prompt.verification_uri_complete
    code: str = prompt.user_code
    expires: datetime = prompt.expires_at
    opened: bool = prompt.browser_opened
    assert url and code and expires and (complete or not opened)
    assert prompt.flow == "device-code"


def browse(prompt: ssokit.PkcePrompt) -> None:
    """Plays the person at the browser: the emulator approves the authorize page
    at once and redirects to ssokit's listener on 127.0.0.1."""
    assert prompt.flow == "pkce" and not prompt.browser_opened
    with urllib.request.urlopen(prompt.authorize_url, timeout=10) as page:
        assert page.status == 200


def either(prompt: ssokit.LoginPrompt) -> None:
    """A callback for flow="auto": it gets one prompt or the other."""
    if isinstance(prompt, ssokit.PkcePrompt):
        browse(prompt)
    else:
        show(prompt)


def use_everything(idc: Emulator) -> List[str]:
    """Every function and class, with its types spelled out."""
    notes: List[str] = []
    profile: ssokit.SsoProfile = ssokit.resolve_profile("dev")
    cache: Optional[Path] = profile.token_cache_path
    names: List[str] = ssokit.list_profiles()
    notes.append(f"{profile.name} {cache} {len(names)}")

    cancel = ssokit.CancelToken()
    token: ssokit.Token = ssokit.login(
        "dev",
        flow="device-code",
        open_browser=False,
        on_prompt=show,
        timeout=timedelta(minutes=5),
        cancel=cancel,
    )
    assert not cancel.cancelled
    expires: datetime = token.expiration
    notes.append(f"token until {expires.isoformat()}")
    pkce: ssokit.Token = ssokit.login("dev", flow="pkce", open_browser=False, on_prompt=browse, timeout=30)
    used: Optional[Literal["pkce", "device-code"]] = pkce.flow
    why: Optional[str] = pkce.flow_reason
    notes.append(f"{used} login ({why})")
    auto: ssokit.Token = ssokit.login("dev", open_browser=False, on_prompt=either, env={**idc.env, "SSH_TTY": "/dev/pts/0"}, timeout=60)
    assert auto.flow == "device-code"
    token = auto
    same: ssokit.Token = ssokit.get_token(sso_session=idc.sso_session)
    assert same.access_token == token.access_token

    creds: ssokit.Credentials = ssokit.get_credentials("dev")
    account: Optional[str] = creds.account_id
    env = dict(creds.to_env())
    notes.append(f"{creds.access_key_id} {account} {sorted(env)}")

    provider = ssokit.CredentialProvider("dev", auto_login=True, on_prompt=show, open_browser=False)
    fresh: ssokit.Credentials = provider()
    assert fresh.access_key_id == creds.access_key_id
    threads = [threading.Thread(target=provider) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    accounts: List[ssokit.Account] = ssokit.list_accounts("dev")
    roles: List[ssokit.Role] = ssokit.list_roles("dev", account_id=accounts[0].account_id)
    notes += [a.account_id for a in accounts] + [r.role_name for r in roles]
    states: List[ssokit.SessionStatus] = ssokit.status()
    left: Optional[int] = states[0].expires_in_seconds
    notes.append(f"{states[0].sso_session} logged in: {states[0].logged_in} ({left}s)")

    session = ssokit.boto3_session("dev", region_name="us-east-1")
    notes.append(str(session.region_name))

    async def concurrently() -> ssokit.Credentials:
        aio_provider = ssokit.aio.CredentialProvider("dev")
        tok: ssokit.Token = await ssokit.aio.get_token("dev")
        assert tok.access_token
        got: List[ssokit.Credentials] = list(await asyncio.gather(aio_provider(), ssokit.aio.get_credentials("dev")))
        accts: List[ssokit.Account] = await ssokit.aio.list_accounts("dev")
        rls: List[ssokit.Role] = await ssokit.aio.list_roles("dev")
        sts: List[ssokit.SessionStatus] = await ssokit.aio.status()
        assert accts and rls and sts
        return got[0]

    notes.append(asyncio.run(concurrently()).access_key_id)

    requests: List[EmulatorRequest] = idc.requests("GetRoleCredentials")
    notes.append(f"GetRoleCredentials calls: {len(requests)}")

    try:
        ssokit.get_credentials("no-such-profile")
    except ssokit.ConfigError as err:
        notes.append(type(err).__name__)

    report: ssokit.LogoutReport = ssokit.logout("dev")
    removed: List[Path] = report.tokens_removed
    try:
        ssokit.get_token("dev")
    except ssokit.SessionExpiredError:
        notes.append("session expired")
    except ssokit.NotLoggedInError:
        notes.append(f"logged out ({len(removed)} token file)")
    except ssokit.ServiceError as err:
        code: Optional[str] = err.code
        status: Optional[int] = err.status
        notes.append(f"{code} {status}")

    async def relogin() -> ssokit.Token:
        return await ssokit.aio.login("dev", flow="device-code", open_browser=False, on_prompt=show, timeout=60)

    asyncio.run(relogin())
    asyncio.run(ssokit.aio.logout())
    return notes


def main() -> None:
    """Runs the example against a local Identity Center."""
    accounts = [{"id": "111122223333", "name": "dev", "roles": ["ReadOnly"]}]
    with Emulator(accounts=accounts, credentials_lifetime=timedelta(hours=1)) as idc:
        for note in use_everything(idc):
            print(note)


if __name__ == "__main__":
    main()
