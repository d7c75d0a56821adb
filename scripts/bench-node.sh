#!/usr/bin/env bash
# Benchmarks the native node against real Redis, side by side in one run (issue 6, item 10;
# issue 13, item 7):
#   1. one node: redis-benchmark with SET, GET, ZADD, ZRANGE, LPUSH, XADD and EVALSHA (literal
#      command lines, random keys under one hash tag, the script loaded first with SCRIPT LOAD),
#      unpipelined and -P 16, against one redis-server and one clusterlab-node, both in cluster
#      mode serving all 16384 slots (the same key hashing and slot checks on both sides);
#   2. three masters: redis-benchmark --cluster -t set,get against a redis-server cluster made
#      by `redis-cli --cluster create` and one made by `clusterlab-node cluster up`;
#   3. memory for 1 M small strings (SET key:%012d xxx), 1 M small hashes (three fields) and
#      1 M small sorted sets (three members), each loaded through `redis-cli --pipe` into fresh
#      processes: RSS growth from /proc, and Redis's used_memory.
# Prints one table with ratios and writes it to --out (default target/bench-node.txt). The
# servers' CPU time per request (from /proc) is the number to trust on a shared machine; ops/s
# moves with the load of other processes. Long (a few minutes); not part of scripts/test.sh.
#
#   bash scripts/bench-node.sh [--requests 200000] [--keys 1000000] [--out FILE]
#                              [--only single|cluster|memory] [--no-build]
#                              [--ports 20000-29999]  # client ports to pick from (bus: +10000)
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
PORTS=20000-29999
die() {
    printf 'bench-node: %s\n' "$*" >&2
    exit 1
}

# `redis-benchmark --csv` output → "TEST rps p99_ms" lines (its CSV columns: test, rps, avg,
# min, p50, p95, p99, max; with --cluster a description of the masters comes first; a literal
# command's test is its command line, printed with _ for spaces). Fails unless it finds
# redis-benchmark 7's header and at least one row.
parse_csv() {
    awk -F'","' '
        /^"test","rps",/ { header = ($7 == "p99_latency_ms"); next }
        header && NF == 8 {
            gsub(/"/, ""); split($0, f, ","); gsub(/ /, "_", f[1]); print f[1], f[2], f[7]; n++ }
        END { if (n == 0) exit 1 }' "$1"
}

while (($#)); do
    case $1 in
    --requests) REQUESTS=$2 && shift 2 ;;
    --keys) KEYS=$2 && shift 2 ;;
    --out) OUT=$2 && shift 2 ;;
    --only) ONLY=$2 && shift 2 ;;
    --ports) PORTS=$2 && shift 2 ;;
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
[[ $PORTS =~ ^([0-9]+)-([0-9]+)$ ]] && ((BASH_REMATCH[1] < BASH_REMATCH[2])) &&
    ((BASH_REMATCH[2] <= 55535)) || die "--ports takes FIRST-LAST, at most 55535 (bus: +10000)"
if ((BUILD)); then
    cargo build --release -q -p clusterlab-core --bin clusterlab-node
fi
NODE=${NODE:-${CARGO_TARGET_DIR:-$ROOT/target}/release/clusterlab-node}
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

