//! Cluster bus messages (`clusterMsg` in Redis), as typed values.
//!
//! The same values are encoded in Redis 7.0's wire format by [`wire`], so a
//! simulated message has exactly the size of the real one and the native node
//! can talk to real redis-server nodes.

mod ip_text;
pub mod wire;

pub use ip_text::IpText;

use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::slot::SlotSet;
use std::sync::Arc;

/// Message types with their on-wire numbers (`CLUSTERMSG_TYPE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MsgType {
    /// Heartbeat with gossip; answered with PONG.
    Ping = 0,
    /// Answer to PING or MEET, also broadcast to announce a new configuration.
    Pong = 1,
    /// PING that makes the receiver add an unknown sender (CLUSTER MEET).
    Meet = 2,
    /// A node is failing (a majority of masters agreed).
    Fail = 3,
    /// A PUBLISH to deliver to every node's subscribers.
    Publish = 4,
    /// A replica asks the masters for their vote.
    FailoverAuthRequest = 5,
    /// A master's vote.
    FailoverAuthAck = 6,
    /// A node's newer slot configuration, sent to a node with a stale claim.
    Update = 7,
    /// A replica asks its master to start a manual failover.
    MfStart = 8,
    /// A module's message.
    Module = 9,
    /// An SPUBLISH to deliver within the channel's shard.
    PublishShard = 10,
}

impl MsgType {
    /// Every type, in wire-number order.
    pub const ALL: [MsgType; 11] = [
        MsgType::Ping,
        MsgType::Pong,
        MsgType::Meet,
        MsgType::Fail,
        MsgType::Publish,
        MsgType::FailoverAuthRequest,
        MsgType::FailoverAuthAck,
        MsgType::Update,
        MsgType::MfStart,
        MsgType::Module,
        MsgType::PublishShard,
    ];

    /// The type with wire number `v`, if there is one.
    pub fn from_u16(v: u16) -> Option<MsgType> {
        MsgType::ALL.get(v as usize).copied()
    }

    /// The name `CLUSTER INFO` uses in `cluster_stats_messages_<name>_sent`.
    pub fn stats_name(self) -> &'static str {
        match self {
            MsgType::Ping => "ping",
            MsgType::Pong => "pong",
            MsgType::Meet => "meet",
            MsgType::Fail => "fail",
            MsgType::Publish => "publish",
            MsgType::FailoverAuthRequest => "auth-req",
            MsgType::FailoverAuthAck => "auth-ack",
            MsgType::Update => "update",
            MsgType::MfStart => "mfstart",
            MsgType::Module => "module",
            MsgType::PublishShard => "publishshard",
        }
    }

    /// The name used in traces and in the app's legend.
    pub fn name(self) -> &'static str {
        match self {
            MsgType::Ping => "PING",
            MsgType::Pong => "PONG",
            MsgType::Meet => "MEET",
            MsgType::Fail => "FAIL",
            MsgType::Publish => "PUBLISH",
            MsgType::FailoverAuthRequest => "FAILOVER_AUTH_REQUEST",
            MsgType::FailoverAuthAck => "FAILOVER_AUTH_ACK",
            MsgType::Update => "UPDATE",
            MsgType::MfStart => "MFSTART",
            MsgType::Module => "MODULE",
            MsgType::PublishShard => "PUBLISHSHARD",
        }
    }
}

/// `mflags[0]` bits.
pub mod mflags {
    /// Master paused for a manual failover.
    pub const PAUSED: u8 = 1 << 0;
    /// Auth request of a manual failover: vote even if the master is not FAIL.
    pub const FORCEACK: u8 = 1 << 1;
    /// The message carries ping extensions.
    pub const EXT_DATA: u8 = 1 << 2;
}

/// The fixed 2256-byte header every message carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Sender's client port.
    pub port: u16,
    /// Sender's currentEpoch.
    pub current_epoch: u64,
    /// Sender's configEpoch if master, else its master's.
    pub config_epoch: u64,
    /// Replication offset (master_repl_offset, or a replica's processed offset).
    pub offset: u64,
    /// Sender's node ID.
    pub sender: NodeId,
    /// Slots the sender (or, for a replica, its master) serves. Shared, because
    /// a node sends the same 2048-byte bitmap in every message.
    pub myslots: Arc<SlotSet>,
    /// The sender's master, `None` if the sender is a master (all-zero on the wire).
    pub replicaof: Option<NodeId>,
    /// `cluster-announce-ip`, empty if not announced (the receiver then uses the
    /// socket's peer address).
    pub myip: String,
    /// Secondary port (the TCP port when `port` is the TLS one); 0 here.
    pub pport: u16,
    /// Sender's cluster bus port.
    pub cport: u16,
    /// Sender's `myself->flags`.
    pub flags: NodeFlags,
    /// Sender's view of the cluster: true when its state is FAIL.
    pub state_fail: bool,
    /// `mflags`, see [`mflags`].
    pub mflags: [u8; 3],
}

