//! The simulator and the native node, one scenario each, played both ways: a simulated
//! one-master cluster and a real clusterlab-node process owning every slot get the same
//! commands, the same restarts and the same waits, and must answer the same (ports and
//! node IDs masked). What a lesson shows in the page is then what a learner sees with
//! redis-cli on a local node:
//! - data kept across `kill -9` and restart, by the RDB (`SAVE`) or the AOF (rdb.c, aof.c);
//! - CONFIG SET acting at once, and gone after a restart: neither has a config file, so the
//!   process starts again from its command line (config.c);
//! - hostnames: `cluster-announce-hostname` and `cluster-preferred-endpoint-type` as CLUSTER
//!   SLOTS, SHARDS and NODES show them (cluster.c);
//! - DEBUG SLEEP: the node serves nobody until it wakes (debug.c);
//! - `repl-diskless-sync-delay`: a new replica's first full resync starts that long after
//!   its PSYNC (replication.c);
//! - a replica killed and restarted continues from the RDB its full resync left (replication.c).

use crate::common::native::compare::{own_every_slot, Raw};
use crate::common::native::mixed::{one_master_cluster, replicate, wait_state_ok};
use crate::common::native::NodeProc;
use crate::common::{idx, wait_first_sync};
use clusterlab_core::event::Event;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::{parse_reply, split_args, Protocol, Value};
use clusterlab_core::sim::{Scenario, Sim};
use clusterlab_core::Config;
use std::time::Duration;

const NODE_TIMEOUT: u64 = 5000;

/// One side of the comparison: a node that takes commands on numbered connections, can be
/// killed and restarted, and lets time pass.
trait Side {
    /// Sends `line` (split as redis-cli splits it) on connection `conn`, without waiting.
    fn send(&mut self, conn: usize, line: &str);
    /// The reply to connection `conn`'s oldest unanswered command, if it has come.
    fn reply(&mut self, conn: usize) -> Option<Value>;
    /// Lets `ms` pass (simulated or real).
    fn wait(&mut self, ms: u64);
    /// `kill -9`, then a start with the same command line, until it serves again.
    fn kill_and_restart(&mut self);
    /// The node's client and bus ports, and its ID: masked before comparing.
    fn identity(&mut self) -> (u16, u16, String);

    /// `line`'s reply on connection `conn`, waiting for it.
    fn call(&mut self, conn: usize, line: &str) -> Value {
        self.send(conn, line);
        for _ in 0..100 {
            if let Some(v) = self.reply(conn) {
                return v;
            }
            self.wait(100);
        }
        panic!("no reply to {line} in 10 s");
    }
}

/// A simulated cluster of one master with every slot.
struct Simulated {
    sim: Sim,
    /// Replies that came later than their command, by connection.
    late: Vec<Vec<Value>>,
}

impl Simulated {
    fn new(config: Config) -> Simulated {
        let sim = Scenario {
            masters: 1,
            replicas: 0,
            config,
            write_every_ms: None,
            ..Scenario::default()
        }
        .build()
        .expect("a one-master cluster forms");
        Simulated {
            sim,
            late: vec![Vec::new(); 4],
        }
    }

    fn collect(&mut self) {
        for (_, client, v) in self.sim.take_replies() {
            self.late[(client.0 - 100) as usize].push(v);
        }
    }
}

impl Side for Simulated {
    fn send(&mut self, conn: usize, line: &str) {
        let args = split_args(line.as_bytes()).expect("a well-formed line");
        if let Some(v) = self.sim.command(0, ClientId(100 + conn as u64), args) {
            self.late[conn].push(v);
        }
    }

    /// As a RESP2 client reads it: encoded as the node would write it, parsed back.
    fn reply(&mut self, conn: usize) -> Option<Value> {
        self.collect();
        let v = (!self.late[conn].is_empty()).then(|| self.late[conn].remove(0))?;
        let wire = v.to_bytes(Protocol::Resp2);
        let (read, _) = parse_reply(&wire).ok()??;
        Some(read)
    }

    fn wait(&mut self, ms: u64) {
        let until = self.sim.now() + ms;
        self.sim.run_until(until);
        self.collect();
    }

    fn kill_and_restart(&mut self) {
        self.sim.crash(0);
        self.sim.restart(0);
        let limit = self.sim.now() + 10_000;
        self.sim.run_until_pred(limit, |s| s.node(0).state_ok());
        assert!(
            self.sim.node(0).state_ok(),
            "the restarted node serves again"
        );
        self.late.iter_mut().for_each(Vec::clear);
    }

