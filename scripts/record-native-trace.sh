#!/usr/bin/env bash
# Records a real failover of native clusterlab-nodes as one JSON-lines trace, the fixture the
# app's trace import is tested with (core/tests/fixtures/native-failover.jsonl):
#   1. starts 6 nodes with --trace (each writes its own events, unix-ms times, short IDs),
#   2. forms 3 masters with a replica each with the real `redis-cli --cluster create`,
#   3. kill -9 the master on the first port, waits until its replica is promoted and every
#      node says cluster_state:ok again, then stops the others,
#   4. merges the six traces by time and adds the operator's kill as the simulator records its
#      actions ({"t_ms":…,"node":"<killed>","event":"kill"}).
#
#   bash scripts/record-native-trace.sh [OUT] [NODE_TIMEOUT_MS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/core/tests/fixtures/native-failover.jsonl}"
TIMEOUT="${2:-2000}"
command -v redis-cli >/dev/null || { echo "needs redis-cli (apt-get install redis-tools)" >&2; exit 1; }
cargo build -q -p clusterlab-core --bin clusterlab-node
BIN="$ROOT/target/debug/clusterlab-node"
WORK=$(mktemp -d)
# Six free client ports whose bus ports (+10000) are free too.
mapfile -t PORTS < <(python3 - <<'PY'
import socket
ports = []
p = 20000
while len(ports) < 6 and p < 40000:
    p += 1
    try:
        for q in (p, p + 10000):
            s = socket.socket(); s.bind(("127.0.0.1", q)); s.close()
        ports.append(p)
    except OSError:
        pass
print("\n".join(map(str, ports)))
PY
)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
for port in "${PORTS[@]}"; do
    mkdir -p "$WORK/$port"
    "$BIN" --port "$port" --cluster-node-timeout "$TIMEOUT" --dir "$WORK/$port" \
        --trace "$WORK/$port/trace.jsonl" 2>"$WORK/$port/node.log" &
    PIDS+=("$!")
done
until_ok() { # what, command…
    local what=$1; shift
    for _ in $(seq 300); do "$@" && return 0; sleep 0.1; done
    echo "timed out waiting for $what" >&2; exit 1
}
for port in "${PORTS[@]}"; do until_ok "port $port" redis-cli -p "$port" ping >/dev/null; done
redis-cli --cluster create $(printf '127.0.0.1:%s ' "${PORTS[@]}") --cluster-replicas 1 \
    --cluster-yes >"$WORK/create.log"
all_ok() {
    for port in "$@"; do
        redis-cli -p "$port" cluster info | grep -q 'cluster_state:ok' || return 1
    done
}
until_ok "cluster_state:ok" all_ok "${PORTS[@]}"
# A replica that never synced does not stand for election; 7.0 starts the first full resync
# repl-diskless-sync-delay (5 s) after PSYNC.
synced() {
    local info
    for port in "$@"; do
        info=$(redis-cli -p "$port" info replication)
        grep -q 'role:slave' <<<"$info" || continue
        grep -q 'master_link_status:up' <<<"$info" || return 1
    done
}
until_ok "the replicas' first sync" synced "${PORTS[@]}"
sleep 3
KILLED_PORT=${PORTS[0]}
KILLED=$(redis-cli -p "$KILLED_PORT" cluster myid | cut -c1-8)
kill -9 "${PIDS[0]}"
KILL_MS=$(date +%s%3N)
promoted() {
    redis-cli -p "${PORTS[1]}" cluster nodes | grep "^$KILLED" | grep -q 'master,fail' &&
        all_ok "${PORTS[@]:1}"
}
until_ok "the failover" promoted
sleep 2
for pid in "${PIDS[@]:1}"; do kill "$pid"; done
wait 2>/dev/null || true
PIDS=()
python3 - "$OUT" "$KILL_MS" "$KILLED" "$WORK"/*/trace.jsonl <<'PY'
import json, sys
out, kill_ms, killed, files = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
lines = []
for f in files:
    for raw in open(f):
        if raw.strip():
            lines.append((json.loads(raw)["t_ms"], raw.strip()))
lines.append((kill_ms, json.dumps({"t_ms": kill_ms, "node": killed, "event": "kill"}, separators=(",", ":"))))
lines.sort(key=lambda x: x[0])
with open(out, "w") as o:
    o.write("\n".join(l for _, l in lines) + "\n")
print(f"{out}: {len(lines)} lines; killed {killed} at {kill_ms}")
PY
