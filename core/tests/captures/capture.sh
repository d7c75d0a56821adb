#!/usr/bin/env bash
# Captures real Redis Cluster bus frames from redis-server 7.0 into this
# directory, so the wire codec is checked against what Redis really sends
# (core/tests/wire/captures.rs) without needing redis-server at test time.
#
# Scenario (5 nodes on 127.0.0.1, client ports 30001-30005, bus +10000):
#   node1..3 masters with slots 0-5460 / 5461-10922 / 10923-16383,
#   node2 announces a hostname (so its PINGs carry the HOSTNAME extension),
#   node4 replicates node3, node5 node1 (5 nodes: every heartbeat carries
#   min(3, 5 - 2) = 3 gossip entries, the 2568-byte frames of docs/redis-behaviour.md §4.3).
#   MEET from node1 → PUBLISH on node1 → SPUBLISH on node3 (PUBLISHSHARD to
#   node4) → SIGSTOP node3 (FAIL, FAILOVER_AUTH_REQUEST/ACK, node4 promoted)
#   → SIGCONT node3 (it still claims its slots: UPDATE) → manual failover
#   from node3 (MFSTART).
#
# Usage: core/tests/captures/capture.sh   (as root, for tcpdump on lo;
#        KEEP=1 keeps the temp dir with the pcap and the node logs)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ports=(30001 30002 30003 30004 30005)
work="$(mktemp -d /tmp/clusterlab-capture.XXXXXX)"
tcpdump_pid=""

cli() { redis-cli -p "$1" "${@:2}"; }

cleanup() {
    for p in "${ports[@]}"; do
        if [[ -f "$work/$p.pid" ]]; then
            pid="$(cat "$work/$p.pid")"
            kill -CONT "$pid" 2>/dev/null || true
            kill "$pid" 2>/dev/null || true
        fi
    done
    [[ -n "$tcpdump_pid" ]] && kill "$tcpdump_pid" 2>/dev/null || true
    sleep 0.5
    if [[ -n "${KEEP:-}" ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# wait_for DESCRIPTION COMMAND...: polls COMMAND for up to 30 s.
wait_for() {
    local what="$1"; shift
    for _ in $(seq 300); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "timed out waiting for: $what" >&2
    exit 1
}

for p in "${ports[@]}"; do
    if cli "$p" PING >/dev/null 2>&1; then
        echo "port $p is in use" >&2
        exit 1
    fi
done

tcpdump -i lo -U -s 0 -Z root -w "$work/bus.pcap" 'tcp and portrange 40001-40005' \
    2>"$work/tcpdump.log" &
tcpdump_pid=$!
wait_for "tcpdump to listen" grep -q listening "$work/tcpdump.log"

for p in "${ports[@]}"; do
    extra=()
    [[ $p == 30002 ]] && extra=(--cluster-announce-hostname node-2.example)
    redis-server --port "$p" --bind 127.0.0.1 --daemonize yes \
        --dir "$work" --pidfile "$work/$p.pid" --logfile "$work/$p.log" \
        --cluster-enabled yes --cluster-config-file "nodes-$p.conf" \
        --cluster-node-timeout 1000 --cluster-replica-validity-factor 0 \
        --save '' --appendonly no \
        "${extra[@]}"
done
for p in "${ports[@]}"; do wait_for "node $p" cli "$p" PING; done

cli 30001 CLUSTER ADDSLOTSRANGE 0 5460 >/dev/null
cli 30002 CLUSTER ADDSLOTSRANGE 5461 10922 >/dev/null
cli 30003 CLUSTER ADDSLOTSRANGE 10923 16383 >/dev/null
for p in 30002 30003 30004 30005; do cli 30001 CLUSTER MEET 127.0.0.1 "$p" >/dev/null; done

knows_all() { [[ "$(cli "$1" CLUSTER NODES | grep -vc handshake)" == 5 ]]; }
state_ok() { cli "$1" CLUSTER INFO | grep -q 'cluster_state:ok'; }
for p in "${ports[@]}"; do wait_for "node $p to know everyone" knows_all "$p"; done
for p in "${ports[@]}"; do wait_for "node $p state ok" state_ok "$p"; done

declare -A id
for p in "${ports[@]}"; do id[$p]="$(cli "$p" CLUSTER MYID)"; done

cli 30004 CLUSTER REPLICATE "${id[30003]}" >/dev/null
cli 30005 CLUSTER REPLICATE "${id[30001]}" >/dev/null
is_replica_of() { cli "$1" CLUSTER NODES | grep "^${id[$2]} " | grep -q "slave ${id[$3]}"; }
for p in "${ports[@]}"; do
    wait_for "node $p to see node4 as replica" is_replica_of "$p" 30004 30003
    wait_for "node $p to see node5 as replica" is_replica_of "$p" 30005 30001
done
synced() { cli 30004 INFO replication | grep -q master_link_status:up; }
wait_for "node4 to sync with node3" synced

cli 30001 PUBLISH news hello >/dev/null
# "shard-news" hashes to slot 13603, served by node3; node3 forwards to its shard.
cli 30003 SPUBLISH shard-news hi >/dev/null
sleep 0.5

pid3="$(cat "$work/30003.pid")"
kill -STOP "$pid3"
is_master() { cli "$1" ROLE | head -1 | grep -q master; }
wait_for "node4 to be promoted" is_master 30004
sleep 1
kill -CONT "$pid3"
for p in 30001 30002 30004 30005; do wait_for "node $p to see node3 as replica" is_replica_of "$p" 30003 30004; done

cli 30003 CLUSTER FAILOVER >/dev/null
wait_for "manual failover back to node3" is_master 30003
sleep 1

kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" || true
tcpdump_pid=""

{
    echo "# node client-port id (written by capture.sh)"
    for i in 0 1 2 3 4; do echo "node$((i + 1)) ${ports[$i]} ${id[${ports[$i]}]}"; done
} >"$here/nodes.txt"
rm -f "$here"/*.bin
python3 "$here/pcap_frames.py" "$work/bus.pcap" "$here"
