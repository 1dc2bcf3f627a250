"""``ssokit.boto3_session``: a boto3 session whose refreshable credentials come from
an ``ssokit.CredentialProvider``. Imported only when used, so that boto3 stays an
optional dependency and ``import ssokit`` stays fast."""

from __future__ import annotations

import logging
from typing import Any, Dict

from ssokit._ssokit import CredentialProvider

try:
    import boto3
    import botocore.session
    from botocore.credentials import (
        CredentialProvider as _BotocoreProvider,
        CredentialResolver,
        DeferredRefreshableCredentials,
    )
except ImportError as _missing:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "ssokit.boto3_session needs boto3, which is an optional dependency of ssokit: "
        "install it with `pip install 'ssokit[boto3]'` (or `pip install boto3`)"
    ) from _missing

_log = logging.getLogger("ssokit")

_EXPLICIT_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")


class _SsokitBotocoreProvider(_BotocoreProvider):  # type: ignore[misc]
    """The only entry of the session's botocore credential chain: ssokit."""

    METHOD = "ssokit"
    CANONICAL_NAME = "ssokit"

    def __init__(self, provider: CredentialProvider) -> None:
        super().__init__()
        self._provider = provider

    def _metadata(self) -> Dict[str, str]:
        """What botocore's refreshable credentials ask for at each refresh."""
        c = self._provider()
        _log.debug(
            "ssokit credentials for profile %s: access key %s, expire at %s",
            self._provider.profile,
            c.access_key_id,
            c.expiration.isoformat(),
        )
        return {
            "access_key": c.access_key_id,
            "secret_key": c.secret_access_key,
            "token": c.session_token,
            "expiry_time": c.expiration.isoformat(),
        }

    def load(self) -> DeferredRefreshableCredentials:
        """Credentials fetched on first use, refreshed before they expire."""
        return DeferredRefreshableCredentials(refresh_using=self._metadata, method=self.METHOD)


def boto3_session(
    profile: str | None = None, *, auto_login: bool = False, **session_kwargs: Any
) -> boto3.Session:
    """See ``ssokit.boto3_session``."""
    given = [k for k in _EXPLICIT_KEYS if k in session_kwargs]
    if given:
        raise TypeError(
            f"boto3_session takes its credentials from ssokit; do not pass {', '.join(given)}"
        )
    profile_name = session_kwargs.pop("profile_name", None)
    if profile is not None and profile_name is not None and profile != profile_name:
        raise TypeError("give profile or profile_name, not both")
    provider = CredentialProvider(profile or profile_name, auto_login=auto_login)
    core = session_kwargs.pop("botocore_session", None) or botocore.session.Session()
    core.register_component(
        "credential_provider", CredentialResolver([_SsokitBotocoreProvider(provider)])
    )
    return boto3.Session(botocore_session=core, profile_name=provider.profile, **session_kwargs)
