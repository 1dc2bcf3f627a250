"""Benchmark: ``import ssokit`` and a cached ``CredentialProvider()`` call, beside
the same figures for boto3 (``import boto3``;
``session.get_credentials().get_frozen_credentials()``), in the same run.

Usage (a release build of the extension; see docs/performance.md)::

    python crates/python/bench/bench.py [--imports 31] [--calls 200000]

Everything runs against ``ssokit.testing.Emulator``: no network, no real ~/.aws.
boto3 is imported only after the emulator has set HOME, because botocore fixes its
SSO cache directory at import time.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
import timeit
from typing import Callable, List

IMPORT_SNIPPET = (
    "import time; t = time.perf_counter(); import {module}; "
    "print(time.perf_counter() - t)"
)


def import_time(module: str, runs: int) -> float:
    """Median seconds to import ``module`` in a fresh interpreter (import only, not
    interpreter start-up)."""
    samples: List[float] = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_SNIPPET.format(module=module)],
            check=True,
            capture_output=True,
            text=True,
        )
        samples.append(float(out.stdout.strip()))
    return statistics.median(samples)


def per_call(fn: Callable[[], object], calls: int, repeats: int = 5) -> float:
    """Best-of-``repeats`` seconds per call."""
    fn()
    return min(timeit.repeat(fn, number=calls, repeat=repeats)) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imports", type=int, default=31, help="fresh interpreters per import")
    parser.add_argument("--calls", type=int, default=200_000, help="calls per timing repeat")
    args = parser.parse_args()

    t_ssokit = import_time("ssokit", args.imports)
    t_boto3 = import_time("boto3", args.imports)

    import ssokit
    from ssokit.testing import Emulator

    with Emulator(accounts=[{"id": "111122223333", "name": "dev", "roles": ["ReadOnly"]}]) as idc:
        ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None)
        provider = ssokit.CredentialProvider("dev")
        c_ssokit = per_call(provider, args.calls)

        import boto3  # after the emulator set HOME: botocore reads its token cache

        plain = boto3.Session(profile_name="dev")  # botocore's own SSO provider
        c_boto3 = per_call(lambda: plain.get_credentials().get_frozen_credentials(), args.calls)
        via = ssokit.boto3_session("dev")
        c_via = per_call(lambda: via.get_credentials().get_frozen_credentials(), args.calls)
        calls = idc.count("GetRoleCredentials")

    print(f"Python {platform.python_version()} on {platform.machine()}, ssokit {ssokit.__version__}, boto3 {boto3.__version__}")
    print(f"(median of {args.imports} fresh interpreters; best of 5 x {args.calls} calls)")
    print()
    print(f"{'measure':<58} {'ssokit':>10} {'boto3':>10} {'ratio':>7}")
    print(f"{'import (ms)':<58} {t_ssokit * 1e3:>10.2f} {t_boto3 * 1e3:>10.2f} {t_ssokit / t_boto3:>7.3f}")
    print(
        f"{'cached credentials, per call (us)':<58} {c_ssokit * 1e6:>10.3f} {c_boto3 * 1e6:>10.3f} {c_ssokit / c_boto3:>7.3f}"
    )
    print(
        f"{'  boto3_session(): get_frozen_credentials() (us)':<58} {c_via * 1e6:>10.3f} {c_boto3 * 1e6:>10.3f} {c_via / c_boto3:>7.3f}"
    )
    print()
    print(f"GetRoleCredentials calls: {calls} (ssokit one; botocore one of its own, as it caches in ~/.aws/boto/cache)")
    ok_import = t_ssokit < 0.020
    ok_call = c_ssokit < 5e-6
    print(f"targets: import < 20 ms: {'yes' if ok_import else 'NO'}; cached call < 5 us: {'yes' if ok_call else 'NO'}")


if __name__ == "__main__":
    main()
