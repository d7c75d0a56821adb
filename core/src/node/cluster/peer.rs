//! What a node remembers about each node it knows (Redis's `clusterNode`).

use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::msg::IpText;
use crate::time::Time;
use std::net::{IpAddr, SocketAddr};

/// One entry of the node table, myself included.
///
/// One 64-byte line (`repr(C)`, cache-line aligned) holding everything
/// gossip reads about a node, and the rest of `clusterNode` behind one
/// pointer ([`PeerRest`], reached through `Deref`, so rules read
/// `p.config_epoch` as they would the C struct's field). A message carries
/// a hundred entries at 1000 nodes, each about a random node of a thousand,
/// so building and reading sections is bound by cache misses, one per line
/// touched; with the table's stride one line instead of five, a thousand
/// tables take 64 MB instead of 320 and each miss costs less (the
/// `gossip_floor` bench: 9 ns per access instead of 16). Hence the 2-byte
/// slot count, the IP kept as text, the outstanding PING and the link's
/// time as [`MaybeTime`]s and failure reports behind one pointer.
#[derive(Clone, Debug)]
#[repr(C, align(64))]
pub(crate) struct Peer {
    pub pong_received: Time,
    /// The outstanding PING, if any.
    pub ping_sent: MaybeTime,
    /// Our outbound link, with its creation time; none when down.
    pub link: MaybeTime,
    /// Last time any packet came from it: liveness evidence besides PONGs
    /// (cron looks at it for every node it checks).
    pub data_received: Time,
    /// Failure reports: which master said this node is failing, and when.
    pub fail_reports: FailReports,
    pub id: NodeId,
    /// [`ip`](Self::ip) as gossip writes it.
    ip_text: IpText,
    pub flags: NodeFlags,
    pub port: u16,
    pub cport: u16,
    /// How many slots our `slots[]` table binds to this node (at most 16384).
    pub numslots: u16,
    rest: Box<PeerRest>,
}

/// What gossip does not read about a node: the rest of its `clusterNode`.
#[derive(Clone, Debug)]
pub(crate) struct PeerRest {
    ip: Option<IpAddr>,
    /// When this entry was created (a handshake expires after `handshake_timeout`).
    pub ctime: Time,
    pub config_epoch: u64,
    pub master: Option<NodeId>,
    /// Replicas of this node, as we know them (`clusterNode.slaves`).
    pub replicas: Vec<NodeId>,
    pub fail_time: Option<Time>,
    /// Last time we voted for a replica of this master.
    pub voted_time: Option<Time>,
    pub repl_offset: u64,
    /// Since when this master has had no working replica (replica migration).
    pub orphaned_time: Option<Time>,
    /// Its `cluster-announce-hostname`, from its last PING/PONG/MEET (empty:
    /// none), for clients told to reach nodes by name.
    pub hostname: String,
    /// The link this node opened to us, with the time it was tied to the
    /// node (`clusterNode.inbound_link`); `None` when there is none.
    pub inbound_link: Option<Time>,
    /// Our outbound link's send buffer, as the host last reported it.
    pub out_buffer: super::links::SendBuffer,
    /// The inbound link's send buffer (PONGs go back on it).
    pub inbound_buffer: super::links::SendBuffer,
}

impl std::ops::Deref for Peer {
    type Target = PeerRest;
    fn deref(&self) -> &PeerRest {
        &self.rest
    }
}

impl std::ops::DerefMut for Peer {
    fn deref_mut(&mut self) -> &mut PeerRest {
        &mut self.rest
    }
}

/// An optional time in 8 bytes (`Option<Time>` takes 16): the entry's
/// first line has no room for more. `Time::MAX` means none; no PING is
/// sent, and no link made, at the end of time.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct MaybeTime(u64);

impl MaybeTime {
    pub const NONE: MaybeTime = MaybeTime(u64::MAX);

    pub fn get(self) -> Option<Time> {
        (self != Self::NONE).then_some(Time(self.0))
    }

    pub fn is_some(self) -> bool {
        self != Self::NONE
    }

    pub fn is_none(self) -> bool {
        self == Self::NONE
    }

    /// The time, leaving none behind (`Option::take`).
    pub fn take(&mut self) -> Option<Time> {
        std::mem::replace(self, Self::NONE).get()
    }
}

impl From<Option<Time>> for MaybeTime {
    fn from(t: Option<Time>) -> MaybeTime {
        t.map_or(MaybeTime::NONE, |t| {
            debug_assert!(t != Time::MAX, "Time::MAX stands for none");
            MaybeTime(t.ms())
        })
    }
}

impl std::fmt::Debug for MaybeTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

// The entry is one line.
const _: () = assert!(std::mem::size_of::<Peer>() == 64);

