#!/usr/bin/env bash
# Benchmarks the web app: its size, frame times in headless Chromium for 6 and 100 nodes, and
# big clusters (100 nodes on the page's thread, 300 and 1000 in the worker): time to a running
# cluster, frame times, the longest task and simulated seconds per real second
# (app-tests/tests/bench.rs). Builds the release app first unless `--no-build` is given;
# `--breakdown` also prints what the wasm is made of, by crate and core module family
# (scripts/wasm-sizes.py on the same build with its function names kept).
#
# Size, gzip -9 of each file as a server would send it:
# - first load: what dist/index.html loads before the first render (the page, its CSS, JS and
#   wasm): budget 600 KB (issue 15);
# - each part loaded on demand, separately (docs/architecture.md, "How the page loads").
# Targets (issue 4): ≤ 16 ms frames at 100 nodes, first render ≤ 1 s after load.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source scripts/tools.sh

build=1 breakdown=0
for arg in "$@"; do
    case $arg in
    --no-build) build=0 ;;
    --breakdown) breakdown=1 ;;
    *) die "usage: scripts/bench-app.sh [--no-build] [--breakdown]" ;;
    esac
done
if ((build)); then
    ensure_web_tools
    trunk build --release --offline
fi
ensure_browser

BUDGET_KB=600
gz() { gzip -9c "$1" | wc -c; }
# Prints one row and adds the file sizes to the totals named $2 (raw) and $3 (gzip).
row() {
    local label=$1 raw=0 packed=0 f
    shift
    for f in "$@"; do
        raw=$((raw + $(stat -c %s "$f")))
        packed=$((packed + $(gz "$f")))
    done
    printf '  %-44s %4d file(s) %6d KB raw %6d KB gzip\n' "$label" $# $((raw / 1024)) $((packed / 1024))
    last_gz=$packed
}

# The first load: index.html and every dist file it names (href/src), which trunk writes as
# the stylesheet, the JS glue and its wasm (preloaded).
first=(dist/index.html)
while read -r name; do
    [[ -f dist/$name ]] && first+=("dist/$name")
done < <(grep -oE '(href|src)="[^"]+"' dist/index.html | sed -E 's/^(href|src)="\/?//; s/"$//' | sort -u)
echo "size (gzip -9 per file):"
echo "  first load: ${first[*]#dist/}"
row "first load (page, CSS, JS, wasm)" "${first[@]}"
first_gz=$last_gz
page_wasm=()
for f in "${first[@]}"; do [[ $f == *_bg.wasm ]] && page_wasm+=("$f"); done
row "  of which the wasm" "${page_wasm[@]}"

echo "  loaded on demand:"
shopt -s nullglob
en=(dist/lessons/*/lesson.md)
fr=(dist/lessons/*/lesson.fr.md)
((${#en[@]})) || die "dist/lessons/ holds no lesson texts (index.html's copy-dir)"
row "lesson texts, English (picker, lesson link)" "${en[@]}"
row "lesson texts, French" "${fr[@]}"
worker=(dist/clusterlab-sim-worker*)
((${#worker[@]})) || die "dist/ holds no big-cluster worker (index.html's data-type=worker link)"
row "big clusters' simulation thread (> 200 nodes)" "${worker[@]}"
over=0
if ((first_gz > BUDGET_KB * 1024)); then
    printf 'size: first load %d KB gzip: OVER the %d KB budget\n' $((first_gz / 1024)) "$BUDGET_KB"
    over=1
else
    printf 'size: first load %d KB gzip, within the %d KB budget\n' $((first_gz / 1024)) "$BUDGET_KB"
fi

if ((breakdown)); then
    # The wasm trunk built, before wasm-bindgen and wasm-opt; processed again as trunk does
    # (index.html: wasm-opt -Oz) but keeping the function names.
    tmp=$(mktemp -d)
    wasm-bindgen --target web --keep-debug --out-dir "$tmp" \
        "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release-app/clusterlab-app.wasm"
    wasm-opt -Oz -g --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals "$tmp/clusterlab-app_bg.wasm" -o "$tmp/named.wasm"
    python3 scripts/wasm-sizes.py "$tmp/named.wasm"
    rm -rf "$tmp"
fi

CLUSTERLAB_DIST="$ROOT/dist" CHROME_BIN="$(command -v "$CHROME")" \
    CHROMEDRIVER="$(command -v "$CHROMEDRIVER")" \
    cargo test -q -p clusterlab-app-tests --test bench -- --ignored --nocapture 2>&1 |
    grep -E '^(bench|cluster|[0-9]+ nodes|    \()|panicked|error'
((over == 0)) || die "first load over the ${BUDGET_KB} KB budget"