    fn identity(&mut self) -> (u16, u16, String) {
        let n = &self.sim.nodes()[0];
        let bus = n.bus_addr.port();
        (bus - 10_000, bus, n.node.id().to_string())
    }
}

/// A clusterlab-node process owning every slot, with raw connections.
struct Native {
    node: NodeProc,
    conns: Vec<Raw>,
}

impl Native {
    fn new(extra: &[&str]) -> Native {
        let node = NodeProc::start_with(NODE_TIMEOUT, extra);
        own_every_slot(&node);
        let conns = (0..4).map(|_| Raw::connect(node.port, false)).collect();
        Native { node, conns }
    }
}

impl Side for Native {
    fn send(&mut self, conn: usize, line: &str) {
        let args = split_args(line.as_bytes()).expect("a well-formed line");
        self.conns[conn].write_args(&args);
    }

    fn reply(&mut self, conn: usize) -> Option<Value> {
        let c = &mut self.conns[conn];
        c.has_reply_within(1).then(|| c.read_reply().1)
    }

    fn wait(&mut self, ms: u64) {
        std::thread::sleep(Duration::from_millis(ms));
    }

    fn kill_and_restart(&mut self) {
        self.node.kill();
        self.node.spawn();
        wait_state_ok(&[&self.node]);
        self.conns = (0..4)
            .map(|_| Raw::connect(self.node.port, false))
            .collect();
    }

    fn identity(&mut self) -> (u16, u16, String) {
        let id = match self.call(3, "CLUSTER MYID") {
            Value::Bulk(b) => String::from_utf8(b).expect("an ID is text"),
            other => panic!("CLUSTER MYID: {other:?}"),
        };
        (self.node.port, self.node.port + 10_000, id)
    }
}

/// `v` with the node's ports and ID replaced by `<port>`, `<bus>` and `<id>`, so that two
/// nodes' replies compare.
fn masked(v: Value, ids: &(u16, u16, String)) -> Value {
    let (port, bus, id) = ids;
    let text = |s: String| {
        s.replace(id.as_str(), "<id>")
            .replace(&format!(":{port}"), ":<port>")
            .replace(&format!("@{bus}"), "@<bus>")
    };
    match v {
        Value::Integer(i) if i == i64::from(*port) => Value::Simple("<port>".into()),
        Value::Simple(s) => Value::Simple(text(s)),
        Value::Error(s) => Value::Error(text(s)),
        Value::Bulk(b) => Value::Bulk(text(String::from_utf8_lossy(&b).into_owned()).into_bytes()),
        Value::Array(items) => Value::Array(items.into_iter().map(|i| masked(i, ids)).collect()),
        other => other,
    }
}

/// Runs `scenario` on a simulated node started with `settings` (`name value` pairs, as the
/// command line gives them) and on a native one started with the same flags; fails with
/// both transcripts when they differ.
fn both(settings: &[(&str, &str)], scenario: fn(&mut dyn Side) -> Vec<(String, Value)>) {
    crate::common::native::require_redis_tools();
    let mut config = Config {
        node_timeout: NODE_TIMEOUT,
        ..Config::default()
    };
    let mut flags = Vec::new();
    for (name, value) in settings {
        config
            .set_param(name, value)
            .unwrap_or_else(|e| panic!("{name} {value}: {e:?}"));
        flags.push(format!("--{name}"));
        flags.push(value.to_string());
    }
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let run = |side: &mut dyn Side| {
        let transcript = scenario(side);
        let ids = side.identity();
        transcript
            .into_iter()
            .map(|(what, v)| (what, masked(v, &ids)))
            .collect::<Vec<_>>()
    };
    let simulated = run(&mut Simulated::new(config));
    let native = run(&mut Native::new(&flags));
    let differ: Vec<String> = simulated
        .iter()
        .zip(&native)
        .filter(|(s, n)| s != n)
        .map(|(s, n)| format!("{}\n  simulated: {:?}\n  native:    {:?}", s.0, s.1, n.1))
        .collect();
    assert!(
        differ.is_empty() && simulated.len() == native.len(),
        "the simulator and the native node differ:\n{}",
        differ.join("\n")
    );
}

