//! The cluster client model against scripted replies (what redis-py's
//! `RedisCluster` does on each error, docs/redis-behaviour.md §11.3), and against a simulated
//! cluster during a failover.

use crate::common;
use clusterlab_core::client::{
    ClientConfig, ClientError, ClientEvent, ClusterClient, RedirectKind, Transmit,
};
use clusterlab_core::resp::Value;
use clusterlab_core::sim::{Scenario, Workload};
use clusterlab_core::{Config, Time};
use std::net::SocketAddr;

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

fn args(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|a| a.as_bytes().to_vec()).collect()
}

fn line(t: &Transmit) -> String {
    let parts: Vec<String> = t
        .args
        .iter()
        .map(|a| String::from_utf8_lossy(a).into())
        .collect();
    format!("{} {}", t.to.port(), parts.join(" "))
}

/// `CLUSTER SLOTS` for two masters: 0-8191 on 7000, the rest on 7001.
fn slots_reply() -> Value {
    let node = |port| {
        Value::Array(vec![
            Value::bulk("127.0.0.1"),
            Value::Integer(port),
            Value::bulk("x"),
        ])
    };
    Value::Array(vec![
        Value::Array(vec![Value::Integer(0), Value::Integer(8191), node(7000)]),
        Value::Array(vec![
            Value::Integer(8192),
            Value::Integer(16383),
            node(7001),
        ]),
    ])
}

/// A client with its slot map loaded.
fn loaded() -> ClusterClient {
    let mut c = ClusterClient::new(vec![addr(7000)], ClientConfig::default());
    let id = c.call(args("PING"));
    let t = c.poll_transmit().unwrap();
    assert_eq!(line(&t), "7000 CLUSTER SLOTS");
    c.handle_reply(Time(0), t.token, slots_reply());
    let t = c.poll_transmit().unwrap();
    assert_eq!(line(&t), "7000 PING");
    c.handle_reply(Time(0), t.token, Value::Simple("PONG".into()));
    assert!(matches!(c.poll_event(), Some(ClientEvent::Done { id: d, .. }) if d == id));
    c
}

fn done(c: &mut ClusterClient) -> (Result<Value, ClientError>, u32) {
    loop {
        match c.poll_event() {
            Some(ClientEvent::Done {
                reply, redirects, ..
            }) => return (reply, redirects),
            Some(ClientEvent::Redirected { .. }) => continue,
            None => panic!("not done"),
        }
    }
}

/// The slot is computed client-side (user:1000 → 1649 → 7000); MOVED
/// updates that slot and resends; every 5th MOVED reloads the whole map
/// instead (`reinitialize_steps`).
#[test]
fn moved_updates_the_map_and_reloads_every_fifth_time() {
    let mut c = loaded();
    c.call(args("GET user:1000"));
    let mut t = c.poll_transmit().unwrap();
    assert_eq!(line(&t), "7000 GET user:1000");
    for i in 1..=5u16 {
        let port = if i % 2 == 1 { 7001 } else { 7000 };
        c.handle_reply(
            Time(0),
            t.token,
            Value::err(format!("MOVED 1649 127.0.0.1:{port}")),
        );
        t = c.poll_transmit().unwrap();
        if i < 5 {
            assert_eq!(line(&t), format!("{port} GET user:1000"));
            assert_eq!(c.slot_map().get(1649), Some(addr(port)));
        }
    }
    assert_eq!(line(&t), "7000 CLUSTER SLOTS");
    c.handle_reply(Time(0), t.token, slots_reply());
    let t = c.poll_transmit().unwrap();
    assert_eq!(line(&t), "7000 GET user:1000");
    c.handle_reply(Time(0), t.token, Value::bulk("v"));
    assert_eq!(done(&mut c), (Ok(Value::bulk("v")), 5));
    assert_eq!((c.stats().moved, c.stats().refreshes), (5, 2));
}

/// ASK: `ASKING` then the command, once, to the importing node; the map
/// does not change.
#[test]
fn ask_sends_asking_then_the_command() {
    let mut c = loaded();
    let id = c.call(args("GET user:1000"));
    let t = c.poll_transmit().unwrap();
    c.handle_reply(Time(0), t.token, Value::err("ASK 1649 127.0.0.1:7001"));
    let asking = c.poll_transmit().unwrap();
    let retry = c.poll_transmit().unwrap();
    assert_eq!(line(&asking), "7001 ASKING");
    assert_eq!(line(&retry), "7001 GET user:1000");
    c.handle_reply(Time(0), asking.token, Value::ok());
    c.handle_reply(Time(0), retry.token, Value::bulk("v"));
    let Some(ClientEvent::Redirected { redirect, id: rid }) = c.poll_event() else {
        panic!("redirect event first")
    };
    assert_eq!((redirect.kind, rid), (RedirectKind::Ask, id));
    assert_eq!(done(&mut c), (Ok(Value::bulk("v")), 1));
    assert_eq!(c.slot_map().get(1649), Some(addr(7000)));
}