# A base port B in --ports such that B..B+n-1 and their bus ports (+10000) are all free on
# 127.0.0.1.
free_base() {
    python3 - "$1" "${PORTS%-*}" "${PORTS#*-}" <<'EOF'
import random, socket, sys
n, first, last = map(int, sys.argv[1:])
for _ in range(200):
    base = random.randrange(first, last + 2 - n)
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
# The single-node tests: name → command line (random keys under one hash tag, so a script's
# key and the others live in one slot both servers own). EVALSHA's script is loaded first.
SCRIPT="return redis.call('SET', KEYS[1], ARGV[1])"
SHA=$(printf '%s' "$SCRIPT" | sha1sum | cut -d' ' -f1)
SINGLE_TESTS=(set get zadd zrange lpush xadd evalsha)
declare -A COMMAND=(
    [set]="SET {b}:s:__rand_int__ xxx"
    [get]="GET {b}:s:__rand_int__"
    [zadd]="ZADD {b}:z __rand_int__ m:__rand_int__"
    [zrange]="ZRANGE {b}:z 0 9"
    [lpush]="LPUSH {b}:l xxx"
    [xadd]="XADD {b}:x * f xxx"
    [evalsha]="EVALSHA $SHA 1 {b}:s:__rand_int__ xxx"
)

# bench LABEL SYSTEM "PIDS" TEST "COMMAND" ARGS...: one redis-benchmark run of TEST, the command
# line COMMAND with random keys, or redis-benchmark's own test TEST (-t) when COMMAND is empty
# (--cluster: it tags each key for the node it sends it to), so the servers' CPU time is known
# per command; records "LABEL TEST SYSTEM rps p99 cpu_us_per_op". CPU time per operation is
# the steadier number on a loaded machine: other processes lower ops/s, not it.
bench() {
    local label=$1 system=$2 pids=$3 test=$4 command=$5 rps p99 t0 t1 cpu
    shift 5
    local csv="$WORK/last.csv" what=(-t "$test") words
    if [[ -n $command ]]; then
        read -r -a words <<<"$command" # split into words, with no globbing of XADD's *
        what=(-r 100000 "${words[@]}")
    fi
    # shellcheck disable=SC2086 # PIDS is a list
    t0=$(cpu_ns $pids)
    redis-benchmark -h 127.0.0.1 "$@" -n "$REQUESTS" --csv "${what[@]}" >"$csv" 2>"$WORK/rb.err" ||
        die "redis-benchmark $* ${what[*]} failed: $(cat "$WORK/rb.err")"
    # shellcheck disable=SC2086
    t1=$(cpu_ns $pids)
    cpu=$(awk -v t=$((t1 - t0)) -v n="$REQUESTS" 'BEGIN { printf "%.2f", t / 1000 / n }')
    read -r _ rps p99 < <(parse_csv "$csv")
    echo "$label $test $system $rps $p99 $cpu" >>"$RESULTS"
    printf '  %-14s %-7s %-10s %10s ops/s  p99 %6s ms  cpu %5s us/op\n' "$label" "$test" \
        "$system" "$rps" "$p99" "$cpu"
}

run_single() {
    echo "one node, cluster mode, all slots ($REQUESTS requests, 50 clients)"
    local base test pipeline
    base=$(free_base 2)
    start_redis "$base"
    start_clusterlab $((base + 1))
    for port in "$base" $((base + 1)); do
        own_all_slots "$port"
        [[ $(cli "$port" script load "$SCRIPT") == "$SHA" ]] || die "SCRIPT LOAD on $port failed"
    done
    # Alternating the two, command by command, keeps a passing load on the box from favouring
    # one side.
    for pipeline in 1 16; do
        for test in "${SINGLE_TESTS[@]}"; do
            bench "single-P$pipeline" redis "${PID_OF[$base]}" "$test" "${COMMAND[$test]}" \
                -p "$base" -P $pipeline
            bench "single-P$pipeline" clusterlab "${PID_OF[$((base + 1))]}" "$test" \
                "${COMMAND[$test]}" -p $((base + 1)) -P $pipeline
        done
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
    local pipeline test
    for pipeline in 1 16; do
        for test in set get; do
            bench "3masters-P$pipeline" redis "$rpids" $test "" --cluster -p "$rbase" \
                -P $pipeline
            bench "3masters-P$pipeline" clusterlab "$cpids" $test "" --cluster -p "$cbase" \
                -P $pipeline
        done
    done
}

# KEYS keys of one kind as RESP, for `redis-cli --pipe`: strings (SET key:%012d xxx), hashes
# (HSET hash:%012d f1 xxx f2 xxx f3 xxx) or sorted sets (ZADD zset:%012d 1 m1 2 m2 3 m3).
write_keys() {
    python3 - "$KEYS" "$1" <<'EOF'
import sys
out = sys.stdout.buffer
n, kind = int(sys.argv[1]), sys.argv[2]
head, tail = {
    "strings": (b"SET", [b"xxx"]),
    "hashes": (b"HSET", [b"f1", b"xxx", b"f2", b"xxx", b"f3", b"xxx"]),
    "zsets": (b"ZADD", [b"1", b"m1", b"2", b"m2", b"3", b"m3"]),
}[kind]
rest = b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in tail)
start = b"*%d\r\n$%d\r\n%s\r\n" % (2 + len(tail), len(head), head)
prefix = kind[:-1].encode()
for i in range(n):
    key = b"%s:%012d" % (prefix, i)
    out.write(b"%s$%d\r\n%s\r\n%s" % (start, len(key), key, rest))
EOF
}

