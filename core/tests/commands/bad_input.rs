//! Bad input never panics and always gets Redis-style answers: the request
//! decoder takes any bytes in any chunking (`processInputBuffer` never
//! crashes, it replies `-ERR Protocol error` and closes), and the executor
//! answers any argument vector — wrong arity, unknown commands, wrong types,
//! syntax errors, huge or negative numbers, binary — with one well-framed
//! reply whose errors start with an uppercase code (`ERR`, `WRONGTYPE`, …).

use crate::common;
use clusterlab_core::command::table;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::{escape, parse_reply, parse_request, Limits, Protocol, Value};
use clusterlab_core::sim::{Sim, Status};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::FileFailurePersistence;
use std::sync::OnceLock;

/// Feeds `bytes` in the given chunk sizes the way a server reads a socket:
/// parse as many requests as the buffer holds, keep the rest, stop at the
/// first protocol error (Redis closes the connection).
fn feed(bytes: &[u8], chunks: &[usize], limits: Limits) -> Vec<Vec<Vec<u8>>> {
    let mut buf = Vec::new();
    let mut requests = Vec::new();
    let mut at = 0;
    let mut sizes = chunks.iter().cycle();
    while at < bytes.len() {
        let n = (*sizes.next().unwrap_or(&1)).clamp(1, bytes.len() - at);
        buf.extend_from_slice(&bytes[at..at + n]);
        at += n;
        loop {
            match parse_request(&buf, limits) {
                Ok(Some(req)) => {
                    assert!(req.consumed > 0 && req.consumed <= buf.len());
                    buf.drain(..req.consumed);
                    requests.push(req.args);
                }
                Ok(None) => break,
                Err(e) => {
                    assert!(e.to_string().starts_with("Protocol error: "), "{e}");
                    return requests;
                }
            }
        }
    }
    requests
}

fn multibulk(args: &[Vec<u8>]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend(format!("${}\r\n", a.len()).bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn limits() -> impl Strategy<Value = Limits> {
    (any::<bool>(), select(vec![16u64, 1024, 512 * 1024 * 1024])).prop_map(|(u, max)| Limits {
        max_bulk_len: max,
        unauthenticated: u,
    })
}

/// Bytes that look like RESP often enough to get past the first check.
fn resp_ish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        select(vec![
            &b"*"[..],
            b"$",
            b"\r\n",
            b"\r",
            b"\n",
            b"-1",
            b"0",
            b"1",
            b"3",
            b"2147483648",
            b"99999999999999999999",
            b"\"",
            b"'",
            b"\\x",
            b" ",
            b"GET",
            b"+",
            b":",
        ])
        .prop_map(|b| b.to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

/// One valid request, then a few random byte edits.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    let args = prop::collection::vec(prop::collection::vec(any::<u8>(), 0..12), 1..5);
    let edits = prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..4);
    (args, edits).prop_map(|(args, edits)| {
        let mut b = multibulk(&args);
        for (at, byte, op) in edits {
            let i = at.index(b.len() + 1);
            match op {
                0 if i < b.len() => b[i] = byte,
                1 => b.insert(i, byte),
                _ if i < b.len() => {
                    b.remove(i);
                }
                _ => {}
            }
        }
        b
    })
}

/// proptest's settings: the failing cases kept in
/// `bad_input.proptest-regressions`, next to this file, replayed first, then
/// `cases` random ones. proptest's default place for them
/// (`FileFailurePersistence::SourceParallel`) is `../proptest-regressions/`,
/// since this directory holds the binary's `main.rs`; the seeds stay beside
/// the tests they replay.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// Any bytes, any chunking, any limits: no panic, only protocol errors.
    #[test]
    fn decoder_survives_any_bytes(
        bytes in prop_oneof![prop::collection::vec(any::<u8>(), 0..200), resp_ish(), mutated()],
        chunks in prop::collection::vec(1usize..16, 1..6),
        limits in limits(),
    ) {
        feed(&bytes, &chunks, limits);
        // The client side too: parse_reply on garbage.
        let _ = parse_reply(&bytes);
    }

    /// Check-then-parse: every strict prefix of a valid request (multibulk
    /// or inline) is "incomplete", and the whole gives back the arguments.
    #[test]
    fn valid_requests_parse_after_every_prefix(
        args in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..20), 1..6),
        inline_words in prop::collection::vec("[a-zA-Z0-9:{}]{1,10}", 1..5),
    ) {
        let cases = [
            (multibulk(&args), args.clone()),
            (
                format!("{}\r\n", inline_words.join(" ")).into_bytes(),
                inline_words.iter().map(|w| w.as_bytes().to_vec()).collect(),
            ),
        ];
        for (bytes, want) in cases {
            for n in 0..bytes.len() {
                prop_assert_eq!(parse_request(&bytes[..n], Limits::default()), Ok(None));
            }
            let req = parse_request(&bytes, Limits::default()).unwrap().unwrap();
            prop_assert_eq!(req.consumed, bytes.len());
            prop_assert_eq!(req.args, want);
        }
    }
}