/// Each line called on connection 0, with its reply.
fn calls(side: &mut dyn Side, lines: &[&str]) -> Vec<(String, Value)> {
    lines
        .iter()
        .map(|l| (l.to_string(), side.call(0, l)))
        .collect()
}

#[test]
fn an_rdb_save_survives_kill_and_restart_and_later_writes_do_not() {
    both(&[("appendonly", "no"), ("save", "")], |side| {
        let mut t = calls(
            side,
            &["SET saved 1", "RPUSH list a b c", "SAVE", "SET unsaved 2"],
        );
        side.kill_and_restart();
        t.extend(calls(
            side,
            &["GET saved", "LRANGE list 0 -1", "GET unsaved", "DBSIZE"],
        ));
        t
    });
}

#[test]
fn the_aof_keeps_every_write_across_kill_and_restart() {
    both(&[("appendonly", "yes"), ("save", "")], |side| {
        let mut t = calls(
            side,
            &[
                "SET k v",
                "INCR n",
                "INCR n",
                "HSET h f 1",
                "DEL k",
                "EXPIRE h 1000",
            ],
        );
        // appendfsync everysec: a write is on disk within a second or two.
        side.wait(2500);
        side.kill_and_restart();
        t.extend(calls(side, &["EXISTS k", "GET n", "HGETALL h", "DBSIZE"]));
        // The expiry is an absolute time in the AOF (PEXPIREAT): a few seconds have passed,
        // in real time natively, so the TTL is compared as "still about 1000 s".
        let ttl = side.call(0, "TTL h");
        let kept = matches!(ttl, Value::Integer(s) if (980..=1000).contains(&s));
        t.push((
            "TTL h is about 1000".into(),
            Value::Integer(i64::from(kept)),
        ));
        t
    });
}

#[test]
fn config_set_acts_at_once_and_a_restart_starts_from_the_command_line() {
    both(&[("save", "")], |side| {
        let mut t = calls(
            side,
            &[
                "CONFIG SET maxmemory-policy allkeys-lfu",
                "SET k v",
                "OBJECT FREQ k",
                "CONFIG SET cluster-node-timeout 9000",
                "CONFIG GET cluster-node-timeout",
            ],
        );
        side.kill_and_restart();
        t.extend(calls(
            side,
            &[
                "CONFIG GET maxmemory-policy",
                "CONFIG GET cluster-node-timeout",
            ],
        ));
        t
    });
}

#[test]
fn hostnames_show_in_cluster_slots_shards_and_nodes() {
    both(&[("save", "")], |side| {
        let mut t = calls(
            side,
            &[
                "CONFIG SET cluster-announce-hostname node-a.example",
                "CLUSTER SLOTS",
                "CONFIG SET cluster-preferred-endpoint-type hostname",
                "CLUSTER SLOTS",
                "CLUSTER SHARDS",
                "CONFIG SET cluster-preferred-endpoint-type unknown-endpoint",
                "CLUSTER SLOTS",
                "CONFIG SET cluster-announce-hostname bad_host!",
                "CONFIG SET cluster-preferred-endpoint-type ip",
            ],
        );
        // CLUSTER NODES: the myself line's address field, where the hostname follows a comma.
        let nodes = side.call(0, "CLUSTER NODES");
        let Value::Bulk(text) = &nodes else {
            panic!("CLUSTER NODES: {nodes:?}");
        };
        let text = String::from_utf8_lossy(text).into_owned();
        let myself = text
            .lines()
            .find(|l| l.contains("myself"))
            .expect("a myself line");
        let addr = myself.split(' ').nth(1).unwrap_or_default().to_string();
        t.push((
            "CLUSTER NODES address".into(),
            Value::Bulk(addr.into_bytes()),
        ));
        t
    });
}

#[test]
fn debug_sleep_serves_nobody_until_it_wakes() {
    both(&[("save", "")], |side| {
        side.send(1, "DEBUG SLEEP 1.5");
        side.wait(200);
        side.send(2, "PING asleep?");
        side.wait(500);
        let during = (side.reply(1), side.reply(2));
        let mut after = (None, None);
        for _ in 0..50 {
            side.wait(100);
            after.0 = after.0.or_else(|| side.reply(1));
            after.1 = after.1.or_else(|| side.reply(2));
            if after.0.is_some() && after.1.is_some() {
                break;
            }
        }
        let shown = |v: Option<Value>| v.unwrap_or(Value::Simple("(no reply yet)".into()));
        vec![
            ("DEBUG SLEEP, 0.7 s in".into(), shown(during.0)),
            ("PING, 0.7 s in".into(), shown(during.1)),
            ("DEBUG SLEEP, after the wake".into(), shown(after.0)),
            ("PING, after the wake".into(), shown(after.1)),
        ]
    });
}