/// TRYAGAIN is retried at once until half the TTL (16) is spent, then
/// after 50 ms; when the TTL runs out the client gives up.
#[test]
fn tryagain_retries_then_waits_then_gives_up() {
    let mut c = loaded();
    c.call(args("MGET {a}1 {a}2"));
    let (mut now, mut sends, mut sleeps) = (Time(0), 0, 0);
    loop {
        let Some(t) = c.poll_transmit() else {
            let Some(wake) = c.poll_timeout() else { break };
            assert_eq!(wake, now + 50);
            (now, sleeps) = (wake, sleeps + 1);
            c.handle_timeout(now);
            continue;
        };
        sends += 1;
        let busy = "TRYAGAIN Multiple keys request during rehashing of slot";
        c.handle_reply(now, t.token, Value::err(busy));
    }
    // Sends 9 to 16 are each followed by a pause.
    assert_eq!(sleeps, 8);
    assert_eq!(sends, 16);
    assert_eq!(done(&mut c), (Err(ClientError::TtlExhausted), 0));
}

/// CLUSTERDOWN: wait 250 ms, reload the map, retry the whole command; after
/// 3 retries the error is the reply.
#[test]
fn clusterdown_waits_reloads_and_retries_three_times() {
    let mut c = loaded();
    c.call(args("GET user:1000"));
    let mut now = Time(0);
    for round in 0..4 {
        let t = c.poll_transmit().unwrap();
        assert_eq!(line(&t), "7000 GET user:1000", "round {round}");
        c.handle_reply(now, t.token, Value::err("CLUSTERDOWN The cluster is down"));
        if round == 3 {
            break;
        }
        assert!(c.poll_transmit().is_none());
        assert_eq!(c.poll_timeout(), Some(now + 250));
        now = now + 250;
        c.handle_timeout(now);
        let reload = c.poll_transmit().unwrap();
        assert!(line(&reload).ends_with("CLUSTER SLOTS"));
        c.handle_reply(now, reload.token, slots_reply());
    }
    assert_eq!(
        done(&mut c),
        (Ok(Value::err("CLUSTERDOWN The cluster is down")), 0)
    );
    assert_eq!(c.stats().clusterdown, 4);
}

/// Keys in different slots are refused before anything is sent.
#[test]
fn crossslot_is_refused_client_side() {
    let mut c = loaded();
    c.call(args("MGET a b"));
    assert!(c.poll_transmit().is_none());
    assert_eq!(done(&mut c), (Err(ClientError::CrossSlot), 0));
}

/// An application writing through the client while its master dies: the
/// writes fail while nobody serves the slot, then go to the promoted
/// replica once CLUSTER SLOTS says so.
#[test]
fn workload_survives_a_failover() {
    let mut sim = Scenario {
        config: Config {
            node_timeout: 2000,
            ..Config::default()
        },
        write_every_ms: None,
        ..Scenario::default()
    }
    .build()
    .unwrap();
    // A replica that never synced refuses to fail over.
    common::wait_first_sync(&mut sim);
    let (a, a1) = (sim.index_of("A").unwrap(), sim.index_of("A1").unwrap());
    let app = sim.add_client(&[a, 1], ClientConfig::default());
    sim.start_workload(
        app,
        Workload {
            every_ms: 50,
            keys: vec![b"user:1000".to_vec()],
        },
    );
    let t = sim.now() + 1000;
    sim.run_until(t);
    let before = sim.workload_stats(app).unwrap().clone();
    assert!(before.acked >= 19 && before.failed == 0, "{before:?}");
    sim.crash(a);
    let t = sim.now() + 20_000;
    sim.run_until(t);
    let after = sim.workload_stats(app).unwrap().clone();
    assert!(after.failed > 0, "{after:?}");
    assert!(after.acked > before.acked + 50, "{after:?}");
    let owner = sim.cluster_client(app).slot_map().get(1649);
    assert_eq!(owner, Some(sim.nodes()[a1].client_addr));
    assert!(sim.cluster_client(app).stats().unreachable > 0);
}
