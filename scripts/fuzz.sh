#!/usr/bin/env bash
# Fuzzes the decoders that read network bytes (cargo-fuzz + libFuzzer, needs
# a nightly toolchain and `cargo install cargo-fuzz`). Not part of test.sh:
# each target runs for minutes.
#
#   bash scripts/fuzz.sh                    # every target, 600 s each, one after the other
#   bash scripts/fuzz.sh bus_decode 60      # one target for 60 s
#
# Targets (fuzz/fuzz_targets/): resp_decode, bus_decode, dump_decode, command, acl_rules,
# script_libs.
# Generated corpora go to fuzz/corpus/<target>, crashes to fuzz/artifacts/<target>
# (both gitignored); the committed seeds are fuzz/seeds/<target> and, for the
# bus, the real redis-server frames in core/tests/captures. Overflow checks
# and debug assertions are on (-a): an arithmetic overflow is a crash.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT/fuzz"

ALL=(resp_decode bus_decode dump_decode command acl_rules script_libs)
targets=("${1:-all}")
[[ ${targets[0]} == all ]] && targets=("${ALL[@]}")
seconds=${2:-600}

for t in "${targets[@]}"; do
    seeds=("seeds/$t")
    extra=()
    case $t in
    bus_decode) seeds=("$ROOT/core/tests/captures") extra=(-max_len=8192) ;;
    resp_decode) extra=(-dict=resp.dict) ;;
    command) extra=(-dict=command.dict) ;;
    esac
    mkdir -p "corpus/$t"
    echo "== $t: ${seconds}s"
    cargo +nightly fuzz run -a "$t" "corpus/$t" "${seeds[@]}" -- \
        -max_total_time="$seconds" -print_final_stats=1 "${extra[@]}"
done