/// A formed 3+3 cluster, built once and cloned per case.
fn base() -> &'static Sim {
    static BASE: OnceLock<Sim> = OnceLock::new();
    BASE.get_or_init(common::quiet_cluster)
}

/// Arguments Redis parsers trip on: keys here and elsewhere, edge numbers,
/// option words, node IDs (`@idN` = the cluster's Nth node), binary.
fn arg() -> impl Strategy<Value = Vec<u8>> {
    let words = |w: Vec<&'static str>| select(w).prop_map(|a| a.as_bytes().to_vec());
    prop_oneof![
        3 => words(vec!["{b}k", "{b}l", "{b}s", "{b}h", "{b}z", "{b}p", "user:1000", "a", "foo", ""]),
        3 => words(vec![
            "0", "1", "-1", "2", "10", "100", "16383", "16384", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "2147483648", "1.5", "inf", "-inf", "nan", "+1", "01", " 1", "1e3", "0x10",
        ]),
        3 => words(vec![
            "NX", "XX", "GT", "LT", "CH", "INCR", "EX", "PX", "EXAT", "PXAT", "KEEPTTL", "GET",
            "COUNT", "MATCH", "TYPE", "KEYS", "COPY", "REPLACE", "AUTH", "AUTH2", "SETNAME",
            "IMPORTING", "MIGRATING", "NODE", "STABLE", "HARD", "SOFT", "FORCE", "TAKEOVER",
            "INFO", "NODES", "SLOTS", "SHARDS", "KEYSLOT", "COUNTKEYSINSLOT", "GETKEYSINSLOT",
            "ADDSLOTS", "ADDSLOTSRANGE", "DELSLOTS", "DELSLOTSRANGE", "SETSLOT", "MEET",
            "REPLICATE", "FORGET", "RESET", "FAILOVER", "BUMPEPOCH", "SET-CONFIG-EPOCH",
            "COUNT-FAILURE-REPORTS", "LINKS", "MYID", "REPLICAS", "SLAVES", "HELP", "ID",
            "GETNAME", "GETKEYS", "DOCS", "SET", "cluster-node-timeout", "*", "127.0.0.1",
            "GETREG", "DECODE", "ENCODING", "TODENSE", "hll-sparse-max-bytes",
            "7000", "3", "@id0", "@id1", "@id3", "BLOCK", "STREAMS", "GROUP", "NOACK", "$",
            ">", "notify-keyspace-events", "KEA", "AKEnm",
        ]),
        // BITCOUNT/BITPOS units, BITOP operations, BITFIELD's words and
        // types (`#` offsets), LOLWUT's and MODULE's words.
        2 => words(vec![
            "BIT", "BYTE", "AND", "OR", "XOR", "NOT", "INCRBY", "OVERFLOW", "WRAP", "SAT",
            "FAIL", "u8", "i8", "u63", "i64", "u64", "i1", "#3", "#-1", "VERSION", "5", "6",
            "LIST", "LOAD", "LOADEX", "UNLOAD",
        ]),
        // GEO*'s and SORT's option words (geo.c `georadiusGeneric`, sort.c).
        2 => words(vec![
            "WITHDIST", "WITHCOORD", "WITHHASH", "ANY", "ASC", "DESC", "STORE", "STOREDIST",
            "FROMMEMBER", "FROMLONLAT", "BYRADIUS", "BYBOX", "km", "m", "mi", "ft", "180",
            "85.05112878", "-85.06", "ALPHA", "LIMIT", "BY", "nosort",
        ]),
        1 => "[0-9a-f]{40}".prop_map(String::into_bytes),
        2 => prop::collection::vec(any::<u8>(), 0..12),
    ]
}

