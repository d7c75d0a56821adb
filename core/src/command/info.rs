//! `INFO` text (sections as Redis prints them, `\r\n` line ends, which
//! redis-cli's parser needs) and the CONFIG parameters a node exposes.

use super::server::REDIS_VERSION;
use crate::node::Node;
use crate::time::Time;
use std::fmt::Write;

/// `INFO [section …]`: default sections, or the ones asked for.
pub fn info(node: &mut Node, now: Time, args: &[Vec<u8>]) -> String {
    let wanted: Vec<String> = args[1..]
        .iter()
        .map(|a| String::from_utf8_lossy(a).to_lowercase())
        .collect();
    let all = wanted.is_empty()
        || wanted
            .iter()
            .any(|w| matches!(w.as_str(), "all" | "default" | "everything"));
    let want = |s: &str| all || wanted.iter().any(|w| w == s);
    let mut sections = Vec::new();
    if want("server") {
        sections.push(server(node, now));
    }
    if want("clients") {
        sections.push(format!(
            "# Clients\r\nconnected_clients:{}\r\nblocked_clients:{}\r\n",
            node.client_count(),
            node.blocked_clients()
        ));
    }
    if want("replication") {
        sections.push(replication(node, now));
    }
    if want("cluster") {
        sections.push("# Cluster\r\ncluster_enabled:1\r\n".into());
    }
    if want("keyspace") {
        let keys = node.keyspace().len();
        let mut s = "# Keyspace\r\n".to_string();
        if keys > 0 {
            let _ = write!(
                s,
                "db0:keys={keys},expires={},avg_ttl=0\r\n",
                node.keyspace().expiring()
            );
        }
        sections.push(s);
    }
    sections.join("\r\n")
}

fn server(node: &Node, now: Time) -> String {
    let port = node.view().myself().map_or(0, |m| m.port);
    format!(
        "# Server\r\nredis_version:{REDIS_VERSION}\r\nredis_mode:cluster\r\nos:clusterlab\r\narch_bits:64\r\nprocess_id:1\r\nrun_id:{}\r\ntcp_port:{port}\r\nuptime_in_seconds:{}\r\n",
        node.id(),
        now.ms() / 1000
    )
}

fn replication(node: &Node, now: Time) -> String {
    let v = node.view();
    let mut s = String::from("# Replication\r\n");
    if node.is_master() {
        // Replicas that attached and acknowledged are online; the others
        // are still waiting for their full resync.
        let replicas: Vec<_> = v.nodes.iter().filter(|p| p.master == Some(v.id)).collect();
        let _ = write!(s, "role:master\r\nconnected_slaves:{}\r\n", replicas.len());
        for (i, r) in replicas.iter().enumerate() {
            let ip = r.ip.map(|i| i.to_string()).unwrap_or_default();
            let (state, offset, lag) = match node.replica_ack(now, r.id) {
                Some((offset, lag)) => ("online", offset, lag),
                None => ("wait_bgsave", 0, 0),
            };
            let _ = write!(
                s,
                "slave{i}:ip={ip},port={},state={state},offset={offset},lag={lag}\r\n",
                r.port
            );
        }
        let _ = write!(s, "master_repl_offset:{}\r\n", v.repl_offset);
    } else {
        let master = node.master().and_then(|m| v.node(m));
        let (host, port) = master.map_or((String::new(), 0), |m| {
            (m.ip.map(|i| i.to_string()).unwrap_or_default(), m.port)
        });
        let up = node.master_link_up() && master.is_some_and(|m| !m.flags.is_failing());
        let _ = write!(
            s,
            "role:slave\r\nmaster_host:{host}\r\nmaster_port:{port}\r\nmaster_link_status:{}\r\nslave_repl_offset:{}\r\nslave_read_only:1\r\nconnected_slaves:0\r\nmaster_repl_offset:{}\r\n",
            if up { "up" } else { "down" },
            v.repl_offset,
            v.repl_offset
        );
    }
    s
}
