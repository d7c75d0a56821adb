//! DEBUG DIGEST / DIGEST-VALUE / SLEEP, SLOWLOG and LATENCY against a
//! simulated cluster, as Redis 7.0.15 answers them.

use crate::common;
use clusterlab_core::config::Config;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Scenario;
use clusterlab_core::sim::Sim;
use common::text;

fn send(sim: &mut Sim, node: &str, client: u64, line: &str) -> Option<Value> {
    let idx = sim.index_of(node).expect("node exists");
    let args = clusterlab_core::resp::split_args(line.as_bytes()).expect("valid line");
    sim.command(idx, ClientId(client), args)
}

fn cmd(sim: &mut Sim, node: &str, line: &str) -> Value {
    send(sim, node, 1, line).expect("immediate reply")
}

/// The quiet cluster of the command tests, started with
/// `enable-debug-command yes` (immutable: it is a start-up setting).
fn debug_cluster() -> Sim {
    let mut config = Config {
        node_timeout: 5000,
        ..Config::default()
    };
    config
        .set_param("enable-debug-command", "yes")
        .expect("a known parameter");
    Scenario {
        config,
        write_every_ms: None,
        ..Scenario::default()
    }
    .build()
    .expect("cluster forms")
}

/// computeDatasetDigest / xorObjectDigest: the same data gives the digests
/// a real redis-server 7.0.15 printed for it (all zeros when empty).
#[test]
fn digests_match_redis_for_the_same_data() {
    let mut sim = debug_cluster();
    // Every key in slot 12182 ({foo}), served by C.
    let digest = |sim: &mut Sim| text(&cmd(sim, "C", "DEBUG DIGEST"));
    assert_eq!(digest(&mut sim), "0000000000000000000000000000000000000000");
    cmd(&mut sim, "C", "SET foo bar");
    assert_eq!(digest(&mut sim), "d2ab4820c1be0580ea28efbfe8bfa1dc05bb802a");
    for line in [
        "RPUSH {foo}l a b c",
        "SADD {foo}s a b 3",
        "HSET {foo}h f1 v1 f2 2",
        "ZADD {foo}z 1.5 a 2 b -3 c",
        "SET {foo}e v EX 1000",
    ] {
        cmd(&mut sim, "C", line);
    }
    assert_eq!(digest(&mut sim), "df6ae2a4ed64b19289e8c5bb2bcfdd226e24db7e");
    let values = cmd(
        &mut sim,
        "C",
        "DEBUG DIGEST-VALUE foo {foo}l {foo}s {foo}h {foo}z {foo}e nokey",
    );
    let Value::Array(values) = values else {
        panic!("{values:?}")
    };
    let got: Vec<String> = values.iter().map(text).collect();
    assert_eq!(
        got,
        [
            "68467c70ae30376e7ce005bcc8827f5ba7fd67dc",
            "8bf72d812571eea9b927f3c11beb0c4165a6ff89",
            "aa475a4a8f122ca5936aa41d911aacf8c93b827d",
            "fc076e867f7dbf566ea58172a151d82d78b8f845",
            "add5331972d6ca37e1c053ffb2901f1994fa3aba",
            "311b17018163335616e089f6b951c82c477335ac",
            "0000000000000000000000000000000000000000",
        ]
    );
    // A sorted set past zset-max-listpack-entries (a skiplist there).
    for i in 1..=200 {
        cmd(&mut sim, "C", &format!("ZADD {{foo}}big {i} m{i}"));
    }
    assert_eq!(
        cmd(&mut sim, "C", "DEBUG DIGEST-VALUE {foo}big"),
        Value::Array(vec![Value::Simple(
            "ea486ebaf3d988233e4c6f444aca7f8a24794919".into()
        )])
    );
}

