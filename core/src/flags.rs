//! Node flags: the same bits in memory, on the wire and (as words) in `CLUSTER NODES`.

use std::fmt;

/// `CLUSTER_NODE_*` flag bits (docs/redis-behaviour.md §2.2). The wire `flags` field carries
/// them as-is.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct NodeFlags(pub u16);

impl NodeFlags {
    /// A master (`master` in CLUSTER NODES).
    pub const MASTER: u16 = 1;
    /// A replica (`slave`).
    pub const SLAVE: u16 = 2;
    /// Suspected failing by this node (`fail?`).
    pub const PFAIL: u16 = 4;
    /// Failing, agreed by a majority of masters (`fail`).
    pub const FAIL: u16 = 8;
    /// This node (`myself`).
    pub const MYSELF: u16 = 16;
    /// A MEET'ed node not yet answered under its real ID (`handshake`).
    pub const HANDSHAKE: u16 = 32;
    /// Its address is unknown (`noaddr`).
    pub const NOADDR: u16 = 64;
    /// Send MEET rather than PING on the next connect (not printed).
    pub const MEET: u16 = 128;
    /// A master that has or had replicas: a target of replica migration (not printed).
    pub const MIGRATE_TO: u16 = 256;
    /// `cluster-replica-no-failover yes` on that replica (`nofailover`).
    pub const NOFAILOVER: u16 = 512;
    /// The peer reads ping extensions (not printed).
    pub const EXTENSIONS_SUPPORTED: u16 = 1024;
    /// The flags `CLUSTER NODES` prints, hence the ones nodes.conf keeps
    /// across a restart (`redisNodeFlagsTable`); the others start cleared.
    pub const SAVED: u16 = Self::MYSELF
        | Self::MASTER
        | Self::SLAVE
        | Self::PFAIL
        | Self::FAIL
        | Self::HANDSHAKE
        | Self::NOADDR
        | Self::NOFAILOVER;

    /// Whether any of the `bit`s is set.
    pub fn has(self, bit: u16) -> bool {
        self.0 & bit != 0
    }

    /// Sets the `bit`s.
    pub fn set(&mut self, bit: u16) {
        self.0 |= bit;
    }

    /// Clears the `bit`s.
    pub fn clear(&mut self, bit: u16) {
        self.0 &= !bit;
    }

    /// Whether the MASTER flag is set.
    pub fn is_master(self) -> bool {
        self.has(Self::MASTER)
    }

    /// Whether the SLAVE flag is set.
    pub fn is_replica(self) -> bool {
        self.has(Self::SLAVE)
    }

    /// PFAIL or FAIL.
    pub fn is_failing(self) -> bool {
        self.has(Self::PFAIL) || self.has(Self::FAIL)
    }
}

/// The words `CLUSTER NODES` prints, in `representClusterNodeFlags` order.
impl fmt::Display for NodeFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const WORDS: [(u16, &str); 8] = [
            (NodeFlags::MYSELF, "myself"),
            (NodeFlags::MASTER, "master"),
            (NodeFlags::SLAVE, "slave"),
            (NodeFlags::PFAIL, "fail?"),
            (NodeFlags::FAIL, "fail"),
            (NodeFlags::HANDSHAKE, "handshake"),
            (NodeFlags::NOADDR, "noaddr"),
            (NodeFlags::NOFAILOVER, "nofailover"),
        ];
        let mut first = true;
        for (bit, word) in WORDS {
            if self.has(bit) {
                if !first {
                    f.write_str(",")?;
                }
                f.write_str(word)?;
                first = false;
            }
        }
        if first {
            f.write_str("noflags")?;
        }
        Ok(())
    }
}

impl fmt::Debug for NodeFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeFlags({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// representClusterNodeFlags: fixed order, comma-joined, `noflags` if none.
    #[test]
    fn flags_print_like_cluster_nodes() {
        let f = NodeFlags(NodeFlags::MYSELF | NodeFlags::MASTER);
        assert_eq!(f.to_string(), "myself,master");
        let f = NodeFlags(NodeFlags::FAIL | NodeFlags::PFAIL | NodeFlags::MASTER);
        assert_eq!(f.to_string(), "master,fail?,fail");
        assert_eq!(NodeFlags(NodeFlags::MEET).to_string(), "noflags");
    }
}