/// When a replica's PSYNC and its master's `+FULLRESYNC` answer came, in ms, from a list of
/// (time, replication event) in time order: the last PSYNC and the first answer after it.
fn psync_to_fullresync(events: &[(u64, String)]) -> u64 {
    let psync = events
        .iter()
        .rposition(|(_, w)| w.starts_with("PSYNC "))
        .unwrap_or_else(|| panic!("no PSYNC in {events:?}"));
    let full = events[psync..]
        .iter()
        .find(|(_, w)| w.starts_with("+FULLRESYNC "))
        .unwrap_or_else(|| panic!("no +FULLRESYNC after the PSYNC in {events:?}"));
    full.0 - events[psync].0
}

/// A simulated master with every slot and its replica (CLUSTER REPLICATE, as the
/// scenario's formation sends it), once the replica's first full resync is over.
fn master_and_replica(config: Config) -> Sim {
    let mut sim = Scenario {
        masters: 1,
        replicas: 1,
        config,
        write_every_ms: None,
        ..Scenario::default()
    }
    .build()
    .expect("a one-master cluster forms");
    wait_first_sync(&mut sim);
    sim
}

/// The simulated side: one master and a replica that joins it (CLUSTER REPLICATE, as the
/// scenario's formation sends it); the wait before its first full resync, in simulated ms.
fn simulated_diskless_wait(delay: &str) -> u64 {
    let mut config = Config {
        node_timeout: NODE_TIMEOUT,
        ..Config::default()
    };
    config
        .set_param("repl-diskless-sync-delay", delay)
        .expect("a known parameter");
    let sim = master_and_replica(config);
    let a1 = idx(&sim, "A1");
    let events: Vec<(u64, String)> = sim
        .trace()
        .iter()
        .filter(|e| e.node == a1)
        .filter_map(|e| match &e.event {
            Event::Replication { what } => Some((e.t.ms(), what.clone())),
            _ => None,
        })
        .collect();
    psync_to_fullresync(&events)
}

/// The native side: two clusterlab-node processes, one made the other's replica with
/// CLUSTER REPLICATE; the wait before its first full resync in wall ms, from its `--trace`.
fn native_diskless_wait(delay: &str) -> u64 {
    let flags = ["--repl-diskless-sync-delay", delay];
    let master = NodeProc::start_with(NODE_TIMEOUT, &flags);
    let replica = NodeProc::start_with(NODE_TIMEOUT, &flags);
    one_master_cluster(&master, &replica);
    replicate(&replica, &master);
    let events: Vec<(u64, String)> = replica
        .trace()
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("each trace line is JSON");
            (v["event"] == "replication").then(|| {
                (
                    v["t_ms"].as_u64().expect("t_ms"),
                    v["what"].as_str().expect("what").to_string(),
                )
            })
        })
        .collect();
    psync_to_fullresync(&events)
}

/// A new replica has no data of its master, so its PSYNC gets a full resync, which the
/// master starts only once the replica has waited `repl-diskless-sync-delay` for others to
/// join (`replicationCron`: idle time in whole seconds, checked once a second, so 4–6 s for
/// the default 5, at most 2 s for 1; measured on redis-server 7.0.15 too). The simulator
/// (simulated time) and two clusterlab-node processes (wall time) both wait so; a busy
/// machine may only make the native wait longer, hence its looser upper bound.
#[test]
fn a_new_replicas_first_sync_waits_the_diskless_delay_both_ways() {
    crate::common::native::require_redis_tools();
    for (delay, low, high) in [("5", 4_000, 6_100), ("1", 0, 2_100)] {
        let simulated = simulated_diskless_wait(delay);
        let native = native_diskless_wait(delay);
        eprintln!("repl-diskless-sync-delay {delay}: simulated {simulated} ms, native {native} ms");
        assert!(
            (low..=high).contains(&simulated),
            "repl-diskless-sync-delay {delay}: the simulated FULLRESYNC came {simulated} ms after PSYNC"
        );
        assert!(
            (low..=high + 4_000).contains(&native),
            "repl-diskless-sync-delay {delay}: the native FULLRESYNC came {native} ms after PSYNC \
             (simulated: {simulated} ms)"
        );
    }
}

