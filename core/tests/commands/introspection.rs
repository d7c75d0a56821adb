//! Server introspection and client management against a simulated
//! cluster, as Redis 7.0.15 answers: INFO's sections and counters, CONFIG
//! RESETSTAT, CLIENT LIST/INFO/KILL/PAUSE/REPLY/NO-EVICT, RESET, MEMORY.

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{quiet_cluster as cluster, text};

fn send(sim: &mut Sim, node: &str, client: u64, line: &str) -> Option<Value> {
    let idx = sim.index_of(node).expect("node exists");
    let args = clusterlab_core::resp::split_args(line.as_bytes()).expect("valid line");
    sim.command(idx, ClientId(client), args)
}

fn cmd(sim: &mut Sim, node: &str, client: u64, line: &str) -> String {
    text(&send(sim, node, client, line).expect("immediate reply"))
}

/// The value of `field` in INFO text.
fn field(info: &str, name: &str) -> Option<String> {
    info.split("\r\n")
        .find_map(|l| l.strip_prefix(&format!("{name}:")).map(str::to_string))
}

/// genRedisInfoString: the default sections in 7.0's order; `everything`
/// adds commandstats and latencystats.
#[test]
fn info_sections_in_redis_order() {
    let mut sim = cluster();
    let heads = |s: &str| -> Vec<String> {
        s.split("\r\n")
            .filter(|l| l.starts_with("# "))
            .map(str::to_string)
            .collect()
    };
    let default = cmd(&mut sim, "A", 1, "INFO");
    assert_eq!(
        heads(&default),
        [
            "# Server",
            "# Clients",
            "# Memory",
            "# Persistence",
            "# Stats",
            "# Replication",
            "# CPU",
            "# Modules",
            "# Errorstats",
            "# Cluster",
            "# Keyspace"
        ]
    );
    let everything = cmd(&mut sim, "A", 1, "INFO everything");
    assert_eq!(
        heads(&everything),
        [
            "# Server",
            "# Clients",
            "# Memory",
            "# Persistence",
            "# Stats",
            "# Replication",
            "# CPU",
            "# Modules",
            "# Commandstats",
            "# Errorstats",
            "# Latencystats",
            "# Cluster",
            "# Keyspace"
        ]
    );
    assert_eq!(
        heads(&cmd(&mut sim, "A", 1, "INFO CLIENTS stats")),
        ["# Clients", "# Stats"]
    );
}

/// uptime_in_seconds counts from the node's start on its own clock (not
/// the Unix time), and total_commands_processed counts each call().
#[test]
fn uptime_and_commands_processed_are_real() {
    let mut sim = cluster();
    let before = cmd(&mut sim, "A", 1, "INFO");
    let up: u64 = field(&before, "uptime_in_seconds")
        .unwrap()
        .parse()
        .unwrap();
    assert!(up < 3600, "uptime {up} is not the Unix clock");
    let n0: u64 = field(&before, "total_commands_processed")
        .unwrap()
        .parse()
        .unwrap();
    cmd(&mut sim, "A", 1, "PING");
    cmd(&mut sim, "A", 1, "PING");
    let after = cmd(&mut sim, "A", 1, "INFO stats");
    let n1: u64 = field(&after, "total_commands_processed")
        .unwrap()
        .parse()
        .unwrap();
    // The INFO that read n0, and two PINGs.
    assert_eq!(n1, n0 + 3);
}

