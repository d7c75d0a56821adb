#!/usr/bin/env bash
# Failover for real, timed (issue 6, item 5): for each node-timeout, a local 3+3 cluster of
# clusterlab-node processes under a continuous write load loses the master of slots 0-5460 to
# `kill -9`, then (a second cluster) to `kill -STOP`. Prints, in ms after the signal, when a
# survivor flagged it FAIL, when its replica was promoted, when every survivor was back to
# cluster_state:ok, the writers' longest gap and error count, and how many writes confirmed
# by WAIT 1 were lost, next to the simulator's times for the same node-timeout and seed
# (core/benches/failover_timing.rs). About 30 s + 2 x 10 x node-timeout at worst per timeout.
#
#   bash scripts/bench-failover.sh [--node-timeouts 1000,2000,5000] [--seeds 1,2]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
out=target/bench-failover.txt
cargo bench -q -p clusterlab-core --bench failover_timing -- "$@" | tee "$out"
echo "(written to $out)"
