#!/usr/bin/env bash
# Installs what scripts/dist.sh put in dist/ as a user without Rust would, and runs
# it: every step below runs on a PATH that has no cargo or rustc (links to every other
# command of the current PATH, as test-all's `.bare-path`), with no network:
#   - the checksums: `cd dist && sha256sum -c SHA256SUMS`;
#   - the CLI archive, unpacked: `ssokit --version`, `ssokit demo`;
#   - the wheel, in a fresh virtualenv (`pip install --no-index`, so it needs no other
#     package): `import ssokit`, `ssokit --version`, `ssokit demo`, and the `ssokit`
#     it installs is the native binary, not a Python script;
#   - the npm tarballs, in a fresh project (`npm install --offline`, although only the
#     linux-x64-gnu platform package exists): `require('ssokit')`, `npx ssokit
#     --version`, `npx ssokit demo`; and without the platform package, `require` and
#     `npx ssokit` fail with the error that names the package to install.
# Then it prints the cached `ssokit credentials` time of each installed command
# beside the floor (docs/performance.md#installable-artifacts); no assertion on times.
# Run scripts/dist.sh first (scripts/test-all.sh runs both).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dist=$root/dist
step() { printf '\n==> %s\n' "$*"; }
fail() {
    echo "test-install: $*" >&2
    exit 1
}

version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
triple=x86_64-unknown-linux-gnu
[ -f "$dist/SHA256SUMS" ] || fail "no dist/SHA256SUMS: run scripts/dist.sh first"
# The real interpreter, not a version manager's shim (which may need more than PATH).
python=$(python3 -c 'import sys; print(sys.executable)')

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ssokit-install-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

step "A PATH without cargo or rustc"
bare=$tmp/bare-path
mkdir -p "$bare"
IFS=: read -ra path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
    [ -d "$dir" ] || continue
    # The repository's .venv has maturin and zig: a user has neither.
    [ "$dir" = "$root/.venv/bin" ] && continue
    for tool in "$dir"/*; do
        name=${tool##*/}
        case "$name" in
            cargo* | rustc | rustdoc | rustup | rustfmt | rust-* | clippy-driver | rls | maturin | zig | \
                python-zig | cargo-zigbuild) continue ;;
        esac
        if [ -x "$tool" ] && [ ! -e "$bare/$name" ]; then
            ln -s "$tool" "$bare/$name"
        fi
    done
done
for hidden in cargo rustc rustup maturin; do
    if PATH="$bare" command -v "$hidden" >/dev/null; then
        fail "$hidden is still on the bare PATH"
    fi
done
for needed in node npm npx tar sha256sum; do
    PATH="$bare" command -v "$needed" >/dev/null || fail "$needed is not on the bare PATH"
