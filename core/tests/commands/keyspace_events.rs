//! Keyspace notifications in a simulated cluster (`notify.c`): events go
//! to the subscribers of the node that ran the command, never over the
//! bus (`pubsubPublishMessage`, not the cluster's PUBLISH), and a replica
//! raises them again as it applies its master's stream (the master's
//! expiry arrives there as `del`). Event names per command are compared
//! with redis-server 7.0.15 in `native/notify.rs`.

use crate::common;

use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{idx, quiet_cluster, run_for};

/// A key of slot 1649, served by A.
const K: &str = "{user:1000}k";

fn on(sim: &mut Sim, node: &str, c: u64, line: &str) -> Option<Value> {
    let i = idx(sim, node);
    let args = clusterlab_core::resp::split_args(line.as_bytes()).expect("valid line");
    sim.command(i, ClientId(c), args)
}

/// The (channel, payload) of each pmessage delivered since the last call,
/// by node name.
fn messages(sim: &mut Sim) -> Vec<(String, String, String)> {
    let names: Vec<String> = sim.nodes().iter().map(|n| n.name.clone()).collect();
    sim.take_replies()
        .into_iter()
        .filter_map(|(node, _, v)| match v {
            Value::Push(parts) | Value::Array(parts) if parts.len() == 4 => {
                let s = |v: &Value| match v {
                    Value::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
                    other => format!("{other:?}"),
                };
                Some((names[node].clone(), s(&parts[2]), s(&parts[3])))
            }
            _ => None,
        })
        .collect()
}

fn subscribe_everywhere(sim: &mut Sim, nodes: &[&str]) {
    for n in nodes {
        on(sim, n, 1, "CONFIG SET notify-keyspace-events KEA");
        on(sim, n, 9, "PSUBSCRIBE __key*@0__:*");
    }
    sim.take_replies();
}

/// The events of a write reach the subscribers of its node only.
#[test]
fn events_stay_on_the_node_that_ran_the_command() {
    let mut sim = quiet_cluster();
    subscribe_everywhere(&mut sim, &["A", "B", "C"]);
    on(&mut sim, "A", 1, &format!("SET {K} v"));
    run_for(&mut sim, 500);
    let got = messages(&mut sim);
    let on_a: Vec<_> = got.iter().filter(|(n, _, _)| n == "A").cloned().collect();
    assert_eq!(
        on_a,
        vec![
            ("A".into(), format!("__keyspace@0__:{K}"), "set".into()),
            ("A".into(), "__keyevent@0__:set".into(), K.into()),
        ]
    );
    assert!(got.iter().all(|(n, _, _)| n == "A"), "{got:?}");
}

/// A replica applying the stream raises the same events; a key its
/// master expired reaches it as `DEL`, so as `del`.
#[test]
fn a_replica_raises_the_events_of_the_stream_it_applies() {
    let mut sim = quiet_cluster();
    let a = idx(&sim, "A");
    let replica = (0..sim.nodes().len())
        .find(|&i| sim.node(i).master() == Some(sim.node(a).id()))
        .map(|i| sim.nodes()[i].name.clone())
        .expect("A has a replica");
    subscribe_everywhere(&mut sim, &[&replica]);
    on(&mut sim, "A", 1, &format!("RPUSH {K} a b"));
    on(&mut sim, "A", 1, &format!("PEXPIRE {K} 50"));
    run_for(&mut sim, 1500);
    let events: Vec<String> = messages(&mut sim)
        .into_iter()
        .filter(|(_, ch, _)| ch.starts_with("__keyspace"))
        .map(|(_, _, e)| e)
        .collect();
    assert_eq!(events, vec!["rpush", "expire", "del"]);
}

/// RESTORE (`restoreCommand`): `new` from `dbAdd`, then `restore`; with
/// REPLACE the old value goes silently first (so `new` again); a TTL
/// already past deletes the replaced key (`del`) and creates nothing —
/// the sequence redis-server 7.0.15 publishes for the same three calls.
#[test]
fn restore_raises_new_then_restore() {
    let mut sim = quiet_cluster();
    subscribe_everywhere(&mut sim, &["A"]);
    on(&mut sim, "A", 1, "CONFIG SET notify-keyspace-events KEAn");
    on(&mut sim, "A", 1, &format!("SET {K} v"));
    let Some(Value::Bulk(payload)) = on(&mut sim, "A", 1, &format!("DUMP {K}")) else {
        panic!("DUMP answers a payload");
    };
    messages(&mut sim);
    let a = idx(&sim, "A");
    let k2 = "{user:1000}k2";
    for extra in [&[][..], &["REPLACE"], &["REPLACE", "ABSTTL"]] {
        let ttl: &[u8] = if extra.len() == 2 { b"1" } else { b"0" };
        let mut args = vec![
            b"RESTORE".to_vec(),
            k2.as_bytes().to_vec(),
            ttl.to_vec(),
            payload.clone(),
        ];
        args.extend(extra.iter().map(|w| w.as_bytes().to_vec()));
        assert_eq!(sim.command(a, ClientId(1), args), Some(Value::ok()));
    }
    let events: Vec<String> = messages(&mut sim)
        .into_iter()
        .filter(|(_, ch, _)| ch.starts_with("__keyspace"))
        .map(|(_, _, e)| e)
        .collect();
    assert_eq!(events, vec!["new", "restore", "new", "restore", "del"]);
}

/// MIGRATE (`migrateCommand`): the source raises `del` for each key it
/// moved once the target accepted it; the target, running
/// RESTORE-ASKING, raises `restore` first (and `new` before it with `n`).
#[test]
fn migrate_raises_del_on_the_source_and_restore_on_the_target() {
    let mut sim = quiet_cluster();
    let (a, b) = (idx(&sim, "A"), idx(&sim, "B"));
    let (a_id, b_id) = (sim.node(a).id(), sim.node(b).id());
    on(&mut sim, "A", 1, &format!("SET {K} v"));
    subscribe_everywhere(&mut sim, &["A", "B"]);
    on(
        &mut sim,
        "B",
        1,
        &format!("CLUSTER SETSLOT 1649 IMPORTING {a_id}"),
    );
    on(
        &mut sim,
        "A",
        1,
        &format!("CLUSTER SETSLOT 1649 MIGRATING {b_id}"),
    );
    messages(&mut sim);
    assert_eq!(
        on(
            &mut sim,
            "A",
            1,
            &format!("MIGRATE 127.0.0.1 7001 {K} 0 5000")
        ),
        None
    );
    run_for(&mut sim, 50);
    let events: Vec<(String, String)> = messages(&mut sim)
        .into_iter()
        .filter(|(_, ch, _)| ch.starts_with("__keyspace"))
        .map(|(n, _, e)| (n, e))
        .collect();
    let pair = |n: &str, e: &str| (n.to_string(), e.to_string());
    assert_eq!(events, vec![pair("B", "restore"), pair("A", "del")]);
}
