//! Key expiry across replication, as Redis 7.0 does it: a master streams
//! absolute times (`SET … PXAT`, `PEXPIREAT`) so a replica's TTL ends at the
//! same instant however late the stream arrives; only the master expires
//! keys, and it tells its replicas with `DEL` (wrapped with the write that
//! found the key expired in `MULTI`/`EXEC`). The expected streams are what a
//! real redis-server 7.0.15 master sent for the same commands (see
//! `native/expiry.rs`, which compares the two byte for byte).

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{idx, in_flight_stream, quiet_cluster, run_for};

const CLIENT: ClientId = ClientId(1);

fn args(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|a| a.as_bytes().to_vec()).collect()
}

/// A master's stream as its replica will read it, a command per line.
struct Stream {
    from: usize,
    seen: u64,
}

impl Stream {
    /// The commands `from` streamed since the last call (still in flight:
    /// the sim is not run between a command and this call).
    fn take(&mut self, sim: &Sim) -> Vec<String> {
        let sent: Vec<(u64, String)> = in_flight_stream(sim, self.from)
            .into_iter()
            .filter(|(id, _)| *id > self.seen)
            .collect();
        if let Some((id, _)) = sent.last() {
            self.seen = *id;
        }
        sent.into_iter().map(|(_, line)| line).collect()
    }
}

/// A hash tag whose keys master A serves, and A's stream, started (the
/// `SELECT 0` after the initial sync is behind it).
fn setup(sim: &mut Sim) -> (usize, usize, String, Stream) {
    let (a, a1) = (idx(sim, "A"), idx(sim, "A1"));
    let tag = (0..)
        .map(|i| format!("{{t{i}}}"))
        .find(|t| sim.command(a, CLIENT, args(&format!("GET {t}"))) == Some(Value::Null))
        .unwrap();
    sim.command(a, CLIENT, args(&format!("SET {tag}warm v")));
    let mut stream = Stream { from: a, seen: 0 };
    stream.take(sim);
    (a, a1, tag, stream)
}

/// Each command with what 7.0.15 streamed for it: relative TTLs become
/// absolute ms (`SET … PXAT`, `PEXPIREAT`), other SET options and GET go,
/// PEXPIREAT passes as sent, a time already past becomes `DEL`, and a
/// command that changed nothing sends nothing.
#[test]
fn seven_zero_propagates_relative_ttls_as_absolute_times() {
    let mut sim = quiet_cluster();
    let (a, _, t, mut stream) = setup(&mut sim);
    let now = sim.now().ms();
    let cases = [
        (
            format!("SET {t}a v EX 100"),
            vec![format!("SET {t}a v PXAT {}", now + 100_000)],
        ),
        (
            format!("SET {t}a v PX 100000"),
            vec![format!("SET {t}a v PXAT {}", now + 100_000)],
        ),
        (
            format!("SET {t}a v EXAT 9999999999"),
            vec![format!("SET {t}a v PXAT 9999999999000")],
        ),
        (
            format!("set {t}a v PXAT 9999999999999"),
            vec![format!("SET {t}a v PXAT 9999999999999")],
        ),
        (
            format!("SET {t}b v EX 100 NX"),
            vec![format!("SET {t}b v PXAT {}", now + 100_000)],
        ),
        (
            format!("set {t}b v KEEPTTL"),
            vec![format!("set {t}b v KEEPTTL")],
        ),
        (
            format!("SET {t}c v EX 100 GET"),
            vec![format!("SET {t}c v PXAT {}", now + 100_000)],
        ),
        (format!("set {t}c w GET"), vec![format!("set {t}c w")]),
        (format!("SET {t}none v XX EX 100"), vec![]),
        (
            format!("SETEX {t}d 100 v"),
            vec![format!("SET {t}d v PXAT {}", now + 100_000)],
        ),
        (
            format!("PSETEX {t}d 100000 v"),
            vec![format!("SET {t}d v PXAT {}", now + 100_000)],
        ),
        (
            format!("EXPIRE {t}a 200"),
            vec![format!("PEXPIREAT {t}a {}", now + 200_000)],
        ),
        (
            format!("PEXPIRE {t}a 200000"),
            vec![format!("PEXPIREAT {t}a {}", now + 200_000)],
        ),
        (
            format!("EXPIREAT {t}a 9999999999"),
            vec![format!("PEXPIREAT {t}a 9999999999000")],
        ),
        (
            format!("pexpireat {t}a 9999999999999"),
            vec![format!("pexpireat {t}a 9999999999999")],
        ),
        (
            format!("pexpireat {t}a 9999999999998 LT"),
            vec![format!("pexpireat {t}a 9999999999998 LT")],
        ),
        (format!("EXPIRE {t}a 300 GT"), vec![]),
        (format!("EXPIRE {t}none 300"), vec![]),
        (format!("EXPIRE {t}b -1"), vec![format!("DEL {t}b")]),
        (format!("EXPIREAT {t}c 1"), vec![format!("DEL {t}c")]),
        (
            format!("GETEX {t}d EX 100"),
            vec![format!("PEXPIREAT {t}d {}", now + 100_000)],
        ),
        (format!("GETEX {t}d PERSIST"), vec![format!("PERSIST {t}d")]),
        (format!("GETEX {t}d PXAT 1"), vec![format!("DEL {t}d")]),
        // SET keeps a time already past; the key dies later (and a DEL follows).
        (
            format!("SET {t}e v EXAT 1"),
            vec![format!("SET {t}e v PXAT 1000")],
        ),
    ];
    for (line, expected) in cases {
        let reply = sim.command(a, CLIENT, args(&line));
        assert!(!matches!(reply, Some(Value::Error(_))), "{line}: {reply:?}");
        assert_eq!(stream.take(&sim), expected, "{line}");
    }
}