/// What a replica killed and restarted did: its master's `sync_full` and
/// `sync_partial_ok`, the answer to its last PSYNC, and the value it serves.
type Restarted = (String, String, String, Option<String>);

/// The answer to the last PSYNC among a replica's replication events.
fn psync_answer(events: &[String]) -> String {
    let psync = events
        .iter()
        .rposition(|w| w.starts_with("PSYNC "))
        .unwrap_or_else(|| panic!("no PSYNC in {events:?}"));
    events[psync + 1..]
        .iter()
        .find(|w| w.starts_with('+'))
        .and_then(|w| w.split([' ', ':']).next())
        .unwrap_or_else(|| panic!("no answer after the PSYNC in {events:?}"))
        .to_string()
}

fn info_line(info: &str, field: &str) -> String {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no {field} in {info}"))
        .trim()
        .to_string()
}

fn simulated_replica_restart() -> Restarted {
    let config = Config {
        node_timeout: NODE_TIMEOUT,
        ..Config::default()
    };
    let mut sim = master_and_replica(config);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let line = |l: &str| split_args(l.as_bytes()).expect("a command line");
    sim.command(a, ClientId(1), line("SET k before"));
    sim.run_until(sim.now() + 500);
    sim.crash(a1);
    sim.command(a, ClientId(1), line("APPEND k -while-down"));
    sim.run_until(sim.now() + 500);
    sim.restart(a1);
    sim.run_until(sim.now() + 3_000);
    let events: Vec<String> = sim
        .trace()
        .iter()
        .filter(|e| e.node == a1)
        .filter_map(|e| match &e.event {
            Event::Replication { what } => Some(what.clone()),
            _ => None,
        })
        .collect();
    let stats = match sim.command(a, ClientId(1), line("INFO stats")) {
        Some(Value::Bulk(b)) => String::from_utf8_lossy(&b).into_owned(),
        Some(Value::Verbatim(s)) => s,
        other => panic!("INFO stats: {other:?}"),
    };
    sim.command(a1, ClientId(2), line("READONLY"));
    let value = match sim.command(a1, ClientId(2), line("GET k")) {
        Some(Value::Bulk(b)) => Some(String::from_utf8_lossy(&b).into_owned()),
        _ => None,
    };
    (
        info_line(&stats, "sync_full"),
        info_line(&stats, "sync_partial_ok"),
        psync_answer(&events),
        value,
    )
}

fn native_replica_restart() -> Restarted {
    let master = NodeProc::start(NODE_TIMEOUT);
    let mut replica = NodeProc::start(NODE_TIMEOUT);
    one_master_cluster(&master, &replica);
    replicate(&replica, &master);
    use crate::common::native::mixed::Member;
    let get = |replica: &NodeProc| replica.replica_get("k");
    master.cli(&["set", "k", "before"]);
    crate::common::native::wait_for(Duration::from_secs(10), "the replica to get k", || {
        get(&replica).is_some()
    });
    replica.kill();
    master.cli(&["append", "k", "-while-down"]);
    replica.spawn();
    crate::common::native::wait_for(Duration::from_secs(20), "the link up", || {
        replica.info_field("master_link_status").as_deref() == Some("up")
    });
    let events: Vec<String> = replica
        .trace()
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("each trace line is JSON");
            (v["event"] == "replication").then(|| v["what"].as_str().expect("what").to_string())
        })
        .collect();
    let stats = master.cli(&["info", "stats"]);
    (
        info_line(&stats, "sync_full"),
        info_line(&stats, "sync_partial_ok"),
        psync_answer(&events),
        get(&replica),
    )
}

/// A replica killed with `kill -9` and restarted loads the RDB its full resync left
/// (`readSyncBulkPayload`, `repl-diskless-load disabled`) and continues with `+CONTINUE`,
/// getting the write it missed: the simulator and two clusterlab-node processes alike
/// (`native/replica_restart.rs` shows redis-server 7.0.15 doing the same).
#[test]
fn a_restarted_replica_continues_both_ways() {
    crate::common::native::require_redis_tools();
    let simulated = simulated_replica_restart();
    let native = native_replica_restart();
    let expected = (
        "1".to_string(),
        "1".to_string(),
        "+CONTINUE".to_string(),
        Some("before-while-down".to_string()),
    );
    assert_eq!(simulated, expected, "simulated");
    assert_eq!(native, expected, "native");
}
