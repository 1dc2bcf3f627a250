#!/usr/bin/env python3
"""Times a cached `ssokit credentials --profile dev` through each installed `ssokit`
command, beside the floor (a process that only reads and parses the token file).

Run with the Python of a virtualenv that has the ssokit wheel installed (its
`ssokit.testing.Emulator` is the local Identity Center; nothing touches ~/.aws):

    python time_credentials.py --runs 40 [--floor FLOOR] NAME=COMMAND [NAME=COMMAND ...]

COMMAND is one path, or several words separated by spaces (`npx ssokit`). The first
command logs in and fills the credentials cache; then every command answers from the
cache. Prints the median wall time of whole processes (no assertion on times).
"""

from __future__ import annotations

import argparse
import glob
import os
import shlex
import statistics
import subprocess
import time

import ssokit
from ssokit.testing import Emulator


def timed(cmd: list[str], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True)
        samples.append((time.perf_counter() - start) * 1000)
        if done.returncode != 0:
            raise SystemExit(f"{shlex.join(cmd)} failed ({done.returncode}): {done.stderr.decode()}")
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--floor", help="the floor binary (reads and parses one token file)")
    parser.add_argument("commands", nargs="+", metavar="NAME=COMMAND")
    args = parser.parse_args()
    commands = [(name, shlex.split(cmd)) for name, cmd in (c.split("=", 1) for c in args.commands)]

    with Emulator() as idc:
        ssokit.login("dev", flow="device-code", open_browser=False)
        first = commands[0][1]
        subprocess.run([*first, "credentials", "--profile", "dev"], check=True, capture_output=True)
        tokens = glob.glob(os.path.join(str(idc.home), ".aws", "sso", "cache", "*.json"))
        rows = []
        if args.floor:
            token = next(t for t in tokens if "accessToken" in open(t, encoding="utf-8").read())
            rows.append(("floor (reads and parses the token file)", timed([args.floor, token], args.runs)))
        for name, cmd in commands:
            runs = args.runs if cmd[0] != "npx" else max(5, args.runs // 4)
            rows.append((name, timed([*cmd, "credentials", "--profile", "dev"], runs)))
    for name, samples in rows:
        print(f"{name:<48} median {statistics.median(samples):8.2f} ms "
              f"(min {min(samples):.2f}, n={len(samples)})")


if __name__ == "__main__":
    main()
