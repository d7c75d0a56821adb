//! Introspection compared live: a real redis-server 7.0.15 and a
//! clusterlab-node, each alone with every slot, get the same commands and
//! must answer alike — INFO's sections and field names, CLIENT LIST's
//! fields, the error texts of CLIENT / SLOWLOG / LATENCY / MEMORY / DEBUG,
//! DEBUG DIGEST of the same data, and DEBUG SLEEP holding other clients.

use crate::common::native;
use clusterlab_core::resp::Value;
use native::compare::{pair, Raw};
use std::time::{Duration, Instant};

const SETTINGS: &[&str] = &["--enable-debug-command", "yes"];

/// INFO's headers and field names, without the per-command, per-error,
/// per-replica and per-database lines (those depend on what ran).
fn info_shape(info: &str) -> Vec<String> {
    info.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            if l.starts_with('#') {
                return Some(l.to_string());
            }
            let name = l.split(':').next()?;
            let varying = ["cmdstat_", "errorstat_", "latency_percentiles_usec_", "db0"]
                .iter()
                .any(|p| name.starts_with(p));
            (!varying).then(|| name.to_string())
        })
        .collect()
}

#[test]
fn introspection_replies_match_redis() {
    let (ours, redis) = pair(15000, SETTINGS);

    for section in [
        "",
        "everything",
        "default",
        "clients",
        "stats",
        "commandstats",
    ] {
        let args: Vec<&str> = std::iter::once("info")
            .chain((!section.is_empty()).then_some(section))
            .collect();
        assert_eq!(
            info_shape(&ours.cli(&args)),
            info_shape(&redis.cli(&args)),
            "INFO {section}"
        );
    }

    // CLIENT LIST: the same fields in the same order.
    let fields = |line: String| -> Vec<String> {
        line.split_whitespace()
            .map(|kv| kv.split('=').next().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(
        fields(ours.cli(&["client", "list"])),
        fields(redis.cli(&["client", "list"]))
    );

    let same = [
        vec!["client", "kill", "1.2.3.4:5"],
        vec!["client", "kill", "id", "0"],
        vec!["client", "kill", "id", "abc"],
        vec!["client", "kill", "type", "foo"],
        vec!["client", "kill", "user", "nobody"],
        vec!["client", "kill", "maxage", "5"],
        vec!["client", "kill", "addr", "1.2.3.4:5"],
        vec!["client", "kill", "type", "master"],
        vec!["client", "kill", "type", "normal", "skipme", "maybe"],
        vec!["client", "pause", "abc"],
        vec!["client", "pause", "-1"],
        vec!["client", "pause", "10", "foo"],
        vec!["client", "list", "type", "bad"],
        vec!["client", "list", "id", "abc"],
        vec!["client", "list", "foo"],
        vec!["client", "no-evict", "maybe"],
        vec!["client", "reply", "maybe"],
        vec!["client", "help"],
        vec!["client", "foo"],
        vec!["slowlog", "get", "-2"],
        vec!["slowlog", "get", "1", "2"],
        vec!["slowlog", "help"],
        vec!["latency", "latest"],
        vec!["latency", "history", "command"],
        vec!["latency", "reset"],
        vec!["latency", "doctor"],
        vec!["latency", "help"],
        vec!["memory", "usage", "nokey"],
        vec!["memory", "usage", "k", "samples", "-1"],
        vec!["memory", "usage", "k", "samples", "x"],
        vec!["memory", "usage", "k", "foo"],
        vec!["memory", "doctor"],
        vec!["memory", "help"],
        vec!["config", "resetstat"],
        vec!["reset"],
        vec!["debug", "digest"],
        vec!["debug", "digest-value"],
        vec![
            "debug",
            "clusterlink",
            "kill",
            "to",
            "0123456789abcdef0123456789abcdef01234567",
        ],
        vec!["debug", "clusterlink", "kill", "all", "nope"],
        vec!["debug", "clusterlink", "kill", "to"],
        vec!["debug", "clusterlink", "drop", "to", "nope"],
        vec!["debug", "error", "WRONGTYPE made up"],
        vec!["debug", "error", "no code"],
        vec!["debug", "error"],
        vec!["debug", "change-repl-id"],
        vec!["debug", "change-repl-id", "now"],
    ];
    for args in &same {
        assert_eq!(ours.cli(args), redis.cli(args), "{args:?}");
    }

    // The same data gives the same digest.
    for args in [
        vec!["set", "foo", "bar"],
        vec!["rpush", "list", "a", "b", "c"],
        vec!["sadd", "set", "x", "1", "y"],
        vec!["hset", "hash", "f", "v", "n", "12"],
        vec!["zadd", "zset", "1.5", "a", "-2", "b", "3e10", "c"],
        vec!["set", "ttl", "v", "ex", "1000"],
    ] {
        assert_eq!(ours.cli(&args), redis.cli(&args), "{args:?}");
    }
    for args in [
        vec!["debug", "digest"],
        vec![
            "debug",
            "digest-value",
            "foo",
            "list",
            "set",
            "hash",
            "zset",
            "ttl",
            "none",
        ],
        vec!["memory", "usage", "foo"],
        vec!["memory", "usage", "hash"],
        vec!["memory", "usage", "zset"],
    ] {
        assert_eq!(ours.cli(&args), redis.cli(&args), "{args:?}");
    }

    // DEBUG SLEEP: another client waits the whole sleep, natively as on
    // redis-server.
    for (who, port) in [("redis", redis.port), ("ours", ours.port)] {
        let cli = |args: &[&str]| {
            let mut all = vec!["-p".to_string(), port.to_string()];
            all.extend(args.iter().map(|s| s.to_string()));
            native::redis_cli(&all, Duration::from_secs(10))
        };
        let waited = std::thread::scope(|s| {
            let sleeper = s.spawn(|| cli(&["debug", "sleep", "0.6"]));
            std::thread::sleep(Duration::from_millis(150));
            let start = Instant::now();
            assert_eq!(cli(&["ping"]).trim(), "PONG");
            let waited = start.elapsed();
            assert_eq!(sleeper.join().expect("sleeper").trim(), "OK");
            waited
        });
        assert!(
            waited >= Duration::from_millis(300),
            "{who}: PING answered after {waited:?}, during the sleep"
        );
    }
}

/// One connection's `name=` field, from its own CLIENT INFO.
fn own_field(conn: &mut Raw, name: &str) -> String {
    let (_, reply) = conn.call(&["CLIENT", "INFO"]);
    let Value::Bulk(line) = reply else {
        panic!("CLIENT INFO: {reply:?}")
    };
    String::from_utf8_lossy(&line)
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")).map(str::to_string))
        .unwrap_or_else(|| panic!("no {name}="))
}

/// CLIENT KILL's address filters on real sockets (`clientKillCommand`):
/// ADDR kills the one client at that address, the old form `CLIENT KILL
/// ip:port` answers +OK or `No such client`, and LADDR every client
/// connected to that local address but the caller (SKIPME yes by default).
/// The replies, and who is left, must be redis-server's.
#[test]
fn client_kill_by_address_matches_redis() {
    let (ours, redis) = pair(15000, SETTINGS);
    let transcript = |port: u16| -> Vec<String> {
        let mut conns: Vec<Raw> = (0..4).map(|_| Raw::connect(port, false)).collect();
        let addr1 = own_field(&mut conns[1], "addr");
        let addr2 = own_field(&mut conns[2], "addr");
        let laddr3 = own_field(&mut conns[3], "laddr");
        let mut said = Vec::new();
        for line in [
            format!("CLIENT KILL ADDR {addr1}"),
            format!("CLIENT KILL ADDR {addr1}"),
            format!("CLIENT KILL {addr2}"),
            format!("CLIENT KILL {addr2}"),
            format!("CLIENT KILL LADDR {laddr3}"),
            "CLIENT LIST TYPE normal".to_string(),
        ] {
            let reply = conns[0].send(&line);
            // Who is left: one line per client, the caller's.
            let reply = if line.starts_with("CLIENT LIST") {
                format!("{} client(s)", reply.matches("id=").count())
            } else {
                reply
            };
            said.push(format!("{line} -> {reply}").replace(&addr1, "<addr1>"));
        }
        said.iter()
            .map(|s| s.replace(&addr2, "<addr2>").replace(&laddr3, "<laddr>"))
            .collect()
    };
    assert_eq!(transcript(ours.port), transcript(redis.port));
}