impl Peer {
    pub fn new(id: NodeId, flags: NodeFlags, now: Time) -> Self {
        Peer {
            pong_received: Time::ZERO,
            ping_sent: MaybeTime::NONE,
            link: MaybeTime::NONE,
            data_received: Time::ZERO,
            fail_reports: FailReports::default(),
            id,
            ip_text: IpText::default(),
            flags,
            port: 0,
            cport: 0,
            numslots: 0,
            rest: Box::new(PeerRest {
                ip: None,
                ctime: now,
                config_epoch: 0,
                master: None,
                replicas: Vec::new(),
                fail_time: None,
                voted_time: None,
                repl_offset: 0,
                orphaned_time: None,
                hostname: String::new(),
                inbound_link: None,
                out_buffer: Default::default(),
                inbound_buffer: Default::default(),
            }),
        }
    }

    /// This entry as `clusterLoadConfig` rebuilds it from its nodes.conf
    /// line after a restart: a fresh `createClusterNode` given the saved ID,
    /// address, hostname, flags, master and epoch. Everything else (links,
    /// failure reports, `voted_time`, `repl_offset`, orphan time) starts
    /// empty. A FAIL node's `fail_time` is the load time; a pong ever
    /// received counts as received now (the file held a non-zero pong time);
    /// a replica's own configEpoch is 0 (the file holds its master's).
    pub fn reloaded(&self, now: Time) -> Peer {
        let mut p = Peer::new(self.id, NodeFlags(self.flags.0 & NodeFlags::SAVED), now);
        p.set_ip(self.ip);
        p.port = self.port;
        p.cport = self.cport;
        p.hostname = self.hostname.clone();
        p.master = self.master;
        p.replicas = self.replicas.clone();
        if !p.replicas.is_empty() {
            // Loading a replica's line calls `clusterNodeAddSlave`, which
            // flags its master as a replica-migration target.
            p.flags.set(NodeFlags::MIGRATE_TO);
        }
        p.numslots = self.numslots;
        p.config_epoch = if p.is_replica() && p.master.is_some() {
            0
        } else {
            self.config_epoch
        };
        if self.pong_received > Time::ZERO {
            p.pong_received = now;
        }
        if p.failed() {
            p.fail_time = Some(now);
        }
        p
    }

    pub fn ip(&self) -> Option<IpAddr> {
        self.ip
    }

    /// The IP as gossip entries carry it (empty when unknown).
    pub fn ip_text(&self) -> IpText {
        self.ip_text
    }

    pub fn set_ip(&mut self, ip: Option<IpAddr>) {
        self.rest.ip = ip;
        self.ip_text = ip.map(IpText::from_ip).unwrap_or_default();
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

    /// Heap bytes this entry holds: the rest of the node's record, its
    /// replica list, hostname and failure reports (for `state_bytes`).
    pub fn heap_bytes(&self) -> usize {
        std::mem::size_of::<PeerRest>()
            + self.replicas.capacity() * std::mem::size_of::<NodeId>()
            + self.hostname.capacity()
            + self.fail_reports.bytes()
    }

    /// The bus address, once known.
    pub fn bus_addr(&self) -> Option<SocketAddr> {
        self.ip.map(|ip| SocketAddr::new(ip, self.cport))
    }
}

/// A node's failure reports, behind one pointer: most nodes have none, and
/// the entry's first cache line has no room for a `Vec`.
/// (`Box<Vec>` on purpose: one pointer, null when empty, instead of a
/// 24-byte `Vec` inline.)
#[derive(Clone, Debug, Default)]
#[allow(clippy::box_collection)]
pub(crate) struct FailReports(Option<Box<Vec<(NodeId, Time)>>>);

impl FailReports {
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |v| v.len())
    }

    pub fn iter(&self) -> std::slice::Iter<'_, (NodeId, Time)> {
        self.0.as_deref().map_or(&[][..], |v| v.as_slice()).iter()
    }

    /// The report from `reporter`, to refresh its time.
    pub fn find_mut(&mut self, reporter: NodeId) -> Option<&mut (NodeId, Time)> {
        self.0.as_mut()?.iter_mut().find(|(r, _)| *r == reporter)
    }

    pub fn push(&mut self, report: (NodeId, Time)) {
        self.0.get_or_insert_with(Default::default).push(report);
    }

    /// Keeps the reports `keep` accepts; none left frees the list.
    pub fn retain(&mut self, keep: impl FnMut(&(NodeId, Time)) -> bool) {
        if let Some(v) = self.0.as_mut() {
            v.retain(keep);
            if v.is_empty() {
                self.0 = None;
            }
        }
    }

    pub fn to_vec(&self) -> Vec<(NodeId, Time)> {
        self.iter().copied().collect()
    }

    /// Heap bytes held, for `state_bytes`.
    pub fn bytes(&self) -> usize {
        self.0.as_ref().map_or(0, |v| {
            std::mem::size_of::<Vec<(NodeId, Time)>>()
                + v.capacity() * std::mem::size_of::<(NodeId, Time)>()
        })
    }
}
