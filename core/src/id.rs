//! Node identity: Redis's 40-character random hex node IDs.

use rand::Rng;
use std::fmt;

/// Every node name this process has seen.
static NAMES: crate::intern::Table<40> = crate::intern::Table::new();

/// A node ID as Redis prints it: 40 lowercase hex characters (`clusterNode.name`).
///
/// IDs are random (`getRandomHexChars`), drawn here from the node's seeded RNG
/// so a seed always yields the same IDs. The value is the name's number in a
/// process-wide table (`crate::intern`): comparing and hashing IDs is the
/// inner loop of gossip, and a 4-byte number does both in one instruction.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeId(u32);

/// Ordered by name, as Redis compares `clusterNode.name` (epoch collisions,
/// sorted listings): the numbers depend on this process's history.
impl Ord for NodeId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if self.0 == other.0 {
            return std::cmp::Ordering::Equal;
        }
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl PartialOrd for NodeId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl NodeId {
    /// The all-zero name Redis puts in `slaveof` when a node is a master.
    pub const NULL: NodeId = NodeId(0);

    /// A fresh random ID.
    pub fn random(rng: &mut impl Rng) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut name = [0u8; 40];
        for b in name.iter_mut() {
            *b = HEX[(rng.next_u32() & 15) as usize];
        }
        Self::intern(&name).expect("the node name table is full")
    }

    /// Parses a node ID, accepting only `[a-z0-9]{40}` like `verifyClusterNodeId`.
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        Self::from_wire(bytes.try_into().ok()?).filter(|id| !id.is_null())
    }

    /// Reads the 40 raw bytes of a bus field; `None` unless every byte is `[a-z0-9]`
    /// or every byte is zero (the NULL name).
    pub fn from_wire(bytes: &[u8; 40]) -> Option<Self> {
        let ok = bytes
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
            || bytes.iter().all(|&b| b == 0);
        if !ok {
            return None;
        }
        Self::intern(bytes)
    }

    /// The ID of `name`, `None` once [`crate::intern::CAPACITY`] names exist.
    fn intern(name: &[u8; 40]) -> Option<Self> {
        NAMES.intern(name).map(NodeId)
    }

    /// The 40 bytes of the name, as on the wire.
    pub fn as_bytes(&self) -> &'static [u8; 40] {
        NAMES.get(self.0)
    }

    /// Whether this is [`NodeId::NULL`] (a master's empty `slaveof`).
    pub fn is_null(&self) -> bool {
        self.0 == 0
    }

    /// The name as text.
    pub fn as_str(&self) -> &'static str {
        // Only constructed from ASCII, see `from_wire` and `random`.
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The name's number in this process's table: dense and small, so a
    /// node can index its table by it, but different from one process to
    /// another; nothing observable may depend on it.
    pub(crate) fn number(self) -> u32 {
        self.0
    }

    /// The first 8 characters, as logs and redis-cli abbreviate IDs.
    pub fn short(&self) -> &'static str {
        &self.as_str()[..8.min(self.as_str().len())]
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeId({})", self.short())
    }
}

impl serde::Serialize for NodeId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn ids_are_40_lowercase_hex_and_seeded() {
        let mut a = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut b = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let id = NodeId::random(&mut a);
        assert_eq!(id, NodeId::random(&mut b));
        assert_eq!(id.as_str().len(), 40);
        assert!(id
            .as_str()
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(NodeId::parse(id.as_str()), Some(id));
    }

    /// verifyClusterNodeId: exactly 40 chars of [a-z0-9].
    #[test]
    fn parse_rejects_what_redis_rejects() {
        assert!(NodeId::parse("abc").is_none());
        assert!(NodeId::parse(&"A".repeat(40)).is_none());
        assert!(NodeId::parse(&"z".repeat(40)).is_some());
        assert!(NodeId::parse(&"0".repeat(41)).is_none());
    }
}
