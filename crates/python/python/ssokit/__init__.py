"""ssokit: AWS IAM Identity Center (AWS SSO) profiles, login and credentials.

A thin, typed layer over ssokit's Rust core, which reads the AWS config files exactly
as the AWS SDKs do and shares ``~/.aws/sso/cache`` with the AWS CLI and boto3.

Example::

    import ssokit

    profile = ssokit.resolve_profile("dev")
    print(profile.start_url, profile.account_id, profile.role_name)
"""

from ssokit._ssokit import (
    CacheError,
    ConfigError,
    SsoError,
    SsoProfile,
    __version__,
    list_profiles,
    resolve_profile,
)

__all__ = [
    "CacheError",
    "ConfigError",
    "SsoError",
    "SsoProfile",
    "__version__",
    "list_profiles",
    "resolve_profile",
]
