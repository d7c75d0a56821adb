//! nodes.conf: what a node persists so a restart keeps its identity, the
//! nodes it knows, their roles and slots, and its epochs (`clusterSaveConfig`
//! / `clusterLoadConfig`).
//!
//! The format is Redis 7.0's: one `CLUSTER NODES` line per node, then
//! `vars currentEpoch <n> lastVoteEpoch <m>`. Ping and pong times are written
//! as 0 so the text changes only when the configuration does, which is what
//! tells the host to save it (on load Redis only asks whether they are
//! non-zero, and a restart here keeps that from memory instead).

use super::peer::Peer;
use crate::config::Config;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::node::Node;
use crate::time::Time;
use std::net::{IpAddr, SocketAddr};

/// Why a nodes.conf could not be loaded (Redis refuses to start then).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodesConfError(pub String);

impl std::fmt::Display for NodesConfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Unrecoverable error: corrupted cluster config file: {}",
            self.0
        )
    }
}

impl std::error::Error for NodesConfError {}

fn bad<T>(what: impl Into<String>) -> Result<T, NodesConfError> {
    Err(NodesConfError(what.into()))
}

/// One node's line of a nodes.conf, parsed: what `clusterLoadConfig` reads
/// about a node. A formed start ([`crate::sim::Scenario`]) builds these
/// directly instead of writing and parsing a thousand texts.
#[derive(Clone, Debug)]
pub(crate) struct ConfLine {
    pub id: NodeId,
    pub ip: Option<IpAddr>,
    pub port: u16,
    pub cport: u16,
    /// After the comma of `ip:port@cport,hostname` (7.0 saves it).
    pub hostname: String,
    pub flags: NodeFlags,
    pub master: Option<NodeId>,
    /// The node's own configEpoch (a file holds its master's for a replica).
    pub config_epoch: u64,
    pub slots: Vec<(u16, u16)>,
    pub migrating: Vec<(u16, NodeId)>,
    pub importing: Vec<(u16, NodeId)>,
}

/// A whole nodes.conf, parsed, whichever line is myself: every node of a
/// cluster saved the same lines, so one value loads them all.
#[derive(Clone, Debug, Default)]
pub(crate) struct ClusterConf {
    pub lines: Vec<ConfLine>,
    /// `vars currentEpoch`.
    pub current_epoch: u64,
    /// `vars lastVoteEpoch`.
    pub last_vote_epoch: u64,
}

impl Node {
    /// The nodes.conf text for this node's current configuration.
    pub fn to_nodes_conf(&self) -> String {
        let mut view = self.view();
        // `clusterSaveConfig` leaves out nodes in handshake.
        view.nodes.retain(|n| !n.flags.has(NodeFlags::HANDSHAKE));
        for n in &mut view.nodes {
            n.ping_sent = None;
            n.pong_received = Time::ZERO;
            n.link_connected = false;
            n.flags.clear(NodeFlags::MEET | NodeFlags::MIGRATE_TO);
        }
        let mut text = view.cluster_nodes(0);
        text.push_str(&format!(
            "vars currentEpoch {} lastVoteEpoch {}\n",
            self.cluster.current_epoch, self.cluster.last_vote_epoch
        ));
        text
    }

