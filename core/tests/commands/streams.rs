//! Streams on a simulated cluster: IDs and idle times from the node's
//! (simulated) clock, consumer groups reaching replicas the way a 7.0
//! master streams them, streams in a full resync's RDB, routing by the
//! key specs (XREAD's keys follow STREAMS), and BLOCK served at once
//! when data is there (blocking itself: `stream_block.rs`). Byte-for-byte
//! replies against redis-server 7.0.15 are in `native/streams.rs`.

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::{JobOptions, Sim, Task};
use clusterlab_core::Time;
use common::{cluster, idx, quiet_cluster, text};

/// `{user:1000}` hashes to slot 1649, served by A (port 7000).
const K: &str = "{user:1000}s";

fn cmd_as(sim: &mut Sim, node: &str, client: u64, line: &str) -> Value {
    let i = sim.index_of(node).expect("node exists");
    let args = clusterlab_core::resp::split_args(line.as_bytes()).expect("valid line");
    sim.command(i, ClientId(client), args)
        .expect("immediate reply")
}

fn cmd(sim: &mut Sim, node: &str, line: &str) -> Value {
    cmd_as(sim, node, 1, line)
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Integer(n) => *n,
        other => panic!("not an integer: {other:?}"),
    }
}

/// The name of A's replica.
fn replica_of_a(sim: &Sim) -> String {
    let a = sim.node(idx(sim, "A")).id();
    (0..sim.nodes().len())
        .find(|&i| sim.node(i).master() == Some(a))
        .map(|i| sim.nodes()[i].name.clone())
        .expect("A has a replica")
}

/// `streamNextID`: `*` takes the node's clock in ms, the sequence counts
/// up within one millisecond; `ms-*` continues the sequence.
#[test]
fn auto_ids_come_from_the_node_clock() {
    let mut sim = quiet_cluster();
    let now = sim.now().ms();
    assert_eq!(
        text(&cmd(&mut sim, "A", &format!("XADD {K} * a 1"))),
        format!("{now}-0")
    );
    assert_eq!(
        text(&cmd(&mut sim, "A", &format!("XADD {K} * a 2"))),
        format!("{now}-1")
    );
    assert_eq!(
        text(&cmd(&mut sim, "A", &format!("XADD {K} {now}-* a 3"))),
        format!("{now}-2")
    );
    common::run_for(&mut sim, 5);
    assert_eq!(
        text(&cmd(&mut sim, "A", &format!("XADD {K} * a 4"))),
        format!("{}-0", now + 5)
    );
    assert_eq!(text(&cmd(&mut sim, "A", &format!("TYPE {K}"))), "stream");
    assert_eq!(
        text(&cmd(&mut sim, "A", &format!("OBJECT ENCODING {K}"))),
        "stream"
    );
}

/// XPENDING's idle, XINFO CONSUMERS' idle and XCLAIM/XAUTOCLAIM's
/// min-idle-time are measured on the simulated clock.
#[test]
fn idle_times_follow_the_simulated_clock() {
    let mut sim = quiet_cluster();
    cmd(&mut sim, "A", &format!("XGROUP CREATE {K} g $ MKSTREAM"));
    cmd(&mut sim, "A", &format!("XADD {K} 1-0 a 1"));
    cmd(&mut sim, "A", &format!("XADD {K} 2-0 a 2"));
    cmd(
        &mut sim,
        "A",
        &format!("XREADGROUP GROUP g alice STREAMS {K} >"),
    );
    common::run_for(&mut sim, 1500);
    let pending = cmd(&mut sim, "A", &format!("XPENDING {K} g - + 10"));
    let Value::Array(rows) = pending else {
        panic!("{pending:?}")
    };
    assert_eq!(rows.len(), 2);
    for row in &rows {
        let Value::Array(f) = row else {
            panic!("{row:?}")
        };
        assert_eq!(text(&f[1]), "alice");
        assert_eq!(int(&f[2]), 1500, "idle ms");
        assert_eq!(int(&f[3]), 1, "delivery count");
    }
    let consumers = cmd(&mut sim, "A", &format!("XINFO CONSUMERS {K} g"));
    let Value::Array(cs) = consumers else {
        panic!("{consumers:?}")
    };
    let Value::Map(fields) = &cs[0] else {
        panic!("{cs:?}")
    };
    assert_eq!(fields[2], (Value::bulk("idle"), Value::Integer(1500)));
    // Not idle long enough: nothing claimed; then claimed and counted.
    let none = cmd(&mut sim, "A", &format!("XCLAIM {K} g bob 2000 1-0 JUSTID"));
    assert_eq!(none, Value::Array(vec![]));
    let got = cmd(&mut sim, "A", &format!("XCLAIM {K} g bob 1000 1-0"));
    let Value::Array(got) = got else {
        panic!("{got:?}")
    };
    assert_eq!(got.len(), 1);
    let auto = cmd(
        &mut sim,
        "A",
        &format!("XAUTOCLAIM {K} g carol 1000 0 JUSTID"),
    );
    assert_eq!(
        auto,
        Value::Array(vec![
            Value::bulk("0-0"),
            Value::Array(vec![Value::bulk("2-0")]),
            Value::Array(vec![]),
        ])
    );
    let idle_min = cmd(&mut sim, "A", &format!("XPENDING {K} g IDLE 1 - + 10"));
    let Value::Array(rows) = idle_min else {
        panic!("{idle_min:?}")
    };
    assert!(rows.is_empty(), "both entries were just delivered again");
}

