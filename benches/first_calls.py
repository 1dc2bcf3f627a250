#!/usr/bin/env python3
"""First calls, side by side: ssokit against aws-config, botocore, boto3 and the JS SDK.

Every figure comes from one run, interleaved round by round against the same loopback
Identity Center (the ssokit emulator) and the same logged-in profile, so load on the
machine hits every tool alike. Twice: over plain http, and over https with a test CA
that each client is told to trust (AWS_CA_BUNDLE for ssokit, botocore and boto3;
NODE_EXTRA_CA_CERTS for Node; SSL_CERT_FILE naming the system bundle plus the test
CA for aws-config, which reads the system store) -- the TLS set-up real users pay.

Whole processes (wall time from spawn to exit, median):
  floor            a minimal release Rust binary that reads and parses the token file
                   (crates/core/examples/token_floor.rs): the least any process can do;
  ssokit cached    `ssokit credentials`, role credentials in ~/.aws/cli/cache;
  ssokit token     `ssokit credentials`, a token but no role credentials: one
                   GetRoleCredentials;
  aws-config       a release binary on aws-config that asks the default chain for the
                   profile's credentials once (crates/core/examples/aws_config_credentials.rs):
                   token file + GetRoleCredentials;
  botocore         a Python process: botocore session, get_credentials() (cached, and
                   token only);
  ... and the two token-only rows again with SSL_CERT_DIR=/etc/ssl/certs set.
In-process (a fresh interpreter per round; the import is not timed):
  Python  ssokit.CredentialProvider("dev")() vs boto3.Session(profile_name="dev")
          .get_credentials().get_frozen_credentials(): first call (one
          GetRoleCredentials), then a cached call;
  Node    ssokit fromSso({ profile: 'dev' })() vs @aws-sdk/credential-provider-sso
          fromSSO({ profile: 'dev' })(): first call, then a second call.

    python3 benches/first_calls.py                # builds what it needs (release), runs
    python3 benches/first_calls.py --rounds 40 --write-docs   # and updates docs/performance.md

Needs what `bash scripts/test-all.sh` installs: .venv (maturin, botocore, boto3) and
crates/node/node_modules. It builds release binaries and release bindings (the Python
module into .venv, the Node addon into crates/node; `bash scripts/test-all.sh` puts the
debug ones back). Nothing touches your ~/.aws or the network.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRIPLE = "x86_64-unknown-linux-gnu"
TEST_TLS = ROOT / "crates" / "emulator" / "test-tls"
NODE_DIR = ROOT / "crates" / "node"
DOCS = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- first_calls:begin -->", "<!-- first_calls:end -->"
SYSTEM_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"]

CONFIG = """[profile dev]
sso_session = emu
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-west-1

