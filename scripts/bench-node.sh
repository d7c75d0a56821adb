#!/usr/bin/env bash
# Benchmarks the native node against real Redis, side by side in one run (issue 6, item 10):
#   1. one node: redis-benchmark -t set,get, unpipelined and -P 16, against one redis-server and
#      one clusterlab-node, both in cluster mode serving all 16384 slots (the same key hashing
#      and slot checks on both sides);
#   2. three masters: redis-benchmark --cluster against a redis-server cluster made by
#      `redis-cli --cluster create` and one made by `clusterlab-node cluster up`;
#   3. memory for 1 M keys (SET key:%012d xxx, loaded through `redis-cli --pipe` into fresh
#      processes): RSS growth from /proc, and Redis's used_memory.
# Prints one table with ratios (clusterlab / redis; ≥ 1.0 means as fast) and writes it to
# --out (default target/bench-node.txt). Long (a few minutes); not part of scripts/test.sh.
#
#   bash scripts/bench-node.sh [--requests 200000] [--keys 1000000] [--out FILE]
#                              [--only single|cluster|memory] [--no-build]
#                              [--node PATH]   # another clusterlab-node build (before/after)
#   bash scripts/bench-node.sh --parse FILE   # parse a saved `redis-benchmark --csv` output
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

REQUESTS=200000
NODE=""
KEYS=1000000
OUT=target/bench-node.txt
ONLY=""
BUILD=1
die() {
    printf 'bench-node: %s\n' "$*" >&2
    exit 1
}

# `redis-benchmark --csv` output → "TEST rps p99_ms" lines (its CSV columns: test, rps, avg,
# min, p50, p95, p99, max; with --cluster a description of the masters comes first). Fails
# unless it finds redis-benchmark 7's header and at least one row.
parse_csv() {
    awk -F'","' '
        /^"test","rps",/ { header = ($7 == "p99_latency_ms"); next }
        header && NF == 8 { gsub(/"/, ""); split($0, f, ","); print f[1], f[2], f[7]; n++ }
        END { if (n == 0) exit 1 }' "$1"
}

while (($#)); do
    case $1 in
    --requests) REQUESTS=$2 && shift 2 ;;
    --keys) KEYS=$2 && shift 2 ;;
    --out) OUT=$2 && shift 2 ;;
    --only) ONLY=$2 && shift 2 ;;
    --no-build) BUILD=0 && shift ;;
    --node) NODE=$2 && BUILD=0 && shift 2 ;;
    --parse)
        parse_csv "$2" || die "$2 is not redis-benchmark --csv output"
        exit 0
        ;;
    *) die "unknown option '$1' (see the comment at the top of $0)" ;;
    esac
done

for tool in redis-server redis-cli redis-benchmark python3; do
    command -v $tool >/dev/null || die "$tool is needed (apt-get install redis-server python3)"
done
if ((BUILD)); then
    cargo build --release -q -p clusterlab-core --bin clusterlab-node
fi
NODE=${NODE:-$ROOT/target/release/clusterlab-node}
[[ -x $NODE ]] || die "$NODE is missing (run without --no-build)"

