//! The compact form of small hashes, in the spirit of Redis's listpacks:
//! one heap buffer of length-prefixed entries, read by a linear scan. A
//! map would spend a tree node and two allocations on every field, several
//! times the bytes of a three-field hash's contents (issue #13, item 7);
//! scanning at most `hash-max-listpack-entries` entries is what Redis does
//! too.
//!
//! The buffer holds pairs (a field and its value), each entry its length
//! as LEB128 then its bytes. Its capacity is kept to its length, as a
//! listpack is reallocated to its exact size on every change.

/// A hash's or sorted set's listpack limits (`hash-max-listpack-entries`
/// and `-value`, `zset-max-listpack-entries` and `-value`): past either,
/// Redis converts the value to its large encoding for good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PackLimits {
    /// The most pairs.
    pub entries: u64,
    /// The longest field, value or member, in bytes.
    pub value: u64,
}

impl PackLimits {
    /// `hash-max-listpack-*`'s defaults in `config.c` (512, 64).
    pub const HASH: PackLimits = PackLimits {
        entries: 512,
        value: 64,
    };
    /// `zset-max-listpack-*`'s defaults in `config.c` (128, 64).
    pub const ZSET: PackLimits = PackLimits {
        entries: 128,
        value: 64,
    };

    /// Whether an entry of `len` bytes may stay packed.
    pub fn short(&self, len: usize) -> bool {
        len as u64 <= self.value
    }

    /// Whether `n` pairs may stay packed.
    pub fn few(&self, n: usize) -> bool {
        n as u64 <= self.entries
    }
}

/// Both kinds' limits, which loading a value (an RDB, RESTORE) obeys as
/// the commands do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packing {
    /// `hash-max-listpack-*`.
    pub hash: PackLimits,
    /// `zset-max-listpack-*`.
    pub zset: PackLimits,
}

impl Default for Packing {
    /// `config.c`'s defaults.
    fn default() -> Self {
        Packing {
            hash: PackLimits::HASH,
            zset: PackLimits::ZSET,
        }
    }
}

/// A pair's place in the buffer: where it starts, where its second entry
/// starts, where it ends.
#[derive(Clone, Copy, Debug)]
pub struct Slot {
    start: usize,
    second: usize,
    end: usize,
}

/// Pairs of byte strings in one buffer, in the order they were placed.
#[derive(Clone, Debug, Default)]
pub struct Pairs(Vec<u8>);

impl Pairs {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of pairs (a scan, as `lpLength` on a large listpack).
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter {
            buf: &self.0,
            at: 0,
        }
    }

    /// Each pair with its place.
    pub fn slots(&self) -> impl Iterator<Item = (Slot, &[u8], &[u8])> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            let start = at;
            let (a_len, a_at) = read_len(&self.0, start)?;
            let second = a_at + a_len;
            let (b_len, b_at) = read_len(&self.0, second)?;
            let end = b_at + b_len;
            at = end;
            let slot = Slot { start, second, end };
            Some((slot, &self.0[a_at..second], &self.0[b_at..end]))
        })
    }

    /// The pair whose first entry is `a`; otherwise the number of pairs.
    pub fn find(&self, a: &[u8]) -> Result<Slot, usize> {
        let mut n = 0;
        for (slot, first, _) in self.slots() {
            if first == a {
                return Ok(slot);
            }
            n += 1;
        }
        Err(n)
    }

    /// The second entry of the pair at `slot`.
    pub fn second(&self, slot: Slot) -> &[u8] {
        let (len, at) = read_len(&self.0, slot.second).expect("a placed pair");
        &self.0[at..at + len]
    }

    /// Appends the pair (`a`, `b`), growing the buffer by just their bytes.
    pub fn push(&mut self, a: &[u8], b: &[u8]) {
        self.0
            .reserve_exact(prefix_len(a.len()) + a.len() + prefix_len(b.len()) + b.len());
        put(&mut self.0, a);
        put(&mut self.0, b);
    }

    /// Replaces the second entry of the pair at `slot` with `b`, in place.
    pub fn set_second(&mut self, slot: Slot, b: &[u8]) {
        let mut bytes = Vec::with_capacity(b.len() + MAX_PREFIX);
        put(&mut bytes, b);
        let old = slot.end - slot.second;
        if bytes.len() > old {
            self.0.reserve_exact(bytes.len() - old);
        }
        self.0.splice(slot.second..slot.end, bytes);
        self.0.shrink_to_fit();
    }

    /// Removes the pair at `slot`.
    pub fn remove(&mut self, slot: Slot) {
        self.0.drain(slot.start..slot.end);
        self.0.shrink_to_fit();
    }
}

/// The pairs in order.
pub struct Iter<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let (a_len, a_at) = read_len(self.buf, self.at)?;
        let (b_len, b_at) = read_len(self.buf, a_at + a_len)?;
        self.at = b_at + b_len;
        Some((&self.buf[a_at..a_at + a_len], &self.buf[b_at..b_at + b_len]))
    }
}

/// A `usize` takes at most this many LEB128 bytes.
const MAX_PREFIX: usize = 10;

/// How many bytes the LEB128 length of an entry of `len` bytes takes.
fn prefix_len(len: usize) -> usize {
    (usize::BITS - (len | 1).leading_zeros()).div_ceil(7) as usize
}

/// The LEB128 length at `at`, and where the entry's bytes start.
fn read_len(buf: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let mut len = 0usize;
    let mut shift = 0;
    loop {
        let b = *buf.get(at)?;
        at += 1;
        len |= usize::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some((len, at));
        }
        shift += 7;
    }
}

/// Appends `bytes` as an entry.
fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut len = bytes.len();
    while len >= 0x80 {
        out.push(len as u8 | 0x80);
        len >>= 7;
    }
    out.push(len as u8);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_keep_their_order_through_changes() {
        let long = vec![b'x'; 300];
        let mut p = Pairs::default();
        p.push(b"a", b"1");
        p.push(&long, b"2");
        p.push(b"c", &long);
        let b = p.find(b"a").unwrap();
        p.set_second(b, &long);
        assert_eq!(p.second(p.find(b"a").unwrap()), &long[..]);
        let got: Vec<(&[u8], &[u8])> = p.iter().collect();
        let want: Vec<(&[u8], &[u8])> = vec![(b"a", &long), (&long, b"2"), (b"c", &long)];
        assert_eq!(got, want);
        p.remove(p.find(&long).unwrap());
        assert_eq!(p.find(b"zz").unwrap_err(), 2);
        assert_eq!(p.len(), 2);
        p.push(b"b", b"");
        let firsts: Vec<&[u8]> = p.iter().map(|(a, _)| a).collect();
        assert_eq!(firsts, [&b"a"[..], b"c", b"b"]);
        assert_eq!([0, 127, 128, 16383, 16384].map(prefix_len), [1, 1, 2, 2, 3]);
    }
}
