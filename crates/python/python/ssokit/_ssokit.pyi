"""Type stubs for the native module ``ssokit._ssokit`` (re-exported by ``ssokit``)."""

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import Any, Literal, NoReturn, Optional, Union, final, overload

__version__: str

_PathArg = Optional[Union[str, PathLike[str]]]
_Env = Optional[Mapping[str, str]]
_Flow = Literal["auto", "pkce", "device-code"]
_Timeout = Optional[Union[float, timedelta]]

# -- exceptions -------------------------------------------------------------------

class SsoError(Exception):
    """Base class of every error ssokit raises. The message says what went wrong and
    what to do (the call that fixes it, in Python: ``call ssokit.login("dev")``); it
    never contains a token or key. Every instance has the attributes below."""

    kind: str
    """What kind of failure this is, one of ``"not_logged_in"``, ``"session_expired"``,
    ``"access_denied"``, ``"login_timeout"``, ``"cancelled"``, ``"config"``,
    ``"cache"``, ``"service"``, ``"network"``, ``"usage"``, ``"internal"``. Each kind
    has its own exception class."""
    remedy: Optional[str]
    """The call that fixes the error, e.g. ``'call ssokit.login("dev")'``, or None."""
    profile: Optional[str]
    """The profile to log in to (or that the login was for), or None."""
    sso_session: Optional[str]
    """The sso-session to log in to (or that the login was for), or None."""
    code: Optional[str]
    """The service's error code (e.g. ``"TooManyRequestsException"``), or None when
    there was no service response."""
    status: Optional[int]
    """The HTTP status of the service's answer, or None when there was none."""

class ConfigError(SsoError):
    """The AWS config file, a profile or the environment is wrong; the message says
    where (file, line, profile, key) and how to fix it."""

class CacheError(SsoError):
    """A cache file under ~/.aws could not be read, written or locked."""

class NotLoggedInError(SsoError):
    """There is no usable SSO token: never logged in, logged out, or the token file
    is unreadable. Call ``ssokit.login()``."""

class SessionExpiredError(NotLoggedInError):
    """The SSO session has ended: the token expired and cannot be refreshed, or the
    service revoked it. Call ``ssokit.login()``. A subclass of NotLoggedInError, so
    ``except NotLoggedInError`` handles both."""

class AccessDeniedError(SsoError):
    """The login was declined in the browser, or is not allowed."""

class LoginTimeoutError(SsoError):
    """The login was not approved in time: the timeout passed or the code expired."""

class LoginCancelledError(SsoError):
    """The login was cancelled (``CancelToken.cancel()``) before it was approved."""

class ServiceError(SsoError):
    """IAM Identity Center answered with an error (see ``code`` and ``status``)."""

class NetworkError(ServiceError):
    """IAM Identity Center could not be reached: connection, DNS, TLS or a timeout.
    A subclass of ServiceError, so ``except ServiceError`` handles both."""

class UsageError(SsoError, ValueError):
    """What was asked cannot be done as asked; choose another option."""

class InternalError(SsoError):
    """A bug or an unexpected failure in ssokit itself; please report it."""

# -- values -------------------------------------------------------------------------

@final
class SsoProfile:
    """A resolved SSO profile: where its token comes from and which role it assumes.
    The attributes have the names of the fields of ``ssokit profile --json``."""

    @property
    def name(self) -> str:
        """The profile name."""
    @property
    def session_name(self) -> Optional[str]:
        """The sso-session name, or None for a legacy profile."""
    @property
    def start_url(self) -> str:
        """The IAM Identity Center start URL."""
    @property
    def sso_region(self) -> str:
        """The region of the Identity Center instance."""
    @property
    def scopes(self) -> Optional[list[str]]:
        """The registration scopes, or None when not configured."""
    @property
    def account_id(self) -> Optional[str]:
        """The AWS account id, or None for a token-only profile."""
    @property
    def role_name(self) -> Optional[str]:
        """The role name, or None for a token-only profile."""
    @property
    def region(self) -> Optional[str]:
        """The profile's own ``region`` setting."""
    @property
    def oidc_endpoint(self) -> str:
        """The SSO OIDC endpoint URL."""
    @property
    def portal_endpoint(self) -> str:
        """The SSO portal endpoint URL."""
    @property
    def token_cache_path(self) -> Optional[Path]:
        """The token cache file shared with the AWS CLI (None without a home directory)."""
    @property
    def registration_cache_path(self) -> Optional[Path]:
        """The client-registration cache file (None without a home directory)."""
    @property
    def role_cache_path(self) -> Optional[Path]:
        """The role-credentials cache file, or None for a token-only profile."""
    @property
    def warnings(self) -> list[str]:
        """Non-fatal notes about the configuration."""
    @property
    def is_token_only(self) -> bool:
        """True when the profile yields only a bearer token, not AWS credentials."""