/// A command line: mostly a known command with about its arity's worth of
/// arguments and keys (of node A's slot 3300, so they are local there) in
/// its key positions, so that the argument parsers themselves get exercised;
/// sometimes anything at all.
fn command_line() -> impl Strategy<Value = Vec<Vec<u8>>> {
    // PFSELFTEST takes no argument to parse and runs 10 million additions
    // (seconds in a test build): it is left to native/hyperloglog.rs.
    let fuzzed: Vec<_> = table::commands()
        .iter()
        .copied()
        .filter(|c| c.name != "pfselftest")
        .collect();
    let shaped = (
        select(fuzzed),
        0usize..4,
        prop::collection::vec(arg(), 8),
        prop::collection::vec(
            select(vec!["{b}k", "{b}l", "{b}s", "{b}h", "{b}z", "{b}p"]),
            8,
        ),
    )
        .prop_map(|(spec, extra, pool, keys)| {
            let base = spec.arity.unsigned_abs() as usize;
            let argc = if spec.arity > 0 && extra < 3 {
                base
            } else {
                base + extra
            };
            let mut argv = vec![spec.name.as_bytes().to_vec()];
            argv.extend(pool.into_iter().cycle().take(argc.saturating_sub(1)));
            for (n, i) in spec.key_positions(&argv).into_iter().enumerate() {
                argv[i] = keys[n % keys.len()].as_bytes().to_vec();
            }
            argv
        });
    let name = prop_oneof![
        select(vec!["FOO", "", "Get", "CLUSTER", "cLuStEr", "EXEC"])
            .prop_map(|n| n.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..10),
    ];
    let anything = (name, prop::collection::vec(arg(), 0..7)).prop_map(|(n, mut a)| {
        a.insert(0, n);
        a
    });
    prop_oneof![8 => shaped, 1 => anything]
}

/// A command line that prints as text in failure reports.
#[derive(Clone)]
struct Line(Vec<Vec<u8>>);

impl std::fmt::Debug for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let words: Vec<String> = self
            .0
            .iter()
            .map(|a| format!("\"{}\"", escape(a)))
            .collect();
        write!(f, "{}", words.join(" "))
    }
}

/// One client step: node (A most of the time), connection, command line,
/// time to let pass after.
type Step = (usize, u64, Line, u64);

fn step() -> impl Strategy<Value = Step> {
    (
        prop_oneof![3 => Just(0usize), 1 => 0usize..6],
        1u64..4,
        command_line().prop_map(Line),
        prop_oneof![4 => Just(0u64), 1 => 0u64..3000],
    )
}

