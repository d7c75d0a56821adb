#!/usr/bin/env bash
# Records the golden transcript that core/tests/commands/golden.rs compares our
# replies with: starts a real Redis 7 cluster (3 masters, 3 replicas) on
# 127.0.0.1 in a temporary directory, forms it with `redis-cli --cluster
# create` (so the layout is 0-5460 / 5461-10922 / 10923-16383, like the
# simulator's), runs scenarios.txt through record.py and writes
# transcript.txt. Needs redis-server, redis-cli and python3; the tests do not.
#
#   core/tests/commands/golden/record.sh            # ports 31000-31005 (+10000 bus)
#   GOLDEN_BASE_PORT=32000 core/tests/commands/golden/record.sh
#   core/tests/commands/golden/record.sh --serve    # just keep the cluster up, to explore
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
base=${GOLDEN_BASE_PORT:-31000}
work=$(mktemp -d "${TMPDIR:-/tmp}/golden-redis.XXXXXX")
pids=()

stop() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap stop EXIT
trap "exit 130" INT TERM

port_free() {
    python3 -c 'import socket,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try: s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError: sys.exit(1)' "$1"
}

for i in 0 1 2 3 4 5; do
    for p in $((base + i)) $((base + i + 10000)); do
        port_free "$p" || { echo "port $p is busy; set GOLDEN_BASE_PORT" >&2; exit 1; }
    done
done

ports=()
for i in 0 1 2 3 4 5; do
    port=$((base + i))
    ports+=("$port")
    mkdir "$work/$port"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$work/$port" \
        --cluster-enabled yes --cluster-config-file nodes.conf \
        --cluster-node-timeout 5000 --save '' --appendonly no \
        --logfile "$work/$port/redis.log" &
    pids+=("$!")
done

for port in "${ports[@]}"; do
    for _ in $(seq 50); do
        redis-cli -p "$port" PING >/dev/null 2>&1 && break
        sleep 0.1
    done
done

redis-cli --cluster create $(printf '127.0.0.1:%s ' "${ports[@]}") \
    --cluster-replicas 1 --cluster-yes >"$work/create.log"

for _ in $(seq 100); do
    ok=0
    for port in "${ports[@]}"; do
        redis-cli -p "$port" CLUSTER INFO | grep -q '^cluster_state:ok' && ok=$((ok + 1))
    done
    [ "$ok" = 6 ] && break
    sleep 0.2
done

if [ "${1:-}" = "--serve" ]; then
    echo "cluster up on 127.0.0.1:${ports[0]}-${ports[5]}; Ctrl-C to stop"
    wait
fi

python3 "$here/record.py" --ports "$(IFS=,; echo "${ports[*]}")" \
    --scenarios "$here/scenarios.txt" --out "$here/transcript.txt"