@final
class Credentials:
    """AWS credentials for one account and role (frozen). ``repr`` hides the secret
    key and session token."""

    @property
    def access_key_id(self) -> str:
        """The access key id (not a secret; it appears in signed requests)."""
    @property
    def secret_access_key(self) -> str:
        """The secret access key."""
    @property
    def session_token(self) -> str:
        """The session token."""
    @property
    def expiration(self) -> datetime:
        """When the credentials expire (an aware UTC datetime)."""
    @property
    def account_id(self) -> Optional[str]:
        """The AWS account the credentials belong to."""
    def to_env(self) -> list[tuple[str, str]]:
        """The credentials as the variables ``aws configure export-credentials``
        prints: ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
        ``AWS_SESSION_TOKEN``, ``AWS_CREDENTIAL_EXPIRATION`` (use
        ``env.update(creds.to_env())`` for a subprocess)."""

@final
class Token:
    """An SSO access token (a bearer token for the SSO portal), frozen. ``repr``
    hides the token."""

    @property
    def access_token(self) -> str:
        """The access token (a secret)."""
    @property
    def expiration(self) -> datetime:
        """When the token expires (an aware UTC datetime)."""
    @property
    def start_url(self) -> Optional[str]:
        """The start URL it was issued for, when the cache file records it."""
    @property
    def region(self) -> Optional[str]:
        """The Identity Center region, when the cache file records it."""
    @property
    def flow(self) -> Optional[Literal["pkce", "device-code"]]:
        """The flow ``login`` used; None for a token from ``get_token``."""
    @property
    def flow_reason(self) -> Optional[str]:
        """Why ``login`` chose that flow (``"as requested"``, ``"over SSH: ..."``,
        ...); None for a token from ``get_token``."""

@final
class DevicePrompt:
    """What the user must see to approve a device-code login; passed to
    ``on_prompt``."""

    @property
    def flow(self) -> Literal["device-code"]:
        """Always ``"device-code"`` (a ``PkcePrompt`` says ``"pkce"``)."""
    @property
    def verification_uri(self) -> str:
        """The page where the user enters the code."""
    @property
    def verification_uri_complete(self) -> Optional[str]:
        """The same page with the code filled in (open this one), or None."""
    @property
    def user_code(self) -> str:
        """The code the user enters (shown to the user; not a secret)."""
    @property
    def expires_at(self) -> datetime:
        """When the code expires (an aware UTC datetime)."""
    @property
    def browser_opened(self) -> bool:
        """True when ssokit opened the verification page in a browser."""
    @property
    def text(self) -> str:
        """What ssokit writes to ``sys.stderr`` when there is no ``on_prompt``: the
        URL, the code and what to do with them (the same text as the CLI's)."""

@final
class PkcePrompt:
    """What the user must do to approve a PKCE login: open ``authorize_url`` in a
    browser on this machine (the page returns to ssokit's listener on 127.0.0.1);
    passed to ``on_prompt``."""

    @property
    def flow(self) -> Literal["pkce"]:
        """Always ``"pkce"`` (a ``DevicePrompt`` says ``"device-code"``)."""
    @property
    def authorize_url(self) -> str:
        """The Identity Center authorize page to open (it holds no secret)."""
    @property
    def browser_opened(self) -> bool:
        """True when ssokit opened the page in a browser."""
    @property
    def text(self) -> str:
        """What ssokit writes to ``sys.stderr`` when there is no ``on_prompt`` (the
        same text as the CLI's)."""

@final
class Account:
    """An AWS account the signed-in user may access."""

    @property
    def account_id(self) -> str:
        """The 12-digit account id."""
    @property
    def account_name(self) -> Optional[str]:
        """The account name."""
    @property
    def email_address(self) -> Optional[str]:
        """The account's email address."""

@final
class Role:
    """A role the signed-in user may assume in an account."""

    @property
    def account_id(self) -> str:
        """The account id."""
    @property
    def account_name(self) -> Optional[str]:
        """The account name, when the roles were listed for every account (None for
        the roles of one ``account_id``)."""
    @property
    def role_name(self) -> str:
        """The role (permission set) name."""

