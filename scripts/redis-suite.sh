#!/usr/bin/env bash
# Redis 7.0.15's own cluster test suite (`tests/cluster/` of its source), unmodified, against
# clusterlab-node (issue 14). Gets the upstream source from Debian's source package (the
# `.orig` tarball: Redis's files as released, none of Debian's patches), builds nothing of
# Redis, and puts in its `src/` a `redis-server` that execs clusterlab-node and a `redis-cli`
# that execs the real one. Then runs the suite file by file, each under a time limit, and
# prints a line per file and a total.
#
#   bash scripts/redis-suite.sh [--against clusterlab|redis] [--timeout SECONDS] [FILE...]
#
# FILE is a name under tests/cluster/tests (`01-faildet` or `01-faildet.tcl`); none means all
# 29. `--against redis` runs the same files against Debian's redis-server 7.0.15, to compare.
# Logs go to .tools/redis-suite/<against>/<file>.log; the instances' own logs (one folder per
# node) stay in the source tree until the next run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

REDIS_VERSION=7.0.15
SRC="$ROOT/.tools/redis-$REDIS_VERSION"
LOGS="$ROOT/.tools/redis-suite"

say() { printf '  %s\n' "$*"; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 2
}

against=clusterlab
timeout_s=900
files=()
while (($#)); do
    case $1 in
    --against)
        [[ ${2:-} == clusterlab || ${2:-} == redis ]] ||
            die "--against takes clusterlab or redis, not '${2:-}'"
        against=$2
        shift 2
        ;;
    --timeout)
        [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--timeout takes whole seconds, not '${2:-}'"
        timeout_s=$2
        shift 2
        ;;
    -h | --help)
        sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *)
        files+=("${1%.tcl}.tcl")
        shift
        ;;
    esac
done

as_root() {
    if [[ $(id -u) == 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        die "need root to run: $*"
    fi
}

# tclsh runs the suite; the real redis-cli serves its `--cluster fix/check/reshard/rebalance`
# calls; redis-server is only needed to compare.
ensure_packages() {
    local want=(tcl redis-tools) missing=()
    [[ $against == redis ]] && want+=(redis-server)
    for p in "${want[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    say "installing Debian's ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

# Debian ships no deb-src entry by default: add one with the same archive and key as the
# machine's `deb` entry (bookworm carries Redis 7.0.15), then download the source package.
ensure_source() {
    [[ -f $SRC/tests/cluster/run.tcl ]] && return
    local list=/etc/apt/sources.list.d/clusterlab-deb-src.sources
    if ! apt-cache showsrc redis 2>/dev/null | grep -q "^Version: .*$REDIS_VERSION"; then
        say "adding a deb-src entry for Debian's Redis source ($list)"
        as_root tee "$list" >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        as_root apt-get update -qq
    fi
    local tmp
    tmp=$(mktemp -d)
    say "downloading Debian's source package of redis $REDIS_VERSION"
    (cd "$tmp" && apt-get source -qq --download-only redis 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
    local orig="$tmp/redis_$REDIS_VERSION.orig.tar.gz"
    [[ -f $orig ]] || die "apt-get source redis gave no redis_$REDIS_VERSION.orig.tar.gz" \
        "(found: $(ls "$tmp"))"
    mkdir -p "$ROOT/.tools"
    rm -rf "$SRC"
    tar -xzf "$orig" -C "$ROOT/.tools"
    rm -rf "$tmp"
    grep -q "\"$REDIS_VERSION\"" "$SRC/src/version.h" ||
        die "$SRC/src/version.h is not Redis $REDIS_VERSION"
}

# The suite starts `../../../src/redis-server CONFIG` from tests/cluster/tmp: these two
# scripts stand in for the binaries we do not build.
install_wrappers() {
    local server
    if [[ $against == clusterlab ]]; then
        say "building clusterlab-node (release)"
        cargo build --release --quiet -p clusterlab-core --bin clusterlab-node
        server="${CARGO_TARGET_DIR:-$ROOT/target}/release/clusterlab-node"
    else
        server=$(command -v redis-server) || die "no redis-server on PATH"
    fi
    printf '#!/bin/sh\nexec %q "$@"\n' "$server" >"$SRC/src/redis-server"
    printf '#!/bin/sh\nexec %q "$@"\n' "$(command -v redis-cli)" >"$SRC/src/redis-cli"
    chmod +x "$SRC/src/redis-server" "$SRC/src/redis-cli"
}

ensure_packages
ensure_source
install_wrappers

if ((${#files[@]} == 0)); then
    mapfile -t files < <(cd "$SRC/tests/cluster/tests" && ls -1 -- *.tcl | sort)
fi
for f in "${files[@]}"; do
    [[ -f $SRC/tests/cluster/tests/$f ]] || die "no tests/cluster/tests/$f in Redis's suite"
done

# A timed-out run leaves its instances behind (they run from the source tree): stop them
# before the next file takes their ports.
stop_leftovers() {
    local pid
    for pid in $(pgrep -f 'redis\.conf' || true); do
        [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$SRC"* ]] && kill -9 "$pid" 2>/dev/null
    done
    return 0
}

mkdir -p "$LOGS/$against"
stop_leftovers
tclsh=$(command -v tclsh8.6 || command -v tclsh) || die "no tclsh"
passed=0
failed=0
printf '\nRedis %s tests/cluster against %s, %d file(s), %d s limit each\n' \
    "$REDIS_VERSION" "$against" "${#files[@]}" "$timeout_s"
for f in "${files[@]}"; do
    log="$LOGS/$against/${f%.tcl}.log"
    started=$SECONDS
    status=0
    # `--single` matches its pattern anywhere in the path: the full file name picks one file.
    (cd "$SRC" && timeout --kill-after=10 "$timeout_s" "$tclsh" tests/cluster/run.tcl \
        --single "/$f") >"$log" 2>&1 </dev/null || status=$?
    # instances.tcl prints `HH:MM:SS> name: OK` per test, and the error after a failed one.
    ok=$(grep -cE '> .*: .*OK' "$log" || true)
    err=$(grep -c 'Jumping to next unit after error' "$log" || true)
    took=$((SECONDS - started))
    if ((status == 0)) && grep -q 'GOOD! No errors' "$log"; then
        passed=$((passed + 1))
        printf 'PASS %-36s %3d ok %4ds\n' "$f" "$ok" "$took"
    else
        failed=$((failed + 1))
        # The first failing test's name and message, without the colour codes.
        why=$(sed 's/\x1b\[[0-9;]*m//g' "$log" |
            grep -m1 -B1 -E 'Jumping to next unit|FAILED|caught an error' | head -n 2 |
            paste -sd ' ' | cut -c1-140 || true)
        ((status == 124 || status == 137)) && why="timed out after ${timeout_s}s; $why"
        printf 'FAIL %-36s %3d ok %2d err %4ds  %s\n' "$f" "$ok" "$err" "$took" "$why"
    fi
    stop_leftovers
done
printf '\nredis-suite (%s): %d passed, %d failed\n' "$against" "$passed" "$failed"
((failed == 0))
