//! Helpers for clusters that mix real redis-server nodes and
//! clusterlab-nodes: one trait over both, and the steps every mixed test
//! takes (meet, take slots, replicate).

use super::{wait_for, NodeProc, RealRedis};
use clusterlab_core::slot::key_slot;
use std::time::Duration;

/// Any node of the mixed cluster, real or ours.
pub trait Member {
    fn port(&self) -> u16;
    fn run(&self, args: &[&str]) -> String;

    fn id(&self) -> String {
        self.run(&["cluster", "myid"]).trim().to_string()
    }

    fn info_field(&self, field: &str) -> Option<String> {
        self.info_in("replication", field)
    }

    /// A field of one INFO section.
    fn info_in(&self, section: &str, field: &str) -> Option<String> {
        let info = self.run(&["info", section]);
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .map(|v| v.trim().to_string())
    }

    /// GET on a connection that sent READONLY first (a replica's read);
    /// `None` for a missing key or an error.
    fn replica_get(&self, key: &str) -> Option<String> {
        let mut conn = self.conn();
        redis::cmd("READONLY").query::<()>(&mut conn).ok()?;
        redis::cmd("GET").arg(key).query(&mut conn).ok()?
    }

    /// A connection of the redis crate (several commands on one link).
    fn conn(&self) -> redis::Connection {
        redis::Client::open(format!("redis://127.0.0.1:{}/", self.port()))
            .unwrap()
            .get_connection()
            .unwrap()
    }
}

impl Member for RealRedis {
    fn port(&self) -> u16 {
        self.port
    }
    fn run(&self, args: &[&str]) -> String {
        self.cli(args)
    }
}

impl Member for NodeProc {
    fn port(&self) -> u16 {
        self.port
    }
    fn run(&self, args: &[&str]) -> String {
        self.cli(args)
    }
}

/// Joins every member to the first one and waits until all of them list
/// every other as connected.
pub fn meet_all(members: &[&dyn Member]) {
    let first = members[0].port().to_string();
    for m in &members[1..] {
        assert_eq!(
            m.run(&["cluster", "meet", "127.0.0.1", &first]).trim(),
            "OK"
        );
    }
    wait_for(Duration::from_secs(20), "everyone to know everyone", || {
        members.iter().all(|m| {
            let nodes = m.run(&["cluster", "nodes"]);
            nodes.lines().filter(|l| l.ends_with("connected")).count() == members.len()
        })
    });
}

pub fn wait_state_ok(members: &[&dyn Member]) {
    wait_for(
        Duration::from_secs(20),
        "cluster_state:ok everywhere",
        || {
            members
                .iter()
                .all(|m| m.run(&["cluster", "info"]).contains("cluster_state:ok"))
        },
    );
}

/// `CLUSTER REPLICATE` run on `replica`, then waits for its link to be up.
pub fn replicate(replica: &dyn Member, master: &dyn Member) {
    let id = master.id();
    wait_for(
        Duration::from_secs(10),
        "CLUSTER REPLICATE to be accepted",
        || replica.run(&["cluster", "replicate", &id]).trim() == "OK",
    );
    wait_for(
        Duration::from_secs(20),
        "the replica's link to be up",
        || replica.info_field("master_link_status").as_deref() == Some("up"),
    );
}

/// A hash tag whose slot is in `range`.
pub fn tag_in(range: std::ops::RangeInclusive<u16>) -> String {
    (0..)
        .map(|i| format!("t{i}"))
        .find(|t| range.contains(&key_slot(t.as_bytes())))
        .unwrap()
}

/// `master` and `other` meet; `master` takes every slot; both report
/// `cluster_state:ok`.
pub fn one_master_cluster(master: &dyn Member, other: &dyn Member) {
    meet_all(&[master, other]);
    master.run(&["cluster", "addslotsrange", "0", "16383"]);
    wait_state_ok(&[master, other]);
}
