//! The deterministic half of the bad-input tests: every command, with each
//! edge value (i64 limits and one past them, 0, negatives, floats, `nan`,
//! empty, text) in every argument position and after every option word,
//! against keys of every type — then the reads that turn stored values into
//! numbers (TTL of a far expiry, ranges at the limits…). Random sequences
//! (bad_input.rs) rarely line such pairs up; a sweep does. Nothing may panic,
//! and every reply must frame as one reply with a coded error.

use crate::common::single_node::SingleNode;
use clusterlab_core::command::table;
use clusterlab_core::node::{ClientId, Input, Node, Output};
use clusterlab_core::resp::{parse_reply, split_args, Protocol, Value};
use clusterlab_core::{Config, SlotSet, Time};

const EDGES: &[&str] = &[
    "0",
    "1",
    "-1",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "2147483648",
    "16384",
    "1.5",
    "inf",
    "-inf",
    "nan",
    "",
    "abc",
];

const WORDS: &[&str] = &[
    "",
    "NX",
    "XX",
    "GT",
    "LT",
    "CH",
    "INCR",
    "EX",
    "PX",
    "EXAT",
    "PXAT",
    "KEEPTTL",
    "GET",
    "COUNT",
    "MATCH",
    "TYPE",
    "KEYS",
    "REPLACE",
    "ASYNC",
    "WITHVALUES",
    "LIMIT",
    "RANK",
    "MAXLEN",
    "IDX",
    "LEN",
    "MINMATCHLEN",
    "WITHMATCHLEN",
];

/// Subcommands to sweep for container commands (their first argument).
const SUBCOMMANDS: &[(&str, &[&str])] = &[
    (
        "cluster",
        &[
            "KEYSLOT",
            "COUNTKEYSINSLOT",
            "GETKEYSINSLOT",
            "ADDSLOTS",
            "ADDSLOTSRANGE",
            "DELSLOTS",
            "DELSLOTSRANGE",
            "SETSLOT",
            "MEET",
            "REPLICATE",
            "FORGET",
            "RESET",
            "FAILOVER",
            "BUMPEPOCH",
            "SET-CONFIG-EPOCH",
            "COUNT-FAILURE-REPORTS",
            "LINKS",
            "REPLICAS",
            "SLAVES",
            "INFO",
            "NODES",
            "SLOTS",
            "SHARDS",
            "MYID",
            "HELP",
        ],
    ),
    ("client", &["ID", "GETNAME", "SETNAME"]),
    ("command", &["COUNT", "INFO", "DOCS", "GETKEYS"]),
    ("config", &["GET", "SET"]),
    ("object", &["ENCODING", "REFCOUNT", "HELP"]),
];

/// Reads run after each write that succeeded.
const READERS: &[&str] = &[
    "TTL {b}k",
    "PTTL {b}k",
    "GET {b}k",
    "TYPE {b}k",
    "STRLEN {b}k",
    "LRANGE {b}k -9223372036854775808 9223372036854775807",
    "HGET {b}k 1",
    "ZPOPMIN {b}k 9223372036854775807",
    "SPOP {b}k 9223372036854775807",
    "SCAN 0 COUNT 9223372036854775807",
    "CLUSTER GETKEYSINSLOT 3300 9223372036854775807",
];

/// Puts a value of each type (or none) at `{b}k` (slot 3300).
const SEEDS: &[&str] = &[
    "SET {b}k 5",
    "RPUSH {b}k 1 2",
    "SADD {b}k 1 2",
    "HSET {b}k 1 2",
    "ZADD {b}k 1 1 2 2",
    "DEL {b}k",
];

/// A node alone with every slot, as `redis-server` + `CLUSTER ADDSLOTSRANGE 0 16383`.
struct Solo {
    node: Node,
    now: Time,
}

impl Solo {
    fn new() -> Solo {
        let h = SingleNode::master(Config::default().node_timeout, SlotSet::full());
        let mut solo = Solo {
            node: h.node,
            now: h.now,
        };
        while !solo.node.state_ok() && solo.now < Time(10_000) {
            solo.tick(100);
        }
        assert!(solo.node.state_ok(), "a lone node with all slots is ok");
        solo
    }

    fn tick(&mut self, ms: u64) {
        self.now = self.now + ms;
        self.node.handle(self.now, Input::Timeout);
        while self.node.poll_output().is_some() {}
    }

