#!/usr/bin/env bash
# Runs the README's test command (scripts/test-all.sh) N times, each time from a fresh
# clone of the current commit, with two CPU-burning processes beside it, and reports
# each run's result and time. Exits non-zero if any run failed.
#
#   bash scripts/soak.sh [N]          # N defaults to 1
#
# Each run is as hostile as CI can be: a fresh clone (new .venv, `npm ci`, a fresh
# build of the workspace crates), no standard input, SIGINT ignored (as for a
# background job started from a non-interactive shell) and two busy loops competing
# for the CPU. Between runs it reuses one CARGO_TARGET_DIR (so dependencies are built
# once) and the pip and npm caches. Logs: $SOAK_DIR/run-<i>.log (default
# ${TMPDIR:-/tmp}/ssokit-soak).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs=${1:-1}
case "$runs" in
'' | *[!0-9]* | 0)
    echo "usage: bash scripts/soak.sh [N]   (N, the number of runs, a whole number >= 1)" >&2
    exit 2
    ;;
esac

commit=$(git rev-parse HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    echo "note: uncommitted changes are not tested; each run clones $commit" >&2
fi
soak=${SOAK_DIR:-${TMPDIR:-/tmp}/ssokit-soak}
mkdir -p "$soak"
# One target directory for every run: the clone's path stays the same too, so only
# what the fresh clone changed is rebuilt.
export CARGO_TARGET_DIR="$soak/target"
clone="$soak/repo"

burners=()
stop_burners() {
    for pid in "${burners[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${burners[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    burners=()
}
trap stop_burners EXIT

failed=0
summary=()
for i in $(seq 1 "$runs"); do
    rm -rf "$clone"
    git clone --quiet "$root" "$clone"
    git -C "$clone" checkout --quiet --detach "$commit"
    log="$soak/run-$i.log"

    for _ in 1 2; do
        (while :; do :; done) &
        burners+=("$!")
    done
    start=$(date +%s)
    status=0
    # SIGINT ignored and no standard input, as CI and background jobs start it.
    (cd "$clone" && trap '' INT && CI=true bash scripts/test-all.sh </dev/null) >"$log" 2>&1 || status=$?
    took=$(($(date +%s) - start))
    stop_burners

    if [ "$status" = 0 ]; then
        line="run $i of $runs: passed in ${took}s"
    else
        failed=$((failed + 1))
        line="run $i of $runs: FAILED (exit $status) in ${took}s; log: $log"
    fi
    summary+=("$line")
    echo "$line"
    if [ "$status" != 0 ]; then
        grep -E 'FAILED|panicked|^E |Error|error(\[|:)|not ok' "$log" | head -n 20 | sed 's/^/    /' || true
    fi
done

echo
echo "soak: $((runs - failed)) of $runs runs passed at $commit (two CPU burners beside each)"
printf '  %s\n' "${summary[@]}"
[ "$failed" = 0 ]
