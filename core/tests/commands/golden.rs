//! Golden tests: our replies against real Redis 7.0's, recorded by
//! `golden/record.sh` from a real 3-master/3-replica cluster with the same
//! slot layout as the simulator's. Each scenario runs on a fresh simulated
//! cluster; replies are compared as parsed RESP (types and framing kept) after
//! masking what legitimately differs (see `golden/mask.rs`). Only the committed
//! transcript is needed: no redis-server at test time.

mod mask;
mod transcript;

use clusterlab_core::node::ClientId;
use clusterlab_core::resp::{parse_reply, split_args, Value};
use clusterlab_core::sim::{Scenario as SimScenario, Sim};
use clusterlab_core::time::Time;
use clusterlab_core::Config;
use transcript::{NodeAddr, Step};

/// Where we knowingly differ from real Redis: (scenario, command as written
/// in the transcript, why). Everything else must match. An entry that stops
/// differing fails the test, so this list only shrinks (it is empty now:
/// every recorded reply matches).
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[];

const TRANSCRIPT: &str = include_str!("golden/transcript.txt");

/// The simulated cluster: same shape and settings as the recorded one
/// (record.sh starts redis-server with `--cluster-node-timeout 5000 --save ''`).
fn cluster() -> Sim {
    let mut config = Config {
        node_timeout: 5000,
        ..Config::default()
    };
    config
        .set_param("save", "")
        .expect("save takes an empty schedule");
    SimScenario {
        config,
        write_every_ms: None,
        ..SimScenario::default()
    }
    .build()
    .expect("cluster forms")
}

/// Like the recorder before each scenario: FLUSHALL on the masters, then wait
/// until every node lists every replica in CLUSTER SLOTS (Redis leaves out
/// replicas whose offset it still believes is 0) and, as in the recorded
/// cluster, every link is up and every node has answered a PING.
fn settle(sim: &mut Sim) {
    let admin = ClientId(1_000_000);
    for name in ["A", "B", "C"] {
        let idx = sim.index_of(name).expect("master");
        sim.command(idx, admin, vec![b"FLUSHALL".to_vec()]);
    }
    let slots = |s: &mut Sim, idx: usize| {
        s.command(idx, admin, vec![b"CLUSTER".to_vec(), b"SLOTS".to_vec()])
    };
    let limit = sim.now() + 60_000;
    loop {
        let listed = (0..sim.nodes().len()).all(|idx| {
            matches!(slots(sim, idx), Some(Value::Array(ranges))
                if ranges.iter().all(|r| matches!(r, Value::Array(e) if e.len() == 4)))
        });
        let linked = sim.nodes().iter().all(|n| {
            n.node
                .view()
                .nodes
                .iter()
                .filter(|p| p.id != n.node.id())
                .all(|p| p.link_connected && p.pong_received > Time::ZERO)
        });
        if listed && linked {
            return;
        }
        assert!(sim.now() < limit, "the simulated cluster did not settle");
        let t = sim.now() + 100;
        sim.run_until(t);
    }
}

fn our_nodes(sim: &Sim) -> Vec<NodeAddr> {
    sim.nodes()
        .iter()
        .map(|n| {
            let port = n
                .node
                .view()
                .nodes
                .iter()
                .find(|p| p.id == n.node.id())
                .map(|p| p.port);
            NodeAddr {
                letter: n.name.clone(),
                ip: "127.0.0.1".into(),
                port: port.expect("myself in my view"),
                cport: n.bus_addr.port(),
                id: n.node.id().to_string(),
            }
        })
        .collect()
}