/// keyspace_hits/misses count read lookups only (lookupKeyRead); errors
/// count by code in errorstats; a MOVED is a rejected call (processCommand's
/// redirection) and a WRONGTYPE a failed one.
#[test]
fn hits_misses_commandstats_and_errorstats() {
    let mut sim = cluster();
    // user:1000 is served by A; foo (slot 12182) by C.
    cmd(&mut sim, "A", 1, "CONFIG RESETSTAT");
    cmd(&mut sim, "A", 1, "SET user:1000 x");
    cmd(&mut sim, "A", 1, "GET user:1000");
    cmd(&mut sim, "A", 1, "GET {user:1000}nope");
    assert!(cmd(&mut sim, "A", 1, "GET foo").starts_with("MOVED"));
    assert!(cmd(&mut sim, "A", 1, "LPUSH user:1000 a").starts_with("WRONGTYPE"));
    let info = cmd(&mut sim, "A", 1, "INFO everything");
    assert_eq!(field(&info, "keyspace_hits").as_deref(), Some("1"));
    assert_eq!(field(&info, "keyspace_misses").as_deref(), Some("1"));
    assert_eq!(field(&info, "total_error_replies").as_deref(), Some("2"));
    assert_eq!(field(&info, "errorstat_MOVED").as_deref(), Some("count=1"));
    assert_eq!(
        field(&info, "errorstat_WRONGTYPE").as_deref(),
        Some("count=1")
    );
    assert_eq!(
        field(&info, "cmdstat_get").as_deref(),
        Some("calls=2,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0")
    );
    assert_eq!(
        field(&info, "cmdstat_lpush").as_deref(),
        Some("calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=1")
    );
    assert_eq!(
        field(&info, "cmdstat_config|resetstat").as_deref(),
        Some("calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0")
    );
    // Every call is recorded in its latency histogram (1 ns at least:
    // simulated commands take no time).
    assert_eq!(
        field(&info, "latency_percentiles_usec_get").as_deref(),
        Some("p50=0.001,p99=0.001,p99.9=0.001")
    );
    // CONFIG RESETSTAT empties all of it.
    cmd(&mut sim, "A", 1, "CONFIG RESETSTAT");
    let info = cmd(&mut sim, "A", 1, "INFO everything");
    assert_eq!(field(&info, "keyspace_hits").as_deref(), Some("0"));
    assert_eq!(field(&info, "total_error_replies").as_deref(), Some("0"));
    assert_eq!(field(&info, "errorstat_MOVED"), None);
    assert_eq!(field(&info, "cmdstat_get"), None);
    assert_eq!(field(&info, "latency_percentiles_usec_get"), None);
}

/// CLIENT LIST: one line per client with 7.0.15's fields in order, the
/// replica's link included (flag `S`: a master lists the connection its
/// replica opened, as 7.0.15 does); CLIENT INFO is the caller's line; TYPE
/// filters, bad types are refused.
#[test]
fn client_list_and_info_fields() {
    let mut sim = cluster();
    cmd(&mut sim, "A", 1, "CLIENT SETNAME first");
    cmd(&mut sim, "A", 2, "SUBSCRIBE news");
    let list = cmd(&mut sim, "A", 1, "CLIENT LIST");
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 3, "{list}");
    assert!(lines[2].contains(" flags=S "), "{list}");
    let replicas = cmd(&mut sim, "A", 1, "CLIENT LIST TYPE replica");
    assert_eq!(replicas.trim_end(), lines[2], "{replicas}");
    let keys: Vec<&str> = lines[0]
        .split(' ')
        .map(|kv| kv.split('=').next().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "addr",
            "laddr",
            "fd",
            "name",
            "age",
            "idle",
            "flags",
            "db",
            "sub",
            "psub",
            "ssub",
            "multi",
            "qbuf",
            "qbuf-free",
            "argv-mem",
            "multi-mem",
            "rbs",
            "rbp",
            "obl",
            "oll",
            "omem",
            "tot-mem",
            "events",
            "cmd",
            "user",
            "redir",
            "resp"
        ]
    );
    assert!(lines[0].contains(" name=first "));
    assert!(lines[0].contains(" cmd=client|list "));
    assert!(lines[1].contains(" flags=P ") && lines[1].contains(" sub=1 "));
    let pubsub = cmd(&mut sim, "A", 1, "CLIENT LIST TYPE pubsub");
    assert!(pubsub.starts_with("id=2 "), "{pubsub}");
    assert_eq!(pubsub.lines().count(), 1);
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT LIST TYPE nope"),
        "ERR Unknown client type 'nope'"
    );
    assert_eq!(cmd(&mut sim, "A", 1, "CLIENT LIST foo"), "ERR syntax error");
    assert!(cmd(&mut sim, "A", 1, "CLIENT INFO").starts_with("id=1 "));
}

