"""After ssokit.login, plain botocore (no ssokit import, in a subprocess because it
fixes its cache directory at import time) resolves the same profile."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import ssokit
from ssokit.testing import Emulator

BOTOCORE = """
import json, sys, botocore.session
assert "ssokit" not in sys.modules
creds = botocore.session.Session(profile="dev").get_credentials().get_frozen_credentials()
print(json.dumps({"access_key": creds.access_key, "token": creds.token}))
"""


def test_botocore_uses_the_token_ssokit_wrote(idc: Emulator) -> None:
    ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=60)
    idc.clear_requests()
    env = {"PATH": os.environ.get("PATH", ""), **idc.env}
    out = subprocess.run([sys.executable, "-c", BOTOCORE], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    creds = json.loads(out.stdout)
    assert creds["access_key"].startswith("ASIA")
    # botocore called GetRoleCredentials with ssokit's token; no new login.
    assert idc.count("GetRoleCredentials") == 1
    assert idc.count("StartDeviceAuthorization") == 0 and idc.count("CreateToken") == 0
    [request] = idc.requests("GetRoleCredentials")
    assert request.status == 200