/// A reply must survive the wire in both protocols (exactly one reply), and
/// every error in it starts with an uppercase code and has text after it.
fn check_reply(v: &Value) -> Result<(), TestCaseError> {
    for proto in [Protocol::Resp2, Protocol::Resp3] {
        let bytes = v.to_bytes(proto);
        let parsed = parse_reply(&bytes);
        prop_assert!(
            matches!(parsed, Ok(Some((_, n))) if n == bytes.len()),
            "{v:?} does not encode as one {proto:?} reply: {parsed:?}"
        );
    }
    match v {
        Value::Error(e) => {
            let code = e.split(' ').next().unwrap_or_default();
            prop_assert!(
                !code.is_empty()
                    && code.bytes().all(|b| b.is_ascii_uppercase())
                    && e.len() > code.len() + 1,
                "error without a code: {e:?}"
            );
        }
        Value::Array(items) | Value::Set(items) | Value::Push(items) => {
            for i in items {
                check_reply(i)?;
            }
        }
        Value::Map(pairs) => {
            for (k, val) in pairs {
                check_reply(k)?;
                check_reply(val)?;
            }
        }
        _ => {}
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    /// Random command sequences from several clients on every node: each
    /// command gets a reply (WAIT and writes paused by a manual failover get
    /// it later; `WAIT n 0` may block forever, as in Redis), never a panic.
    #[test]
    fn executor_answers_any_arguments(steps in prop::collection::vec(step(), 1..20)) {
        let mut sim = base().clone();
        let ids: Vec<Vec<u8>> = sim.nodes().iter().map(|n| n.node.id().to_string().into_bytes()).collect();
        // A client blocked forever is retired: later steps use a new one.
        let mut generation = [[0u64; 4]; 6];
        // Clients whose MONITOR was accepted.
        let mut monitoring = std::collections::BTreeSet::new();
        for (node, conn, line, wait_ms) in steps {
            let argv: Vec<Vec<u8>> = line
                .0
                .into_iter()
                .map(|a| match a.as_slice() {
                    b"@id0" => ids[0].clone(),
                    b"@id1" => ids[1].clone(),
                    b"@id3" => ids[3].clone(),
                    _ => a,
                })
                .collect();
            let client = ClientId(conn * 1000 + generation[node][conn as usize]);
            // Replies left from earlier steps (a PUNSUBSCRIBE of two patterns
            // answers twice, a message published to a subscriber) are checked
            // here, so the wait below only sees what this command caused.
            for (_, _, v) in sim.take_replies() {
                check_reply(&v)?;
            }
            let reply = match sim.command(node, client, argv.clone()) {
                Some(v) => Some(v),
                None => {
                    let limit = sim.now() + 120_000;
                    let mut got = None;
                    while got.is_none() && sim.now() < limit {
                        let t = sim.now() + 500;
                        sim.run_until(t);
                        for (i, c, v) in sim.take_replies() {
                            check_reply(&v)?;
                            // Out-of-band pushes (RESP3 pub/sub messages) are
                            // not the reply the blocked command owes.
                            if i == node && c == client && !matches!(v, Value::Push(_)) {
                                got.get_or_insert(v);
                            }
                        }
                    }
                    got
                }
            };
            // SYNC and PSYNC that a master accepts turn the connection into
            // a replica link (`syncCommand` flags it CLIENT_SLAVE): SYNC gets
            // no reply, only the RDB and the stream (7.0.15 writes `$<len>`
            // and the payload), PSYNC gets `+FULLRESYNC` first. A replica
            // link is no client any more: later steps use a new connection.
            let syncs = argv[0].eq_ignore_ascii_case(b"sync") || argv[0].eq_ignore_ascii_case(b"psync");
            if syncs && !matches!(reply, Some(Value::Error(_))) {
                if let Some(v) = &reply {
                    check_reply(v)?;
                    prop_assert!(matches!(v, Value::Simple(s) if s.starts_with("FULLRESYNC ") || s.starts_with("CONTINUE")), "{argv:?} answered {v:?}");
                } else {
                    prop_assert!(argv[0].eq_ignore_ascii_case(b"sync"), "no reply to {argv:?}");
                }
                generation[node][conn as usize] += 1;
            } else {
            let monitor = argv[0].eq_ignore_ascii_case(b"monitor") && argv.len() == 1;
            match reply {
                Some(v) => {
                    check_reply(&v)?;
                    if monitor && v == Value::ok() {
                        monitoring.insert((node, client));
                    }
                }
                // `monitorCommand` ignores MONITOR from a client already
                // monitoring (CLIENT_SLAVE): no reply at all.
                None if monitor && monitoring.contains(&(node, client)) => {}
                None if argv[0].eq_ignore_ascii_case(b"shutdown") => {
                    // SHUTDOWN ends the process without a reply (Redis
                    // closes the connection); an operator starts it again.
                    prop_assert!(sim.status(node) != Status::Up, "{argv:?} answered nothing but the node runs");
                    sim.restart(node);
                }
                None => {
                    // WAIT with no timeout (0) or one longer than we wait;
                    // a blocking pop whose keys stay empty (its timeout may
                    // be hours away).
                    let blocks_forever = (argv[0].eq_ignore_ascii_case(b"wait")
                        && argv.get(2).and_then(|t| std::str::from_utf8(t).ok()?.parse::<u64>().ok())
                            .is_some_and(|t| t == 0 || t >= 120_000))
                        || table::lookup(&argv[0]).is_some_and(|s| s.has(table::flags::BLOCKING));
                    prop_assert!(blocks_forever, "no reply to {argv:?}");
                    generation[node][conn as usize] += 1;
                }
            }
            }
            if wait_ms > 0 {
                let t = sim.now() + wait_ms;
                sim.run_until(t);
            }
        }
    }
}