/// One 104-byte gossip entry about a third node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GossipEntry {
    /// The node this entry is about.
    pub node: NodeId,
    /// Seconds (Redis sends `ping_sent / 1000`).
    pub ping_sent: u32,
    /// Seconds.
    pub pong_received: u32,
    /// Its IP as the sender knows it.
    pub ip: IpText,
    /// Its client port.
    pub port: u16,
    /// Its cluster bus port.
    pub cport: u16,
    /// Its flags as the sender sees them (PFAIL/FAIL make a failure report).
    pub flags: NodeFlags,
    /// Its secondary (TLS or plain) port; 0 here.
    pub pport: u16,
}

/// Ping extensions that follow the gossip section (`clusterMsgPingExt`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PingExt {
    /// The sender's `cluster-announce-hostname`.
    Hostname(String),
    /// The sender's `cluster-announce-human-nodename` (7.2+).
    HumanNodename(String),
    /// A node the sender forgot (`CLUSTER FORGET`): the receiver forgets it too (7.2+).
    ForgottenNode {
        /// The node to forget.
        node: NodeId,
        /// How long to keep it blacklisted, seconds.
        ttl_secs: u64,
    },
    /// The sender's shard ID (7.2+).
    ShardId(NodeId),
}

/// The type-specific part of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// A heartbeat.
    Ping(Gossip),
    /// A heartbeat's answer (or an announcement).
    Pong(Gossip),
    /// A MEET.
    Meet(Gossip),
    /// The node that failed.
    Fail(NodeId),
    /// A cluster-wide publication.
    Publish {
        /// The channel.
        channel: Vec<u8>,
        /// The published payload.
        message: Vec<u8>,
    },
    /// A request for votes (the header carries the epoch and the claimed slots).
    FailoverAuthRequest,
    /// A vote.
    FailoverAuthAck,
    /// "This node owns these slots at this configEpoch."
    Update {
        /// `node`'s configEpoch.
        config_epoch: u64,
        /// The node the configuration is about.
        node: NodeId,
        /// The slots it serves.
        slots: Arc<SlotSet>,
    },
    /// A manual failover request from a replica to its master.
    MfStart,
    /// A module's message.
    Module {
        /// The module's 64-bit ID.
        module_id: u64,
        /// The module-defined message type.
        kind: u8,
        /// The module's bytes.
        payload: Vec<u8>,
    },
    /// A publication within a shard.
    PublishShard {
        /// The shard channel.
        channel: Vec<u8>,
        /// The published payload.
        message: Vec<u8>,
    },
}

/// Gossip entries and extensions of PING, PONG and MEET.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gossip {
    /// Entries about other nodes.
    pub entries: Vec<GossipEntry>,
    /// Ping extensions after the entries.
    pub extensions: Vec<PingExt>,
}

/// A whole cluster bus message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The fixed header (sender, epochs, slots, flags).
    pub header: Header,
    /// The type-specific part.
    pub body: Body,
}

impl Message {
    /// The message's type.
    pub fn kind(&self) -> MsgType {
        match &self.body {
            Body::Ping(_) => MsgType::Ping,
            Body::Pong(_) => MsgType::Pong,
            Body::Meet(_) => MsgType::Meet,
            Body::Fail(_) => MsgType::Fail,
            Body::Publish { .. } => MsgType::Publish,
            Body::FailoverAuthRequest => MsgType::FailoverAuthRequest,
            Body::FailoverAuthAck => MsgType::FailoverAuthAck,
            Body::Update { .. } => MsgType::Update,
            Body::MfStart => MsgType::MfStart,
            Body::Module { .. } => MsgType::Module,
            Body::PublishShard { .. } => MsgType::PublishShard,
        }
    }

    /// Gossip of a PING, PONG or MEET.
    pub fn gossip(&self) -> Option<&Gossip> {
        match &self.body {
            Body::Ping(g) | Body::Pong(g) | Body::Meet(g) => Some(g),
            _ => None,
        }
    }
}