/// DEBUG SLEEP: the node serves nobody while it sleeps (simulated time),
/// then replies to the sleeper and serves what waited, in order. The sleep
/// is the command's duration in commandstats, SLOWLOG and LATENCY.
#[test]
fn debug_sleep_freezes_the_node_then_serves_in_order() {
    let mut sim = debug_cluster();
    cmd(
        &mut sim,
        "A",
        "CONFIG SET slowlog-log-slower-than 100000 latency-monitor-threshold 100",
    );
    let t0 = sim.now();
    assert!(send(&mut sim, "A", 1, "DEBUG SLEEP 0.5").is_none());
    assert!(send(&mut sim, "A", 2, "PING").is_none());
    sim.run_until(t0 + 450);
    assert!(sim.take_replies().is_empty());
    sim.run_until(t0 + 600);
    let replies: Vec<(u64, String)> = sim
        .take_replies()
        .into_iter()
        .map(|(_, c, v)| (c.0, text(&v)))
        .collect();
    assert_eq!(replies, [(1, "OK".to_string()), (2, "PONG".to_string())]);
    let info = text(&cmd(&mut sim, "A", "INFO commandstats"));
    assert!(
        info.contains("cmdstat_debug:calls=1,usec=500000,usec_per_call=500000.00,"),
        "{info}"
    );
    // Only the sleep was slower than 100 ms.
    assert_eq!(cmd(&mut sim, "A", "SLOWLOG LEN"), Value::Integer(1));
    let Value::Array(entries) = cmd(&mut sim, "A", "SLOWLOG GET") else {
        panic!("array")
    };
    let Value::Array(e) = &entries[0] else {
        panic!("entry")
    };
    assert_eq!(e[0], Value::Integer(0));
    assert_eq!(e[2], Value::Integer(500_000));
    assert_eq!(
        e[3],
        Value::Array(vec![
            Value::bulk("DEBUG"),
            Value::bulk("SLEEP"),
            Value::bulk("0.5")
        ])
    );
    let Value::Array(latest) = cmd(&mut sim, "A", "LATENCY LATEST") else {
        panic!("array")
    };
    let Value::Array(ev) = &latest[0] else {
        panic!("event")
    };
    assert_eq!(
        (ev[0].clone(), ev[2].clone(), ev[3].clone()),
        (
            Value::bulk("command"),
            Value::Integer(500),
            Value::Integer(500)
        )
    );
    assert_eq!(cmd(&mut sim, "A", "LATENCY RESET"), Value::Integer(1));
    assert_eq!(cmd(&mut sim, "A", "LATENCY LATEST"), Value::Array(vec![]));
    assert_eq!(cmd(&mut sim, "A", "SLOWLOG RESET"), Value::ok());
    // SLOWLOG RESET itself is fast: nothing logged.
    assert_eq!(cmd(&mut sim, "A", "SLOWLOG LEN"), Value::Integer(0));
}

/// slowlogCommand's checks and slowlogPushEntryIfNeeded's threshold:
/// 0 logs every command (newest first), a negative value none.
#[test]
fn slowlog_threshold_count_and_errors() {
    let mut sim = debug_cluster();
    cmd(&mut sim, "A", "CONFIG SET slowlog-log-slower-than 0");
    cmd(&mut sim, "A", "CLIENT SETNAME me");
    cmd(&mut sim, "A", "PING");
    let Value::Array(two) = cmd(&mut sim, "A", "SLOWLOG GET 2") else {
        panic!("array")
    };
    assert_eq!(two.len(), 2);
    let Value::Array(newest) = &two[0] else {
        panic!("entry")
    };
    assert_eq!(newest[3], Value::Array(vec![Value::bulk("PING")]));
    assert_eq!(newest[5], Value::bulk("me"));
    assert_eq!(
        text(&cmd(&mut sim, "A", "SLOWLOG GET -2")),
        "ERR count should be greater than or equal to -1"
    );
    assert_eq!(
        text(&cmd(&mut sim, "A", "SLOWLOG GET 1 2")),
        "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP."
    );
    cmd(&mut sim, "A", "CONFIG SET slowlog-log-slower-than -1");
    cmd(&mut sim, "A", "SLOWLOG RESET");
    cmd(&mut sim, "A", "PING");
    assert_eq!(cmd(&mut sim, "A", "SLOWLOG LEN"), Value::Integer(0));
}

/// createLatencyReport: the monitor is off by default.
#[test]
fn latency_doctor_when_disabled_and_when_quiet() {
    let mut sim = debug_cluster();
    assert!(text(&cmd(&mut sim, "A", "LATENCY DOCTOR"))
        .starts_with("I'm sorry, Dave, I can't do that."));
    cmd(&mut sim, "A", "CONFIG SET latency-monitor-threshold 100");
    assert!(text(&cmd(&mut sim, "A", "LATENCY DOCTOR"))
        .starts_with("Dave, no latency spike was observed"));
    assert_eq!(
        cmd(&mut sim, "A", "LATENCY HISTORY command"),
        Value::Array(vec![])
    );
}