    /// A node restarted from a nodes.conf (`clusterLoadConfig`), as
    /// [`Node::restart`] leaves it: links, failure reports, elections and
    /// data start afresh. The client port and bus port come from the host
    /// (`port` and `cport`), as Redis takes them from its config, not the file.
    pub fn from_nodes_conf(
        cfg: Config,
        text: &str,
        port: u16,
        cport: u16,
        seed: u64,
        now: Time,
    ) -> Result<Node, NodesConfError> {
        let mut conf = ClusterConf::default();
        for raw in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Some(vars) = raw.strip_prefix("vars ") {
                (conf.current_epoch, conf.last_vote_epoch) = parse_vars(vars)?;
            } else {
                conf.lines.push(parse_line(raw)?);
            }
        }
        let mut myself = conf.lines.iter().filter(|l| l.flags.has(NodeFlags::MYSELF));
        let me = match (myself.next(), myself.next()) {
            (Some(me), None) => me.id,
            (None, _) => return bad("0 lines flagged myself"),
            (Some(_), Some(_)) => {
                let n = 2 + myself.count();
                return bad(format!("{n} lines flagged myself"));
            }
        };
        Node::load_conf(cfg, &conf, me, port, cport, seed, now)
    }

    /// The node whose ID is `me` started from `conf` (`clusterLoadConfig`,
    /// then as [`Node::restart`] leaves a node). `me`'s line is myself, the
    /// others are peers, whatever their `myself` flags say.
    pub(crate) fn load_conf(
        cfg: Config,
        conf: &ClusterConf,
        me: NodeId,
        port: u16,
        cport: u16,
        seed: u64,
        now: Time,
    ) -> Result<Node, NodesConfError> {
        let Some(my_line) = conf.lines.iter().find(|l| l.id == me) else {
            return bad(format!("no line for myself ({me})"));
        };
        let ip = my_line.ip.unwrap_or(IpAddr::from([127, 0, 0, 1]));
        let mut node = Node::new(cfg, SocketAddr::new(ip, port), cport, seed, now);
        let fresh = node.myself;
        node.rename_peer(fresh, me);
        node.myself = me;
        for l in &conf.lines {
            if l.id != me {
                let mut p = Peer::new(l.id, NodeFlags(l.flags.0 & !NodeFlags::MYSELF), now);
                p.set_ip(l.ip);
                p.port = l.port;
                p.cport = l.cport;
                p.hostname = l.hostname.clone();
                node.add_peer(p);
            }
        }
        for l in &conf.lines {
            let p = node.peer_mut(l.id).expect("just added");
            p.config_epoch = l.config_epoch;
            if l.id == me {
                // Myself keeps the ports the host gives it.
                p.flags = NodeFlags(
                    (l.flags.0 | NodeFlags::MYSELF) & !(NodeFlags::PFAIL | NodeFlags::FAIL),
                );
            }
            if let Some(m) = l.master {
                if node.peer(m).is_none() {
                    return bad(format!("{} replicates unknown node {m}", l.id));
                }
                node.peer_mut(l.id).expect("present").master = Some(m);
                node.add_replica(m, l.id);
            }
            for &(first, last) in &l.slots {
                for s in first..=last {
                    node.add_slot(l.id, s);
                }
            }
        }
        node.cluster
            .migrating
            .extend(my_line.migrating.iter().copied());
        node.cluster
            .importing
            .extend(my_line.importing.iter().copied());
        node.cluster.current_epoch = conf.current_epoch.max(node.max_epoch());
        node.cluster.last_vote_epoch = conf.last_vote_epoch;
        // `clusterInit` runs after `clusterLoadConfig`: the setting, not the
        // file, decides myself's `nofailover`.
        node.update_myself_flags();
        node.update_myself_hostname();
        Ok(node.restart(now))
    }
}

fn parse_vars(vars: &str) -> Result<(u64, u64), NodesConfError> {
    let words: Vec<&str> = vars.split_whitespace().collect();
    let (mut current, mut last_vote) = (0, 0);
    for pair in words.chunks(2) {
        let [key, value] = pair else {
            return bad("odd vars line");
        };
        let n = value
            .parse()
            .or_else(|_| bad(format!("bad value for {key}")))?;
        match *key {
            "currentEpoch" => current = n,
            "lastVoteEpoch" => last_vote = n,
            _ => {}
        }
    }
    Ok((current, last_vote))
}

fn parse_id(text: &str) -> Result<NodeId, NodesConfError> {
    NodeId::parse(text).map_or_else(|| bad(format!("bad node id '{text}'")), Ok)
}

