#!/usr/bin/env python3
"""Many `ssokit credentials` processes at once against a failing Identity Center.

The adversarial scenarios of docs/reliability.md, re-measured: N processes start
together in one temporary home that shares one token file, while the emulator fails
the call they need. For each scenario it prints how many processes succeeded, how
many requests reached the service, how many processes failed with a lock time-out,
and the median and slowest process times.

  A  token with 5 minutes left, CreateToken (refresh) answers 500
  B  token expired 1 minute ago, CreateToken answers 500
  C  token with 5 minutes left, the session revoked (refresh -> invalid_grant)
  D  token valid, no cached role credentials, GetRoleCredentials answers 429

Release builds, loopback only, nothing touches your ~/.aws:

    cargo build --release -p ssokit-cli -p ssokit-emulator
    python3 benches/stampede.py [--processes 50]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "x86_64-unknown-linux-gnu" / "release"
CONFIG = (
    "[profile dev]\nsso_session = org\nsso_account_id = 111122223333\n"
    "sso_role_name = ReadOnly\nregion = eu-west-1\n\n"
    "[sso-session org]\nsso_start_url = https://d-0000000000.awsapps.com/start\n"
    "sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"
)


def admin(url: str, path: str, body: object | None = None, method: str | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url.rstrip("/") + "/_emulator" + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        text = r.read()
    return json.loads(text) if text else None


def set_expiry(home: Path, seconds_from_now: int) -> None:
    cache = home / ".aws" / "sso" / "cache"
    for f in cache.glob("*.json"):
        doc = json.loads(f.read_text())
        if "accessToken" in doc:
            at = datetime.now(timezone.utc) + timedelta(seconds=seconds_from_now)
            doc["expiresAt"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
            f.write_text(json.dumps(doc))


def run_many(ssokit: Path, env: dict[str, str], n: int) -> list[tuple[int, float, str]]:
    procs = []
    for _ in range(n):
        start = time.perf_counter()
        p = subprocess.Popen([str(ssokit), "credentials", "--profile", "dev"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        procs.append((p, start))
    out = []
    for p, start in procs:
        _, err = p.communicate(timeout=300)
        out.append((p.returncode, (time.perf_counter() - start) * 1000, err))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=50)
    args = parser.parse_args()
    ssokit, emulator_bin = TARGET / "ssokit", TARGET / "ssokit-emulator"
    for b in (ssokit, emulator_bin):
        if not b.exists():
            raise SystemExit(f"{b} is missing: cargo build --release -p ssokit-cli -p ssokit-emulator")

    def scenario(name: str, expires_in: int, fault: dict | None, revoke: bool, drop_role_cache: bool) -> None:
        emulator = subprocess.Popen([str(emulator_bin), "--auto-approve", "0", "--poll-interval", "1"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        home = Path(tempfile.mkdtemp(prefix="ssokit-stampede-"))
        try:
            assert emulator.stdout is not None
            url = emulator.stdout.readline().strip()
            (home / ".aws").mkdir()
            (home / ".aws" / "config").write_text(CONFIG)
            env = {"HOME": str(home), "PATH": os.environ.get("PATH", ""),
                   "AWS_ENDPOINT_URL_SSO": url, "AWS_ENDPOINT_URL_SSO_OIDC": url}
            subprocess.run([str(ssokit), "login", "--profile", "dev", "--no-browser"], env=env,
                           check=True, capture_output=True)
            set_expiry(home, expires_in)
            if drop_role_cache:
                shutil.rmtree(home / ".aws" / "cli" / "cache", ignore_errors=True)
            if revoke:
                admin(url, "/sessions/revoke", {})
            if fault:
                admin(url, "/faults", fault)
            admin(url, "/requests", method="DELETE")
            results = run_many(ssokit, env, args.processes)
            log = admin(url, "/requests")
            assert isinstance(log, list)
            ops: dict[str, int] = {}
            for r in log:
                if r.get("operation"):
                    ops[r["operation"]] = ops.get(r["operation"], 0) + 1
            ok = sum(1 for code, _, _ in results if code == 0)
            lock_timeouts = sum(1 for _, _, err in results if "waiting for the lock" in err)
            times = sorted(t for _, t, _ in results)
            print(f"{name}: {ok}/{len(results)} succeeded; requests {ops}; lock time-outs {lock_timeouts}; "
                  f"p50 {statistics.median(times):.0f} ms, max {times[-1]:.0f} ms")
            errors = {err.strip() for code, _, err in results if code != 0}
            for e in sorted(errors)[:3]:
                print(f"    e.g. {e[:300]}")
        finally:
            emulator.terminate()
            emulator.wait()
            shutil.rmtree(home, ignore_errors=True)

    print(f"{args.processes} processes per scenario; {ssokit}")
    fail_refresh = {"kind": "fail", "operation": "CreateToken", "status": 500, "times": 100000}
    scenario("A valid token (5 min left), /token 500", 300, fail_refresh, False, True)
    scenario("B expired token, /token 500", -60, fail_refresh, False, True)
    scenario("C valid token (5 min left), refresh token revoked", 300, None, True, True)
    throttle_role = {"kind": "fail", "operation": "GetRoleCredentials", "status": 429, "times": 100000}
    scenario("D no cached credentials, GetRoleCredentials 429", 3600, throttle_role, False, True)


if __name__ == "__main__":
    main()
