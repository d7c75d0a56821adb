//! Redis's replication protocol for the native node, both ways, so real
//! redis-server nodes and clusterlab nodes replicate each other.
//!
//! As a master: a replica connects to our client port and sends `PING`,
//! `REPLCONF listening-port`, `REPLCONF capa`, `PSYNC`. The node knows its
//! replicas by node ID, so a PSYNC is matched to the cluster node at the
//! announced address and attached once the node lists it as its replica
//! (gossip may bring that a moment after the replica's `CLUSTER
//! REPLICATE`); then the node's frames for it go out in Redis's format.
//! As a replica: when the node asks to sync with its master, we connect to
//! the master's client port and run the handshake ([`ReplicaLink`]).
//!
//! The rules (when to sync, offsets, ACKs, WAIT, data age) stay in the
//! core's replication; this only maps connections to node IDs and moves
//! bytes through the core's sans-IO codec ([`clusterlab_core::repl_wire`]).

use super::log::log;
use super::{links, Arrival, Write, Writer};
use clusterlab_core::command::table;
use clusterlab_core::id::NodeId;
use clusterlab_core::node::{ClientId, Input, Node, ReplFrame};
use clusterlab_core::rdb::{self, file::ReplInfo};
use clusterlab_core::repl_wire::{self, LinkEvent, ReplicaLink};
use clusterlab_core::resp::Value;
use clusterlab_core::time::Time;
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use tokio::sync::mpsc::UnboundedSender;

/// Replication links in both directions.
pub struct Psync {
    inbox: UnboundedSender<Arrival>,
    masterauth: Option<Vec<u8>>,
    /// Every client's address and what it announced with `REPLCONF`.
    announced: HashMap<ClientId, Announce>,
    /// Clients whose PSYNC waits for the node to list them as its replica.
    waiting: Vec<ClientId>,
    /// Replicas attached over PSYNC.
    replicas: HashMap<NodeId, Attached>,
    /// Our link to our master, when we are a replica.
    master: Option<MasterLink>,
    generation: u64,
    /// Commands from a master's stream this node does not implement, each
    /// logged once: the replica cannot apply them and diverges.
    unknown: HashSet<String>,
}

struct Announce {
    peer: IpAddr,
    /// `REPLCONF ip-address`.
    ip: Option<IpAddr>,
    /// `REPLCONF listening-port`.
    port: Option<u16>,
    /// `REPLCONF rdb-only 1`: wants the RDB and nothing after it
    /// (`redis-cli --rdb`).
    rdb_only: bool,
}

struct Attached {
    client: ClientId,
    /// Where the stream written to it ends; `None` until the full resync
    /// went out (what comes before is in the snapshot).
    sent_offset: Option<u64>,
}

struct MasterLink {
    id: NodeId,
    generation: u64,
    writer: Writer,
    link: ReplicaLink,
}

/// What an intercepted command asks of the owner.
pub enum Intercepted {
    /// Write this reply to the client.
    Reply(Value),
    /// Write these bytes, then close the connection (an RDB-only sync).
    Last(Vec<u8>),
    /// Nothing to reply (`REPLCONF ACK`, a PSYNC in progress).
    Silent,
}

impl Psync {
    pub fn new(inbox: UnboundedSender<Arrival>, masterauth: Option<String>) -> Psync {
        Psync {
            inbox,
            masterauth: masterauth.map(String::into_bytes),
            announced: HashMap::new(),
            waiting: Vec::new(),
            replicas: HashMap::new(),
            master: None,
            generation: 0,
            unknown: HashSet::new(),
        }
    }

    pub fn client_opened(&mut self, id: ClientId, peer: SocketAddr) {
        let announce = Announce {
            peer: peer.ip(),
            ip: None,
            port: None,
            rdb_only: false,
        };
        self.announced.insert(id, announce);
    }

    pub fn client_closed(&mut self, id: ClientId) {
        self.announced.remove(&id);
        self.waiting.retain(|c| *c != id);
        self.replicas.retain(|_, a| a.client != id);
    }

    fn replica_of_client(&self, id: ClientId) -> Option<NodeId> {
        self.replicas
            .iter()
            .find(|(_, a)| a.client == id)
            .map(|(n, _)| *n)
    }

    /// `REPLCONF`, `PSYNC` and `SYNC` from an authenticated client: the
    /// replica's half of the handshake (`replconfCommand`, `syncCommand`).
    /// `None`: not ours, the node runs it.
    pub fn intercept(
        &mut self,
        node: &mut Node,
        now: Time,
        id: ClientId,
        args: &[Vec<u8>],
    ) -> Option<Intercepted> {
        // Every command passes here: compare without allocating.
        let name = args[0].as_slice();
        if name.eq_ignore_ascii_case(b"replconf") {
            Some(self.replconf(node, now, id, args))
        } else if name.eq_ignore_ascii_case(b"psync") || name.eq_ignore_ascii_case(b"sync") {
            Some(self.sync(node, now, id, args))
        } else {
            None
        }
    }

