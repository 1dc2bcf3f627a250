"""Profile resolution through the Python package, checked against botocore."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
from pathlib import Path

import pytest

import ssokit


def test_resolves_an_sso_session_profile(aws_home: dict[str, str]) -> None:
    p = ssokit.resolve_profile("dev", env=aws_home)
    assert p.name == "dev"
    assert p.session_name == "my-sso"
    assert p.start_url == "https://d-1234567890.awsapps.com/start"
    assert p.sso_region == "us-east-1"
    assert p.scopes == ["sso:account:access"]
    assert (p.account_id, p.role_name, p.region) == ("111122223333", "ReadOnly", "eu-west-1")
    assert p.oidc_endpoint == "https://oidc.us-east-1.amazonaws.com"
    assert p.portal_endpoint == "https://portal.sso.us-east-1.amazonaws.com"
    assert not p.is_token_only
    key = hashlib.sha1(b"my-sso").hexdigest()
    assert p.token_cache_path == Path(aws_home["HOME"]) / ".aws" / "sso" / "cache" / f"{key}.json"
    assert p.role_cache_path is not None
    assert p.role_cache_path.parent == Path(aws_home["HOME"]) / ".aws" / "cli" / "cache"
    assert p.registration_cache_path is not None
    assert p.registration_cache_path.parent == p.token_cache_path.parent
    assert "ReadOnly" in repr(p)


def test_the_attributes_are_the_fields_of_ssokit_profile_json() -> None:
    """One description of a profile in every front-end: these are the keys of
    ``ssokit profile --json`` (and, in camelCase, of Node's ``resolveProfile()``)."""
    fields = [name for name, value in vars(ssokit.SsoProfile).items() if type(value).__name__ == "getset_descriptor"]
    assert sorted(fields) == sorted(
        [
            "name",
            "session_name",
            "start_url",
            "sso_region",
            "scopes",
            "account_id",
            "role_name",
            "region",
            "oidc_endpoint",
            "portal_endpoint",
            "token_cache_path",
            "registration_cache_path",
            "role_cache_path",
            "warnings",
            "is_token_only",  # derived, not a field
        ]
    )


def test_legacy_and_token_only_profiles(aws_home: dict[str, str]) -> None:
    legacy = ssokit.resolve_profile("legacy", env=aws_home)
    assert legacy.session_name is None
    key = hashlib.sha1(legacy.start_url.encode()).hexdigest()
    assert legacy.token_cache_path is not None and legacy.token_cache_path.name == f"{key}.json"
    token_only = ssokit.resolve_profile("token-only", env=aws_home)
    assert token_only.is_token_only
    assert token_only.role_cache_path is None


def test_profile_selection_follows_aws_profile(aws_home: dict[str, str]) -> None:
    assert ssokit.resolve_profile(env={**aws_home, "AWS_PROFILE": "legacy"}).name == "legacy"


def test_explicit_config_file_and_endpoint_override(tmp_path: Path, aws_home: dict[str, str]) -> None:
    config = Path(aws_home["HOME"]) / ".aws" / "config"
    env = {"HOME": str(tmp_path / "elsewhere"), "AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:4567"}
    p = ssokit.resolve_profile("dev", config_file=config, env=env)
    assert p.portal_endpoint == "http://127.0.0.1:4567"
    assert p.oidc_endpoint == "https://oidc.us-east-1.amazonaws.com"


def test_list_profiles(aws_home: dict[str, str]) -> None:
    assert ssokit.list_profiles(env=aws_home) == ["dev", "token-only", "legacy", "plain"]


def test_errors_are_typed_and_actionable(aws_home: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(ssokit.ConfigError) as missing:
        ssokit.resolve_profile("nope", env=aws_home)
    assert "nope" in str(missing.value)
    assert isinstance(missing.value, ssokit.SsoError)

    with pytest.raises(ssokit.ConfigError, match="plain"):
        ssokit.resolve_profile("plain", env=aws_home)

    broken = tmp_path / "broken"
    broken.write_text("[profile a]\nsso_session = s\n[profile b\n")
    with pytest.raises(ssokit.ConfigError) as parse:
        ssokit.resolve_profile("a", config_file=broken, env=aws_home)
    assert str(broken) in str(parse.value)
    assert "3" in str(parse.value)

    with pytest.raises(ssokit.ConfigError, match="HOME"):
        ssokit.resolve_profile("dev", env={})


def test_botocore_agrees_on_the_profile_and_token_file(aws_home: dict[str, str]) -> None:
    """botocore (a peer no one here wrote) reads the same settings and looks for the
    token in the same file. Run in a subprocess: botocore reads HOME at import."""
    script = """
import json, sys
import botocore.session
from botocore.utils import SSOTokenLoader
s = botocore.session.Session(profile="dev")
cfg = s.get_scoped_config()
sess = s.full_config["sso_sessions"]["my-sso"]
loader = SSOTokenLoader(cache={})
print(json.dumps({
    "sso_session": cfg["sso_session"],
    "account": cfg["sso_account_id"],
    "role": cfg["sso_role_name"],
    "start_url": sess["sso_start_url"],
    "sso_region": sess["sso_region"],
    "key": loader._generate_cache_key(sess["sso_start_url"], "my-sso"),
}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**aws_home, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    import json

    theirs = json.loads(out)
    ours = ssokit.resolve_profile("dev", env=aws_home)
    assert theirs["sso_session"] == ours.session_name
    assert theirs["account"] == ours.account_id
    assert theirs["role"] == ours.role_name
    assert theirs["start_url"] == ours.start_url
    assert theirs["sso_region"] == ours.sso_region
    assert ours.token_cache_path is not None
    assert ours.token_cache_path.name == theirs["key"] + ".json"


def test_aws_default_profile_comes_after_aws_profile(aws_home: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    assert ssokit.resolve_profile(env={**aws_home, "AWS_DEFAULT_PROFILE": "legacy"}).name == "legacy"
    with caplog.at_level(logging.WARNING, logger="ssokit"):
        both = {**aws_home, "AWS_PROFILE": "dev", "AWS_DEFAULT_PROFILE": "legacy"}
        assert ssokit.resolve_profile(env=both).name == "dev"
        assert ssokit.resolve_profile(env=both).name == "dev"
    said = [r for r in caplog.records if getattr(r, "ssokit_code", None) == "SSOKIT_PROFILE_VARIABLES_DIFFER"]
    assert len(said) == 1, caplog.records
    assert "AWS_PROFILE (dev)" in said[0].getMessage() and "AWS_DEFAULT_PROFILE (legacy)" in said[0].getMessage()
