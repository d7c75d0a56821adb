//! Pub/sub in a cluster as Redis 7.0 does it: PUBLISH is broadcast to every
//! node over the bus, SPUBLISH stays in the channel's shard, replies count
//! only local receivers, and subscribers get pushes (arrays in RESP2).

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::{split_args, Protocol, Value};
use clusterlab_core::sim::{JobOptions, Sim, Task};
use clusterlab_core::slot::tag_for_slot;
use common::quiet_cluster as cluster;

fn cmd(sim: &mut Sim, node: &str, client: u64, line: &str) -> Option<Value> {
    let idx = sim.index_of(node).expect("node exists");
    sim.command(idx, ClientId(client), split_args(line.as_bytes()).unwrap())
}

fn push(items: &[&str]) -> Value {
    Value::Push(
        items
            .iter()
            .map(|i| match i.parse::<i64>() {
                Ok(n) => Value::Integer(n),
                Err(_) => Value::bulk(i),
            })
            .collect(),
    )
}

/// Runs 20 ms; returns what each (node name, client) received.
fn deliveries(sim: &mut Sim) -> Vec<(String, u64, Value)> {
    let t = sim.now() + 20;
    sim.run_until(t);
    sim.take_replies()
        .into_iter()
        .map(|(n, c, v)| (sim.nodes()[n].name.clone(), c.0, v))
        .collect()
}

fn info_field(sim: &mut Sim, node: &str, field: &str) -> String {
    let Some(Value::Verbatim(info)) = cmd(sim, node, 99, "CLUSTER INFO") else {
        panic!("CLUSTER INFO is text")
    };
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")).map(str::to_string))
        .unwrap_or_default()
}

/// A PUBLISH on one node reaches subscribers on every node (replicas too),
/// channel and pattern subscribers alike; the reply counts local receivers.
#[test]
fn publish_is_broadcast_to_every_node() {
    let mut sim = cluster();
    assert_eq!(
        cmd(&mut sim, "B", 10, "SUBSCRIBE news other"),
        Some(push(&["subscribe", "news", "1"]))
    );
    cmd(&mut sim, "C", 11, "HELLO 3");
    cmd(&mut sim, "C", 11, "SUBSCRIBE news");
    assert_eq!(
        cmd(&mut sim, "A1", 12, "PSUBSCRIBE n*"),
        Some(push(&["psubscribe", "n*", "1"]))
    );
    cmd(&mut sim, "A", 13, "SUBSCRIBE news");
    sim.take_replies();

    assert_eq!(
        cmd(&mut sim, "A", 1, "PUBLISH news hello"),
        Some(Value::Integer(1))
    );
    let got = deliveries(&mut sim);
    let message = push(&["message", "news", "hello"]);
    assert!(got.contains(&("B".into(), 10, message.clone())), "{got:?}");
    assert!(got.contains(&("C".into(), 11, message.clone())), "{got:?}");
    assert!(got.contains(&("A1".into(), 12, push(&["pmessage", "n*", "news", "hello"]))));
    assert!(got.contains(&("A".into(), 13, message.clone())), "{got:?}");
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(
        info_field(&mut sim, "A", "cluster_stats_messages_publish_sent"),
        "5"
    );

    // RESP2: a plain array; RESP3 (HELLO 3): a push.
    assert_eq!(
        message.to_bytes(Protocol::Resp2),
        b"*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n"
    );
    assert_eq!(message.to_bytes(Protocol::Resp3)[0], b'>');
    let c = sim.index_of("C").unwrap();
    assert_eq!(sim.node(c).client_protocol(ClientId(11)), Protocol::Resp3);
}

/// SPUBLISH is routed by the channel's slot and only the shard (master and
/// replicas) hears it over the bus (PUBLISHSHARD); SSUBSCRIBE works on a
/// replica of the owner and is redirected elsewhere.
#[test]
fn spublish_stays_in_the_shard() {
    let mut sim = cluster();
    // user:1000 hashes to slot 1649, served by A.
    assert_eq!(
        cmd(&mut sim, "B", 10, "SSUBSCRIBE user:1000"),
        Some(Value::err("MOVED 1649 127.0.0.1:7000"))
    );
    assert_eq!(
        cmd(&mut sim, "A1", 10, "SSUBSCRIBE user:1000"),
        Some(push(&["ssubscribe", "user:1000", "1"]))
    );
    assert_eq!(
        cmd(&mut sim, "A", 1, "SPUBLISH user:1000 hi"),
        Some(Value::Integer(0))
    );
    let shard_msgs: Vec<String> = sim
        .in_flight()
        .filter(|m| m.payload.label() == "PUBLISHSHARD")
        .map(|m| sim.nodes()[m.to].name.clone())
        .collect();
    assert_eq!(shard_msgs, vec!["A1"]);
    let got = deliveries(&mut sim);
    assert_eq!(
        got,
        vec![("A1".into(), 10, push(&["smessage", "user:1000", "hi"]))]
    );
    assert_eq!(
        cmd(&mut sim, "C", 1, "SPUBLISH user:1000 hi"),
        Some(Value::err("MOVED 1649 127.0.0.1:7000"))
    );
}

