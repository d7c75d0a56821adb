//! The compact form of small sorted sets, Redis's zset listpack: one heap
//! buffer of (member, score) entries kept in the sets' order (by score,
//! then member bytes; `-0` equals 0), read by a linear scan. A map and a
//! score index would spend two tree nodes and an allocation per member,
//! several times a three-member set's contents (issue #13, item 7);
//! scanning at most `zset-max-listpack-entries` entries is what Redis does.
//!
//! An entry is the member's length as LEB128, its bytes, then the score's
//! 8 bytes (little-endian). The capacity is kept to the length, as a
//! listpack is reallocated to its exact size on every change.

use super::packed::{prefix_len, put, read_len};

/// The bytes of a score.
const SCORE: usize = 8;

/// Members and scores in one buffer, in order.
#[derive(Clone, Debug, Default)]
pub struct Entries(Vec<u8>);

/// Whether (`s1`, `m1`) comes before (`s2`, `m2`) (`zslInsert`'s order).
pub fn precedes(s1: f64, m1: &[u8], s2: f64, m2: &[u8]) -> bool {
    s1 < s2 || (s1 == s2 && m1 < m2)
}

impl Entries {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of members (a scan, as `lpLength` on a large listpack).
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// The members and scores in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            buf: &self.0,
            at: 0,
        }
    }

    /// Where `member`'s entry starts and ends, and its score.
    fn find(&self, member: &[u8]) -> Option<(usize, usize, f64)> {
        let mut it = self.iter();
        loop {
            let start = it.at;
            let (m, s) = it.next()?;
            if m == member {
                return Some((start, it.at, s));
            }
        }
    }

    /// `member`'s score.
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.find(member).map(|(_, _, s)| s)
    }

    /// Sets `member`'s score, moving it to its place; its old score. A
    /// score of -0 is stored as 0, as `zzlInsertAt` stores an integral
    /// score as an integer.
    pub fn insert(&mut self, member: &[u8], score: f64) -> Option<f64> {
        let score = if score == 0.0 { 0.0 } else { score };
        let old = self.find(member).map(|(start, end, s)| {
            self.0.drain(start..end);
            s
        });
        let mut it = self.iter();
        let at = loop {
            let start = it.at;
            match it.next() {
                Some((m, s)) if precedes(s, m, score, member) => {}
                _ => break start,
            }
        };
        let len = prefix_len(member.len()) + member.len() + SCORE;
        self.0.reserve_exact(len);
        put(&mut self.0, member);
        self.0.extend_from_slice(&score.to_le_bytes());
        self.0[at..].rotate_right(len);
        self.0.shrink_to_fit();
        old
    }

    /// Removes `member`; its score, if it was there.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let (start, end, score) = self.find(member)?;
        self.0.drain(start..end);
        self.0.shrink_to_fit();
        Some(score)
    }
}

/// The entries in order.
pub struct Iter<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        let (len, at) = read_len(self.buf, self.at)?;
        let score = self.buf.get(at + len..at + len + SCORE)?;
        self.at = at + len + SCORE;
        let score = f64::from_le_bytes(score.try_into().expect("8 bytes"));
        Some((&self.buf[at..at + len], score))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries stay in (score, member) order through inserts, score
    /// changes and removals; -0 is stored as 0.
    #[test]
    fn entries_keep_the_sorted_set_order() {
        let long = vec![b'x'; 200];
        let mut e = Entries::default();
        assert_eq!(e.insert(b"b", 2.0), None);
        assert_eq!(e.insert(b"a", 2.0), None);
        assert_eq!(e.insert(&long, -1.0), None);
        assert_eq!(e.insert(b"z", -0.0), None);
        assert_eq!(e.insert(b"b", f64::NEG_INFINITY), Some(2.0));
        let got: Vec<(&[u8], f64)> = e.iter().collect();
        let want: Vec<(&[u8], f64)> = vec![
            (b"b", f64::NEG_INFINITY),
            (&long, -1.0),
            (b"z", 0.0),
            (b"a", 2.0),
        ];
        assert_eq!(got, want);
        assert_eq!(e.score(b"z").map(f64::to_bits), Some(0));
        assert_eq!(e.remove(&long), Some(-1.0));
        assert_eq!(e.remove(b"q"), None);
        assert_eq!(e.len(), 3);
        assert_eq!(e.0.capacity(), e.0.len());
    }
}