    fn replconf(
        &mut self,
        node: &mut Node,
        now: Time,
        id: ClientId,
        args: &[Vec<u8>],
    ) -> Intercepted {
        if args.len().is_multiple_of(2) {
            return Intercepted::Reply(Value::err("ERR syntax error"));
        }
        let mut j = 1;
        while j < args.len() {
            let option = args[j].to_ascii_lowercase();
            let value = String::from_utf8_lossy(&args[j + 1]).into_owned();
            match option.as_slice() {
                b"listening-port" => match value.parse::<u16>() {
                    Ok(p) => {
                        if let Some(a) = self.announced.get_mut(&id) {
                            a.port = Some(p);
                        }
                    }
                    Err(_) => {
                        return Intercepted::Reply(Value::err(
                            "ERR value is not an integer or out of range",
                        ))
                    }
                },
                b"ip-address" => {
                    if let Some(a) = self.announced.get_mut(&id) {
                        a.ip = value.parse().ok();
                    }
                }
                // getRangeLongFromObjectOrReply(…, 0, 1, …).
                b"rdb-only" => match value.parse::<i64>() {
                    Ok(flag @ 0..=1) => {
                        if let Some(a) = self.announced.get_mut(&id) {
                            a.rdb_only = flag == 1;
                        }
                    }
                    Ok(_) => {
                        return Intercepted::Reply(Value::err(
                            "ERR value is out of range, value must between 0 and 1",
                        ))
                    }
                    Err(_) => {
                        return Intercepted::Reply(Value::err(
                            "ERR value is not an integer or out of range",
                        ))
                    }
                },
                // Capabilities: we send RDBs with a length and offer no
                // partial resync, which every replica understands.
                b"capa" => {}
                // From a replica: what it processed. Never replied to.
                b"ack" => {
                    if let (Some(from), Ok(offset)) = (self.replica_of_client(id), value.parse()) {
                        node.handle(
                            now,
                            Input::Repl {
                                from,
                                frame: ReplFrame::Ack { offset },
                            },
                        );
                    }
                    return Intercepted::Silent;
                }
                b"getack" => return Intercepted::Silent,
                _ => {
                    return Intercepted::Reply(Value::err(format!(
                        "ERR Unrecognized REPLCONF option: {}",
                        String::from_utf8_lossy(&args[j])
                    )))
                }
            }
            j += 2;
        }
        Intercepted::Reply(Value::ok())
    }

    fn sync(&mut self, node: &mut Node, now: Time, id: ClientId, args: &[Vec<u8>]) -> Intercepted {
        let psync = args[0].eq_ignore_ascii_case(b"psync");
        if (psync && args.len() != 3) || (!psync && args.len() != 1) {
            let name = String::from_utf8_lossy(&args[0]).to_ascii_lowercase();
            return Intercepted::Reply(Value::err(format!(
                "ERR wrong number of arguments for '{name}' command"
            )));
        }
        // Already attached or waiting: Redis ignores a second SYNC too.
        if self.replica_of_client(id).is_some() || self.waiting.contains(&id) {
            return Intercepted::Silent;
        }
        if !node.is_master() {
            return Intercepted::Reply(Value::err(
                "NOMASTERLINK Can't SYNC while not connected with my master",
            ));
        }
        if self.announced.get(&id).is_some_and(|a| a.rdb_only) {
            return Intercepted::Last(rdb_only_transfer(node, now, psync));
        }
        if self.announced.get(&id).is_none_or(|a| a.port.is_none()) {
            return Intercepted::Reply(Value::err(
                "ERR this node streams only to cluster nodes that replicate it: send REPLCONF listening-port <port> first",
            ));
        }
        self.waiting.push(id);
        self.attach_waiting(node, now);
        Intercepted::Silent
    }

    /// Attaches the PSYNCs whose sender the node now lists as its replica:
    /// the node answers the `Sync` with a snapshot (a full resync).
    pub fn attach_waiting(&mut self, node: &mut Node, now: Time) {
        if self.waiting.is_empty() {
            return;
        }
        let view = node.view();
        let mut attach = Vec::new();
        self.waiting.retain(|client| {
            let Some(a) = self.announced.get(client) else {
                return false;
            };
            let ip = a.ip.unwrap_or(a.peer);
            let found = view
                .nodes
                .iter()
                .find(|p| p.ip == Some(ip) && Some(p.port) == a.port && p.master == Some(view.id));
            match found {
                Some(p) => {
                    attach.push((p.id, *client));
                    false
                }
                None => true,
            }
        });
        for (replica, client) in attach {
            let attached = Attached {
                client,
                sent_offset: None,
            };
            self.replicas.insert(replica, attached);
            node.handle(
                now,
                Input::Repl {
                    from: replica,
                    frame: ReplFrame::Sync { offset: 0 },
                },
            );
        }
    }

