#!/usr/bin/env bash
# Builds everything a release publishes into dist/, for x86_64 Linux with glibc 2.17
# or newer (manylinux2014: Amazon Linux 2, RHEL 7 and everything since):
#
#   ssokit-<v>-x86_64-unknown-linux-gnu.tar.gz  the CLI: one stripped `ssokit` binary
#   ssokit-<v>-cp39-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl
#                                       the Python wheel (abi3, CPython 3.9+), with
#                                       the same `ssokit` binary as a script
#   ssokit-<v>.tar.gz                   the Python sdist (builds with Rust 1.95)
#   ssokit-<v>.tgz                      the npm package `ssokit` (JavaScript only)
#   ssokit-linux-x64-gnu-<v>.tgz        its platform package: the addon and `ssokit`
#   SHA256SUMS                          `cd dist && sha256sum -c SHA256SUMS`
#
# Everything is compiled once, with the `dist` profile (Cargo.toml: release + fat LTO,
# one codegen unit, optimized for size, stripped) and zig as the C compiler and
# linker for glibc 2.17 (cargo-zigbuild's wrappers, the `ziglang` package from PyPI):
# the CLI, the Python module and the Node addon share one build of their
# dependencies. The tools (maturin,
# ziglang, cargo-zigbuild, auditwheel; scripts/requirements-dist.txt) go into the
# repository's .venv; npm's @napi-rs/cli comes from crates/node's `npm ci`.
# Needs Rust 1.95, Python 3.9+ and Node 20+. Running it again rebuilds nothing that
# has not changed (cargo decides) and rewrites dist/ whole. docs/cli.md,
# docs/python.md and docs/node.md say how to install from dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
step() { printf '\n==> %s\n' "$*"; }

triple=x86_64-unknown-linux-gnu
glibc=2.17
node_platform=linux-x64-gnu
target_dir=${CARGO_TARGET_DIR:-$root/target}
export CARGO_TARGET_DIR=$target_dir CARGO_TERM_COLOR=never
out=$target_dir/$triple/dist
work=$target_dir/dist-work
dist=$root/dist
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
if [ -z "$version" ]; then
    echo "dist.sh: no version in Cargo.toml's [workspace.package]" >&2
    exit 1
