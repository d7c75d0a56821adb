//! Keys to hash slots, and sets of slots.
//!
//! Redis Cluster splits the keyspace into [`SLOTS`] hash slots. A key's slot is
//! CRC16/XMODEM of the key (or of its hash tag) masked to 14 bits — exactly
//! `keyHashSlot()` in Redis's `cluster.c`.

use std::fmt;

/// Number of hash slots (`CLUSTER_SLOTS` in `cluster.h`).
pub const SLOTS: u16 = 16384;

/// Bytes in a slot bitmap, as carried in every cluster bus header.
pub const BITMAP_BYTES: usize = SLOTS as usize / 8;

/// CRC-16/XMODEM (poly 0x1021, init 0, no reflection), Redis's `crc16()`.
pub fn crc16(bytes: &[u8]) -> u16 {
    crc16::State::<crc16::XMODEM>::calculate(bytes)
}

/// The hash slot of `key`, following Redis's hash-tag rule: if the key has a
/// `{`, a later `}`, and at least one byte between them, only the bytes between
/// the *first* `{` and the first `}` after it are hashed.
pub fn key_slot(key: &[u8]) -> u16 {
    crc16(hash_tag(key).unwrap_or(key)) & (SLOTS - 1)
}

/// The part of `key` that is hashed when it has a non-empty hash tag.
///
/// Exposed so the key tracer can highlight the hashed bytes.
pub fn hash_tag(key: &[u8]) -> Option<&[u8]> {
    let open = key.iter().position(|&b| b == b'{')?;
    let close = key[open + 1..].iter().position(|&b| b == b'}')?;
    (close > 0).then(|| &key[open + 1..open + 1 + close])
}

/// A short key that hashes to `slot` (`{tag}` style, like redis-benchmark's
/// precomputed slot table), for tools that must write into a given slot.
pub fn tag_for_slot(slot: u16) -> &'static str {
    static TABLE: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = vec![String::new(); SLOTS as usize];
        let mut missing = SLOTS as usize;
        let mut n = 0u64;
        while missing > 0 {
            let candidate = format!("{n:x}");
            let s = key_slot(candidate.as_bytes()) as usize;
            if table[s].is_empty() {
                table[s] = candidate;
                missing -= 1;
            }
            n += 1;
        }
        table
    });
    &table[(slot % SLOTS) as usize]
}

/// A set of hash slots as the 2048-byte bitmap Redis keeps per node
/// (`clusterNode.slots`): slot `j` is bit `j & 7` of byte `j / 8`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SlotSet {
    bits: [u64; SLOTS as usize / 64],
}

impl Default for SlotSet {
    fn default() -> Self {
        Self::new()
    }
}

impl SlotSet {
    /// The empty set.
    pub const fn new() -> Self {
        SlotSet {
            bits: [0; SLOTS as usize / 64],
        }
    }

    /// Every slot `0..=16383`.
    pub fn full() -> Self {
        SlotSet {
            bits: [u64::MAX; SLOTS as usize / 64],
        }
    }

    /// The slots `first..=last` (empty if `first > last`).
    pub fn range(first: u16, last: u16) -> Self {
        let mut set = SlotSet::new();
        set.insert_range(first, last);
        set
    }

    /// Whether `slot` is in the set.
    pub fn contains(&self, slot: u16) -> bool {
        slot < SLOTS && self.bits[slot as usize / 64] & (1 << (slot % 64)) != 0
    }

    /// Adds `slot`; returns whether it was absent. Slots ≥ 16384 are ignored.
    pub fn insert(&mut self, slot: u16) -> bool {
        if slot >= SLOTS || self.contains(slot) {
            return false;
        }
        self.bits[slot as usize / 64] |= 1 << (slot % 64);
        true
    }

    /// Removes `slot`; returns whether it was present.
    pub fn remove(&mut self, slot: u16) -> bool {
        if !self.contains(slot) {
            return false;
        }
        self.bits[slot as usize / 64] &= !(1 << (slot % 64));
        true
    }

    /// Adds every slot of `first..=last`.
    pub fn insert_range(&mut self, first: u16, last: u16) {
        for slot in first..=last.min(SLOTS - 1) {
            self.insert(slot);
        }
    }