/// What replicas get: XADD with its generated ID, XREADGROUP as XCLAIMs,
/// XCLAIM/XAUTOCLAIM as XCLAIMs. At the same instant the replica answers
/// XPENDING (idle times included), XINFO GROUPS and XRANGE as the master.
#[test]
fn replicas_follow_groups_as_the_master_streams_them() {
    let mut sim = quiet_cluster();
    let replica = replica_of_a(&sim);
    let script = [
        format!("XADD {K} * a 1"),
        format!("XADD {K} * a 2"),
        format!("XADD {K} * a 3"),
        format!("XGROUP CREATE {K} g 0"),
        format!("XGROUP CREATE {K} quiet 0"),
        format!("XREADGROUP GROUP g alice COUNT 2 STREAMS {K} >"),
        format!("XREADGROUP GROUP quiet nobody NOACK STREAMS {K} >"),
        format!("XADD {K} MAXLEN ~ 1 * a 4"),
    ];
    for line in &script {
        assert!(!cmd(&mut sim, "A", line).is_error(), "{line}");
    }
    common::run_for(&mut sim, 700);
    let ids: Vec<String> = match cmd(&mut sim, "A", &format!("XRANGE {K} - +")) {
        Value::Array(entries) => entries
            .iter()
            .map(|e| match e {
                Value::Array(pair) => text(&pair[0]),
                other => panic!("{other:?}"),
            })
            .collect(),
        other => panic!("{other:?}"),
    };
    for line in [
        format!("XCLAIM {K} g bob 500 {}", ids[0]),
        format!("XDEL {K} {}", ids[1]),
        format!("XAUTOCLAIM {K} g carol 0 0"),
        format!("XACK {K} g {}", ids[0]),
    ] {
        assert!(!cmd(&mut sim, "A", &line).is_error(), "{line}");
    }
    common::run_for(&mut sim, 300);
    assert_eq!(text(&cmd_as(&mut sim, &replica, 9, "READONLY")), "OK");
    for q in [
        "XPENDING {K} g - + 10",
        "XPENDING {K} g",
        "XRANGE {K} - +",
        "XLEN {K}",
        "XINFO GROUPS {K}",
    ] {
        let q = q.replace("{K}", K);
        let on_master = cmd(&mut sim, "A", &q);
        let mut on_replica = cmd_as(&mut sim, &replica, 9, &q);
        if q.starts_with("XINFO") {
            // XCLAIM … LASTID moves a replica's last delivered ID but not
            // its read counter: a real 7.0.15 replica of a group created
            // without ENTRIESREAD reports entries-read as nil (and the lag
            // too, when it cannot estimate it) where its master counts.
            on_replica = with_master_counters(on_replica, &on_master);
        }
        assert_eq!(
            on_replica, on_master,
            "{q}: the replica differs from its master"
        );
    }
}

/// `replica`'s XINFO GROUPS with the master's entries-read and lag
/// wherever the replica says nil (and only there).
fn with_master_counters(replica: Value, master: &Value) -> Value {
    let (Value::Array(r), Value::Array(m)) = (replica.clone(), master) else {
        return replica;
    };
    let merged = r
        .into_iter()
        .zip(m)
        .map(|(rg, mg)| match (rg, mg) {
            (Value::Map(rf), Value::Map(mf)) => Value::Map(
                rf.into_iter()
                    .zip(mf)
                    .map(|(r, m)| if r.1 == Value::Null { m.clone() } else { r })
                    .collect(),
            ),
            (rg, _) => rg,
        })
        .collect();
    Value::Array(merged)
}

