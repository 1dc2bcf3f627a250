#!/usr/bin/env bash
# Runs every test of every language, from a fresh clone: Rust (fmt, clippy, tests),
# Python (virtualenv, maturin, pytest), Node (npm ci, napi build, node --test), then
# the cross-language and external-tool suites of tests/ (botocore, Chromium, Python
# and Node together), and last the release artifacts (scripts/dist.sh) installed and
# run without Rust (scripts/test-install.sh). Everything it needs is installed here;
# nothing is installed outside the repository except Debian packages (apt-get) that
# the last suites need (and cargo-zigbuild keeps its zig wrappers in ~/.cache).
# docs/testing.md describes the layout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# One target directory for cargo, maturin and napi.
export CARGO_BUILD_TARGET=x86_64-unknown-linux-gnu
export CARGO_TERM_COLOR=never
step() { printf '\n==> %s\n' "$*"; }

step "Rust: formatting"
cargo fmt --all -- --check

step "Rust: clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust: clippy of the core without default features (no login)"
cargo clippy -p ssokit --no-default-features --all-targets --locked -- -D warnings

step "Rust: the core without default features depends on none of the login's crates"
core_deps=$(cargo tree -p ssokit --no-default-features -e normal --prefix none --locked)
# getrandom 0.4 is the login's (PKCE verifiers); the 0.2 under ring is the TLS stack's.
login_deps=$(grep -E '^(axum|sha2|tempfile) |^getrandom v0\.4' <<<"$core_deps" | sort -u || true)
if [ -n "$login_deps" ]; then
    printf 'ssokit --no-default-features depends on:\n%s\n' "$login_deps" >&2
    exit 1
fi

step "Rust: clippy of the core with only the sdk-config feature (configure(&SdkConfig))"
cargo clippy -p ssokit --no-default-features --features sdk-config --all-targets --locked -- -D warnings

step "Rust: the sdk-config feature adds none of the login's crates either"
sdk_deps=$(cargo tree -p ssokit --no-default-features --features sdk-config -e normal --prefix none --locked)
login_deps=$(grep -E '^(axum|sha2|tempfile) |^getrandom v0\.4' <<<"$sdk_deps" | sort -u || true)
if [ -n "$login_deps" ]; then
    printf 'ssokit --no-default-features --features sdk-config depends on:\n%s\n' "$login_deps" >&2
    exit 1
fi

step "Rust: tests of the core, the CLI and the emulator, on a PATH without python3, node or Chromium"
# The default members need none of the external tools: they run on a PATH that links
# every other command of the current one.
bare_path="$root/.bare-path"
rm -rf "$bare_path"
mkdir -p "$bare_path"
IFS=: read -ra path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
    [ -d "$dir" ] || continue
    for tool in "$dir"/*; do
        name=${tool##*/}
        case "$name" in
            python* | pip* | node | nodejs | npm | npx | corepack | chromium* | chromedriver | google-chrome*) continue ;;
        esac
        if [ -x "$tool" ] && [ ! -e "$bare_path/$name" ]; then
            ln -s "$tool" "$bare_path/$name"
        fi
    done
done
for hidden in python3 node chromium chromedriver; do
    if PATH="$bare_path" command -v "$hidden" >/dev/null; then
        echo "$hidden is still on the bare PATH" >&2
        exit 1
    fi
done
# The default members; the binding crates are cdylibs tested from Python and Node
# below, and tests/ (ssokit-tests) runs last, once its tools are there.
PATH="$bare_path" cargo test --locked -p ssokit -p ssokit-cli -p ssokit-emulator

step "Rust: core tests without default features (no login)"
cargo test -p ssokit --no-default-features --locked

step "Rust: core tests with only the sdk-config feature (aws-config's HTTP client, time source and sleep)"
cargo test -p ssokit --no-default-features --features sdk-config --locked

step "Python: virtualenv and tools (pytest, boto3, mypy; also the botocore that tests/ runs)"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r crates/python/requirements-dev.txt
export SSOKIT_TEST_PYTHON="$root/.venv/bin/python"

step "Python: build the extension (maturin develop)"
VIRTUAL_ENV="$root/.venv" PATH="$root/.venv/bin:$PATH" \
    .venv/bin/maturin develop --quiet --manifest-path crates/python/Cargo.toml

step "Python: pytest (against the embedded emulator; includes mypy --strict on the typed example)"
.venv/bin/python -m pytest crates/python/tests -q

step "Node: npm ci, build, test"
(
    cd crates/node
    npm ci --no-audit --no-fund --loglevel=error
    npm run build
    npm test
)

step "Chromium and chromedriver for the browser tests of tests/ (Debian packages)"
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    as_root=""
    [ "$(id -u)" = 0 ] || as_root=sudo
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi

step "Cross-language and external-tool tests (tests/: botocore, Chromium, Python + Node + CLI)"
# They run the ssokit and ssokit-emulator binaries, which cargo builds for another
# package only when asked; every tool is there now, so none may be skipped.
cargo build --locked -p ssokit-cli -p ssokit-emulator
# A crate outside the workspace that embeds the core without default features next to
# aws-config, as a Rust service would (tests/tests/embed.rs runs it); its own lock file,
# the same target directory.
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}" cargo build --locked --manifest-path tests/embed/Cargo.toml
SSOKIT_TESTS_REQUIRE_TOOLS=1 cargo test --locked -p ssokit-tests

step "Release artifacts: scripts/dist.sh builds dist/ (wheel, npm tarballs, CLI archive)"
bash scripts/dist.sh

step "Release artifacts: install each on a PATH without cargo or rustc, and run it (scripts/test-install.sh)"
bash scripts/test-install.sh

step "All suites passed"
