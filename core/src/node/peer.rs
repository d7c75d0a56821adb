//! What a node remembers about each node it knows (Redis's `clusterNode`).

use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::time::Time;
use std::net::{IpAddr, SocketAddr};

/// One entry of the node table, myself included.
#[derive(Clone, Debug)]
pub(crate) struct Peer {
    pub id: NodeId,
    pub flags: NodeFlags,
    pub ip: Option<IpAddr>,
    pub port: u16,
    pub cport: u16,
    /// When this entry was created (a handshake expires after `handshake_timeout`).
    pub ctime: Time,
    pub config_epoch: u64,
    /// How many slots our `slots[]` table binds to this node.
    pub numslots: u32,
    pub master: Option<NodeId>,
    /// Replicas of this node, as we know them (`clusterNode.slaves`).
    pub replicas: Vec<NodeId>,
    /// The outstanding PING, if any.
    pub ping_sent: Option<Time>,
    pub pong_received: Time,
    /// Last time any packet came from it: liveness evidence besides PONGs.
    pub data_received: Time,
    pub fail_time: Option<Time>,
    /// Last time we voted for a replica of this master.
    pub voted_time: Option<Time>,
    pub repl_offset: u64,
    /// Since when this master has had no working replica (replica migration).
    pub orphaned_time: Option<Time>,
    /// Our outbound link, with its creation time; `None` when down.
    pub link: Option<Time>,
    /// Failure reports: which master said this node is failing, and when.
    pub fail_reports: Vec<(NodeId, Time)>,
}

impl Peer {
    pub fn new(id: NodeId, flags: NodeFlags, now: Time) -> Self {
        Peer {
            id,
            flags,
            ip: None,
            port: 0,
            cport: 0,
            ctime: now,
            config_epoch: 0,
            numslots: 0,
            master: None,
            replicas: Vec::new(),
            ping_sent: None,
            pong_received: Time::ZERO,
            data_received: Time::ZERO,
            fail_time: None,
            voted_time: None,
            repl_offset: 0,
            orphaned_time: None,
            link: None,
            fail_reports: Vec::new(),
        }
    }

    pub fn has(&self, bit: u16) -> bool {
        self.flags.has(bit)
    }

    pub fn is_master(&self) -> bool {
        self.flags.is_master()
    }

    pub fn is_replica(&self) -> bool {
        self.flags.is_replica()
    }

    /// `nodeFailed()`: FAIL (not PFAIL).
    pub fn failed(&self) -> bool {
        self.has(NodeFlags::FAIL)
    }

    /// PFAIL or FAIL.
    pub fn failing(&self) -> bool {
        self.flags.is_failing()
    }

    pub fn in_handshake(&self) -> bool {
        self.has(NodeFlags::HANDSHAKE)
    }

    /// The bus address, once known.
    pub fn bus_addr(&self) -> Option<SocketAddr> {
        self.ip.map(|ip| SocketAddr::new(ip, self.cport))
    }
}
