"""Type stubs for the native module ``ssokit._ssokit``."""

from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Optional, Union

__version__: str

class SsoError(Exception):
    """Base class of every error ssokit raises."""

class ConfigError(SsoError):
    """The AWS config file, a profile or the environment is wrong; the message says
    where (file, line, profile, key) and how to fix it."""

class CacheError(SsoError):
    """A cache file under ~/.aws could not be read, written or locked."""

class SsoProfile:
    """A resolved SSO profile: where its token comes from and which role it assumes."""

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
    def role_cache_path(self) -> Optional[Path]:
        """The role-credentials cache file, or None for a token-only profile."""
    @property
    def warnings(self) -> list[str]:
        """Non-fatal notes about the configuration."""
    @property
    def is_token_only(self) -> bool:
        """True when the profile yields only a bearer token, not AWS credentials."""

def resolve_profile(
    profile: Optional[str] = None,
    *,
    config_file: Optional[Union[str, PathLike[str]]] = None,
    env: Optional[Mapping[str, str]] = None,
) -> SsoProfile:
    """Resolve an SSO profile from the AWS config file.

    ``profile`` defaults to ``$AWS_PROFILE``, then ``default``; ``config_file`` to
    ``$AWS_CONFIG_FILE``, then ``~/.aws/config``. ``env`` replaces the process
    environment for this call (for tests). Raises ``ConfigError`` with the file, line,
    profile and key at fault.
    """

def list_profiles(
    *,
    config_file: Optional[Union[str, PathLike[str]]] = None,
    env: Optional[Mapping[str, str]] = None,
) -> list[str]:
    """The names of every profile in the config and credentials files."""