    /// A frame the node sends `to`: a replica's stream, or our ACK/SYNC to
    /// our master. Returns bytes for a replica's client connection.
    pub fn route(
        &mut self,
        node: &Node,
        now: Time,
        to: NodeId,
        frame: ReplFrame,
    ) -> Option<(ClientId, Vec<u8>)> {
        match frame {
            ReplFrame::Sync { .. } => {
                self.connect_master(node, to);
                None
            }
            ReplFrame::Ack { offset } => {
                let m = self.master.as_ref().filter(|m| m.id == to)?;
                m.link.offset()?;
                let _ = m.writer.send(Write::Bytes(repl_wire::ack_bytes(offset)));
                None
            }
            frame => {
                let a = self.replicas.get_mut(&to)?;
                match &frame {
                    ReplFrame::Snapshot { offset, .. } => a.sent_offset = Some(*offset),
                    ReplFrame::Command { offset, .. }
                    | ReplFrame::Ping { offset }
                    | ReplFrame::GetAck { offset } => {
                        // Only bytes that advance the stream go out: the
                        // core re-sends its offset as a Ping when a manual
                        // failover starts, which on the wire is nothing
                        // (Redis writes no PING at MFSTART, and a real
                        // replica would count one).
                        if a.sent_offset.is_none_or(|sent| *offset <= sent) {
                            return None;
                        }
                        a.sent_offset = Some(*offset);
                    }
                    ReplFrame::Sync { .. } | ReplFrame::Ack { .. } => return None,
                }
                let replid = node.id().to_string();
                Some((a.client, repl_wire::master_bytes(&frame, &replid, now)))
            }
        }
    }

    /// Opens the link to `master`'s client port unless it is open already.
    fn connect_master(&mut self, node: &Node, master: NodeId) {
        if self.master.as_ref().is_some_and(|m| m.id == master) {
            return;
        }
        self.close_master();
        let view = node.view();
        let Some(addr) = view
            .node(master)
            .and_then(|p| p.ip.map(|ip| SocketAddr::new(ip, p.port)))
        else {
            return;
        };
        let port = view.myself().map_or(0, |m| m.port);
        let (link, hello) = ReplicaLink::start(port, self.masterauth.clone());
        self.generation += 1;
        let writer = links::open_repl_link(addr, self.generation, self.inbox.clone());
        let _ = writer.send(Write::Bytes(hello));
        self.master = Some(MasterLink {
            id: master,
            generation: self.generation,
            writer,
            link,
        });
    }

    fn close_master(&mut self) {
        if let Some(m) = self.master.take() {
            let _ = m.writer.send(Write::Close);
        }
    }

    /// Drops the link to a master the node no longer replicates (it was
    /// promoted, or follows another master): `replicationUnsetMaster`.
    pub fn check_master(&mut self, node: &Node) {
        if let Some(m) = &self.master {
            if node.master() != Some(m.id) || !node.is_replica() {
                self.close_master();
            }
        }
    }

    /// Bytes from our master: frames go to the node.
    pub fn master_bytes(&mut self, node: &mut Node, now: Time, generation: u64, bytes: &[u8]) {
        let Some(m) = self.master.as_mut().filter(|m| m.generation == generation) else {
            return;
        };
        let from = m.id;
        match m.link.feed(bytes) {
            Ok(events) => {
                for e in events {
                    match e {
                        LinkEvent::Send(b) => {
                            let _ = m.writer.send(Write::Bytes(b));
                        }
                        LinkEvent::Frame(frame) => {
                            if let ReplFrame::Command { args, .. } = &frame {
                                let name = String::from_utf8_lossy(&args[0]).to_ascii_lowercase();
                                if table::lookup(&args[0]).is_none()
                                    && self.unknown.insert(name.clone())
                                {
                                    log!("clusterlab-node: replication from {from}: '{name}' is not implemented here, this replica cannot apply it and diverges from its master");
                                }
                            }
                            node.handle(now, Input::Repl { from, frame });
                        }
                    }
                }
            }
            Err(e) => {
                log!("clusterlab-node: replication from {from}: {e}");
                self.close_master();
                node.handle(now, Input::ReplLinkClosed { from });
            }
        }
    }

