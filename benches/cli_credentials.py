#!/usr/bin/env python3
"""Benchmark `ssokit credentials` as a fresh process, beside botocore, in one run.

What it measures (wall time of a whole process, median of many runs):
  1. `ssokit credentials --profile dev` with valid credentials in ~/.aws/cli/cache
     (the credential_process fast path) -- target under 5 ms;
  2. a cold botocore process resolving the same profile (import botocore, read the
     config, load the cached credentials) -- the peer, for the ratio;
  3. `ssokit credentials` with a token but no cached credentials (one
     GetRoleCredentials to the emulator on loopback) -- target under 15 ms.

Everything runs against the ssokit emulator on 127.0.0.1 in a temporary HOME; no
network, nothing touches your ~/.aws. Release builds are used:

    cargo build --release -p ssokit-cli -p ssokit-emulator
    python3 benches/cli_credentials.py [--runs 60]

botocore must be importable by the Python running the script (the repository's
.venv has it: `.venv/bin/python benches/cli_credentials.py`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "target" / "x86_64-unknown-linux-gnu" / "release"


def timed(cmd: list[str], env: dict[str, str], runs: int, before=None) -> list[float]:
    samples = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        out = subprocess.run(cmd, env=env, capture_output=True)
        samples.append((time.perf_counter() - start) * 1000)
        if out.returncode != 0:
            raise SystemExit(f"{cmd[0]} failed: {out.stderr.decode()}")
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    ssokit = TARGET / "ssokit"
    emulator_bin = TARGET / "ssokit-emulator"
    for b in (ssokit, emulator_bin):
        if not b.exists():
            raise SystemExit(f"{b} is missing: cargo build --release -p ssokit-cli -p ssokit-emulator")

    emulator = subprocess.Popen(
        [str(emulator_bin), "--auto-approve", "0", "--poll-interval", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert emulator.stdout is not None
        url = emulator.stdout.readline().strip()
        home = Path(tempfile.mkdtemp(prefix="ssokit-bench-"))
        (home / ".aws").mkdir()
        (home / ".aws" / "config").write_text(
            "[profile dev]\nsso_session = org\nsso_account_id = 111122223333\n"
            "sso_role_name = ReadOnly\nregion = eu-west-1\n\n"
            "[sso-session org]\nsso_start_url = https://d-0000000000.awsapps.com/start\n"
            "sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"
        )
        env = {
            "HOME": str(home),
            "PATH": os.environ.get("PATH", ""),
            "AWS_ENDPOINT_URL_SSO": url,
            "AWS_ENDPOINT_URL_SSO_OIDC": url,
        }
        subprocess.run([str(ssokit), "login", "--profile", "dev", "--no-browser"], env=env,
                       check=True, capture_output=True)
        subprocess.run([str(ssokit), "credentials", "--profile", "dev"], env=env, check=True,
                       capture_output=True)

        cached = timed([str(ssokit), "credentials", "--profile", "dev"], env, args.runs)
        botocore_cmd = [
            sys.executable, "-c",
            "import botocore.session as s; "
            "s.Session(profile='dev').get_credentials().get_frozen_credentials()",
        ]
        botocore = timed(botocore_cmd, env, max(10, args.runs // 6))
        cli_cache = home / ".aws" / "cli" / "cache"
        cold = timed([str(ssokit), "credentials", "--profile", "dev"], env, args.runs,
                     before=lambda: shutil.rmtree(cli_cache, ignore_errors=True))

        def show(name: str, samples: list[float]) -> float:
            median = statistics.median(samples)
            print(f"{name:<62} median {median:8.2f} ms  (min {min(samples):.2f}, "
                  f"max {max(samples):.2f}, n={len(samples)})")
            return median

        print(f"ssokit {ssokit}, botocore via {sys.executable}, emulator {url}")
        a = show("ssokit credentials, cached credentials (fast path)", cached)
        b = show("botocore cold process, same profile", botocore)
        c = show("ssokit credentials, token only (one GetRoleCredentials)", cold)
        print(f"ratio botocore / ssokit (cached): {b / a:.0f}x")
        print(f"targets: cached < 5 ms: {'met' if a < 5 else 'MISSED'}; "
              f"token only < 15 ms: {'met' if c < 15 else 'MISSED'}")
        shutil.rmtree(home, ignore_errors=True)
    finally:
        emulator.terminate()
        emulator.wait()


if __name__ == "__main__":
    main()
