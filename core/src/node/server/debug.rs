//! What DEBUG changes in a node (`debug.c`): switches tests and operators
//! use to provoke or rule out behaviour. They are server state, not
//! settings: a restart resets them.

use crate::node::Node;
use crate::node::ServerCtx;

/// The DEBUG switches a node obeys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebugSwitches {
    /// `DEBUG DROP-CLUSTER-PACKET-FILTER <type>`: incoming bus messages of
    /// this type number are dropped unread, as `clusterProcessPacket` does
    /// with `server.cluster_drop_packet_filter`; -1 (the default) drops none.
    pub drop_packet_filter: i64,
    /// `DEBUG SET-ACTIVE-EXPIRE 0|1`: whether `databasesCron` expires keys
    /// nobody reads (`server.active_expire_enabled`).
    pub active_expire: bool,
}

impl Default for DebugSwitches {
    fn default() -> Self {
        DebugSwitches {
            drop_packet_filter: -1,
            active_expire: true,
        }
    }
}

impl Node {
    /// The DEBUG switches.
    pub fn debug_switches(&self) -> &DebugSwitches {
        &self.server.debug
    }
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    /// The DEBUG switches, for the DEBUG command.
    pub(crate) fn debug_switches_mut(&mut self) -> &mut DebugSwitches {
        &mut self.server.debug
    }
}