fn parse_line(raw: &str) -> Result<ConfLine, NodesConfError> {
    let f: Vec<&str> = raw.split(' ').collect();
    if f.len() < 8 {
        return bad(format!("short line '{raw}'"));
    }
    let id = parse_id(f[0])?;
    // ip:port@cport[,hostname]
    let (addr, hostname) = f[1].split_once(',').unwrap_or((f[1], ""));
    let (host, cport) = addr.rsplit_once('@').unwrap_or((addr, "0"));
    let (ip, port) = host.rsplit_once(':').unwrap_or(("", "0"));
    let num = |t: &str| {
        t.parse::<u16>()
            .or_else(|_| bad(format!("bad port in '{addr}'")))
    };
    let mut flags = NodeFlags(0);
    for word in f[2].split(',') {
        flags.set(match word {
            "myself" => NodeFlags::MYSELF,
            "master" => NodeFlags::MASTER,
            "slave" => NodeFlags::SLAVE,
            "fail?" => NodeFlags::PFAIL,
            "fail" => NodeFlags::FAIL,
            "handshake" => NodeFlags::HANDSHAKE,
            "noaddr" => NodeFlags::NOADDR,
            "nofailover" => NodeFlags::NOFAILOVER,
            "noflags" => 0,
            other => return bad(format!("unknown flag '{other}'")),
        });
    }
    let master = match f[3] {
        "-" => None,
        m => Some(parse_id(m)?),
    };
    let config_epoch = f[6]
        .parse()
        .or_else(|_| bad(format!("bad config epoch '{}'", f[6])))?;
    let mut line = ConfLine {
        id,
        ip: ip.parse().ok(),
        port: num(port)?,
        cport: num(cport)?,
        hostname: hostname.to_string(),
        flags,
        master,
        config_epoch,
        slots: Vec::new(),
        migrating: Vec::new(),
        importing: Vec::new(),
    };
    for tok in &f[8..] {
        parse_slot_token(tok, &mut line)?;
    }
    Ok(line)
}

/// `a-b`, `a`, `[s->-id]` (migrating) or `[s-<-id]` (importing).
fn parse_slot_token(tok: &str, line: &mut ConfLine) -> Result<(), NodesConfError> {
    let slot = |t: &str| {
        t.parse::<u16>()
            .ok()
            .filter(|&s| s < crate::slot::SLOTS)
            .map_or_else(|| bad(format!("bad slot '{t}'")), Ok)
    };
    if let Some(inner) = tok.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        if let Some((s, id)) = inner.split_once("->-") {
            line.migrating.push((slot(s)?, parse_id(id)?));
        } else if let Some((s, id)) = inner.split_once("-<-") {
            line.importing.push((slot(s)?, parse_id(id)?));
        } else {
            return bad(format!("bad open slot '{tok}'"));
        }
        return Ok(());
    }
    let (first, last) = tok.split_once('-').unwrap_or((tok, tok));
    line.slots.push((slot(first)?, slot(last)?));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::Admin;
    use crate::slot::SlotSet;

    #[test]
    fn a_saved_config_loads_back_with_identity_slots_and_epochs() {
        let addr: SocketAddr = "127.0.0.1:7000".parse().unwrap();
        let mut node = Node::new(Config::default(), addr, 17000, 1, Time(1000));
        node.admin(Time(1000), Admin::AddSlots(SlotSet::range(0, 5460)))
            .unwrap();
        node.admin(Time(1000), Admin::SetConfigEpoch(3)).unwrap();
        let text = node.to_nodes_conf();
        assert!(
            text.ends_with("vars currentEpoch 3 lastVoteEpoch 0\n"),
            "{text}"
        );
        let back =
            Node::from_nodes_conf(Config::default(), &text, 7000, 17000, 2, Time(5000)).unwrap();
        assert_eq!(back.id(), node.id());
        assert_eq!(back.my_epoch(), 3);
        assert_eq!(back.current_epoch(), 3);
        assert_eq!(back.slot_owner(5460), Some(node.id()));
        assert_eq!(back.slot_owner(5461), None);
        assert_eq!(back.to_nodes_conf(), text);
    }

    #[test]
    fn a_corrupt_file_is_refused_with_the_reason() {
        let err = Node::from_nodes_conf(Config::default(), "zz 1", 7000, 17000, 1, Time(0))
            .err()
            .unwrap();
        assert!(err.to_string().contains("short line"), "{err}");
    }
}