    /// Runs one command; returns its reply, if it came at once.
    fn run(&mut self, args: Vec<Vec<u8>>) -> Option<Value> {
        self.now = self.now + 1;
        let client = ClientId(1);
        self.node.handle(self.now, Input::Command { client, args });
        let mut reply = None;
        while let Some(out) = self.node.poll_output() {
            if let Output::Reply { client: c, value } = out {
                if c == client {
                    reply = Some(value);
                }
            }
        }
        if reply.is_none() {
            // A blocking command blocked the client: release it with
            // CLIENT UNBLOCK (from another client) so it takes commands again.
            let unblock = vec![b"CLIENT".to_vec(), b"UNBLOCK".to_vec(), b"1".to_vec()];
            let other = ClientId(2);
            self.node.handle(
                self.now,
                Input::Command {
                    client: other,
                    args: unblock,
                },
            );
            while self.node.poll_output().is_some() {}
        }
        reply
    }
}

fn check(args: &[Vec<u8>], v: &Value) {
    let show = || {
        format!(
            "{:?}",
            args.iter()
                .map(|a| String::from_utf8_lossy(a))
                .collect::<Vec<_>>()
        )
    };
    for proto in [Protocol::Resp2, Protocol::Resp3] {
        let bytes = v.to_bytes(proto);
        assert!(
            matches!(parse_reply(&bytes), Ok(Some((_, n))) if n == bytes.len()),
            "{} gave {v:?}, not one {proto:?} reply",
            show()
        );
    }
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Error(e) => {
                let code = e.split(' ').next().unwrap_or_default();
                assert!(
                    !code.is_empty() && code.bytes().all(|b| b.is_ascii_uppercase()),
                    "{} gave an error without a code: {e:?}",
                    show()
                );
            }
            Value::Array(items) | Value::Set(items) | Value::Push(items) => stack.extend(items),
            Value::Map(pairs) => stack.extend(pairs.iter().flat_map(|(k, v)| [k, v])),
            _ => {}
        }
    }
}

/// The argument lists to try for one command.
fn variants(name: &str, arity: i32) -> Vec<Vec<String>> {
    let subs = SUBCOMMANDS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s);
    let heads: Vec<Vec<String>> = match subs {
        Some(subs) => subs
            .iter()
            .map(|s| vec![name.to_string(), s.to_string()])
            .collect(),
        None => {
            // Minimal arguments: "1" everywhere, keys where the table says.
            let spec = table::lookup(name.as_bytes()).expect("spec");
            let mut argv: Vec<Vec<u8>> = vec![name.as_bytes().to_vec()];
            argv.resize(arity.unsigned_abs().max(1) as usize, b"1".to_vec());
            for i in spec.key_positions(&argv) {
                argv[i] = b"{b}k".to_vec();
            }
            vec![argv
                .iter()
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect()]
        }
    };
    let mut out = Vec::new();
    for head in heads {
        for i in 1..head.len() {
            if head[i] == "{b}k" || subs.is_some() {
                continue;
            }
            for e in EDGES {
                let mut v = head.clone();
                v[i] = e.to_string();
                out.push(v);
            }
        }
        for w in WORDS {
            for e in EDGES {
                let mut v = head.clone();
                if !w.is_empty() {
                    v.push(w.to_string());
                }
                v.push(e.to_string());
                out.push(v.clone());
                v.push(e.to_string());
                out.push(v);
            }
        }
    }
    out
}

/// Every command × edge value × position × key type: no panic, framed
/// replies, coded errors.
#[test]
fn edge_values_in_every_position() {
    let line = |s: &str| split_args(s.as_bytes()).expect("line");
    for spec in table::commands() {
        // Blocking or connection-ending commands are covered elsewhere.
        if matches!(spec.name, "wait" | "subscribe" | "ssubscribe") {
            continue;
        }
        let all = variants(spec.name, spec.arity);
        let seeds: &[&str] = if spec.keys.first > 0 {
            SEEDS
        } else {
            &SEEDS[..1]
        };
        for seed in seeds {
            let mut solo = Solo::new();
            for args in &all {
                solo.run(line(seed));
                let argv: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
                let Some(reply) = solo.run(argv.clone()) else {
                    continue;
                };
                check(&argv, &reply);
                if !reply.is_error() {
                    for r in READERS {
                        let argv = line(r);
                        if let Some(v) = solo.run(argv.clone()) {
                            check(&argv, &v);
                        }
                    }
                }
                // A MULTI left open would queue the rest.
                solo.run(line("DISCARD"));
            }
        }
    }
}