@final
class SessionStatus:
    """The state of one sso-session (or legacy start URL), from the token cache."""

    @property
    def sso_session(self) -> Optional[str]:
        """The sso-session name; None for a legacy start URL."""
    @property
    def start_url(self) -> str:
        """The start URL (empty when the session section could not be resolved)."""
    @property
    def sso_region(self) -> str:
        """The Identity Center region."""
    @property
    def token_file(self) -> Path:
        """The token file shared with the AWS CLI."""
    @property
    def logged_in(self) -> bool:
        """True when a token exists and has not expired."""
    @property
    def expires_at(self) -> Optional[datetime]:
        """When the token expires, when a readable token exists."""
    @property
    def expires_in_seconds(self) -> Optional[int]:
        """Seconds left before the token expires (0 when expired)."""
    @property
    def refreshable(self) -> bool:
        """True when the token can be refreshed without a new login."""
    @property
    def profiles(self) -> list[str]:
        """The profiles that use this session, sorted."""
    @property
    def problem(self) -> Optional[str]:
        """Why the state is unknown or the token unusable."""

@final
class LogoutReport:
    """What a logout removed."""

    @property
    def tokens_removed(self) -> list[Path]:
        """Token files removed."""
    @property
    def role_credentials_removed(self) -> list[Path]:
        """Role-credentials files removed."""
    @property
    def revoke_failures(self) -> int:
        """Tokens the portal could not revoke (removed from disk all the same)."""

@final
class CancelToken:
    """Cancels a login from another thread (e.g. a GUI's Cancel button): pass it as
    ``ssokit.login(cancel=token)`` and call ``token.cancel()``."""

    def __new__(cls) -> CancelToken:
        """A token that is not cancelled."""
    def cancel(self) -> None:
        """Cancels every login watching this token; they raise LoginCancelledError."""
    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""

# -- functions ------------------------------------------------------------------------

def resolve_profile(
    profile: Optional[str] = None,
    *,
    config_file: _PathArg = None,
    env: _Env = None,
) -> SsoProfile:
    """Resolve an SSO profile from the AWS config file.

    ``profile`` defaults to ``$AWS_PROFILE``, then ``$AWS_DEFAULT_PROFILE``, then ``default``; ``config_file`` to
    ``$AWS_CONFIG_FILE``, then ``~/.aws/config``. ``env`` replaces the process
    environment for this call (for tests). Raises ``ConfigError`` with the file, line,
    profile and key at fault.
    """

def list_profiles(
    *,
    config_file: _PathArg = None,
    env: _Env = None,
) -> list[str]:
    """The names of every profile in the config and credentials files."""

@overload
def login(
    profile: Optional[str] = None,
    *,
    sso_session: Optional[str] = None,
    flow: Literal["device-code"],
    open_browser: bool = True,
    on_prompt: Optional[Callable[[DevicePrompt], object]] = None,
    timeout: _Timeout = None,
    force: bool = True,
    cancel: Optional[CancelToken] = None,
    config_file: _PathArg = None,
    env: _Env = None,
) -> Token: ...
@overload
def login(
    profile: Optional[str] = None,
    *,
    sso_session: Optional[str] = None,
    flow: Literal["pkce"],
    open_browser: bool = True,
    on_prompt: Optional[Callable[[PkcePrompt], object]] = None,
    timeout: _Timeout = None,
    force: bool = True,
    cancel: Optional[CancelToken] = None,
    config_file: _PathArg = None,
    env: _Env = None,
) -> Token: ...
@overload
def login(
    profile: Optional[str] = None,
    *,
    sso_session: Optional[str] = None,
    flow: _Flow = "auto",
    open_browser: bool = True,
    on_prompt: Optional[Callable[[Union[DevicePrompt, PkcePrompt]], object]] = None,
    timeout: _Timeout = None,
    force: bool = True,
    cancel: Optional[CancelToken] = None,
    config_file: _PathArg = None,
    env: _Env = None,
) -> Token:
    """Log in like ``aws sso login`` and cache the token where the AWS CLI and boto3
    find it.

    Logs in to the sso-session of ``profile`` (default ``$AWS_PROFILE``, then ``$AWS_DEFAULT_PROFILE``, then
    ``default``), or to ``sso_session`` by name. ``flow="auto"`` (the default) uses
    the PKCE authorization-code flow (one click in a browser on this machine) when a
    local browser can reach 127.0.0.1, and the device code for legacy profiles, over
    SSH, in containers and in sessions without a display (judged from ``env`` when
    given); ``"pkce"`` or ``"device-code"`` forces one. ``Token.flow`` and
    ``Token.flow_reason`` say which was used and why.

    With ``open_browser`` the page opens in a browser (``$BROWSER`` or the
    platform's opener). ``on_prompt`` receives a ``DevicePrompt`` (URL, complete URL,
    user code, expiry) or a ``PkcePrompt`` (``authorize_url``) to show it in a GUI or
    notebook; it is called from one of ssokit's threads. Without it the prompt is
    written to ``sys.stderr``. ``timeout`` (seconds or a ``timedelta``) stops waiting
    for approval (a PKCE login waits 10 minutes by default); ``force=False`` keeps a
    valid cached token instead of logging in again. Many processes logging in at
    once show one prompt. The GIL is released while waiting; Ctrl-C
    (KeyboardInterrupt) and ``cancel.cancel()`` end the login cleanly.

    Raises ``AccessDeniedError``, ``LoginTimeoutError``, ``LoginCancelledError``,
    ``ConfigError``, ``ServiceError``, ``ValueError`` (an unknown ``flow``), or the
    exception ``on_prompt`` raised.
    """