/// A replica added later gets the stream in its full resync's RDB
/// (`RDB_TYPE_STREAM_LISTPACKS_2`): entries, tombstones, groups, PEL,
/// consumers, delivery and seen times — XINFO STREAM FULL is the same.
#[test]
fn a_full_resync_carries_streams_whole() {
    let seed = 7;
    let mut sim = cluster(3, 0, 3000, seed);
    let a = idx(&sim, "A");
    for line in [
        format!("XADD {K} 1-0 a 1 b 2"),
        format!("XADD {K} 2-0 a 3 b 4"),
        format!("XADD {K} 3-0 other field"),
        format!("XGROUP CREATE {K} g 0"),
        format!("XREADGROUP GROUP g alice COUNT 2 STREAMS {K} >"),
        format!("XDEL {K} 2-0"),
        format!("XGROUP CREATECONSUMER {K} g idle"),
    ] {
        assert!(!cmd(&mut sim, "A", &line).is_error(), "seed {seed}: {line}");
    }
    let port = sim.nodes().last().expect("nodes").client_addr.port() + 1;
    let task = Task::AddReplica {
        name: "E".into(),
        port,
        seed: 4242,
        master: a,
    };
    let job = sim.start_job(0, task, JobOptions::default());
    let limit = Time(sim.now().ms() + 60_000);
    assert!(
        sim.run_job(job, limit),
        "seed {seed}: add-node did not finish"
    );
    let e = sim.job(job).new_node().expect("a new node");
    let e_name = sim.nodes()[e].name.clone();
    assert!(
        sim.run_until_pred(Time(sim.now().ms() + 30_000), |s| s
            .node(e)
            .master()
            .is_some()
            && s.node(e).keyspace().holds(K.as_bytes())),
        "seed {seed}: the new replica never loaded the stream"
    );
    assert_eq!(text(&cmd_as(&mut sim, &e_name, 9, "READONLY")), "OK");
    let full = format!("XINFO STREAM {K} FULL COUNT 0");
    assert_eq!(
        cmd_as(&mut sim, &e_name, 9, &full),
        cmd(&mut sim, "A", &full),
        "seed {seed}: the replica's stream differs from its master's"
    );
}

/// Routing follows the key specs: XREAD's keys are those after STREAMS
/// (`xreadGetKeys`), so a stream named like an option still routes, keys
/// of two slots are CROSSSLOT, and on a READONLY replica XREAD is served
/// but XREADGROUP and XGROUP CREATE (writes) are redirected.
#[test]
fn routing_follows_stream_key_specs() {
    let mut sim = quiet_cluster();
    cmd(&mut sim, "A", &format!("XADD {K} 1-0 a 1"));
    assert_eq!(
        text(&cmd(&mut sim, "B", &format!("XREAD COUNT 1 STREAMS {K} 0"))),
        "MOVED 1649 127.0.0.1:7000"
    );
    assert_eq!(
        text(&cmd(&mut sim, "A", &format!("XREAD STREAMS {K} other 0 0"))),
        "CROSSSLOT Keys in request don't hash to the same slot"
    );
    assert_eq!(
        text(&cmd(&mut sim, "B", &format!("XINFO STREAM {K}"))),
        "MOVED 1649 127.0.0.1:7000"
    );
    common::run_for(&mut sim, 200);
    let replica = replica_of_a(&sim);
    assert_eq!(text(&cmd_as(&mut sim, &replica, 9, "READONLY")), "OK");
    let served = cmd_as(&mut sim, &replica, 9, &format!("XREAD STREAMS {K} 0"));
    assert!(
        matches!(served, Value::Array(ref v) if v.len() == 1),
        "{served:?}"
    );
    for write in [
        format!("XGROUP CREATE {K} g 0"),
        format!("XREADGROUP GROUP g c STREAMS {K} >"),
        format!("XADD {K} * a 1"),
    ] {
        assert_eq!(
            text(&cmd_as(&mut sim, &replica, 9, &write)),
            "MOVED 1649 127.0.0.1:7000",
            "{write}"
        );
    }
}

/// BLOCK is parsed in full (`getTimeoutFromObjectOrReply` in ms) and
/// served at once when there is data (`xreadCommand`'s synchronous path).
#[test]
fn block_serves_data_at_once() {
    let mut sim = quiet_cluster();
    cmd(&mut sim, "A", &format!("XADD {K} 1-0 a 1"));
    let served = cmd(&mut sim, "A", &format!("XREAD BLOCK 100 STREAMS {K} 0"));
    assert!(
        matches!(served, Value::Array(ref v) if v.len() == 1),
        "{served:?}"
    );
    assert_eq!(
        text(&cmd(
            &mut sim,
            "A",
            &format!("XREAD BLOCK -1 STREAMS {K} $")
        )),
        "ERR timeout is negative"
    );
    assert_eq!(
        cmd(&mut sim, "A", &format!("XREAD STREAMS {K} $")),
        Value::NullArray
    );
}
