//! CONFIG GET / CONFIG SET against Redis 7.0.15's parameter table
//! (`config.c`'s `static_configs[]`, `configGetCommand`, `configSetCommand`):
//! a real redis-server and a clusterlab-node started with the same settings
//! must list the same names with the same values, and answer every CONFIG SET
//! below — good values in every notation, and each kind of refusal — with the
//! same reply, then report the same value back.

use crate::common::native;
use native::{require_redis_tools, NodeProc, RealRedis};
use std::collections::BTreeMap;

/// Values that depend on how and where each process was started.
const STARTUP: &[&str] = &["port", "dir", "logfile", "bind"];

fn config_all(reply: &str) -> BTreeMap<String, String> {
    let lines: Vec<&str> = reply.lines().collect();
    lines
        .chunks(2)
        .filter(|p| p.len() == 2 && !STARTUP.contains(&p[0]))
        .map(|p| (p[0].to_string(), p[1].to_string()))
        .collect()
}

#[test]
fn config_get_star_lists_redis_7_0_15s_table() {
    require_redis_tools();
    let settings = ["--save", "", "--appendonly", "no"];
    let redis = RealRedis::start_with(15000, &[]);
    let ours = NodeProc::start_with(15000, &settings);
    let theirs = config_all(&redis.cli(&["config", "get", "*"]));
    let mine = config_all(&ours.cli(&["config", "get", "*"]));
    assert_eq!(
        theirs.len(),
        192 - STARTUP.len(),
        "redis-server 7.0.15's count"
    );
    let missing: Vec<_> = theirs.keys().filter(|k| !mine.contains_key(*k)).collect();
    let extra: Vec<_> = mine.keys().filter(|k| !theirs.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
    let differ: Vec<_> = theirs
        .iter()
        .filter(|(k, v)| mine[*k] != **v)
        .map(|(k, v)| format!("{k}: redis {v:?}, ours {:?}", mine[k]))
        .collect();
    assert!(differ.is_empty(), "{differ:#?}");
    // Hidden parameters answer an exact name only; a name is echoed as typed.
    for exact in [
        "key-load-delay",
        "LOADING-PROCESS-EVENTS-INTERVAL-BYTES",
        "slave-read-only",
    ] {
        assert_eq!(
            ours.cli(&["config", "get", exact]),
            redis.cli(&["config", "get", exact]),
            "CONFIG GET {exact}"
        );
    }
    assert_eq!(
        ours.cli(&["config", "get", "*load-delay*"]),
        redis.cli(&["config", "get", "*load-delay*"])
    );
}

#[test]
fn config_set_parses_and_refuses_as_redis_does() {
    require_redis_tools();
    let redis = RealRedis::start_with(15000, &[]);
    let ours = NodeProc::start_with(15000, &["--save", "", "--appendonly", "no"]);
    // (CONFIG SET arguments, the parameter to read back)
    let cases: &[(&[&str], &str)] = &[
        (&["maxmemory", "100mb"], "maxmemory"),
        (&["maxmemory", "1k"], "maxmemory"),
        (&["maxmemory", "2GB"], "maxmemory"),
        (&["maxmemory", "-1"], "maxmemory"),
        (&["maxmemory", "ten"], "maxmemory"),
        (&["maxmemory-clients", "10%"], "maxmemory-clients"),
        (&["maxmemory-clients", "101%"], "maxmemory-clients"),
        (&["maxmemory-clients", "x%"], "maxmemory-clients"),
        (&["hz", "0"], "hz"),
        (&["hz", "07"], "hz"),
        (&["hz", "-5"], "hz"),
        (&["active-expire-effort", "11"], "active-expire-effort"),
        (&["repl-backlog-size", "0"], "repl-backlog-size"),
        // Stored as at least 16 KB (`resizeReplicationBacklog`).
        (&["repl-backlog-size", "1024"], "repl-backlog-size"),
        (&["rdb-key-save-delay", "10000"], "rdb-key-save-delay"),
        (&["rdbcompression", "no"], "rdbcompression"),
        (
            &["slowlog-log-slower-than", "-1"],
            "slowlog-log-slower-than",
        ),
        (
            &["slowlog-log-slower-than", "-2"],
            "slowlog-log-slower-than",
        ),
        (&["cluster-node-timeout", "5000"], "cluster-node-timeout"),
        (&["cluster-node-timeout", "abc"], "cluster-node-timeout"),
        (
            &["cluster-require-full-coverage", "NO"],
            "cluster-require-full-coverage",
        ),
        (
            &["cluster-require-full-coverage", "maybe"],
            "cluster-require-full-coverage",
        ),
        (
            &["cluster-slave-no-failover", "yes"],
            "cluster-replica-no-failover",
        ),
        (&["maxmemory-policy", "ALLKEYS-LRU"], "maxmemory-policy"),
        (&["maxmemory-policy", "lru"], "maxmemory-policy"),
        (&["oom-score-adj", "relative"], "oom-score-adj"),
        (
            &["shutdown-on-sigterm", "nosave force"],
            "shutdown-on-sigterm",
        ),
        (
            &["shutdown-on-sigterm", "save nosave"],
            "shutdown-on-sigterm",
        ),
        (&["shutdown-on-sigint", "default"], "shutdown-on-sigint"),
        (&["repl-diskless-load", "swapdb"], "repl-diskless-load"),
        (
            &["loading-process-events-interval-bytes", "1024"],
            "loading-process-events-interval-bytes",
        ),
        (
            &["loading-process-events-interval-bytes", "100"],
            "loading-process-events-interval-bytes",
        ),
        (&["key-load-delay", "-10"], "key-load-delay"),
        (
            &["cluster-announce-hostname", ""],
            "cluster-announce-hostname",
        ),
        (
            &["cluster-announce-hostname", "node-1.example"],
            "cluster-announce-hostname",
        ),
        (
            &["cluster-announce-hostname", "bad_host"],
            "cluster-announce-hostname",
        ),
        (&["dbfilename", "x.rdb"], "dbfilename"),
        (&["save", "900 1 300 10"], "save"),
        (&["save", "+900 01"], "save"),
        (&["save", "0 1"], "save"),
        (&["save", "900"], "save"),
        (&["save", ""], "save"),
        (
            &["client-output-buffer-limit", "pubsub 64mb 16mb 90"],
            "client-output-buffer-limit",
        ),
        (
            &["client-output-buffer-limit", "replica 1gb 0 0 normal 1 2 3"],
            "client-output-buffer-limit",
        ),
        (
            &["client-output-buffer-limit", "master 1 1 1"],
            "client-output-buffer-limit",
        ),
        (
            &["client-output-buffer-limit", "normal 1 1"],
            "client-output-buffer-limit",
        ),
        (
            &["client-output-buffer-limit", "normal 1 1 -1"],
            "client-output-buffer-limit",
        ),
        (&["notify-keyspace-events", "KEA"], "notify-keyspace-events"),
        (
            &["notify-keyspace-events", "Ex$gn"],
            "notify-keyspace-events",
        ),
        (&["notify-keyspace-events", "An"], "notify-keyspace-events"),
        (&["notify-keyspace-events", "Q"], "notify-keyspace-events"),
        (
            &["oom-score-adj-values", "0 100 900"],
            "oom-score-adj-values",
        ),
        (
            &["oom-score-adj-values", "0 100 3000"],
            "oom-score-adj-values",
        ),
        (&["oom-score-adj-values", "0 100"], "oom-score-adj-values"),
        (
            &["latency-tracking-info-percentiles", "50 99.99 100"],
            "latency-tracking-info-percentiles",
        ),
        (
            &["latency-tracking-info-percentiles", "101"],
            "latency-tracking-info-percentiles",
        ),
        (
            &["proc-title-template", "{title} {port}"],
            "proc-title-template",
        ),
        (&["proc-title-template", "{nope}"], "proc-title-template"),
        (&["unixsocketperm", "700"], "unixsocketperm"),
        (&["daemonize", "yes"], "daemonize"),
        (&["dir", "/tmp"], "enable-protected-configs"),
        (&["no-such-parameter", "1"], "no-such-parameter"),
        (&["hz", "5", "HZ", "6"], "hz"),
        (&["hz", "20", "maxmemory", "bad"], "hz"),
        (&["hz", "20", "no-such", "1"], "hz"),
        (&["hz"], "hz"),
        (&["hz", "1", "maxmemory"], "hz"),
    ];
    let mut differ = Vec::new();
    for (args, read_back) in cases {
        let mut set = vec!["config", "set"];
        set.extend_from_slice(args);
        let get = ["config", "get", read_back];
        let theirs = (redis.cli(&set), redis.cli(&get));
        let mine = (ours.cli(&set), ours.cli(&get));
        if mine != theirs {
            differ.push(format!(
                "CONFIG SET {args:?}: redis {theirs:?}, ours {mine:?}"
            ));
        }
    }
    assert!(differ.is_empty(), "{differ:#?}");
    // `dir` reports the working directory, made absolute, as getcwd does.
    let dir = ours.cli(&["config", "get", "dir"]);
    assert!(
        dir.starts_with("dir\n/") && dir.contains("clusterlab-test-"),
        "{dir}"
    );
}

/// `rdbcompression` acts: DUMP payloads (and RDBs, whose strings are
/// written the same way by `rdbSaveRawString`) carry a 100-byte string
/// LZF-compressed, then plain once it is off, byte for byte as
/// redis-server writes them.
#[test]
fn rdbcompression_changes_dump_payloads_as_redis_does() {
    use native::compare::{assert_no_differences, compare, pair, Raw};
    let (ours, real) = pair(15000, &["--save", "", "--appendonly", "no"]);
    let (mut o, mut r) = (
        Raw::connect(ours.port, false),
        Raw::connect(real.port, false),
    );
    let value = "A".repeat(100);
    let set = format!("SET {{t}}k {value}");
    let mut diffs = Vec::new();
    compare(
        &mut o,
        &mut r,
        "{x}",
        &[
            &set,
            "DUMP {t}k",
            "CONFIG SET rdbcompression no",
            "DUMP {t}k",
            "CONFIG GET rdbcompression",
        ],
        &mut diffs,
    );
    assert_no_differences(&diffs);
    let plain = o.send("DUMP {x}k");
    assert!(plain.contains(&value), "{plain:?}");
}