def logout(
    profile: Optional[str] = None,
    *,
    sso_session: Optional[str] = None,
    config_file: _PathArg = None,
    env: _Env = None,
) -> LogoutReport:
    """Log out like ``aws sso logout``: without ``profile`` or ``sso_session``, revoke
    and remove every SSO token and every cached SSO role credential; with one, only
    that session's token and its profiles' role credentials. Client registrations and
    other tools' files stay."""

def get_token(
    profile: Optional[str] = None,
    *,
    sso_session: Optional[str] = None,
    config_file: _PathArg = None,
    env: _Env = None,
) -> Token:
    """The SSO access token of a profile or sso-session, refreshed (and the file
    rewritten) when less than 15 minutes remain. Raises ``NotLoggedInError`` /
    ``SessionExpiredError`` when a login is needed."""

def get_credentials(
    profile: Optional[str] = None,
    *,
    config_file: _PathArg = None,
    env: _Env = None,
) -> Credentials:
    """AWS credentials of a profile: from the AWS CLI's cache (``~/.aws/cli/cache``)
    when they have more than 15 minutes left, else from GetRoleCredentials with the
    (refreshed) SSO token. For repeated use, keep a ``CredentialProvider``."""

def console_url(
    profile: Optional[str] = None,
    *,
    destination: Optional[str] = None,
    config_file: _PathArg = None,
    env: _Env = None,
) -> str:
    """The console sign-in URL of a profile's role (like ``ssokit console --print``),
    to ``destination`` (default: the console home of the profile's region). It signs
    in whoever opens it, for 15 minutes."""

def status(*, config_file: _PathArg = None, env: _Env = None) -> list[SessionStatus]:
    """The state of every sso-session and legacy start URL in the config (like
    ``ssokit status``): logged in, expiry, refreshable, profiles. No network."""

def list_accounts(
    profile: Optional[str] = None,
    *,
    sso_session: Optional[str] = None,
    config_file: _PathArg = None,
    env: _Env = None,
) -> list[Account]:
    """Every account the signed-in user may access (all pages)."""

def list_roles(
    profile: Optional[str] = None,
    *,
    account_id: Optional[str] = None,
    sso_session: Optional[str] = None,
    config_file: _PathArg = None,
    env: _Env = None,
) -> list[Role]:
    """Every role the signed-in user may assume in ``account_id``, or in every
    account when it is None (then ``Role.account_name`` is set; at most 8
    ListAccountRoles calls at a time). Sorted by account id, then role name."""