    /// Number of slots in the set.
    pub fn len(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&w| w == 0)
    }

    /// Whether all 16384 slots are in the set.
    pub fn is_full(&self) -> bool {
        self.bits.iter().all(|&w| w == u64::MAX)
    }

    /// The lowest slot in the set.
    pub fn first(&self) -> Option<u16> {
        self.iter().next()
    }

    /// Slots in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        self.bits.iter().enumerate().flat_map(|(i, &word)| {
            let mut w = word;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros();
                w &= w - 1;
                Some(i as u16 * 64 + bit as u16)
            })
        })
    }

    /// Maximal runs of consecutive slots, ascending, as `(first, last)`.
    pub fn ranges(&self) -> Vec<(u16, u16)> {
        let mut out: Vec<(u16, u16)> = Vec::new();
        for slot in self.iter() {
            match out.last_mut() {
                Some((_, last)) if *last + 1 == slot => *last = slot,
                _ => out.push((slot, slot)),
            }
        }
        out
    }

    /// Adds every slot of `other`.
    pub fn union_with(&mut self, other: &SlotSet) {
        for (a, b) in self.bits.iter_mut().zip(other.bits.iter()) {
            *a |= *b;
        }
    }

    /// Removes every slot of `other`.
    pub fn difference_with(&mut self, other: &SlotSet) {
        for (a, b) in self.bits.iter_mut().zip(other.bits.iter()) {
            *a &= !*b;
        }
    }

    /// Whether the sets share a slot.
    pub fn intersects(&self, other: &SlotSet) -> bool {
        self.bits
            .iter()
            .zip(other.bits.iter())
            .any(|(a, b)| a & b != 0)
    }

    /// The 2048-byte bitmap exactly as Redis lays it out on the wire.
    pub fn to_bitmap(&self) -> [u8; BITMAP_BYTES] {
        let mut out = [0u8; BITMAP_BYTES];
        for (i, word) in self.bits.iter().enumerate() {
            out[i * 8..i * 8 + 8].copy_from_slice(&word.to_le_bytes());
        }
        out
    }

    /// Reads a Redis slot bitmap (2048 bytes).
    pub fn from_bitmap(bytes: &[u8; BITMAP_BYTES]) -> Self {
        let mut set = SlotSet::new();
        for (i, word) in set.bits.iter_mut().enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[i * 8..i * 8 + 8]);
            *word = u64::from_le_bytes(b);
        }
        set
    }

    /// Parses range text such as `0-5460 5461` (the form `CLUSTER NODES` prints).
    pub fn parse(text: &str) -> Result<Self, SlotParseError> {
        let mut set = SlotSet::new();
        for token in text.split_whitespace() {
            let (first, last) = match token.split_once('-') {
                Some((a, b)) => (parse_slot(a, token)?, parse_slot(b, token)?),
                None => {
                    let s = parse_slot(token, token)?;
                    (s, s)
                }
            };
            if first > last {
                return Err(SlotParseError(token.to_string()));
            }
            set.insert_range(first, last);
        }
        Ok(set)
    }
}

fn parse_slot(text: &str, token: &str) -> Result<u16, SlotParseError> {
    match text.parse::<u16>() {
        Ok(s) if s < SLOTS => Ok(s),
        _ => Err(SlotParseError(token.to_string())),
    }
}

/// A range token that is not `N` or `N-M` with `0 <= N <= M <= 16383`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotParseError(pub String);

impl fmt::Display for SlotParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid slot range '{}' (expected N or N-M, 0..16383)",
            self.0
        )
    }
}

impl std::error::Error for SlotParseError {}

/// Range text as `CLUSTER NODES` prints it: `0-5460 5462`.
impl fmt::Display for SlotSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (first, last)) in self.ranges().into_iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            if first == last {
                write!(f, "{first}")?;
            } else {
                write!(f, "{first}-{last}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for SlotSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SlotSet[{self}]")
    }
}