[sso-session emu]
sso_start_url = https://d-0000000000.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
"""

PY_SSOKIT = """
import time, timeit, json
import ssokit
t = time.perf_counter()
p = ssokit.CredentialProvider("dev")
c = p()
first = time.perf_counter() - t
assert c.access_key_id
n = 20000
cached = min(timeit.repeat(p, number=n, repeat=3)) / n
print(json.dumps({"first": first * 1e3, "again": cached * 1e3}))
"""

PY_BOTO3 = """
import time, timeit, json
import boto3
t = time.perf_counter()
s = boto3.Session(profile_name="dev")
c = s.get_credentials().get_frozen_credentials()
first = time.perf_counter() - t
assert c.access_key
n = 2000
f = lambda: s.get_credentials().get_frozen_credentials()
cached = min(timeit.repeat(f, number=n, repeat=3)) / n
print(json.dumps({"first": first * 1e3, "again": cached * 1e3}))
"""

NODE_SSOKIT = """
const { fromSso } = require(process.env.SSOKIT_PACKAGE)
const now = () => process.hrtime.bigint()
;(async () => {
  let t = now()
  const provider = fromSso({ profile: 'dev' })
  const c = await provider()
  const first = Number(now() - t) / 1e6
  if (!c.accessKeyId) throw new Error('no credentials')
  const n = 20000
  t = now()
  for (let i = 0; i < n; i++) await provider()
  const again = Number(now() - t) / 1e6 / n
  process.stdout.write(JSON.stringify({ first, again }))
})().catch((e) => { console.error(e); process.exit(1) })
"""

NODE_SDK = """
const { fromSSO } = require('@aws-sdk/credential-provider-sso')
const now = () => process.hrtime.bigint()
;(async () => {
  let t = now()
  const provider = fromSSO({ profile: 'dev' })
  const c = await provider()
  const first = Number(now() - t) / 1e6
  if (!c.accessKeyId) throw new Error('no credentials')
  t = now()
  await provider()
  const again = Number(now() - t) / 1e6
  process.stdout.write(JSON.stringify({ first, again }))
})().catch((e) => { console.error(e); process.exit(1) })
"""


def run(cmd, **kw):
    print("+", " ".join(str(c) for c in cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, **kw)


def target_dir() -> Path:
    return Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def release(name: str, example: bool = False) -> Path:
    base = target_dir()
    sub = Path("examples") / name if example else Path(name)
    for d in (base / TRIPLE / "release", base / "release"):
        if (d / sub).exists():
            return d / sub
    raise SystemExit(f"{sub} is not built under {base}: run without --skip-build")


def build() -> None:
    env = dict(os.environ, CARGO_BUILD_TARGET=TRIPLE)
    run(["cargo", "build", "--release", "--locked", "-p", "ssokit-cli", "-p", "ssokit-emulator"],
        cwd=ROOT, env=env)
    run(["cargo", "build", "--release", "--locked", "-p", "ssokit", "--example", "token_floor",
         "--example", "aws_config_credentials", "--example", "tls_roots"], cwd=ROOT, env=env)
    venv = ROOT / ".venv"
    run([str(venv / "bin" / "maturin"), "develop", "--release", "--locked", "-q", "-m",
         str(ROOT / "crates" / "python" / "Cargo.toml")],
        cwd=ROOT, env=dict(env, VIRTUAL_ENV=str(venv)))
    run(["npx", "napi", "build", "--platform", "--release", "--target", TRIPLE],
        cwd=NODE_DIR, env=env)


class Emulator:
    def __init__(self, tls: bool):
        cmd = [str(release("ssokit-emulator")), "--auto-approve", "0", "--poll-interval", "1"]
        if tls:
            cmd += ["--tls-cert", str(TEST_TLS / "localhost.pem"),
                    "--tls-key", str(TEST_TLS / "localhost.key")]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http"):
            raise SystemExit("the emulator did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


class Setup:
    """A logged-in temporary HOME for one emulator, and each tool's environment."""

    def __init__(self, name: str, emulator: Emulator, tls: bool, scratch: Path):
        self.name = name
        self.home = scratch / name
        (self.home / ".aws").mkdir(parents=True)
        (self.home / ".aws" / "config").write_text(CONFIG)
        base = {
            "HOME": str(self.home),
            "PATH": os.environ.get("PATH", ""),
            "LANG": "C.UTF-8",
            "AWS_ENDPOINT_URL_SSO": emulator.url,
            "AWS_ENDPOINT_URL_SSO_OIDC": emulator.url,
            "AWS_EC2_METADATA_DISABLED": "true",
            "SSOKIT_PACKAGE": str(NODE_DIR),
        }
        self.env = dict(base)
        self.aws_config_env = dict(base)
        if tls:
            ca = str(TEST_TLS / "ca.pem")
            self.env.update(AWS_CA_BUNDLE=ca, NODE_EXTRA_CA_CERTS=ca)
            # aws-config reads the system store (rustls-native-certs): the system
            # bundle plus the test CA, as a user adds an enterprise CA there.
            system = next((b for b in SYSTEM_BUNDLES if Path(b).exists()), None)
            combined = scratch / f"{name}-system-plus-test-ca.pem"
            combined.write_text((Path(system).read_text() if system else "")
                                + (TEST_TLS / "ca.pem").read_text())
            self.aws_config_env["SSL_CERT_FILE"] = str(combined)
        subprocess.run([str(release("ssokit")), "login", "--profile", "dev", "--no-browser"],
                       env=self.env, check=True, capture_output=True, timeout=120)
        tokens = [p for p in (self.home / ".aws" / "sso" / "cache").glob("*.json")
                  if "accessToken" in p.read_text()]
        if len(tokens) != 1:
            raise SystemExit(f"expected one token file, found {tokens}")
        self.token_file = tokens[0]
        self.role_cache = self.home / ".aws" / "cli" / "cache"

    def clear_role_cache(self) -> None:
        shutil.rmtree(self.role_cache, ignore_errors=True)

    def fill_role_cache(self) -> None:
        if not (self.role_cache.exists() and any(self.role_cache.iterdir())):
            subprocess.run([str(release("ssokit")), "credentials", "--profile", "dev"],
                           env=self.env, check=True, capture_output=True, timeout=60)