/// `expireIfNeeded` on a master deletes the key it finds expired and
/// propagates `DEL` at once; with the write that found it, 7.0 wraps both
/// in `MULTI`/`EXEC`. A DEL of an expired key deletes nothing itself.
#[test]
fn seven_zero_master_propagates_lazy_expiry_as_del() {
    let mut sim = quiet_cluster();
    let (a, _, t, mut stream) = setup(&mut sim);
    let now = sim.now().ms();
    for k in ["a", "b", "c", "d"] {
        // Expired from the start, so no cron can remove it first.
        sim.command(a, CLIENT, args(&format!("SET {t}{k} v PXAT {now}")));
    }
    stream.take(&sim);
    let cases = [
        (format!("GET {t}a"), Value::Null, vec![format!("DEL {t}a")]),
        (
            format!("APPEND {t}b x"),
            Value::Integer(1),
            vec![
                "MULTI".to_string(),
                format!("DEL {t}b"),
                format!("APPEND {t}b x"),
                "EXEC".to_string(),
            ],
        ),
        (
            format!("DEL {t}c"),
            Value::Integer(0),
            vec![format!("DEL {t}c")],
        ),
        (
            format!("set {t}d w"),
            Value::ok(),
            vec![
                "MULTI".to_string(),
                format!("DEL {t}d"),
                format!("set {t}d w"),
                "EXEC".to_string(),
            ],
        ),
    ];
    for (line, reply, expected) in cases {
        assert_eq!(sim.command(a, CLIENT, args(&line)), Some(reply), "{line}");
        assert_eq!(stream.take(&sim), expected, "{line}");
    }
}

/// A replica never expires keys (7.0's `expireIfNeeded` returns early
/// when `masterhost` is set; no active cycle runs there): once the TTL has
/// passed its clients read nil, but the key stays until the master's DEL.
/// Here the master is stopped (`kill -STOP`) across the TTL, so nothing
/// deletes the key until it comes back and its active cycle runs.
#[test]
fn a_replica_keeps_an_expired_key_until_its_master_deletes_it() {
    let mut sim = quiet_cluster();
    let (a, a1, t, mut stream) = setup(&mut sim);
    let key = format!("{t}k");
    sim.command(a, CLIENT, args(&format!("SET {key} v PX 300")));
    run_for(&mut sim, 100);
    sim.command(a1, CLIENT, args("READONLY"));
    let read = |sim: &mut Sim, line: &str| sim.command(a1, CLIENT, args(&format!("{line} {key}")));
    let master_pttl = sim.command(a, CLIENT, args(&format!("PTTL {key}")));
    assert_eq!(
        read(&mut sim, "PTTL"),
        master_pttl,
        "the same absolute expiry"
    );
    let dbsize = |sim: &mut Sim| sim.command(a1, CLIENT, args("DBSIZE"));
    let stored = dbsize(&mut sim);
    sim.pause(a);
    run_for(&mut sim, 1000);
    assert_eq!(dbsize(&mut sim), stored, "DBSIZE still counts the key");
    assert_eq!(read(&mut sim, "GET"), Some(Value::Null));
    assert_eq!(read(&mut sim, "EXISTS"), Some(Value::Integer(0)));
    assert_eq!(read(&mut sim, "PTTL"), Some(Value::Integer(-2)));
    assert!(
        sim.node(a1).keyspace().holds(key.as_bytes()),
        "the replica keeps the key"
    );
    stream.take(&sim);
    sim.resume(a);
    let mut streamed = Vec::new();
    let limit = sim.now() + 1000;
    sim.run_until_pred(limit, |sim| {
        streamed.extend(stream.take(sim));
        false
    });
    assert_eq!(
        streamed,
        vec![format!("DEL {key}")],
        "the master's active cycle"
    );
    assert!(!sim.node(a).keyspace().holds(key.as_bytes()));
    assert!(
        !sim.node(a1).keyspace().holds(key.as_bytes()),
        "the DEL reached the replica"
    );
    let Some(Value::Integer(n)) = stored else {
        panic!("DBSIZE: {stored:?}")
    };
    assert_eq!(dbsize(&mut sim), Some(Value::Integer(n - 1)));
    assert_eq!(sim.node(a1).repl_offset(), sim.node(a).repl_offset());
}