    /// Our link to the master closed or could not be opened.
    pub fn master_closed(&mut self, node: &mut Node, now: Time, generation: u64) {
        if let Some(m) = self.master.as_ref().filter(|m| m.generation == generation) {
            let from = m.id;
            self.master = None;
            node.handle(now, Input::ReplLinkClosed { from });
        }
    }
}

/// The snapshot for an RDB-only sync: `+FULLRESYNC` (PSYNC only; SYNC
/// predates it) and the RDB bulk, after which Redis frees the client.
fn rdb_only_transfer(node: &Node, now: Time, psync: bool) -> Vec<u8> {
    let repl = ReplInfo {
        replid: node.id().to_string(),
        offset: node.repl_offset(),
    };
    let rdb = rdb::file::encode(node.keyspace(), now, &repl);
    let mut out = Vec::new();
    if psync {
        out.extend(format!("+FULLRESYNC {} {}\r\n", repl.replid, repl.offset).into_bytes());
    }
    out.extend(format!("${}\r\n", rdb.len()).into_bytes());
    out.extend(rdb);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_core::config::Config;

    fn setup() -> (Psync, Node) {
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let node = Node::new(
            Config::default(),
            "127.0.0.1:7000".parse().unwrap(),
            17000,
            1,
            Time(0),
        );
        let mut psync = Psync::new(tx, None);
        psync.client_opened(ClientId(1), "127.0.0.1:50000".parse().unwrap());
        (psync, node)
    }

    fn run(psync: &mut Psync, node: &mut Node, line: &str) -> Option<Intercepted> {
        let args: Vec<Vec<u8>> = line.split(' ').map(|a| a.as_bytes().to_vec()).collect();
        psync.intercept(node, Time(0), ClientId(1), &args)
    }

    fn error(i: Option<Intercepted>) -> String {
        match i {
            Some(Intercepted::Reply(Value::Error(e))) => e,
            _ => panic!("an error reply"),
        }
    }

    /// `replconfCommand`'s replies, as redis-server 7.0.15 gives them.
    #[test]
    fn replconf_replies_like_redis() {
        let (mut p, mut n) = setup();
        assert!(matches!(
            run(&mut p, &mut n, "REPLCONF listening-port 7001 capa eof capa psync2"),
            Some(Intercepted::Reply(Value::Simple(ok))) if ok == "OK"
        ));
        assert_eq!(
            error(run(&mut p, &mut n, "REPLCONF foo bar")),
            "ERR Unrecognized REPLCONF option: foo"
        );
        assert_eq!(
            error(run(&mut p, &mut n, "REPLCONF listening-port")),
            "ERR syntax error"
        );
        assert_eq!(
            error(run(&mut p, &mut n, "REPLCONF listening-port abc")),
            "ERR value is not an integer or out of range"
        );
        assert_eq!(
            error(run(&mut p, &mut n, "REPLCONF rdb-only 2")),
            "ERR value is out of range, value must between 0 and 1"
        );
        // An ACK from a client that is not a replica gets no reply.
        assert!(matches!(
            run(&mut p, &mut n, "REPLCONF ACK 5"),
            Some(Intercepted::Silent)
        ));
        assert!(
            run(&mut p, &mut n, "GET k").is_none(),
            "other commands go to the node"
        );
        assert_eq!(
            error(run(&mut p, &mut n, "PSYNC ?")),
            "ERR wrong number of arguments for 'psync' command"
        );
    }

    /// An RDB-only sync gets the RDB and the connection ends; a PSYNC from
    /// an address that is no replica of ours waits for gossip to say so.
    #[test]
    fn rdb_only_sync_and_waiting_psync() {
        let (mut p, mut n) = setup();
        run(&mut p, &mut n, "REPLCONF rdb-only 1");
        match run(&mut p, &mut n, "SYNC") {
            Some(Intercepted::Last(bytes)) => {
                let at = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
                assert!(bytes.starts_with(b"$"));
                let loaded = rdb::file::decode(&bytes[at..]).unwrap();
                assert_eq!(loaded.repl.unwrap().replid, n.id().to_string());
            }
            _ => panic!("the RDB, then close"),
        }
        match run(&mut p, &mut n, "PSYNC ? -1") {
            Some(Intercepted::Last(bytes)) => assert!(bytes.starts_with(b"+FULLRESYNC ")),
            _ => panic!("+FULLRESYNC and the RDB, then close"),
        }
        let (mut p, mut n) = setup();
        run(&mut p, &mut n, "REPLCONF listening-port 7001");
        assert!(matches!(
            run(&mut p, &mut n, "PSYNC ? -1"),
            Some(Intercepted::Silent)
        ));
        assert_eq!(p.waiting, vec![ClientId(1)]);
        p.client_closed(ClientId(1));
        assert!(p.waiting.is_empty());
    }
}