/// CLIENT KILL: the new form counts and skips the caller by default; the
/// old form answers OK or `No such client`; bad filters get Redis's texts.
#[test]
fn client_kill_filters_and_replies() {
    let mut sim = cluster();
    cmd(&mut sim, "A", 1, "PING");
    cmd(&mut sim, "A", 2, "PING");
    cmd(&mut sim, "A", 3, "PING");
    assert_eq!(cmd(&mut sim, "A", 1, "CLIENT KILL ID 2"), "Integer(1)");
    assert_eq!(cmd(&mut sim, "A", 1, "CLIENT KILL ID 2"), "Integer(0)");
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT KILL ID 0"),
        "ERR client-id should be greater than 0"
    );
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT KILL TYPE foo"),
        "ERR Unknown client type 'foo'"
    );
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT KILL USER nobody"),
        "ERR No such user 'nobody'"
    );
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT KILL TYPE normal SKIPME maybe"),
        "ERR syntax error"
    );
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT KILL TYPE normal ID"),
        "ERR syntax error"
    );
    // 7.0.15 has no MAXAGE filter (it came in 7.4).
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT KILL MAXAGE 5"),
        "ERR syntax error"
    );
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT KILL 10.0.0.1:5"),
        "ERR No such client"
    );
    // TYPE normal kills client 3, skipping the caller.
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT KILL TYPE normal"),
        "Integer(1)"
    );
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT LIST TYPE normal")
            .lines()
            .count(),
        1
    );
    // SKIPME no: the caller is killed too, after its reply.
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT KILL TYPE normal SKIPME no"),
        "Integer(1)"
    );
    let after = cmd(&mut sim, "A", 4, "CLIENT LIST TYPE normal");
    assert!(
        after.starts_with("id=4 ") && after.lines().count() == 1,
        "{after}"
    );
    // TYPE normal leaves the replica's link alone (`getClientType`).
    let replicas = cmd(&mut sim, "A", 4, "CLIENT LIST TYPE replica");
    assert!(replicas.contains(" flags=S "), "{replicas}");
}

/// CLIENT REPLY OFF silences every reply until ON; SKIP drops its own and
/// the next command's.
#[test]
fn client_reply_off_and_skip() {
    let mut sim = cluster();
    assert!(send(&mut sim, "A", 1, "CLIENT REPLY OFF").is_none());
    assert!(send(&mut sim, "A", 1, "PING").is_none());
    assert_eq!(cmd(&mut sim, "A", 1, "CLIENT REPLY ON"), "OK");
    assert!(send(&mut sim, "A", 1, "CLIENT REPLY SKIP").is_none());
    assert!(send(&mut sim, "A", 1, "PING").is_none());
    assert_eq!(cmd(&mut sim, "A", 1, "PING"), "PONG");
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT REPLY maybe"),
        "ERR syntax error"
    );
    assert_eq!(cmd(&mut sim, "A", 1, "CLIENT NO-EVICT on"), "OK");
    assert!(cmd(&mut sim, "A", 1, "CLIENT INFO").contains(" flags=e "));
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT NO-EVICT maybe"),
        "ERR syntax error"
    );
}

