"""ssokit: AWS IAM Identity Center (AWS SSO) login and credentials for Python.

A thin, typed layer over ssokit's Rust core. It reads the AWS config files exactly as
the AWS SDKs do and shares ``~/.aws/sso/cache`` and ``~/.aws/cli/cache`` with the AWS
CLI, boto3 and every SDK: one login serves them all.

Example::

    import ssokit

    ssokit.login("dev")                          # PKCE or device code; opens a browser
    session = ssokit.boto3_session("dev")        # refreshes its own credentials
    print(session.client("sts").get_caller_identity()["Arn"])

Everything that serves credentials or tokens refreshes them 15 minutes before they
expire. Blocking calls release the GIL; Ctrl-C interrupts them. ``ssokit.aio`` has
awaitable versions, and ``ssokit.testing.Emulator`` a local Identity Center for tests.
"""

from __future__ import annotations

import os as _os
# Nothing from ``typing`` at run time: importing it costs more than all of ssokit
# (``python -X importtime``). Type checkers treat ``TYPE_CHECKING`` as true.
TYPE_CHECKING = False

from ssokit._ssokit import (
    AccessDeniedError,
    Account,
    CacheError,
    CancelToken,
    ConfigError,
    CredentialProvider,
    Credentials,
    DevicePrompt,
    InternalError,
    LoginCancelledError,
    LoginTimeoutError,
    LogoutReport,
    NetworkError,
    NotLoggedInError,
    PkcePrompt,
    Role,
    ServiceError,
    SessionExpiredError,
    SessionStatus,
    SsoError,
    SsoProfile,
    Token,
    UsageError,
    __version__,
    _after_fork_in_child,
    console_url,
    get_credentials,
    get_token,
    list_accounts,
    list_profiles,
    list_roles,
    login,
    logout,
    resolve_profile,
    status,
)

if TYPE_CHECKING:
    from typing import Any, Union

    import boto3

    #: What ``login``'s ``on_prompt`` receives: a ``DevicePrompt`` (``flow ==
    #: "device-code"``) or a ``PkcePrompt`` (``flow == "pkce"``).
    LoginPrompt = Union[DevicePrompt, PkcePrompt]

_LOGIN_PROMPT_DOC = """What ``login``'s ``on_prompt`` receives: a ``DevicePrompt`` (``flow ==
"device-code"``) or a ``PkcePrompt`` (``flow == "pkce"``)."""

if hasattr(_os, "register_at_fork"):
    # ssokit's I/O threads do not survive a fork; a child starts its own.
    _os.register_at_fork(after_in_child=_after_fork_in_child)


def boto3_session(
    profile: str | None = None, *, auto_login: bool = False, **session_kwargs: Any
) -> boto3.Session:
    """A ``boto3.Session`` whose credentials come from ssokit.

    The credentials refresh themselves through botocore's refreshable-credentials
    mechanism: every client of the session asks ssokit again 15 minutes before they
    expire (no network call while they are fresh). ``profile`` defaults to
    ``$AWS_PROFILE``, then ``$AWS_DEFAULT_PROFILE``, then ``default``; its ``region`` applies as usual. Other keyword
    arguments go to ``boto3.Session`` (``region_name``, ``botocore_session``, ...);
    ``profile_name`` is accepted as another spelling of ``profile``. With
    ``auto_login=True`` a missing or ended login starts a device-code login (the
    code is printed on ``sys.stderr``).

    Raises ``ImportError`` when boto3 is not installed (``pip install 'ssokit[boto3]'``)
    and ``ConfigError`` at once for a profile that is not an SSO role profile; login
    errors (``NotLoggedInError``, ...) come with the first request.
    """
    from ssokit._boto3 import boto3_session as _boto3_session

    return _boto3_session(profile, auto_login=auto_login, **session_kwargs)


def __getattr__(name: str) -> Any:
    """Imports the ``aio`` and ``testing`` submodules, and builds ``LoginPrompt``
    (which needs ``typing``), on first use."""
    if name in ("aio", "testing"):
        import importlib

        return importlib.import_module(f"ssokit.{name}")
    if name == "LoginPrompt":
        from typing import Union

        prompt = Union[DevicePrompt, PkcePrompt]
        prompt.__doc__ = _LOGIN_PROMPT_DOC
        globals()[name] = prompt
        return prompt
    raise AttributeError(f"module 'ssokit' has no attribute {name!r}")


__all__ = [
    "AccessDeniedError",
    "Account",
    "CacheError",
    "CancelToken",
    "ConfigError",
    "CredentialProvider",
    "Credentials",
    "DevicePrompt",
    "InternalError",
    "LoginCancelledError",
    "LoginPrompt",
    "LoginTimeoutError",
    "LogoutReport",
    "NetworkError",
    "NotLoggedInError",
    "PkcePrompt",
    "Role",
    "ServiceError",
    "SessionExpiredError",
    "SessionStatus",
    "SsoError",
    "SsoProfile",
    "Token",
    "UsageError",
    "__version__",
    "boto3_session",
    "console_url",
    "get_credentials",
    "get_token",
    "list_accounts",
    "list_profiles",
    "list_roles",
    "login",
    "logout",
    "resolve_profile",
    "status",
]