fi
for manifest in crates/node/package.json crates/node/npm/*/package.json; do
    if ! grep -q "\"version\": \"$version\"" "$manifest"; then
        echo "dist.sh: $manifest does not have version $version (Cargo.toml's); run \`npm run version\` in crates/node" >&2
        exit 1
    fi
done

step "Tools: maturin, ziglang, cargo-zigbuild, auditwheel in .venv; @napi-rs/cli in crates/node"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r scripts/requirements-dist.txt
export PATH="$root/.venv/bin:$PATH"
if [ ! -x crates/node/node_modules/.bin/napi ]; then
    (cd crates/node && npm ci --no-audit --no-fund --loglevel=error)
fi

step "The zig toolchain for $triple with glibc $glibc (cargo-zigbuild's compiler and linker wrappers)"
# cargo-zigbuild writes its wrappers and runs cargo with them in the environment; asked
# to run a `cargo` that prints its environment instead, it tells which variables those
# are. Every build below runs with exactly these, so cargo shares one build of the
# dependencies (ring's C and assembly included) between the CLI, the wheel and the addon,
# and a second run recompiles nothing.
mkdir -p "$work"
printf '#!/bin/sh\nexec env -0\n' >"$work/print-env"
chmod +x "$work/print-env"
zig_env=()
while IFS= read -r -d '' var; do
    case "$var" in
        # The compiler, linker and tool wrappers; and, as cargo-zigbuild does, cargo's
        # target-applies-to-host (through the variables that enable it), so that they
        # apply to the target's code only, not to build scripts and proc-macros.
        CC_* | CXX_* | AR_* | RANLIB_* | BINDGEN_EXTRA_CLANG_ARGS_* | CMAKE_TOOLCHAIN_FILE_* | \
            CARGO_TARGET_*_LINKER=* | CARGO_ZIGBUILD_* | CARGO_TARGET_APPLIES_TO_HOST=* | \
            CARGO_UNSTABLE_TARGET_APPLIES_TO_HOST=* | __CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS=*)
            zig_env+=("$var")
            ;;
    esac
done < <(CARGO="$work/print-env" cargo-zigbuild zigbuild --target "$triple.$glibc" -p ssokit-cli)
# (No `producer | grep -q` under pipefail in this script: grep -q exits at the first
# match, and a producer still writing then fails with a broken pipe, failing the test.)
zig_vars=$(printf '%s\n' "${zig_env[@]}")
if ! grep -q "^CC_${triple//-/_}=.*zigcc" <<<"$zig_vars"; then
    echo "dist.sh: cargo-zigbuild set no zig C compiler for $triple: ${zig_env[*]}" >&2
    exit 1
fi
zigenv() { env "${zig_env[@]}" "$@"; }

step "CLI: cargo build --profile dist -p ssokit-cli"
zigenv cargo build --locked --profile dist --target "$triple" -p ssokit-cli
cli=$out/ssokit

step "Node: the addon (napi build --profile dist)"
# Into a directory of its own: crates/node keeps its development build.
rm -rf "$work/napi"
mkdir -p "$work/napi"
(
    cd crates/node
    zigenv node_modules/.bin/napi build --platform --profile dist --target "$triple" \
        --output-dir "$work/napi"
)
addon=$work/napi/ssokit.$node_platform.node

step "Python: the wheel (maturin build --profile dist, manylinux2014) and the sdist"
rm -rf "$work/wheels" crates/python/ssokit._ssokit.data
mkdir -p "$work/wheels"
.venv/bin/maturin sdist --manifest-path crates/python/Cargo.toml --out "$work/wheels"
# The CLI binary goes in as a script of the wheel (<name>.data/scripts/, as ruff and uv
# ship theirs): pip installs it into the environment's bin/ as it is, no Python in
# between. Only for the wheel, so the sdist does not carry a Linux binary.
mkdir -p crates/python/ssokit._ssokit.data/scripts
cp "$cli" crates/python/ssokit._ssokit.data/scripts/ssokit
trap 'rm -rf "$root/crates/python/ssokit._ssokit.data"' EXIT
# Without --zig (the environment above already compiles with zig for glibc 2.17);
# --compatibility makes maturin check every versioned symbol against manylinux2014
# and fail rather than mis-tag the wheel.
zigenv .venv/bin/maturin build --locked --profile dist --target "$triple" \
    --compatibility manylinux2014 --manifest-path crates/python/Cargo.toml --out "$work/wheels"
rm -rf crates/python/ssokit._ssokit.data
trap - EXIT
wheel=$(ls "$work"/wheels/ssokit-"$version"-cp39-abi3-*manylinux_2_17_x86_64*.whl)
sdist=$work/wheels/ssokit-$version.tar.gz
audit=$(.venv/bin/auditwheel show "$wheel")
echo "$audit"
audit_line=$(tr -s ' \n' '  ' <<<"$audit")
if ! grep -q 'consistent with the following platform tag: "manylinux_2_17_x86_64"' <<<"$audit_line"; then
    echo "dist.sh: auditwheel does not agree that $wheel is manylinux_2_17_x86_64" >&2
    exit 1
fi
wheel_files=$(.venv/bin/python -m zipfile -l "$wheel")
if grep -q '\.data/scripts/ssokit' <<<"$wheel_files"; then :; else
    echo "dist.sh: $wheel has no ssokit-$version.data/scripts/ssokit" >&2
    exit 1
fi

step "The binaries' glibc floor: no symbol newer than GLIBC_$glibc"
for binary in "$cli" "$addon"; do
    newest=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
    echo "$binary: newest symbol version $newest"
    if [ "$(printf '%s\n%s\n' "$newest" "GLIBC_$glibc" | sort -V | tail -1)" != "GLIBC_$glibc" ]; then
        echo "dist.sh: $binary needs $newest, newer than GLIBC_$glibc" >&2
        exit 1
    fi
done

step "npm: the packages ssokit and ssokit-$node_platform (npm pack)"
rm -rf "$work/npm"
mkdir -p "$work/npm/ssokit/bin" "$work/npm/platform" "$work/npm/packed"
(
    cd crates/node
    cp ssokit.js ssokit.d.ts platform.js README.md package.json "$work/npm/ssokit/"
    cp bin/ssokit.js "$work/npm/ssokit/bin/"
    cp npm/$node_platform/package.json npm/$node_platform/README.md "$work/npm/platform/"
)
cp "$work/napi/index.js" "$work/napi/index.d.ts" "$work/npm/ssokit/"
cp "$addon" "$work/npm/platform/"
cp "$cli" "$work/npm/platform/ssokit"
# As `napi prepublish` does: the platform packages of every target in napi.targets
# become optional dependencies; npm installs the one whose os, cpu and libc match and
# skips the others (only this one is built here).
node -e '
const fs = require("fs")
const file = process.argv[1]
const pkg = JSON.parse(fs.readFileSync(file, "utf8"))
const names = fs.readdirSync(process.argv[2]).sort()
pkg.optionalDependencies = Object.fromEntries(names.map((d) => [`ssokit-${d}`, pkg.version]))
delete pkg.devDependencies
delete pkg.scripts
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n")
' "$work/npm/ssokit/package.json" crates/node/npm
(cd "$work/npm/ssokit" && npm pack --silent --pack-destination "$work/npm/packed" >/dev/null)
(cd "$work/npm/platform" && npm pack --silent --pack-destination "$work/npm/packed" >/dev/null)

step "CLI: the archive"
rm -rf "$work/archive"
mkdir -p "$work/archive"
cp "$cli" "$work/archive/ssokit"
archive=ssokit-$version-$triple.tar.gz
# Reproducible: fixed owner, mode and time, so the same binary gives the same archive.
tar --sort=name --owner=0 --group=0 --numeric-owner --mode='u=rwX,go=rX' \
    --mtime='2000-01-01 00:00:00Z' -C "$work/archive" -cf - ssokit | gzip -n -9 >"$work/$archive"

step "dist/"
rm -rf "$dist"
mkdir -p "$dist"
cp "$work/$archive" "$wheel" "$sdist" "$work"/npm/packed/*.tgz "$dist/"
(
    cd "$dist"
    sha256sum -- * >SHA256SUMS
    sha256sum -c --quiet SHA256SUMS
    ls -l
)
printf '\nsizes: CLI binary %s bytes, addon %s bytes, wheel %s bytes\n' \
    "$(stat -c %s "$cli")" "$(stat -c %s "$addon")" "$(stat -c %s "$wheel")"
