//! The compact form of small sorted sets, Redis's zset listpack: one heap
//! buffer of (member, score) entries kept in the sets' order (by score,
//! then member bytes; `-0` equals 0), read by a linear scan. A map and a
//! score index would spend two tree nodes and an allocation per member,
//! several times a three-member set's contents (issue #13, item 7);
//! scanning at most `zset-max-listpack-entries` entries is what Redis does.
//!
//! An entry is a LEB128 head (the member's length, doubled, plus one when
//! the score is integral), the member's bytes, then the score: an integral
//! one as a zigzag LEB128 integer (a listpack stores it as an integer
//! too; scores 1, 2, 3 take a byte each), any other as its 8 bytes
//! (little-endian). The capacity is kept to the length, as a listpack is
//! reallocated to its exact size on every change.

/// The bytes of a score that is not integral.
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
        let int = integral(score);
        let head = (member.len() as u64) << 1 | u64::from(int.is_some());
        let len = varint_len(head) + member.len() + int.map_or(SCORE, |i| varint_len(zigzag(i)));
        self.0.reserve_exact(len);
        put_varint(&mut self.0, head);
        self.0.extend_from_slice(member);
        match int {
            Some(i) => put_varint(&mut self.0, zigzag(i)),
            None => self.0.extend_from_slice(&score.to_le_bytes()),
        }
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
        let (head, at) = read_varint(self.buf, self.at)?;
        let end = at + (head >> 1) as usize;
        let member = &self.buf[at..end];
        let score = if head & 1 == 1 {
            let (z, next) = read_varint(self.buf, end)?;
            self.at = next;
            ((z >> 1) as i64 ^ -((z & 1) as i64)) as f64
        } else {
            self.at = end + SCORE;
            f64::from_le_bytes(self.buf[end..end + SCORE].try_into().expect("8 bytes"))
        };
        Some((member, score))
    }
}

/// `score` as an integer when it is one that fits (`double2ll`).
fn integral(score: f64) -> Option<i64> {
    (score.fract() == 0.0 && score.abs() < 9.2e18).then_some(score as i64)
}

/// An integer as a zigzag unsigned one: small magnitudes, small numbers.
fn zigzag(i: i64) -> u64 {
    ((i << 1) ^ (i >> 63)) as u64
}

/// How many bytes `v` takes as LEB128.
fn varint_len(v: u64) -> usize {
    (u64::BITS - (v | 1).leading_zeros()).div_ceil(7) as usize
}

/// Appends `v` as LEB128.
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The LEB128 number at `at`, and where the bytes after it start.
fn read_varint(buf: &[u8], mut at: usize) -> Option<(u64, usize)> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *buf.get(at)?;
        at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some((v, at));
        }
        shift += 7;
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
        for s in [1.0, -1.0, 1e18, -9.1e18, 2.5, 1e19, f64::INFINITY] {
            e.insert(b"a", s);
            assert_eq!(e.score(b"a").map(f64::to_bits), Some(s.to_bits()));
        }
        let mut small = Entries::default();
        for (m, s) in [("m1", 1.0), ("m2", 2.0), ("m3", 3.0)] {
            small.insert(m.as_bytes(), s);
        }
        assert_eq!(small.0.len(), 12);
    }
}
