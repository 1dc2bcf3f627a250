"""No secret in any repr, exception message or log record."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

import ssokit
from ssokit.testing import Emulator


def secrets_on_disk(home: Path) -> set[str]:
    """Every token, refresh token, client secret and key that ssokit wrote."""
    found: set[str] = set()
    for path in (home / ".aws").rglob("*.json"):
        data = json.loads(path.read_text())
        for key in ("accessToken", "refreshToken", "clientSecret"):
            if data.get(key):
                found.add(data[key])
        creds = data.get("Credentials", {})
        for key in ("SecretAccessKey", "SessionToken"):
            if creds.get(key):
                found.add(creds[key])
    return found


def test_no_secret_in_repr_errors_or_logs(idc: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    token = ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: texts.append(repr(p)), timeout=60)
    creds = ssokit.get_credentials("dev")
    provider = ssokit.CredentialProvider("dev")
    session = ssokit.boto3_session("dev")
    frozen = session.get_credentials().get_frozen_credentials()  # type: ignore[union-attr]
    assert frozen.access_key == creds.access_key_id
    texts += [repr(token), str(token), repr(creds), str(creds), repr(provider), repr(provider())]
    texts += [repr(x) for x in ssokit.list_accounts("dev") + ssokit.list_roles("dev") + ssokit.status()]
    texts.append(repr(ssokit.get_token("dev")))
    # Errors after a login: revoked session, service faults, cancellations.
    idc.inject_fault("fail", operation="ListAccounts", status=400)
    for call in (lambda: ssokit.list_accounts("dev"), lambda: ssokit.get_credentials("no-such")):
        with pytest.raises(ssokit.SsoError) as err:
            call()
        texts += [str(err.value), repr(err.value)]
    idc.revoke_all_sessions()
    with pytest.raises(ssokit.SsoError) as err:
        ssokit.CredentialProvider("prod")()
    texts += [str(err.value), repr(err.value)]
    texts += [r.getMessage() for r in caplog.records]
    texts += [repr(r) for r in idc.requests()]
    secrets = secrets_on_disk(idc.home) | {creds.secret_access_key, creds.session_token, token.access_token}
    assert len(secrets) >= 5
    assert caplog.records, "expected some log records to check"
    blob = "\n".join(texts)
    for secret in secrets:
        assert secret not in blob
    assert "** redacted **" in repr(creds) and creds.access_key_id in repr(creds)
