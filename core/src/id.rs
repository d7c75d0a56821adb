//! Node identity: Redis's 40-character random hex node IDs.

use rand::Rng;
use std::fmt;

/// A node ID as Redis prints it: 40 lowercase hex characters (`clusterNode.name`).
///
/// IDs are random (`getRandomHexChars`), drawn here from the node's seeded RNG
/// so a seed always yields the same IDs.
#[derive(Clone, Copy, Eq, PartialOrd, Ord)]
pub struct NodeId([u8; 40]);

impl NodeId {
    /// The ID as five words, for equality and hashing.
    #[inline]
    fn words(&self) -> [u64; 5] {
        let mut w = [0u64; 5];
        for (word, chunk) in w.iter_mut().zip(self.0.chunks_exact(8)) {
            *word = u64::from_ne_bytes(chunk.try_into().expect("8 bytes"));
        }
        w
    }
}

/// Equality word by word: nodes compare IDs for every gossip entry and every
/// peer in every cron, and the derived byte comparison went through a
/// `memcmp` call each time (a tenth of a large simulation).
impl PartialEq for NodeId {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.words(), other.words());
        // No early exit and no array comparison: either may become a call.
        a.iter().zip(b).fold(0, |diff, (x, y)| diff | (x ^ y)) == 0
    }
}

/// Hashes the bytes, as the derived `Hash` did (consistent with `Eq`).
impl std::hash::Hash for NodeId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl NodeId {
    /// The all-zero name Redis puts in `slaveof` when a node is a master.
    pub const NULL: NodeId = NodeId([0; 40]);

    /// A fresh random ID.
    pub fn random(rng: &mut impl Rng) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut name = [0u8; 40];
        for b in name.iter_mut() {
            *b = HEX[(rng.next_u32() & 15) as usize];
        }
        NodeId(name)
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
        ok.then_some(NodeId(*bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 40] {
        &self.0
    }

    pub fn is_null(&self) -> bool {
        self.0 == [0; 40]
    }

    pub fn as_str(&self) -> &str {
        // Only constructed from ASCII, see `from_wire` and `random`.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The first 8 characters, as logs and redis-cli abbreviate IDs.
    pub fn short(&self) -> &str {
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