WORK=$(mktemp -d /tmp/bench-node.XXXXXX)
PIDS=()
declare -A PID_OF # port → pid, for the processes started here
CLUSTERLAB_DIRS=()
cleanup() {
    for dir in "${CLUSTERLAB_DIRS[@]}"; do
        "$NODE" cluster down --dir "$dir" >/dev/null 2>&1 || true
    done
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# A base port B such that B..B+n-1 and their bus ports (+10000) are all free on 127.0.0.1.
free_base() {
    python3 - "$1" <<'EOF'
import random, socket, sys
n = int(sys.argv[1])
for _ in range(200):
    base = random.randrange(20000, 30000 - n)
    socks = []
    try:
        for p in [*range(base, base + n), *range(base + 10000, base + 10000 + n)]:
            s = socket.socket()
            s.bind(("127.0.0.1", p))
            socks.append(s)
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(base)
    sys.exit(0)
sys.exit("no free ports")
EOF
}

cli() { redis-cli -h 127.0.0.1 -p "$@"; }

wait_until() { # SECONDS DESCRIPTION COMMAND...
    local limit=$1 what=$2
    shift 2
    for ((i = 0; i < limit * 10; i++)); do
        "$@" >/dev/null 2>&1 && return
        sleep 0.1
    done
    die "timed out after ${limit}s waiting for $what"
}
state_ok() { cli "$1" cluster info | grep -q '^cluster_state:ok'; }

# One cluster-enabled redis-server on PORT, in the background; prints nothing.
start_redis() {
    local port=$1 dir="$WORK/redis-$1"
    mkdir -p "$dir"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --dir "$dir" \
        --cluster-config-file nodes.conf --save "" --appendonly no \
        --logfile "$dir/redis.log" &
    PIDS+=($!)
    PID_OF[$port]=$!
    wait_until 10 "redis-server on $port" cli "$port" ping
}

start_clusterlab() {
    local port=$1 dir="$WORK/clusterlab-$1"
    mkdir -p "$dir"
    "$NODE" --port "$port" --dir "$dir" 2>"$dir/node.log" &
    PIDS+=($!)
    PID_OF[$port]=$!
    wait_until 10 "clusterlab-node on $port" cli "$port" ping
}

# Both kinds of single node serve every slot.
own_all_slots() {
    cli "$1" cluster addslotsrange 0 16383 >/dev/null
    wait_until 10 "cluster_state:ok on $1" state_ok "$1"
}

# Nanoseconds on a CPU so far of every thread of the given processes (schedstat's first field).
cpu_ns() {
    local pid
    for pid in "$@"; do
        cat /proc/"$pid"/task/*/schedstat
    done | awk '{ t += $1 } END { printf "%.0f", t }'
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

RESULTS="$WORK/results"
: >"$RESULTS"
# bench LABEL SYSTEM "PIDS" ARGS...: runs redis-benchmark once per command (so the servers' CPU
# time is known per command), records "LABEL TEST SYSTEM rps p99 cpu_us_per_op". CPU time per
# operation is the steadier number on a loaded machine: other processes lower ops/s, not it.
bench() {
    local label=$1 system=$2 pids=$3 test rps p99 t0 t1 cpu
    shift 3
    local csv="$WORK/last.csv"
    for test in set get; do
        # shellcheck disable=SC2086 # PIDS is a list
        t0=$(cpu_ns $pids)
        redis-benchmark -h 127.0.0.1 "$@" -t $test -n "$REQUESTS" --csv >"$csv" 2>"$WORK/rb.err" ||
            die "redis-benchmark $* failed: $(cat "$WORK/rb.err")"
        # shellcheck disable=SC2086
        t1=$(cpu_ns $pids)
        cpu=$(awk -v t=$((t1 - t0)) -v n="$REQUESTS" 'BEGIN { printf "%.2f", t / 1000 / n }')
        read -r test rps p99 < <(parse_csv "$csv")
        echo "$label $test $system $rps $p99 $cpu" >>"$RESULTS"
        printf '  %-14s %-4s %-10s %10s ops/s  p99 %6s ms  cpu %5s us/op\n' "$label" "$test" \
            "$system" "$rps" "$p99" "$cpu"
    done
}

run_single() {
    echo "one node, cluster mode, all slots ($REQUESTS requests, 50 clients)"
    local base
    base=$(free_base 2)
    start_redis "$base"
    start_clusterlab $((base + 1))
    own_all_slots "$base"
    own_all_slots $((base + 1))
    # Alternating the two keeps a passing load on the box from favouring one side.
    for pipeline in 1 16; do
        bench "single-P$pipeline" redis "${PID_OF[$base]}" -p "$base" -P $pipeline
        bench "single-P$pipeline" clusterlab "${PID_OF[$((base + 1))]}" -p $((base + 1)) \
            -P $pipeline
    done
}

run_cluster() {
    echo "three masters, redis-benchmark --cluster ($REQUESTS requests, 50 clients)"
    local rbase cbase p
    rbase=$(free_base 3)
    for p in 0 1 2; do start_redis $((rbase + p)); done
    redis-cli --cluster create 127.0.0.1:"$rbase" 127.0.0.1:$((rbase + 1)) \
        127.0.0.1:$((rbase + 2)) --cluster-replicas 0 --cluster-yes >"$WORK/create.log" 2>&1 ||
        die "redis-cli --cluster create failed: $(cat "$WORK/create.log")"
    for p in 0 1 2; do wait_until 30 "redis cluster state ok" state_ok $((rbase + p)); done
    cbase=$(free_base 3)
    CLUSTERLAB_DIRS+=("$WORK/clusterlab-cluster")
    "$NODE" cluster up --masters 3 --replicas 0 --base-port "$cbase" \
        --dir "$WORK/clusterlab-cluster" >"$WORK/up.log" 2>&1 ||
        die "clusterlab-node cluster up failed: $(cat "$WORK/up.log")"
    local rpids cpids
    rpids="${PID_OF[$rbase]} ${PID_OF[$((rbase + 1))]} ${PID_OF[$((rbase + 2))]}"
    cpids=$(for f in "$WORK"/clusterlab-cluster/*/pid; do echo "$(<"$f")"; done | paste -sd ' ')
    for pipeline in 1 16; do
        bench "3masters-P$pipeline" redis "$rpids" --cluster -p "$rbase" -P $pipeline
        bench "3masters-P$pipeline" clusterlab "$cpids" --cluster -p "$cbase" -P $pipeline
    done
}