done
run() { env PATH="$bare" "$@"; }
# `ssokit demo` prints the whole journey; keep it in a log and check its last step.
demo() {
    local log=$1
    shift
    if ! "$@" demo >"$log" 2>&1; then
        cat "$log" >&2
        fail "$* demo failed"
    fi
    grep -q '"AccessKeyId"' "$log" || {
        cat "$log" >&2
        fail "$* demo printed no credentials"
    }
}
expect_version() {
    local got shown="$*"
    shown=${shown#run }
    got=$("$@" --version)
    [ "$got" = "ssokit $version" ] || fail "$shown --version printed '$got', not 'ssokit $version'"
    echo "$shown --version: $got"
}

step "Checksums: cd dist && sha256sum -c SHA256SUMS"
(cd "$dist" && run sha256sum -c SHA256SUMS)

step "CLI archive: unpack, ssokit --version, ssokit demo"
archive=$dist/ssokit-$version-$triple.tar.gz
mkdir -p "$tmp/cli"
run tar -xzf "$archive" -C "$tmp/cli"
[ "$(ls "$tmp/cli")" = ssokit ] || fail "$archive holds $(ls "$tmp/cli"), not one file named ssokit"
PATH="$tmp/cli:$bare" expect_version ssokit
PATH="$tmp/cli:$bare" demo "$tmp/cli-demo.log" ssokit
echo "ssokit demo (archive): ok"

step "Python: the wheel in a fresh virtualenv (pip install --no-index)"
run "$python" -m venv "$tmp/venv"
wheel=$(ls "$dist"/ssokit-"$version"-*.whl)
run "$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$wheel"
venv_path="$tmp/venv/bin:$bare"
[ "$(PATH="$venv_path" command -v ssokit)" = "$tmp/venv/bin/ssokit" ] || fail "the wheel installed no ssokit command"
[ "$(head -c 4 "$tmp/venv/bin/ssokit" | od -An -c | tr -d ' ')" = '177ELF' ] ||
    fail "the wheel's ssokit is not the native binary"
PATH="$venv_path" python -c 'import ssokit, sys; assert ssokit.__version__ == sys.argv[1], ssokit.__version__; print("import ssokit:", ssokit.__version__, ssokit.__file__)' "$version"
PATH="$venv_path" expect_version ssokit
PATH="$venv_path" demo "$tmp/wheel-demo.log" ssokit
echo "ssokit demo (wheel): ok"

step "Node: the npm tarballs in a fresh project (npm install --offline)"
app=$tmp/app
mkdir -p "$app"
(
    cd "$app"
    run npm init -y >/dev/null
    run npm install --offline --no-audit --no-fund --loglevel=error \
        "$dist/ssokit-$version.tgz" "$dist/ssokit-linux-x64-gnu-$version.tgz"
    run node -e '
const ssokit = require("ssokit")
for (const name of ["login", "fromSso", "getToken", "Emulator", "SsoError"]) {
  if (ssokit[name] === undefined) throw new Error(`require("ssokit") has no ${name}`)
}
console.log("require(\"ssokit\"): ok,", require.resolve("ssokit"))
'
    expect_version run npx --offline ssokit
    demo "$tmp/npm-demo.log" run npx --offline ssokit
    echo "npx ssokit demo: ok"
)

step "Node: without the platform package, the error says what to install"
bare_app=$tmp/app-no-addon
mkdir -p "$bare_app"
(
    cd "$bare_app"
    run npm init -y >/dev/null
    run npm install --offline --no-audit --no-fund --loglevel=error --omit=optional "$dist/ssokit-$version.tgz"
    [ ! -e node_modules/ssokit-linux-x64-gnu ] || fail "--omit=optional installed the platform package"
    run node -e '
try {
  require("ssokit")
} catch (err) {
  if (err.code !== "SSOKIT_NO_NATIVE_ADDON" || !err.message.includes("npm install ssokit-linux-x64-gnu")) throw err
  console.log("require(\"ssokit\") without the addon:", err.message)
  process.exit(0)
}
throw new Error("require(\"ssokit\") loaded without its platform package")
'
    if run npx --offline ssokit --version >"$tmp/npx-no-addon.log" 2>&1; then
        fail "npx ssokit ran without its platform package"
    fi
    grep -q 'npm install ssokit-linux-x64-gnu' "$tmp/npx-no-addon.log" || {
        cat "$tmp/npx-no-addon.log" >&2
        fail "npx ssokit without its platform package does not say what to install"
    }
    echo "npx ssokit without the addon: $(cat "$tmp/npx-no-addon.log")"
)

step "Cached \`ssokit credentials\` through each installed command, beside the floor (no assertion)"
floor_args=()
# The floor is a Rust program: compiled here, outside the bare PATH, when rustc is there.
if command -v rustc >/dev/null; then
    rustc --edition 2024 -C opt-level=3 -C strip=symbols -o "$tmp/floor" scripts/install/floor.rs
    floor_args=(--floor "$tmp/floor")
fi
# From the npm project, where `npx ssokit` finds the package's command.
cd "$app"
PATH="$venv_path" "$tmp/venv/bin/python" "$root/scripts/install/time_credentials.py" --runs "${SSOKIT_TIME_RUNS:-30}" \
    "${floor_args[@]}" \
    "archive: ssokit=$tmp/cli/ssokit" \
    "wheel: venv/bin/ssokit=$tmp/venv/bin/ssokit" \
    "npm: node_modules/.bin/ssokit (Node.js shim)=$app/node_modules/.bin/ssokit" \
    "npm: the platform package's binary=$app/node_modules/ssokit-linux-x64-gnu/ssokit" \
    "npm: npx ssokit=npx --offline ssokit"

step "Installed and ran the CLI archive, the wheel and the npm packages without Rust"
