"""Awaitable versions of ssokit's network calls, for asyncio applications.

Each runs the blocking call in a worker thread (``asyncio.to_thread``), where ssokit
releases the GIL, so the event loop keeps running. Cancelling ``aio.login`` (for
example with ``asyncio.wait_for``) cancels the login itself.

Example::

    import asyncio
    import ssokit.aio

    async def main() -> None:
        provider = ssokit.aio.CredentialProvider("dev")
        credentials = await provider()
        print(credentials.access_key_id, credentials.expiration)

    asyncio.run(main())

``on_prompt`` callbacks run on one of ssokit's threads, not on the event loop: use
``loop.call_soon_threadsafe`` to hand the prompt to the loop.
"""

from __future__ import annotations

import asyncio
import functools
import os
from datetime import timedelta
from typing import Callable, List, Literal, Mapping, Optional, Union, overload

from ssokit import _ssokit
from ssokit._ssokit import (
    Account,
    CancelToken,
    Credentials,
    DevicePrompt,
    LogoutReport,
    PkcePrompt,
    Role,
    SessionStatus,
    Token,
)

_PathArg = Optional[Union[str, "os.PathLike[str]"]]
_Env = Optional[Mapping[str, str]]
_Flow = Literal["auto", "pkce", "device-code"]
_Timeout = Optional[Union[float, timedelta]]

_to_thread = asyncio.to_thread


@overload
async def login(
    profile: Optional[str] = None,
    *,
    sso_session: Optional[str] = None,
    flow: Literal["device-code"],
    open_browser: bool = True,
    on_prompt: Optional[Callable[[DevicePrompt], object]] = None,
    timeout: _Timeout = None,
    force: bool = True,
    config_file: _PathArg = None,
    env: _Env = None,
) -> Token: ...


@overload
async def login(
    profile: Optional[str] = None,
    *,
    sso_session: Optional[str] = None,
    flow: Literal["pkce"],
    open_browser: bool = True,
    on_prompt: Optional[Callable[[PkcePrompt], object]] = None,
    timeout: _Timeout = None,
    force: bool = True,
    config_file: _PathArg = None,
    env: _Env = None,
) -> Token: ...


@overload
async def login(
    profile: Optional[str] = None,
    *,
    sso_session: Optional[str] = None,
    flow: _Flow = "auto",
    open_browser: bool = True,
    on_prompt: Optional[Callable[[Union[DevicePrompt, PkcePrompt]], object]] = None,
    timeout: _Timeout = None,
    force: bool = True,
    config_file: _PathArg = None,
    env: _Env = None,
) -> Token: ...


async def login(
    profile: Optional[str] = None,
    *,
    sso_session: Optional[str] = None,
    flow: _Flow = "auto",
    open_browser: bool = True,
    on_prompt: Optional[Callable[..., object]] = None,
    timeout: _Timeout = None,
    force: bool = True,
    config_file: _PathArg = None,
    env: _Env = None,
) -> Token:
    """Awaitable ``ssokit.login`` (``flow`` is ``"auto"``, ``"pkce"`` or
    ``"device-code"``, as there). Cancelling the awaiting task cancels the login —
    the PKCE listener or the device-code polling stops at once."""
    cancel = CancelToken()
    call = functools.partial(
        _ssokit.login,
        profile,
        sso_session=sso_session,
        flow=flow,
        open_browser=open_browser,
        on_prompt=on_prompt,
        timeout=timeout,
        force=force,
        cancel=cancel,
        config_file=config_file,
        env=env,
    )
    task = asyncio.ensure_future(_to_thread(call))
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        cancel.cancel()
        try:
            await task  # the login ends with LoginCancelledError within moments
        except BaseException:  # noqa: BLE001 - the cancellation is what we report
            pass
        raise


async def logout(
    profile: Optional[str] = None,
    *,
    sso_session: Optional[str] = None,
    config_file: _PathArg = None,
    env: _Env = None,
) -> LogoutReport:
    """Awaitable ``ssokit.logout``."""
    return await _to_thread(
        _ssokit.logout, profile, sso_session=sso_session, config_file=config_file, env=env
    )


async def get_token(
    profile: Optional[str] = None,
    *,
    sso_session: Optional[str] = None,
    config_file: _PathArg = None,
    env: _Env = None,
) -> Token:
    """Awaitable ``ssokit.get_token``."""
    return await _to_thread(
        _ssokit.get_token, profile, sso_session=sso_session, config_file=config_file, env=env
    )


async def get_credentials(
    profile: Optional[str] = None, *, config_file: _PathArg = None, env: _Env = None
) -> Credentials:
    """Awaitable ``ssokit.get_credentials``."""
    return await _to_thread(_ssokit.get_credentials, profile, config_file=config_file, env=env)


async def status(*, config_file: _PathArg = None, env: _Env = None) -> List[SessionStatus]:
    """Awaitable ``ssokit.status`` (it reads files only)."""
    return await _to_thread(_ssokit.status, config_file=config_file, env=env)


async def list_accounts(
    profile: Optional[str] = None,
    *,
    sso_session: Optional[str] = None,
    config_file: _PathArg = None,
    env: _Env = None,
) -> List[Account]:
    """Awaitable ``ssokit.list_accounts``."""
    return await _to_thread(
        _ssokit.list_accounts, profile, sso_session=sso_session, config_file=config_file, env=env
    )


async def list_roles(
    profile: Optional[str] = None,
    *,
    account_id: Optional[str] = None,
    sso_session: Optional[str] = None,
    config_file: _PathArg = None,
    env: _Env = None,
) -> List[Role]:
    """Awaitable ``ssokit.list_roles``."""
    return await _to_thread(
        _ssokit.list_roles,
        profile,
        account_id=account_id,
        sso_session=sso_session,
        config_file=config_file,
        env=env,
    )


class CredentialProvider:
    """Awaitable ``ssokit.CredentialProvider``: ``await provider()`` returns credentials
    with more than 15 minutes left. One instance may be shared by many tasks and
    threads; a cold provider makes one GetRoleCredentials call for all of them."""

    def __init__(
        self,
        profile: Optional[str] = None,
        *,
        auto_login: bool = False,
        on_prompt: Optional[Callable[[DevicePrompt], object]] = None,
        open_browser: bool = True,
        config_file: _PathArg = None,
        env: _Env = None,
    ) -> None:
        """Resolves the profile at once (``ConfigError`` for a bad one); no network."""
        self.sync = _ssokit.CredentialProvider(
            profile,
            auto_login=auto_login,
            on_prompt=on_prompt,
            open_browser=open_browser,
            config_file=config_file,
            env=env,
        )
        """The blocking provider this one wraps (shares its cache)."""

    async def __call__(self) -> Credentials:
        """Credentials with more than 15 minutes left (a worker thread waits for them)."""
        return await _to_thread(self.sync)

    def __repr__(self) -> str:
        return f"aio.{self.sync!r}"


__all__ = [
    "CredentialProvider",
    "get_credentials",
    "get_token",
    "list_accounts",
    "list_roles",
    "login",
    "logout",
    "status",
]