/// RESP2 subscribers may only (un)subscribe and PING (which then answers
/// `["pong", ""]`); the check comes after cluster routing, as in
/// processCommand; unsubscribing from everything leaves that mode.
#[test]
fn resp2_subscriber_context() {
    let mut sim = cluster();
    cmd(&mut sim, "A", 10, "SUBSCRIBE a b");
    sim.take_replies();
    let only =
        "only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";
    assert_eq!(
        cmd(&mut sim, "A", 10, "GET k"),
        Some(Value::err("MOVED 7629 127.0.0.1:7001"))
    );
    assert_eq!(
        cmd(&mut sim, "A", 10, "GET user:1000"),
        Some(Value::err(format!("ERR Can't execute 'get': {only}")))
    );
    assert_eq!(
        cmd(&mut sim, "A", 10, "CLUSTER INFO"),
        Some(Value::err(format!(
            "ERR Can't execute 'cluster|info': {only}"
        )))
    );
    assert_eq!(
        cmd(&mut sim, "A", 10, "PING"),
        Some(Value::Array(vec![Value::bulk("pong"), Value::bulk("")]))
    );
    assert_eq!(
        cmd(&mut sim, "A", 10, "UNSUBSCRIBE"),
        Some(push(&["unsubscribe", "a", "1"]))
    );
    assert_eq!(sim.take_replies().len(), 1, "one confirmation per channel");
    assert_eq!(
        cmd(&mut sim, "A", 10, "UNSUBSCRIBE"),
        Some(Value::Push(vec![
            Value::bulk("unsubscribe"),
            Value::Null,
            Value::Integer(0)
        ]))
    );
    assert_eq!(
        cmd(&mut sim, "A", 10, "PING"),
        Some(Value::Simple("PONG".into()))
    );
}

/// PUBSUB CHANNELS / NUMSUB / NUMPAT / SHARDNUMSUB describe this node only.
#[test]
fn pubsub_introspection_is_local() {
    let mut sim = cluster();
    cmd(&mut sim, "A", 10, "SUBSCRIBE news");
    cmd(&mut sim, "A", 11, "SUBSCRIBE news sport");
    cmd(&mut sim, "A", 11, "PSUBSCRIBE x*");
    cmd(&mut sim, "B", 12, "SUBSCRIBE weather");
    assert_eq!(
        cmd(&mut sim, "A", 1, "PUBSUB CHANNELS"),
        Some(Value::Array(vec![
            Value::bulk("news"),
            Value::bulk("sport")
        ]))
    );
    assert_eq!(
        cmd(&mut sim, "A", 1, "PUBSUB NUMSUB news weather"),
        Some(Value::Array(vec![
            Value::bulk("news"),
            Value::Integer(2),
            Value::bulk("weather"),
            Value::Integer(0)
        ]))
    );
    assert_eq!(
        cmd(&mut sim, "A", 1, "PUBSUB NUMPAT"),
        Some(Value::Integer(1))
    );
    assert_eq!(
        cmd(&mut sim, "A", 1, "PUBSUB NUMPAT x"),
        Some(Value::err(
            "ERR wrong number of arguments for 'pubsub|numpat' command"
        ))
    );
    assert_eq!(
        cmd(&mut sim, "A", 1, "PUBSUB FOO"),
        Some(Value::err("ERR unknown subcommand 'FOO'. Try PUBSUB HELP."))
    );
}

/// When a slot leaves a shard, that shard's nodes unsubscribe the clients of
/// its shard channels with a `sunsubscribe` push (`removeChannelsInSlot`).
#[test]
fn shard_subscribers_lose_a_moved_slot() {
    let mut sim = cluster();
    let channel = format!("{{{}}}:ch", tag_for_slot(0));
    cmd(&mut sim, "A", 10, &format!("SSUBSCRIBE {channel}"));
    cmd(&mut sim, "A1", 11, &format!("SSUBSCRIBE {channel}"));
    sim.take_replies();
    let (a, b) = (sim.index_of("A").unwrap(), sim.index_of("B").unwrap());
    let job = sim.start_job(
        a,
        Task::Reshard {
            from: a,
            to: b,
            slots: 1,
        },
        JobOptions::default(),
    );
    assert!(sim.run_job(job, sim.now() + 10_000));
    let t = sim.now() + 3000;
    sim.run_until(t);
    let got: Vec<(usize, u64, Value)> = sim
        .take_replies()
        .into_iter()
        .map(|(n, c, v)| (n, c.0, v))
        .collect();
    let gone = Value::Push(vec![
        Value::bulk("sunsubscribe"),
        Value::bulk(&channel),
        Value::Integer(0),
    ]);
    let a1 = sim.index_of("A1").unwrap();
    assert_eq!(got, vec![(a, 10, gone.clone()), (a1, 11, gone)]);
}