impl FromIterator<u16> for SlotSet {
    fn from_iter<I: IntoIterator<Item = u16>>(iter: I) -> Self {
        let mut set = SlotSet::new();
        for s in iter {
            set.insert(s);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// crc16.c's documented check value: CRC-16/XMODEM("123456789") = 0x31C3.
    #[test]
    fn crc16_is_xmodem_check_value() {
        assert_eq!(crc16(b"123456789"), 0x31C3);
    }

    /// Slots observed with `CLUSTER KEYSLOT` on redis-server 7.0.15 (docs/redis-behaviour.md §1).
    #[test]
    fn key_slot_matches_redis_cluster_keyslot() {
        let cases: &[(&[u8], u16)] = &[
            (b"user:1000", 1649),
            (b"session:abc123", 11692),
            (b"product:9999", 8311),
            (b"user:5000", 3200),
            (b"123456789", 12739),
            (b"foo", 12182),
            (b"bar", 5061),
            (b"hello", 866),
            (b"{user1000}.following", 3443),
            (b"{user1000}.followers", 3443),
            (b"{user:1000}", 1649),
            (b"{a}", 15495),
            (b"a", 15495),
        ];
        for (key, slot) in cases {
            assert_eq!(
                key_slot(key),
                *slot,
                "key {:?}",
                String::from_utf8_lossy(key)
            );
        }
    }

    /// keyHashSlot(): first `{`, first `}` after it, non-empty body — or the whole key.
    #[test]
    fn hash_tag_edge_cases_follow_key_hash_slot() {
        let whole = |k: &[u8]| crc16(k) & 0x3FFF;
        // Empty tag: whole key hashed.
        assert_eq!(key_slot(b"{}"), whole(b"{}"));
        assert_eq!(key_slot(b"{}"), 15257);
        // The first pair is empty, so the whole key is hashed; the scan never looks further.
        assert_eq!(key_slot(b"{}{a}"), whole(b"{}{a}"));
        assert_eq!(key_slot(b"foo{}{bar}"), 8363);
        // Only the first tag counts.
        assert_eq!(key_slot(b"a{b}{c}"), key_slot(b"b"));
        assert_eq!(key_slot(b"foo{bar}{zap}"), 5061);
        // No closing brace: whole key.
        assert_eq!(key_slot(b"{"), 4092);
        assert_eq!(key_slot(b"}"), 12090);
        assert_eq!(key_slot(b"a{b"), 13340);
        // A `}` before the first `{` is irrelevant.
        assert_eq!(key_slot(b"}{x}"), key_slot(b"x"));
        assert_eq!(key_slot(b"a}b{c}"), 7365);
        // `{{x}}`: the tag is `{x` (first `{`, first `}` after it).
        assert_eq!(key_slot(b"{{x}}"), key_slot(b"{x"));
        assert_eq!(key_slot(b"foo{{bar}}zap"), 4015);
        assert_eq!(key_slot(b"user{}:1000"), 3710);
        // Empty key: CRC16 of nothing is 0.
        assert_eq!(key_slot(b""), 0);
    }

    /// Keys are binary-safe: bytes are hashed raw, no UTF-8 handling.
    #[test]
    fn binary_keys_are_hashed_raw() {
        let key = [0xffu8, 0x00, b'{', 0x80, 0x81, b'}', 0x00];
        assert_eq!(key_slot(&key), key_slot(&[0x80, 0x81]));
        assert_eq!(key_slot(&[0u8; 4]), crc16(&[0u8; 4]) & 0x3FFF);
        assert_eq!(hash_tag(&[b'{', 0xfe, b'}']), Some(&[0xfe][..]));
    }

    /// Every slot has a tag that hashes to it.
    #[test]
    fn tags_hash_to_their_slot() {
        for slot in [0u16, 1649, 12182, 16383] {
            assert_eq!(key_slot(tag_for_slot(slot).as_bytes()), slot);
        }
    }

    /// CLUSTER NODES prints maximal runs, singles without a dash.
    #[test]
    fn slot_set_range_text() {
        let mut set = SlotSet::range(0, 5460);
        set.insert(5461);
        set.insert(7000);
        assert_eq!(set.to_string(), "0-5461 7000");
        assert_eq!(
            SlotSet::parse("0-5460 5461").unwrap(),
            SlotSet::range(0, 5461)
        );
        assert_eq!(SlotSet::parse("0-5460 5461").unwrap().to_string(), "0-5461");
        assert_eq!(SlotSet::full().to_string(), "0-16383");
        assert_eq!(SlotSet::new().to_string(), "");
        assert!(SlotSet::parse("5-3").is_err());
        assert!(SlotSet::parse("16384").is_err());
        assert!(SlotSet::parse("a-b").is_err());
    }

    /// The bitmap layout is Redis's: slot j is byte j/8, bit j&7 (LSB first).
    #[test]
    fn bitmap_layout_is_redis_layout() {
        let set: SlotSet = [0u16, 9, 16383].into_iter().collect();
        let bm = set.to_bitmap();
        assert_eq!(bm[0], 0b0000_0001);
        assert_eq!(bm[1], 0b0000_0010);
        assert_eq!(bm[2047], 0b1000_0000);
        assert_eq!(SlotSet::from_bitmap(&bm), set);
        assert_eq!(set.len(), 3);
        assert_eq!(set.ranges(), vec![(0, 0), (9, 9), (16383, 16383)]);
    }
}