def wall(cmd, env, cwd=None) -> float:
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, timeout=120)
    elapsed = (time.perf_counter() - start) * 1e3
    if out.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({out.returncode}): {out.stderr.decode()[-2000:]}")
    return elapsed


def inproc(cmd, env, cwd=None) -> dict:
    out = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, timeout=120, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{cmd[:2]} failed ({out.returncode}): {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def roots_once(source: str, extra: dict) -> dict:
    out = subprocess.run([str(release("tls_roots", example=True)), source],
                         env={**os.environ, **extra}, capture_output=True, text=True,
                         timeout=60, check=True)
    count, micros = out.stdout.split()
    return {"count": int(count), "us": int(micros)}


ROOT_SOURCES = [
    ("Mozilla's roots, compiled in (what ssokit does)", "mozilla", {}),
    ("the system store (`rustls-native-certs`)", "system", {}),
    ("the system store with `SSL_CERT_DIR=/etc/ssl/certs`", "system",
     {"SSL_CERT_DIR": "/etc/ssl/certs"}),
]


def cases(s: Setup, python: str, node: str):
    """(key, before, measure) for one setup; measure returns ms or a dict of ms."""
    ssokit = [str(release("ssokit")), "credentials", "--profile", "dev"]
    floor = [str(release("token_floor", example=True)), str(s.token_file)]
    awscfg = [str(release("aws_config_credentials", example=True)), "dev"]
    botocore = [python, "-c", "import botocore.session as b; "
                "b.Session(profile='dev').get_credentials().get_frozen_credentials()"]
    certdir = {"SSL_CERT_DIR": "/etc/ssl/certs"}
    return [
        ("floor", None, lambda: wall(floor, s.env)),
        ("ssokit_cached", s.fill_role_cache, lambda: wall(ssokit, s.env)),
        ("botocore_cached", s.fill_role_cache, lambda: wall(botocore, s.env)),
        ("ssokit_token", s.clear_role_cache, lambda: wall(ssokit, s.env)),
        ("aws_config", s.clear_role_cache, lambda: wall(awscfg, s.aws_config_env)),
        ("ssokit_token_certdir", s.clear_role_cache, lambda: wall(ssokit, {**s.env, **certdir})),
        ("aws_config_certdir", s.clear_role_cache,
         lambda: wall(awscfg, {**s.aws_config_env, **certdir})),
        ("botocore_token", s.clear_role_cache, lambda: wall(botocore, s.env)),
        ("py_ssokit", s.clear_role_cache, lambda: inproc([python, "-c", PY_SSOKIT], s.env)),
        ("py_boto3", s.clear_role_cache, lambda: inproc([python, "-c", PY_BOTO3], s.env)),
        ("node_ssokit", s.clear_role_cache,
         lambda: inproc([node, "-e", NODE_SSOKIT], s.env, cwd=NODE_DIR)),
        ("node_sdk", s.clear_role_cache,
         lambda: inproc([node, "-e", NODE_SDK], s.env, cwd=NODE_DIR)),
    ]


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt(ms: float) -> str:
    if ms != ms:
        return "—"
    return f"{ms:.2f} ms" if ms >= 1 else f"{ms * 1000:.2f} µs"


def table(results: dict, rounds: int) -> tuple[str, list[str]]:
    """The Markdown table and the target verdicts."""
    lines = [
        "| path | http: ssokit | http: peer | http: ratio | https: ssokit | https: peer | https: ratio |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    verdicts = []

    def m(t, key, field=None, k=None):
        xs = results[t][key]
        xs = [x[field] for x in xs] if field else xs
        return median(xs) if k is None else xs[k]

    def row(label, ours, peer, target=None, tname=""):
        cells = [label]
        for t in ("http", "https"):
            a, b = ours(t), peer(t)
            # The median of the rounds' own ratios: both sides of a round ran back to
            # back, so a burst of load on the machine hits both.
            pairs = [(ours(t, k), peer(t, k)) for k in range(rounds)]
            r = median([x / y for x, y in pairs if y == y and y])
            cells += [fmt(a), fmt(b), "—" if r != r else f"{r:.2f}×"]
            if target is not None:
                verdicts.append(f"{tname} ({t}): {r:.2f}× against ≤ {target}× — "
                                f"{'holds' if r <= target else 'MISSED'}")
        lines.append("| " + " | ".join(cells) + " |")

    row("`ssokit credentials`, role credentials cached / the floor (read + parse the token file)",
        lambda t, k=None: m(t, "ssokit_cached", k=k), lambda t, k=None: m(t, "floor", k=k), 1.3, "cached ≤ 1.3× the floor")
    row("`ssokit credentials`, token only (one GetRoleCredentials) / aws-config one-shot process",
        lambda t, k=None: m(t, "ssokit_token", k=k), lambda t, k=None: m(t, "aws_config", k=k), 0.75,
        "token only ≤ 0.75× aws-config")
    row("same, with `SSL_CERT_DIR=/etc/ssl/certs`",
        lambda t, k=None: m(t, "ssokit_token_certdir", k=k), lambda t, k=None: m(t, "aws_config_certdir", k=k), 0.75,
        "token only with SSL_CERT_DIR ≤ 0.75× aws-config")
    row("`ssokit credentials` cached / botocore process, cached",
        lambda t, k=None: m(t, "ssokit_cached", k=k), lambda t, k=None: m(t, "botocore_cached", k=k))
    row("`ssokit credentials` token only / botocore process, token only",
        lambda t, k=None: m(t, "ssokit_token", k=k), lambda t, k=None: m(t, "botocore_token", k=k))
    row("Python, first call of a new provider (one GetRoleCredentials): ssokit / boto3",
        lambda t, k=None: m(t, "py_ssokit", "first", k=k), lambda t, k=None: m(t, "py_boto3", "first", k=k))
    row("Python, a cached call: ssokit / boto3",
        lambda t, k=None: m(t, "py_ssokit", "again", k=k), lambda t, k=None: m(t, "py_boto3", "again", k=k))
    row("Node, first call of a new provider (one GetRoleCredentials): ssokit `fromSso` / JS SDK `fromSSO`",
        lambda t, k=None: m(t, "node_ssokit", "first", k=k), lambda t, k=None: m(t, "node_sdk", "first", k=k), 1.0,
        "Node first call ≤ the JS SDK's")
    row("Node, the next call: ssokit (memoized) / JS SDK (no cache: token file + GetRoleCredentials)",
        lambda t, k=None: m(t, "node_ssokit", "again", k=k), lambda t, k=None: m(t, "node_sdk", "again", k=k))
    row("Python first call: ssokit / the JS SDK's first call",
        lambda t, k=None: m(t, "py_ssokit", "first", k=k), lambda t, k=None: m(t, "node_sdk", "first", k=k), 1.0,
        "Python first call ≤ the JS SDK's")
    floor_rows = [
        "",
        "| floor and peers alone | http | https |",
        "| --- | --- | --- |",
    ]
    for label, key in [("floor: read and parse the token file", "floor"),
                       ("aws-config one-shot process", "aws_config"),
                       ("aws-config one-shot, `SSL_CERT_DIR` set", "aws_config_certdir"),
                       ("botocore process, cached", "botocore_cached"),
                       ("botocore process, token only", "botocore_token")]:
        floor_rows.append(f"| {label} | {fmt(m('http', key))} | {fmt(m('https', key))} |")
    return "\n".join(lines + floor_rows), verdicts


def versions(python: str, node: str) -> str:
    def out(cmd, cwd=None):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd,
                                  timeout=60).stdout.strip()
        except OSError:
            return "?"
    py = out([python, "-c", "import sys, botocore, boto3; print(sys.version.split()[0], "
              "botocore.__version__, boto3.__version__)"]).split()
    sdk = out([node, "-p", "require('@aws-sdk/credential-provider-sso/package.json').version"],
              cwd=NODE_DIR)
    rustc = out(["rustc", "--version"])
    cpu = "?"
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                   if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{os.cpu_count()} × {cpu}, {platform.system()} {platform.release()}; "
            f"{rustc}; CPython {py[0] if py else '?'}, botocore {py[1] if len(py) > 1 else '?'}, "
            f"boto3 {py[2] if len(py) > 2 else '?'}; Node {out([node, '--version'])}, "
            f"@aws-sdk/credential-provider-sso {sdk}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--skip-build", action="store_true",
                        help="use the release binaries and bindings already built")
    parser.add_argument("--write-docs", action="store_true",
                        help=f"replace the table between {BEGIN} and {END} in {DOCS}")
    args = parser.parse_args()
    python = str(ROOT / ".venv" / "bin" / "python")
    node = shutil.which("node") or "node"
    if not Path(python).exists():
        raise SystemExit("no .venv: run `bash scripts/test-all.sh` once (it creates it)")
    if not args.skip_build:
        build()

    scratch = Path(tempfile.mkdtemp(prefix="ssokit-first-calls-"))
    emulators = {"http": Emulator(False), "https": Emulator(True)}
    try:
        setups = {t: Setup(t, emulators[t], t == "https", scratch) for t in emulators}
        plan = {t: cases(setups[t], python, node) for t in setups}
        results = {t: {key: [] for key, _, _ in plan[t]} for t in setups}
        roots = {label: [] for label, _, _ in ROOT_SOURCES}
        for i in range(args.rounds + 1):
            for label, source, extra in ROOT_SOURCES:
                value = roots_once(source, extra)
                if i > 0:
                    roots[label].append(value)
            for t in ("http", "https"):
                for key, before, measure in plan[t]:
                    if before:
                        before()
                    value = measure()
                    if i > 0:  # the first round warms the page cache
                        results[t][key].append(value)
            print(f"round {i}/{args.rounds}", file=sys.stderr, flush=True)
    finally:
        for e in emulators.values():
            e.stop()
        shutil.rmtree(scratch, ignore_errors=True)

    text, verdicts = table(results, args.rounds)
    text += "\n\n| where the trusted roots come from (in-process, fresh process each) | roots | time to a `RootCertStore` |\n| --- | --- | --- |\n"
    text += "\n".join(
        f"| {label} | {xs[0]['count'] if xs else '?'} | "
        f"{fmt(median([x['us'] for x in xs]) / 1000)} |" for label, xs in roots.items())
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    stamp = (f"Measured {datetime.date.today().isoformat()} by `benches/first_calls.py "
             f"--rounds {args.rounds}` (medians of {args.rounds} interleaved rounds; load average "
             f"{load:.1f} at the end): {versions(python, node)}.")
    report = "\n".join([text, "", stamp, "", "Targets:", ""]
                       + [f"- {v}" for v in verdicts])
    print(report)
    if args.write_docs:
        doc = DOCS.read_text()
        if BEGIN not in doc or END not in doc:
            raise SystemExit(f"{DOCS} has no {BEGIN} ... {END} section")
        before, rest = doc.split(BEGIN, 1)
        _, after = rest.split(END, 1)
        DOCS.write_text(before + BEGIN + "\n" + report + "\n" + END + after)
        print(f"wrote {DOCS}", file=sys.stderr)


if __name__ == "__main__":
    main()