/// Sends one command and returns the reply as a client would parse it off
/// the wire (encoded in the connection's protocol, then decoded).
fn send(sim: &mut Sim, node: &str, conn: u64, args: Vec<Vec<u8>>) -> Value {
    let idx = sim.index_of(node).expect("node letter");
    let client = ClientId(conn);
    let reply = match sim.command(idx, client, args) {
        Some(v) => v,
        None => {
            // Blocked (WAIT): let time pass until the reply comes.
            let limit = sim.now() + 60_000;
            loop {
                let t = sim.now() + 10;
                sim.run_until(t);
                let replies = sim.take_replies();
                if let Some((_, _, v)) = replies
                    .into_iter()
                    .find(|(i, c, _)| *i == idx && *c == client)
                {
                    break v;
                }
                assert!(sim.now() < limit, "no reply within 60 s");
            }
        }
    };
    let proto = sim.node(idx).client_protocol(client);
    let bytes = reply.to_bytes(proto);
    decode(&bytes)
}

fn decode(bytes: &[u8]) -> Value {
    match parse_reply(bytes) {
        Ok(Some((v, n))) if n == bytes.len() => v,
        other => panic!(
            "not exactly one reply: {other:?} in {:?}",
            String::from_utf8_lossy(bytes)
        ),
    }
}

/// A reply for a failure message: like `Debug`, with strings as text.
fn show(v: &Value) -> String {
    let list = |items: &[Value]| items.iter().map(show).collect::<Vec<_>>().join(", ");
    match v {
        Value::Bulk(b) => format!("\"{}\"", clusterlab_core::resp::escape(b)),
        Value::Verbatim(t) => format!("txt\"{}\"", clusterlab_core::resp::escape(t.as_bytes())),
        Value::Array(items) => format!("[{}]", list(items)),
        Value::Set(items) => format!("~[{}]", list(items)),
        Value::Push(items) => format!(">[{}]", list(items)),
        Value::Map(pairs) => {
            let kv: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}: {}", show(k), show(v)))
                .collect();
            format!("{{{}}}", kv.join(", "))
        }
        other => format!("{other:?}"),
    }
}

/// Every recorded command gets the same reply from us as from Redis 7.0.15
/// (after masking), apart from the listed known differences.
#[test]
fn replies_match_real_redis() {
    let golden = transcript::parse(TRANSCRIPT);
    assert!(golden.scenarios.len() >= 10, "transcript has its scenarios");
    let base = {
        let mut sim = cluster();
        settle(&mut sim);
        sim
    };
    let ours = our_nodes(&base);
    let mut failures = Vec::new();
    let mut seen_known = Vec::new();
    let mut compared = 0;
    for sc in &golden.scenarios {
        let mut sim = base.clone();
        for step in &sc.steps {
            let (line, node, conn, template, raw) = match step {
                Step::Sleep(ms) => {
                    let t = sim.now() + *ms;
                    sim.run_until(t);
                    continue;
                }
                Step::Command {
                    line,
                    node,
                    conn,
                    template,
                    reply,
                } => (line, node, conn, template, reply),
            };
            let their_args =
                split_args(NodeAddr::expand(&golden.nodes, template).as_bytes()).expect("args");
            let our_args = split_args(NodeAddr::expand(&ours, template).as_bytes()).expect("args");
            let expected = mask::mask(&golden.nodes, &their_args, decode(raw));
            let actual = mask::mask(
                &ours,
                &our_args,
                send(&mut sim, node, *conn, our_args.clone()),
            );
            compared += 1;
            let known = KNOWN_DIFFERENCES
                .iter()
                .find(|(s, c, _)| *s == sc.name && *c == template);
            match (expected == actual, known) {
                (true, None) => {}
                (true, Some(_)) => failures.push(format!(
                    "[{}] {node}> {template} (line {line}) now matches: remove it from KNOWN_DIFFERENCES",
                    sc.name
                )),
                (false, Some(k)) => seen_known.push(k),
                (false, None) => failures.push(format!(
                    "[{}] {node}> {template} (transcript line {line})\n  redis: {}\n  ours:  {}",
                    sc.name,
                    show(&expected),
                    show(&actual)
                )),
            }
        }
    }
    for k in KNOWN_DIFFERENCES {
        assert!(
            golden.scenarios.iter().any(|s| s.name == k.0),
            "KNOWN_DIFFERENCES names a scenario that does not exist: {}",
            k.0
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} replies differ from real Redis:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