/// CLIENT PAUSE WRITE holds writes (reads go on) until the timeout, then
/// they run in order; ALL holds every command; CLIENT UNPAUSE ends it.
#[test]
fn client_pause_holds_then_serves() {
    let mut sim = cluster();
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT PAUSE 500 maybe"),
        "ERR CLIENT PAUSE mode must be WRITE or ALL"
    );
    assert_eq!(
        cmd(&mut sim, "A", 1, "CLIENT PAUSE -1"),
        "ERR timeout is negative"
    );
    assert_eq!(cmd(&mut sim, "A", 1, "CLIENT PAUSE 500 WRITE"), "OK");
    let start = sim.now();
    assert!(send(&mut sim, "A", 2, "SET user:1000 v").is_none());
    assert_eq!(cmd(&mut sim, "A", 3, "GET user:1000"), text(&Value::Null));
    sim.run_until(start + 400);
    assert!(sim.take_replies().iter().all(|(_, c, _)| *c != ClientId(2)));
    sim.run_until(start + 700);
    let replies = sim.take_replies();
    assert!(
        replies
            .iter()
            .any(|(_, c, v)| *c == ClientId(2) && text(v) == "OK"),
        "{replies:?}"
    );
    // ALL: reads wait too, CLIENT UNPAUSE included (as on redis-server).
    assert_eq!(cmd(&mut sim, "A", 1, "CLIENT PAUSE 300 ALL"), "OK");
    let t = sim.now();
    assert!(send(&mut sim, "A", 3, "GET user:1000").is_none());
    assert!(send(&mut sim, "A", 1, "CLIENT UNPAUSE").is_none());
    sim.run_until(t + 200);
    assert!(sim.take_replies().is_empty());
    sim.run_until(t + 500);
    let replies = sim.take_replies();
    assert!(
        replies
            .iter()
            .any(|(_, c, v)| *c == ClientId(3) && text(v) == "v"),
        "{replies:?}"
    );
    // CLIENT UNPAUSE ends a WRITE pause before its timeout, and the held
    // write runs before the node sleeps (`unblockPostponedClients`), not at
    // the next cron: no simulated time passes.
    assert_eq!(cmd(&mut sim, "A", 1, "CLIENT PAUSE 100000 WRITE"), "OK");
    assert!(send(&mut sim, "A", 2, "SET user:1000 w").is_none());
    assert_eq!(cmd(&mut sim, "A", 1, "CLIENT UNPAUSE"), "OK");
    let replies = sim.take_replies();
    assert!(
        replies
            .iter()
            .any(|(_, c, v)| *c == ClientId(2) && text(v) == "OK"),
        "{replies:?}"
    );
}

/// RESET: out of pub/sub and MULTI, name dropped, `+RESET`.
#[test]
fn reset_clears_the_connection() {
    let mut sim = cluster();
    cmd(&mut sim, "A", 1, "CLIENT SETNAME x");
    cmd(&mut sim, "A", 1, "MULTI");
    assert_eq!(cmd(&mut sim, "A", 1, "RESET"), "RESET");
    assert_eq!(cmd(&mut sim, "A", 1, "CLIENT GETNAME"), text(&Value::Null));
    assert_eq!(cmd(&mut sim, "A", 1, "EXEC"), "ERR EXEC without MULTI");
}

/// MEMORY USAGE matches 7.0.15's objectComputeSize for small values of
/// each encoding (values read from a real redis-server in cluster mode).
#[test]
fn memory_usage_matches_redis_for_small_values() {
    let mut sim = cluster();
    // All in slot 12182 ({foo}), served by C.
    for line in [
        "SET foo bar",
        "SET {foo}n 12345",
        "SET {foo}long aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "RPUSH {foo}l a b c",
        "SADD {foo}s a b c",
        "SADD {foo}si 1 2 3",
        "HSET {foo}h a 1 b 2",
        "ZADD {foo}z 1 a 2 b",
    ] {
        cmd(&mut sim, "C", 1, line);
    }
    // redis-server 7.0.15's answers for the same keys.
    let got: Vec<String> = [
        "foo",
        "{foo}n",
        "{foo}long",
        "{foo}l",
        "{foo}s",
        "{foo}si",
        "{foo}h",
        "{foo}z",
    ]
    .iter()
    .map(|k| cmd(&mut sim, "C", 1, &format!("MEMORY USAGE {k}")))
    .collect();
    assert_eq!(
        got,
        [
            "Integer(80)",
            "Integer(64)",
            "Integer(136)",
            "Integer(160)",
            "Integer(248)",
            "Integer(88)",
            "Integer(96)",
            "Integer(96)"
        ]
    );
    assert_eq!(
        cmd(&mut sim, "C", 1, "MEMORY USAGE {foo}missing"),
        text(&Value::Null)
    );
}
