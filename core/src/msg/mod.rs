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
    Ping = 0,
    Pong = 1,
    Meet = 2,
    Fail = 3,
    Publish = 4,
    FailoverAuthRequest = 5,
    FailoverAuthAck = 6,
    Update = 7,
    MfStart = 8,
    Module = 9,
    PublishShard = 10,
}

impl MsgType {
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
    pub node: NodeId,
    /// Seconds (Redis sends `ping_sent / 1000`).
    pub ping_sent: u32,
    /// Seconds.
    pub pong_received: u32,
    pub ip: IpText,
    pub port: u16,
    pub cport: u16,
    pub flags: NodeFlags,
    pub pport: u16,
}

/// Ping extensions that follow the gossip section (`clusterMsgPingExt`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PingExt {
    Hostname(String),
    HumanNodename(String),
    ForgottenNode { node: NodeId, ttl_secs: u64 },
    ShardId(NodeId),
}

/// The type-specific part of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Ping(Gossip),
    Pong(Gossip),
    Meet(Gossip),
    /// The node that failed.
    Fail(NodeId),
    Publish {
        channel: Vec<u8>,
        message: Vec<u8>,
    },
    FailoverAuthRequest,
    FailoverAuthAck,
    /// "This node owns these slots at this configEpoch."
    Update {
        config_epoch: u64,
        node: NodeId,
        slots: Arc<SlotSet>,
    },
    MfStart,
    Module {
        module_id: u64,
        kind: u8,
        payload: Vec<u8>,
    },
    PublishShard {
        channel: Vec<u8>,
        message: Vec<u8>,
    },
}

/// Gossip entries and extensions of PING, PONG and MEET.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gossip {
    pub entries: Vec<GossipEntry>,
    pub extensions: Vec<PingExt>,
}

/// A whole cluster bus message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub header: Header,
    pub body: Body,
}

impl Message {
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
