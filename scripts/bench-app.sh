#!/usr/bin/env bash
# Benchmarks the web app: release size (wasm + js, gzip -9) and frame times in headless
# Chromium for 6 and 100 nodes (app-tests/tests/bench.rs). Builds the release app first unless
# `--no-build` is given. Targets (issue 4): ≤ 600 KB gzip, ≤ 16 ms frames at 100 nodes, first
# render ≤ 1 s after load.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source scripts/tools.sh

if [[ ${1:-} != --no-build ]]; then
    ensure_web_tools
    trunk build --release --offline
fi
ensure_browser

wasm=$(ls dist/*_bg.wasm)
js=$(ls dist/clusterlab-app-*.js)
raw=$(($(stat -c %s "$wasm") + $(stat -c %s "$js")))
gz=$(($(gzip -9c "$wasm" | wc -c) + $(gzip -9c "$js" | wc -c)))
printf 'size: wasm+js %d KB raw, %d KB gzip -9 (budget 600 KB)\n' $((raw / 1024)) $((gz / 1024))
((gz <= 600 * 1024)) || die "release size over budget"

CLUSTERLAB_DIST="$ROOT/dist" CHROME_BIN="$(command -v "$CHROME")" \
    CHROMEDRIVER="$(command -v "$CHROMEDRIVER")" \
    cargo test -q -p clusterlab-app-tests --test bench -- --ignored --nocapture 2>&1 |
    grep -E '^(bench|cluster|[0-9]+ nodes|    \()|panicked|error'
