"""ssokit.boto3_session: a boto3 client signs with ssokit's credentials (checked on
a local HTTP server) and refreshes them before they expire."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest

import ssokit
from ssokit.testing import Emulator

STS_RESPONSE = b"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::111122223333:assumed-role/ReadOnly/test</Arn>
    <UserId>AROAEXAMPLE:test</UserId>
    <Account>111122223333</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"""


class Recorder:
    """A local HTTP server answering as STS GetCallerIdentity, recording headers."""

    def __init__(self) -> None:
        self.headers: list[dict[str, str]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", "0"))
                self.rfile.read(length)
                recorder.headers.append({k.lower(): v for k, v in self.headers.items()})
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(STS_RESPONSE)))
                self.end_headers()
                self.wfile.write(STS_RESPONSE)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def access_key_ids(self) -> list[str]:
        """The access key id of each request's SigV4 Authorization header."""
        keys = []
        for h in self.headers:
            match = re.search(r"Credential=([A-Z0-9]+)/", h["authorization"])
            assert match, h["authorization"]
            keys.append(match.group(1))
        return keys


@pytest.fixture
def sts() -> Iterator[Recorder]:
    recorder = Recorder()
    yield recorder
    recorder.server.shutdown()


def test_boto3_client_signs_with_ssokit_credentials(logged_in: Emulator, sts: Recorder) -> None:
    session = ssokit.boto3_session("dev")
    assert session.region_name == "us-east-1"  # the profile's region
    assert logged_in.count("GetRoleCredentials") == 0  # lazy: nothing fetched yet
    client = session.client("sts", endpoint_url=sts.url)
    identity = client.get_caller_identity()
    assert identity["Account"] == "111122223333"
    expected = ssokit.get_credentials("dev")
    assert sts.access_key_ids() == [expected.access_key_id]
    assert sts.headers[0]["x-amz-security-token"] == expected.session_token
    creds = session.get_credentials()
    assert creds is not None and creds.method == "ssokit"
    assert logged_in.count("GetRoleCredentials") == 1


def test_boto3_credentials_refresh_after_expiry(sts: Recorder) -> None:
    with Emulator(credentials_lifetime=15 * 60 + 3) as idc:
        ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=60)
        client = ssokit.boto3_session("dev", region_name="eu-west-1").client("sts", endpoint_url=sts.url)
        client.get_caller_identity()
        client.get_caller_identity()
        time.sleep(3.5)  # now less than 15 minutes left: botocore asks ssokit again
        client.get_caller_identity()
        keys = sts.access_key_ids()
        assert keys[0] == keys[1] != keys[2]
        assert idc.count("GetRoleCredentials") == 2


def test_boto3_session_arguments(logged_in: Emulator) -> None:
    assert ssokit.boto3_session(profile_name="dev").profile_name == "dev"
    assert ssokit.boto3_session("dev", region_name="ap-south-1").region_name == "ap-south-1"
    with pytest.raises(TypeError, match="aws_access_key_id"):
        ssokit.boto3_session("dev", aws_access_key_id="AKIA")
    with pytest.raises(ssokit.ConfigError):
        ssokit.boto3_session("no-such-profile")


def test_boto3_login_errors_come_with_the_first_request(idc: Emulator, sts: Recorder) -> None:
    client = ssokit.boto3_session("dev").client("sts", endpoint_url=sts.url)
    with pytest.raises(ssokit.NotLoggedInError):
        client.get_caller_identity()


def test_missing_boto3_is_a_clear_import_error() -> None:
    code = (
        "import sys; sys.modules['boto3'] = None\n"
        "import ssokit\n"
        "try:\n    ssokit.boto3_session('dev')\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'ssokit[boto3]'" in out.stdout, out.stdout + out.stderr