@final
class CredentialProvider:
    """Serves the AWS credentials of one profile. Thread-safe: share one instance.

    Credentials are cached in memory and in the AWS CLI's cache and refreshed 15
    minutes before they expire; concurrent callers on a cold provider share one
    GetRoleCredentials call. A call with fresh credentials in memory takes about 0.1
    microseconds and returns the same ``Credentials`` object.
    """

    def __new__(
        cls,
        profile: Optional[str] = None,
        *,
        auto_login: bool = False,
        on_prompt: Optional[Callable[[DevicePrompt], object]] = None,
        open_browser: bool = True,
        config_file: _PathArg = None,
        env: _Env = None,
    ) -> CredentialProvider:
        """Resolve ``profile`` (default ``$AWS_PROFILE``, then ``$AWS_DEFAULT_PROFILE``, then ``default``); raises
        ``ConfigError`` for a missing, invalid or token-only profile. No network.

        With ``auto_login=True``, a missing or ended login starts a device-code login
        (always the device code; one for all threads and processes) shown through ``on_prompt`` (or
        ``sys.stderr``) instead of raising ``NotLoggedInError``.
        """
    def __call__(self) -> Credentials:
        """Credentials with more than 15 minutes left."""
    @property
    def profile(self) -> str:
        """The profile name."""
    @property
    def account_id(self) -> Optional[str]:
        """The AWS account id of the profile."""
    @property
    def role_name(self) -> Optional[str]:
        """The role name of the profile."""
    @property
    def auto_login(self) -> bool:
        """True when the provider logs in by itself when there is no usable token."""

# -- the emulator (see ssokit.testing) ----------------------------------------------------

@final
class EmulatorServer:
    """A running local IAM Identity Center; the low-level handle behind
    ``ssokit.testing.Emulator``."""

    def __new__(
        cls,
        *,
        accounts_json: Optional[str] = None,
        port: int = 0,
        token_lifetime: Optional[float] = None,
        session_lifetime: Optional[float] = None,
        credentials_lifetime: Optional[float] = None,
        registration_lifetime: Optional[float] = None,
        device_code_lifetime: Optional[float] = None,
        poll_interval: Optional[int] = None,
        auto_approve_after_polls: Optional[int] = None,
    ) -> EmulatorServer:
        """Start a server on 127.0.0.1 (a free port unless ``port`` is given).
        Lifetimes are in seconds; ``accounts_json`` is a JSON array of
        ``{"id", "name", "email", "roles"}`` (None: the default organisation)."""
    @staticmethod
    def default_accounts_json() -> str:
        """The emulator's default organisation, as a JSON array of
        ``{"id", "name", "email", "roles"}``."""
    @staticmethod
    def home_defaults() -> tuple[str, str, str]:
        """The defaults of ``write_home``: (sso-session name, start URL, region)."""
    def write_home(
        self,
        dir: Union[str, PathLike[str]],
        *,
        sso_session: Optional[str] = None,
        start_url: Optional[str] = None,
        region: Optional[str] = None,
    ) -> dict[str, Any]:
        """Write ``<dir>/.aws/config`` (an sso-session at this emulator and a profile
        per role) and an empty ``<dir>/.aws/credentials``. Returns ``config_file``,
        ``credentials_file``, ``sso_session``, ``start_url``, ``region``,
        ``profiles`` (``(name, account id, role name)`` tuples), ``env`` (``(name,
        value)`` pairs to set) and ``cleared_vars`` (variables to remove)."""
    @property
    def url(self) -> str:
        """The base URL of both SSO OIDC and the SSO portal."""
    @property
    def verification_uri(self) -> str:
        """The device verification page."""
    def request_log_json(self) -> str:
        """Every recorded request (no secrets), as a JSON array."""
    def clear_request_log(self) -> None:
        """Empty the request log."""
    def approve(self, user_code: str) -> None:
        """Approve the waiting device login with this user code."""
    def deny(self, user_code: str) -> None:
        """Deny the waiting device login with this user code."""
    def pending_user_codes(self) -> list[str]:
        """The user codes waiting for a decision."""
    def set_auto_approve(self, after_polls: Optional[int]) -> None:
        """Auto-approve device codes on poll ``after_polls + 1``, or (None) never."""
    def sessions_json(self) -> str:
        """Every Identity Center session so far, as a JSON array."""
    def revoke_all_sessions(self) -> int:
        """Revoke every live session; return how many."""
    def inject_fault_json(self, fault: str) -> None:
        """Add a fault, given as the admin endpoint's JSON."""
    def clear_faults(self) -> None:
        """Remove every fault."""
    def advance_clock(self, seconds: float) -> None:
        """Move the emulator's clock forward by this many seconds."""
    def stop(self) -> None:
        """Stop the server and wait for its thread. Idempotent."""

def _after_fork_in_child() -> None:
    """Forget ssokit's I/O threads in a child process after ``os.fork()``."""

def _example_error(kind: str) -> NoReturn:
    """Raise the exception of a typical error of this kind (``"not_logged_in"``, ...):
    for tests of the error mapping."""