MEMORY="$WORK/memory"
: >"$MEMORY"
run_memory() {
    echo "memory for $KEYS keys of each kind (fresh processes, loaded with redis-cli --pipe)"
    local kind base port pid before after keys used system
    for kind in strings hashes zsets; do
        write_keys $kind >"$WORK/keys.resp"
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
            echo "$kind $system $before $after ${used:--}" >>"$MEMORY"
            printf '  %-7s %-10s RSS %d MB -> %d MB, used_memory %s\n' $kind "$system" \
                $((before / 1024)) $((after / 1024)) "${used:--}"
            kill "$pid"
        done
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
        printf '\n%-13s %-7s %11s %11s %6s %9s %9s %10s %9s %6s\n' setup cmd "redis ops/s" \
            "clab ops/s" ratio "redis p99" "clab p99" "redis cpu" "clab cpu" ratio
        awk '{ printf "%-13s %-7s %11.0f %11.0f %6.2f %7.3fms %7.3fms %6.2fus/op %5.2fus/op %6.2f\n",
                $1, $2, $3, $4, ($3 > 0 ? $4 / $3 : 0), $5, $6, $7, $8, ($8 > 0 ? $7 / $8 : 0) }' <(
            # Rows are "SETUP TEST SYSTEM rps p99 cpu"; redis's row comes first for each pair.
            awk '$3 == "redis" { r[$1 " " $2] = $4 " " $5 " " $6 }
                 $3 == "clusterlab" { split(r[$1 " " $2], x, " ")
                     print $1, $2, x[1], $4, x[2], $5, x[3], $6 }' "$RESULTS")
        echo "(cpu = server CPU time per request, all its processes; its ratio is redis/clusterlab," \
            "so >= 1.0 means as cheap)"
    fi
    if [[ -s $MEMORY ]]; then
        printf '\n%-9s %13s %13s %8s %8s %6s  %s\n' "$KEYS keys" "redis RSS+" "clab RSS+" \
            "redis B" "clab B" ratio "used_memory (redis, clab)"
        # Rows are "KIND SYSTEM rss_before_kb rss_after_kb used_memory"; redis's first.
        awk -v keys="$KEYS" '
            function mb(b) { return b == "-" ? "-" : sprintf("%.1f MB", b / 1048576) }
            { grow = ($4 - $3) * 1024 }
            $2 == "redis" { r = grow; ru = $5 }
            $2 == "clusterlab" {
                printf "%-9s %10.1f MB %10.1f MB %8.0f %8.0f %5.2fx  %s, %s\n", $1, r / 1048576,
                    grow / 1048576, r / keys, grow / keys, (r > 0 ? grow / r : 0), mb(ru), mb($5) }
        ' "$MEMORY"
        echo "(RSS+ = RSS growth while loading; B = bytes of it per key; ratio = clusterlab / redis," \
            "goal <= 1.2x)"
    fi
}
mkdir -p "$(dirname "$OUT")"
echo
report | tee "$OUT"
echo "(written to $OUT)"
