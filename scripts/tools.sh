# shellcheck shell=bash
# Sourced by test.sh and serve.sh (which set ROOT): puts the tools that build and check the web
# app in place, installing what is missing. A fresh machine has only rustup, cargo, node, npm and
# python3; everything else comes from crates.io, npm or Debian, at versions known to work here
# (shared notes, TOOLCHAIN.md).

TRUNK_REQ='~0.21'       # trunk 0.22 needs a newer rustc than the project's toolchain
BINARYEN_VERSION=132    # Debian's binaryen is too old to read today's Rust wasm; Trunk.toml pins it
TOOLS_DIR="$ROOT/.tools"

# cargo installs into ~/.cargo/bin; the npm wasm-opt lives in the project (gitignored .tools/).
export PATH="$TOOLS_DIR/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
CHROME="${CHROME_BIN:-chromium}"
CHROMEDRIVER="${CHROMEDRIVER:-chromedriver}"

say() { printf '  %s\n' "$*"; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# The version number a tool prints for --version (`trunk 0.21.14`, `wasm-bindgen 0.2.130`,
# `wasm-opt version 132 (version_132)`), or nothing when the tool is missing.
tool_version() {
    "$1" --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+)*' | head -n 1 || true
}

# The version of crate $1 that Cargo.lock pins.
locked_version() {
    awk -v want="name = \"$1\"" '$0 == want { getline; gsub(/version = |"/, ""); print; exit }' \
        "$ROOT/Cargo.lock"
}

ensure_wasm_target() {
    rustup target list --installed | grep -qx wasm32-unknown-unknown && return
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
}

ensure_trunk() {
    local have
    have=$(tool_version trunk)
    [[ $have == 0.21.* ]] && return
    say "installing trunk $TRUNK_REQ (found: ${have:-none}); about 8 minutes on 2 cores"
    cargo install trunk --version "$TRUNK_REQ" --locked --force
    have=$(tool_version trunk)
    [[ $have == 0.21.* ]] || die "trunk on PATH is ${have:-missing} ($(command -v trunk)), not 0.21"
}

# trunk refuses a wasm-bindgen CLI that differs from the library in Cargo.lock.
ensure_wasm_bindgen() {
    local want have
    want=$(locked_version wasm-bindgen)
    [[ -n $want ]] || die "Cargo.lock has no wasm-bindgen"
    have=$(tool_version wasm-bindgen)
    [[ $have == "$want" ]] && return
    say "installing wasm-bindgen-cli $want (found: ${have:-none}); about 3 minutes"
    # Not --locked: its lock file pins a crate version the registry no longer serves.
    cargo install wasm-bindgen-cli --version "=$want" --force
    have=$(tool_version wasm-bindgen)
    [[ $have == "$want" ]] || die "wasm-bindgen on PATH is ${have:-missing}, not $want"
}

ensure_wasm_opt() {
    local have
    have=$(tool_version wasm-opt)
    [[ $have == "$BINARYEN_VERSION" ]] && return
    say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into .tools/ (found: ${have:-none})"
    npm install --prefix "$TOOLS_DIR" --no-save --no-audit --no-fund --loglevel=error \
        "binaryen@$BINARYEN_VERSION"
    have=$(tool_version wasm-opt)
    [[ $have == "$BINARYEN_VERSION" ]] ||
        die "wasm-opt on PATH is ${have:-missing}, not $BINARYEN_VERSION"
}

# Everything `trunk build` needs, plus the crates themselves: trunk runs cargo --offline.
ensure_web_tools() {
    ensure_wasm_target
    ensure_trunk
    ensure_wasm_bindgen
    ensure_wasm_opt
    cargo fetch --quiet
}

# Debian packages the checks need and cannot get from cargo or npm: PACKAGE... are installed
# with apt-get when we are root (or have password-less sudo); otherwise this stops and prints
# the exact command to run, so a fresh machine fails with what to do rather than mid-test.
apt_install() {
    local sudo=()
    [[ $(id -u) == 0 ]] || sudo=(sudo -n)
    if command -v apt-get >/dev/null && "${sudo[@]}" true 2>/dev/null; then
        say "installing Debian's $*"
        "${sudo[@]}" apt-get update -qq
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
        return
    fi
    command -v apt-get >/dev/null &&
        die "missing Debian packages; as root run: apt-get update && apt-get install -y $*"
    die "missing: $* (not a Debian machine: install them with your package manager)"
}

# Headless Chromium and ChromeDriver, for the app's browser tests.
have_browser() { command -v "$CHROME" >/dev/null && command -v "$CHROMEDRIVER" >/dev/null; }

ensure_browser() {
    have_browser && return
    command -v apt-get >/dev/null || die "need $CHROME and $CHROMEDRIVER (set CHROME_BIN and" \
        "CHROMEDRIVER, or install chromium and chromedriver)"
    apt_install chromium chromium-driver
    have_browser || die "apt-get installed chromium but $CHROME or $CHROMEDRIVER is not on PATH"
}

# Redis 7 itself: the native tests run mixed clusters with redis-server and drive clusterlab
# nodes with redis-cli --cluster, as a user would (Debian 12's redis is 7.0.15, the reference).
have_redis() { command -v redis-server >/dev/null && command -v redis-cli >/dev/null; }

ensure_redis() {
    have_redis && return
    apt_install redis-server redis-tools
    have_redis || die "apt-get installed redis-server and redis-tools but they are not on PATH"
}