# SET key:%012d xxx for 0..KEYS-1 as RESP, for `redis-cli --pipe`.
write_keys() {
    python3 - "$KEYS" >"$1" <<'EOF'
import sys
out = sys.stdout.buffer
for i in range(int(sys.argv[1])):
    key = b"key:%012d" % i
    out.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$3\r\nxxx\r\n" % (len(key), key))
EOF
}

MEMORY="$WORK/memory"
: >"$MEMORY"
run_memory() {
    echo "memory for $KEYS keys (fresh processes, loaded with redis-cli --pipe)"
    write_keys "$WORK/keys.resp"
    local base port pid before after keys used system
    base=$(free_base 2)
    start_redis "$base"
    start_clusterlab $((base + 1))
    for system in redis clusterlab; do
        port=$base
        [[ $system == clusterlab ]] && port=$((base + 1))
        own_all_slots "$port"
        pid=${PID_OF[$port]}
        before=$(rss_kb "$pid")
        redis-cli -h 127.0.0.1 -p "$port" --pipe <"$WORK/keys.resp" >"$WORK/pipe.log" 2>&1 ||
            die "redis-cli --pipe into $system failed: $(tail -3 "$WORK/pipe.log")"
        keys=$(cli "$port" dbsize)
        [[ $keys == "$KEYS" ]] || die "$system holds $keys keys after loading $KEYS"
        after=$(rss_kb "$pid")
        used=$(cli "$port" info memory | awk -F: '/^used_memory:/ { print $2 }' | tr -d '\r')
        echo "$system $before $after ${used:--}" >>"$MEMORY"
        printf '  %-10s RSS %d MB -> %d MB, used_memory %s\n' "$system" $((before / 1024)) \
            $((after / 1024)) "${used:--}"
    done
}

case $ONLY in
"") run_single && run_cluster && run_memory ;;
single) run_single ;;
cluster) run_cluster ;;
memory) run_memory ;;
*) die "--only takes single, cluster or memory" ;;
esac

# The table: one row per (setup, command), redis beside clusterlab, and the ratios.
report() {
    echo "clusterlab-node vs redis-server $(redis-server --version | grep -oE 'v=[0-9.]+' | cut -c3-)," \
        "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "redis-benchmark -n $REQUESTS -c 50 --csv; ops/s ratio = clusterlab / redis (goal >= 1.0)"
    if [[ -s $RESULTS ]]; then
        printf '\n%-13s %-4s %11s %11s %6s %9s %9s %10s %9s %6s\n' setup cmd "redis ops/s" \
            "clab ops/s" ratio "redis p99" "clab p99" "redis cpu" "clab cpu" ratio
        awk '{ printf "%-13s %-4s %11.0f %11.0f %6.2f %7.3fms %7.3fms %6.2fus/op %5.2fus/op %6.2f\n",
                $1, $2, $3, $4, ($3 > 0 ? $4 / $3 : 0), $5, $6, $7, $8, ($8 > 0 ? $7 / $8 : 0) }' <(
            # Rows are "SETUP TEST SYSTEM rps p99 cpu"; redis's row comes first for each pair.
            awk '$3 == "redis" { r[$1 " " $2] = $4 " " $5 " " $6 }
                 $3 == "clusterlab" { split(r[$1 " " $2], x, " ")
                     print $1, $2, x[1], $4, x[2], $5, x[3], $6 }' "$RESULTS")
        echo "(cpu = server CPU time per request, all its processes; its ratio is redis/clusterlab," \
            "so >= 1.0 means as cheap)"
    fi
    if [[ -s $MEMORY ]]; then
        printf '\nmemory for %d keys      RSS growth   bytes/key   used_memory\n' "$KEYS"
        awk -v keys="$KEYS" '
            { grow = ($3 - $2) * 1024; b[$1] = grow
              printf "%-22s %8.1f MB %11.0f   %s\n", $1, grow / 1048576, grow / keys,
                  ($4 == "-" ? "(not reported)" : sprintf("%.1f MB", $4 / 1048576)) }
            END { if (b["redis"] > 0) printf "%-22s %11.2fx\n", "ratio clusterlab/redis",
                  b["clusterlab"] / b["redis"] }' "$MEMORY"
    fi
}
mkdir -p "$(dirname "$OUT")"
echo
report | tee "$OUT"
echo "(written to $OUT)"
