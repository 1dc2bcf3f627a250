"""A local AWS IAM Identity Center for your tests: no AWS account, no network, and
nothing written to your real ``~/.aws``.

``Emulator`` is the emulator of ssokit (SSO OIDC and the SSO portal, with the
services' wire format and errors), linked into ssokit's native module. As a context
manager it points the process at itself and at a temporary AWS home::

    import ssokit
    from ssokit.testing import Emulator

    def test_my_code() -> None:
        accounts = [{"id": "111122223333", "name": "dev", "roles": ["ReadOnly"]}]
        with Emulator(accounts=accounts) as idc:
            ssokit.login("dev", flow="device-code", open_browser=False)   # approved by the emulator
            assert ssokit.get_credentials("dev").account_id == "111122223333"
            assert idc.count("GetRoleCredentials") == 1

Inside the ``with`` block these environment variables are set (and restored
afterwards): ``HOME`` and ``USERPROFILE`` (a temporary directory, also holding the
``~/.aws`` caches), ``AWS_CONFIG_FILE`` (``idc.config_path``),
``AWS_SHARED_CREDENTIALS_FILE``, ``AWS_ENDPOINT_URL_SSO``,
``AWS_ENDPOINT_URL_SSO_OIDC``, ``AWS_ENDPOINT_URL_SIGNIN`` and ``AWS_ENDPOINT_URL_STS`` (``idc.url``); the variables that would override the
config (``AWS_PROFILE``, ``AWS_ACCESS_KEY_ID``, ...) are removed.

Without ``accounts`` it serves the emulator's default organisation
(``DEFAULT_ACCOUNTS``), the same as ``ssokit demo`` and Node's ``Emulator``:
``111122223333`` ``dev`` (``ReadOnly``, ``AdministratorAccess``), ``444455556666``
``staging`` (``ReadOnly``, ``Deployer``) and ``777788889999`` ``prod``
(``ReadOnly``).

The config file, written by the emulator (the same in every language), has an
``[sso-session emulator]`` and, for every account and role, a profile
``<account name>-<role>``; the first role of each account is also the profile
``<account name>``, and the first role of the first account the ``[default]``
profile (see ``idc.profiles``). Names keep letters, digits and ``_.@+=,-``; other
characters become ``-``. For the default organisation: ``default``, ``dev``,
``dev-ReadOnly``, ``dev-AdministratorAccess``, ``staging``, ``staging-ReadOnly``,
``staging-Deployer``, ``prod``, ``prod-ReadOnly``.

**botocore fixes its SSO cache directory (``~/.aws/sso/cache``) when it is
imported**, from ``HOME`` at that moment. Create the emulator before anything
imports botocore or boto3, or run botocore in a subprocess; otherwise botocore reads
the real home's tokens, not the emulator's.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type, Union

from ssokit._ssokit import EmulatorServer

__all__ = ["Emulator", "EmulatorRequest", "DEFAULT_ACCOUNTS"]

Seconds = Union[float, timedelta]

DEFAULT_ACCOUNTS: List[Dict[str, Any]] = json.loads(EmulatorServer.default_accounts_json())
"""The accounts of an ``Emulator()`` created without ``accounts``: the emulator's
default organisation, as ``{"id", "name", "email", "roles"}`` mappings."""

_DEFAULT_SSO_SESSION, _DEFAULT_START_URL, _DEFAULT_REGION = EmulatorServer.home_defaults()


@dataclass(frozen=True)
class EmulatorRequest:
    """One request the emulator served. Bodies, headers and secret query values are
    never recorded."""

    seq: int
    """A sequence number, from 1."""
    method: str
    """The HTTP method."""
    path: str
    """The path."""
    operation: Optional[str]
    """The service operation (``"GetRoleCredentials"``, ``"CreateToken"``, ...), or None
    for the HTML pages."""
    status: int
    """The response status."""
    error: Optional[str]
    """The error name of a failed response, e.g. ``"AuthorizationPendingException"``."""
    query: Optional[str] = None
    """The query, with secret values redacted."""
    detail: Optional[str] = None
    """What the emulator noted, e.g. the grant type of CreateToken."""
    fault: Optional[str] = None
    """The injected fault, if any."""
    at_ms: int = 0
    """When it arrived, in ms since the Unix epoch (the emulator's clock)."""
    duration_ms: int = 0
    """How long it took."""


def _seconds(value: Optional[Seconds]) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


class Emulator:
    """A local IAM Identity Center, as a context manager (see the module docs)."""

    def __init__(
        self,
        accounts: Optional[Sequence[Mapping[str, Any]]] = None,
        *,
        auto_approve: bool = True,
        region: str = _DEFAULT_REGION,
        start_url: str = _DEFAULT_START_URL,
        sso_session: str = _DEFAULT_SSO_SESSION,
        token_lifetime: Optional[Seconds] = None,
        session_lifetime: Optional[Seconds] = None,
        credentials_lifetime: Optional[Seconds] = None,
        registration_lifetime: Optional[Seconds] = None,
        device_code_lifetime: Optional[Seconds] = None,
        poll_interval: int = 1,
        port: int = 0,
    ) -> None:
        """Configures the emulator; ``start()`` (or ``with``) starts it.

        ``accounts`` are mappings with ``id`` (12 digits), ``name``, ``roles`` and
        optionally ``email`` (default ``<name>@example.com``); without them, the
        default organisation (``DEFAULT_ACCOUNTS``). With ``auto_approve`` (the
        default) device logins are approved at the first poll, as if a person pressed Allow, and PKCE logins when
        the authorize page is opened (``GET /authorize`` redirects straight to
        ssokit's listener: open ``PkcePrompt.authorize_url`` in ``on_prompt``, e.g.
        with ``urllib.request.urlopen``); with ``auto_approve=False`` call
        ``approve()`` (device logins; the authorize page then shows Allow and Deny). The lifetimes (seconds or
        ``timedelta``) default to the service's: tokens 1 hour, sessions 8 hours,
        role credentials 1 hour. ``poll_interval`` is the device-flow interval in
        whole seconds (at least 1).
        """
        self._accounts_json = None if accounts is None else json.dumps([dict(a) for a in accounts])
        self._options: Dict[str, Any] = {
            "port": port,
            "token_lifetime": _seconds(token_lifetime),
            "session_lifetime": _seconds(session_lifetime),
            "credentials_lifetime": _seconds(credentials_lifetime),
            "registration_lifetime": _seconds(registration_lifetime),
            "device_code_lifetime": _seconds(device_code_lifetime),
            "poll_interval": poll_interval,
            "auto_approve_after_polls": 0 if auto_approve else None,
        }
        self.region = region
        """The Identity Center region written into the config (``us-east-1``)."""
        self.start_url = start_url
        """The start URL written into the config
        (``https://d-0000000000.awsapps.com/start``)."""
        self.sso_session = sso_session
        """The name of the config's ``[sso-session]`` (``emulator``)."""
        self._server: Optional[EmulatorServer] = None
        self._home: Optional[Path] = None
        self._saved_env: Dict[str, Optional[str]] = {}
        self._env: Dict[str, str] = {}
        self.profiles: Dict[str, Tuple[str, str]] = {}
        """Every profile of the config file, in its order: name -> (account id, role
        name). Filled by ``start()``."""

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> Emulator:
        """Starts the server, writes the config into a temporary home and sets the
        environment. Returns self. Prefer ``with Emulator(...) as idc:``."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        self._server = EmulatorServer(accounts_json=self._accounts_json, **self._options)
        try:
            self._home = Path(tempfile.mkdtemp(prefix="ssokit-emulator-"))
            home = self._server.write_home(
                str(self._home), sso_session=self.sso_session, start_url=self.start_url, region=self.region
            )
            self._env = dict(home["env"])
            self.profiles = {name: (account_id, role) for name, account_id, role in home["profiles"]}
            cleared: List[str] = list(home["cleared_vars"])
            for name in [*self._env, *cleared]:
                self._saved_env[name] = os.environ.get(name)
            for name in cleared:
                os.environ.pop(name, None)
            os.environ.update(self._env)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Restores the environment, stops the server and removes the temporary home."""
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env = {}
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._home is not None:
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None
        self._env = {}

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    # -- where things are ------------------------------------------------------------

    @property
    def server(self) -> EmulatorServer:
        """The running server (raises RuntimeError when not started)."""
        if self._server is None:
            raise RuntimeError("the emulator is not running: use `with Emulator(...) as idc:`")
        return self._server

    @property
    def url(self) -> str:
        """The endpoint of both SSO OIDC and the SSO portal, e.g. ``http://127.0.0.1:41234``."""
        return self.server.url

    @property
    def home(self) -> Path:
        """The temporary home directory (``HOME``)."""
        if self._home is None:
            raise RuntimeError("the emulator is not running: use `with Emulator(...) as idc:`")
        return self._home

    @property
    def config_path(self) -> Path:
        """The AWS config file written for the emulator (``AWS_CONFIG_FILE``)."""
        return Path(self.env["AWS_CONFIG_FILE"])

    @property
    def credentials_path(self) -> Path:
        """An empty AWS credentials file (``AWS_SHARED_CREDENTIALS_FILE``)."""
        return Path(self.env["AWS_SHARED_CREDENTIALS_FILE"])

    @property
    def env(self) -> Dict[str, str]:
        """The environment variables the emulator sets, e.g. for a subprocess."""
        if not self._env:
            raise RuntimeError("the emulator is not running: use `with Emulator(...) as idc:`")
        return dict(self._env)

    # -- approvals ------------------------------------------------------------------

    def pending_user_codes(self) -> List[str]:
        """The user codes of device logins waiting for approval."""
        return list(self.server.pending_user_codes())

    def approve(self, user_code: Optional[str] = None) -> None:
        """Approves a waiting device login, as a person pressing Allow. Without a
        code, approves the only waiting one (ValueError if there is not exactly one)."""
        self.server.approve(self._one_code(user_code))

    def deny(self, user_code: Optional[str] = None) -> None:
        """Denies a waiting device login (the login raises AccessDeniedError)."""
        self.server.deny(self._one_code(user_code))

    def _one_code(self, user_code: Optional[str]) -> str:
        if user_code is not None:
            return user_code
        codes = self.pending_user_codes()
        if len(codes) != 1:
            raise ValueError(f"expected one waiting device login, found {len(codes)}")
        return codes[0]

    def set_auto_approve(self, enabled: bool) -> None:
        """Turns automatic approval of device logins and PKCE authorize requests on or
        off."""
        self.server.set_auto_approve(0 if enabled else None)

    # -- the request log ------------------------------------------------------------

    def requests(self, operation: Optional[str] = None) -> List[EmulatorRequest]:
        """Every request served so far (oldest first), or those of one operation."""
        fields = set(EmulatorRequest.__dataclass_fields__)
        records = [
            EmulatorRequest(**{k: v for k, v in r.items() if k in fields})
            for r in json.loads(self.server.request_log_json())
        ]
        return [r for r in records if operation is None or r.operation == operation]

    def count(self, operation: str) -> int:
        """How many requests of this operation were served (e.g. ``"GetRoleCredentials"``)."""
        return len(self.requests(operation))

    def clear_requests(self) -> None:
        """Empties the request log."""
        self.server.clear_request_log()

    # -- sessions, faults, time -----------------------------------------------------

    def sessions(self) -> List[Dict[str, Any]]:
        """Every Identity Center session (login) so far, as dicts (no tokens)."""
        result: List[Dict[str, Any]] = json.loads(self.server.sessions_json())
        return result

    def revoke_all_sessions(self) -> int:
        """Revokes every live session, as an administrator would; returns how many."""
        return self.server.revoke_all_sessions()

    def inject_fault(
        self,
        kind: str,
        *,
        operation: Optional[str] = None,
        status: Optional[int] = None,
        times: int = 1,
        delay: Optional[Seconds] = None,
        rate: Optional[float] = None,
    ) -> None:
        """Adds a fault: ``"latency"`` (every matching request waits ``delay``),
        ``"fail"`` (the next ``times`` matching requests fail with ``status``) or
        ``"throttle"`` (a fraction ``rate`` gets HTTP 429). ``operation`` limits it
        to one operation, e.g. ``"GetRoleCredentials"``."""
        fault: Dict[str, Any] = {"kind": kind}
        if operation is not None:
            fault["operation"] = operation
        if kind == "latency":
            fault["millis"] = int((_seconds(delay) or 0.0) * 1000)
        elif kind == "fail":
            fault.update(status=status if status is not None else 500, times=times)
        elif kind == "throttle":
            fault["rate"] = 1.0 if rate is None else rate
        self.server.inject_fault_json(json.dumps(fault))

    def clear_faults(self) -> None:
        """Removes every fault."""
        self.server.clear_faults()

    def advance_clock(self, by: Seconds) -> None:
        """Moves the emulator's clock forward, so that its tokens, codes and sessions
        expire without waiting."""
        self.server.advance_clock(_seconds(by) or 0.0)

    def __repr__(self) -> str:
        url = self._server.url if self._server is not None else None
        return f"Emulator(url={url!r}, home={str(self._home) if self._home else None!r})"
