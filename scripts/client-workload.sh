#!/usr/bin/env bash
# Two real cluster clients, redis-py's RedisCluster (clients/workload.py) and ioredis's Cluster
# (clients/workload.js), run the same mixed workload (leaderboard, BLPOP queue, stream consumer
# group, Lua lock, MULTI rate limiter, keyspace notifications, cross-slot errors) against a
# 3-master 3-replica cluster of clusterlab-node and one of redis-server 7.0.15, both made by
# `redis-cli --cluster create` on 127.0.0.1. Each client's two transcripts must be identical.
#
#   bash scripts/client-workload.sh
#
# The clients are installed into target/client-workload/ (pip --target, npm --prefix); the
# nodes run there too (run/) and are stopped by PID on exit, their directories removed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# Pinned so that a client release cannot change the transcripts between runs.
REDIS_PY=8.2.0
IOREDIS=6.1.0
HOME_DIR="$ROOT/target/client-workload"
RUN="$HOME_DIR/run"

say() { printf '  %s\n' "$*"; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 2
}

for tool in python3 node npm redis-server redis-cli; do
    command -v "$tool" >/dev/null || die "no $tool on PATH"
done
[[ $(redis-server --version) == *v=7.0.15* ]] || die "redis-server is not 7.0.15: $(redis-server --version)"

install_clients() {
    mkdir -p "$HOME_DIR"
    if [[ ! -d $HOME_DIR/py/redis-$REDIS_PY.dist-info ]]; then
        say "installing redis-py $REDIS_PY into $HOME_DIR/py"
        rm -rf "$HOME_DIR/py"
        python3 -m pip install --quiet --disable-pip-version-check --target "$HOME_DIR/py" \
            "redis==$REDIS_PY"
    fi
    if ! grep -qs "\"version\": \"$IOREDIS\"" "$HOME_DIR/js/node_modules/ioredis/package.json"; then
        say "installing ioredis $IOREDIS into $HOME_DIR/js"
        npm install --prefix "$HOME_DIR/js" --no-audit --no-fund --silent "ioredis@$IOREDIS"
    fi
}

# Six client ports from BASE whose bus ports (+10000) are free as well.
free_block() {
    python3 - "$1" <<'PY'
import socket, sys
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        return True
    except OSError:
        return False
    finally:
        s.close()
base = int(sys.argv[1])
while not all(free(p) and free(p + 10000) for p in range(base, base + 6)):
    base += 6
print(base)
PY
}

pids=()
# Stops the nodes this script started, by PID. Their directories go too, unless the run failed:
# then the nodes' logs and the transcripts stay in run/ until the next run.
cleanup() {
    local status=$? pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if ((status == 0)); then
        rm -rf "$RUN"
    else
        printf '  (node logs and transcripts kept in %s)\n' "$RUN" >&2
    fi
}
trap cleanup EXIT

# start_cluster NAME BASE: six nodes of NAME (clusterlab or redis) on BASE..BASE+5, then
# `redis-cli --cluster create` with one replica per master; waits until every node says ok.
start_cluster() {
    local name=$1 base=$2 port dir ports=()
    for port in $(seq "$base" $((base + 5))); do
        dir="$RUN/$name/$port"
        mkdir -p "$dir"
        if [[ $name == clusterlab ]]; then
            "$NODE_BIN" --port "$port" --bind 127.0.0.1 --cluster-node-timeout 5000 \
                --dir "$dir" >/dev/null 2>"$dir/log" &
        else
            redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
                --cluster-node-timeout 5000 --save '' --appendonly no --dir "$dir" \
                --logfile "$dir/log" >/dev/null 2>&1 &
        fi
        pids+=($!)
        ports+=("127.0.0.1:$port")
    done
    for port in $(seq "$base" $((base + 5))); do
        wait_until 10 "node $port listens" redis-cli -p "$port" ping
    done
    redis-cli --cluster create "${ports[@]}" --cluster-replicas 1 --cluster-yes \
        >"$RUN/$name/create.log" 2>&1 || die "redis-cli --cluster create ($name): $(tail -5 "$RUN/$name/create.log")"
    for port in $(seq "$base" $((base + 5))); do
        wait_until 60 "node $port cluster_state:ok" \
            sh -c "redis-cli -p $port cluster info | grep -q 'cluster_state:ok'"
    done
    # Every node must know every slot's master, and replicas their masters' data.
    wait_until 60 "$name: redis-cli --cluster check" \
        sh -c "redis-cli --cluster check 127.0.0.1:$base | grep -q 'All 16384 slots covered'"
    for port in $(seq "$base" $((base + 5))); do
        wait_until 60 "node $port replication link" sh -c \
            "redis-cli -p $port info replication | grep -qE 'role:master|master_link_status:up'"
    done
    say "$name: 3 masters, 3 replicas on 127.0.0.1:$base-$((base + 5))"
}

# wait_until SECONDS WHAT COMMAND...: polls COMMAND every 0.1 s.
wait_until() {
    local limit=$1 what=$2
    shift 2
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "timed out after ${limit}s waiting for $what"
        sleep 0.1
    done
}

install_clients
say "building clusterlab-node (release)"
cargo build --release --quiet -p clusterlab-core --bin clusterlab-node
NODE_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/clusterlab-node"

rm -rf "$RUN"
mkdir -p "$RUN"
ours=$(free_block 23000)
start_cluster clusterlab "$ours"
theirs=$(free_block $((ours + 6)))
start_cluster redis "$theirs"

# Each client starts from empty clusters with notifications off, as a learner's would.
reset() {
    local port
    for port in $(seq "$1" $(($1 + 5))); do
        redis-cli -p "$port" config set notify-keyspace-events '' >/dev/null
        redis-cli -p "$port" info replication | grep -q role:master || continue
        redis-cli -p "$port" flushall >/dev/null
    done
}

failed=0
for client in py js; do
    reset "$ours"
    reset "$theirs"
    for name in clusterlab redis; do
        port=$ours
        [[ $name == redis ]] && port=$theirs
        out="$RUN/$client-$name.txt"
        if [[ $client == py ]]; then
            PYTHONPATH="$HOME_DIR/py" timeout 120 python3 clients/workload.py "$port" >"$out" 2>&1 ||
                die "clients/workload.py against $name failed:$(printf '\n%s' "$(tail -20 "$out")")"
        else
            NODE_PATH="$HOME_DIR/js/node_modules" timeout 120 node clients/workload.js "$port" >"$out" 2>&1 ||
                die "clients/workload.js against $name failed:$(printf '\n%s' "$(tail -20 "$out")")"
        fi
    done
    if diff -u --label "redis-server 7.0.15 ($client)" --label "clusterlab-node ($client)" \
        "$RUN/$client-redis.txt" "$RUN/$client-clusterlab.txt"; then
        say "$client: $(wc -l <"$RUN/$client-redis.txt") transcript lines, identical"
    else
        failed=1
    fi
done
((failed == 0)) || die "the transcripts differ (above: - redis-server, + clusterlab-node)"
printf '\nclient-workload: redis-py %s and ioredis %s see the same replies from both clusters\n' \
    "$REDIS_PY" "$IOREDIS"
