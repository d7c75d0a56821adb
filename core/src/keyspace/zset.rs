//! A sorted set's storage in Redis's two encodings (`t_zset.c`): small
//! sets packed in one buffer in the sets' order (a listpack, see
//! [`super::zpacked`]), converted for good to a member map plus a score
//! index (the skiplist) before a member longer than
//! `zset-max-listpack-value` or past `zset-max-listpack-entries` is added
//! (`zsetAdd`, `zsetConvert`). Removing members never converts back.

use super::packed::PackLimits;
use super::zpacked::{self, Entries};
use std::cmp::Ordering;
use std::collections::{btree_set, BTreeMap, BTreeSet};

/// A score as the order compares it: with `<`, so `-0` equals 0 (members
/// then break the tie). Stored scores are never NaN.
#[derive(Clone, Copy, Debug)]
struct Score(f64);

impl PartialEq for Score {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Score {}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.partial_cmp(&other.0).unwrap_or(Ordering::Equal)
    }
}

/// Members by score then member.
type ByScore = BTreeSet<(Score, Vec<u8>)>;

/// Members and their scores.
#[derive(Clone, Debug)]
pub struct ZSet(Form);

#[derive(Clone, Debug)]
enum Form {
    /// Redis's `OBJ_ENCODING_LISTPACK`.
    Packed(Entries),
    /// Redis's `OBJ_ENCODING_SKIPLIST`: the scores by member and the
    /// members in order, boxed so that every [`super::Data`] stays 32
    /// bytes.
    Listed(Box<Members>),
}

#[derive(Clone, Debug, Default)]
struct Members {
    scores: BTreeMap<Vec<u8>, f64>,
    by_score: ByScore,
}

impl Default for ZSet {
    /// An empty listpack, as `createZsetListpackObject` makes.
    fn default() -> Self {
        ZSet(Form::Packed(Entries::default()))
    }
}

/// Same members with the same scores, whatever the encoding.
impl PartialEq for ZSet {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(m, s)| other.score(m) == Some(s))
    }
}

impl ZSet {
    /// A set made whole from distinct members (a load, a store's result):
    /// a listpack when they fit `limits`, as `rdbLoadObject` and
    /// `zsetConvertToListpackIfNeeded` pick.
    pub fn loaded(pairs: impl IntoIterator<Item = (Vec<u8>, f64)>, limits: PackLimits) -> ZSet {
        let mut pairs: Vec<(Vec<u8>, f64)> = pairs.into_iter().collect();
        if !(limits.few(pairs.len()) && pairs.iter().all(|(m, _)| limits.short(m.len()))) {
            let mut z = ZSet(Form::Listed(Box::default()));
            for (m, s) in pairs {
                z.insert(m, s, limits);
            }
            return z;
        }
        crate::sorted::sort_by(&mut pairs, |(m1, s1), (m2, s2)| {
            Score(*s1).cmp(&Score(*s2)).then(m1.cmp(m2))
        });
        let mut e = Entries::default();
        for (m, s) in &pairs {
            e.insert(m, *s);
        }
        ZSet(Form::Packed(e))
    }

    /// Whether the set is a listpack (OBJECT ENCODING, ZSCAN).
    pub fn is_packed(&self) -> bool {
        matches!(self.0, Form::Packed(_))
    }

    /// The number of members (ZCARD).
    pub fn len(&self) -> usize {
        match &self.0 {
            Form::Packed(e) => e.len(),
            Form::Listed(l) => l.scores.len(),
        }
    }

    /// No member left (the key is then deleted).
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            Form::Packed(e) => e.is_empty(),
            Form::Listed(l) => l.scores.is_empty(),
        }
    }

    /// `member`'s score.
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.0 {
            Form::Packed(e) => e.score(member),
            Form::Listed(l) => l.scores.get(member).copied(),
        }
    }

    /// Sets `member`'s score; its old score, if it had one (`zsetAdd`): a
    /// listpack is converted first when the member is longer than
    /// `limits.value` or a new one would pass `limits.entries`.
    pub fn insert(&mut self, member: Vec<u8>, score: f64, limits: PackLimits) -> Option<f64> {
        if let Form::Packed(e) = &mut self.0 {
            let fits = limits.short(member.len())
                && (e.score(&member).is_some() || limits.few(e.len() + 1));
            if fits {
                return e.insert(&member, score);
            }
            self.convert();
        }
        let Form::Listed(l) = &mut self.0 else {
            unreachable!("converted above")
        };
        let old = l.scores.insert(member.clone(), score);
        if let Some(old) = old {
            l.by_score.remove(&(Score(old), member.clone()));
        }
        l.by_score.insert((Score(score), member));
        old
    }

    /// Removes `member`; its score, if it was there.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        match &mut self.0 {
            Form::Packed(e) => e.remove(member),
            Form::Listed(l) => {
                let (member, score) = l.scores.remove_entry(member)?;
                l.by_score.remove(&(Score(score), member));
                Some(score)
            }
        }
    }

    /// Keeps only the members `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&[u8], f64) -> bool) {
        let doomed: Vec<Vec<u8>> = self
            .iter()
            .filter(|(m, s)| !keep(m, *s))
            .map(|(m, _)| m.to_vec())
            .collect();
        for m in doomed {
            self.remove(&m);
        }
    }

    /// The members and scores in Redis's order (by score, then member).
    pub fn iter(&self) -> Iter<'_> {
        match &self.0 {
            Form::Packed(e) => Iter(Walk::Packed(e.iter())),
            Form::Listed(l) => Iter(Walk::Listed(l.by_score.iter())),
        }
    }

    /// [`iter`](Self::iter) from both ends with its length, for a skiplist
    /// (rank ranges walk it without collecting); `None` for a listpack.
    pub fn in_order(
        &self,
    ) -> Option<impl DoubleEndedIterator<Item = (&[u8], f64)> + ExactSizeIterator + '_> {
        match &self.0 {
            Form::Packed(_) => None,
            Form::Listed(l) => Some(l.by_score.iter().map(|(s, m)| (m.as_slice(), s.0))),
        }
    }

    /// The scores by member (the set algebra's working copy).
    pub fn to_map(&self) -> BTreeMap<Vec<u8>, f64> {
        match &self.0 {
            Form::Packed(e) => crate::sorted::map(e.iter().map(|(m, s)| (m.to_vec(), s))),
            Form::Listed(l) => l.scores.clone(),
        }
    }

    /// `zsetConvert` to a skiplist.
    fn convert(&mut self) {
        let mut l = Members::default();
        for (m, s) in self.iter() {
            l.scores.insert(m.to_vec(), s);
            l.by_score.insert((Score(s), m.to_vec()));
        }
        self.0 = Form::Listed(Box::new(l));
    }
}

/// [`ZSet::iter`].
pub struct Iter<'a>(Walk<'a>);

enum Walk<'a> {
    Packed(zpacked::Iter<'a>),
    Listed(btree_set::Iter<'a, (Score, Vec<u8>)>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            Walk::Packed(p) => p.next(),
            Walk::Listed(l) => l.next().map(|(s, m)| (m.as_slice(), s.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: PackLimits = PackLimits {
        entries: 3,
        value: 4,
    };

    fn order(z: &ZSet) -> Vec<(Vec<u8>, u64)> {
        z.iter().map(|(m, s)| (m.to_vec(), s.to_bits())).collect()
    }

    /// Both forms keep (score, member) order through inserts, score
    /// changes (-0 among them) and removals; the skiplist keeps -0.
    #[test]
    fn the_order_follows_every_change() {
        for limits in [PackLimits::ZSET, TINY] {
            let mut z = ZSet::default();
            for i in 0..30u32 {
                z.insert(format!("m{i}").into_bytes(), f64::from(i % 7) - 3.0, limits);
            }
            z.insert(b"m5".to_vec(), -0.0, limits);
            z.insert(b"m6".to_vec(), 0.0, limits);
            for i in (0..30u32).step_by(3) {
                z.remove(format!("m{i}").as_bytes());
            }
            let mut want: Vec<(Vec<u8>, f64)> = z.iter().map(|(m, s)| (m.to_vec(), s)).collect();
            want.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap().then(a.0.cmp(&b.0)));
            let want: Vec<(Vec<u8>, u64)> =
                want.into_iter().map(|(m, s)| (m, s.to_bits())).collect();
            assert_eq!(order(&z), want);
            assert_eq!(z.len(), 20);
            let m5: f64 = if z.is_packed() { 0.0 } else { -0.0 };
            assert_eq!(z.score(b"m5").map(f64::to_bits), Some(m5.to_bits()));
            z.retain(|m, _| m.len() > 2);
            assert!(z.iter().all(|(m, _)| m.len() > 2));
        }
    }

    /// `zsetAdd`: a listpack converts before a long member or one past the
    /// entries limit is added, and never converts back
    /// (`zsetConvert` is only called towards the skiplist on writes).
    #[test]
    fn packed_until_a_limit_then_listed_for_good() {
        let mut z = ZSet::default();
        for m in ["a", "b", "c"] {
            z.insert(m.as_bytes().to_vec(), 1.0, TINY);
        }
        z.insert(b"a".to_vec(), 2.0, TINY);
        assert!(z.is_packed());
        z.insert(b"d".to_vec(), 1.0, TINY);
        assert!(!z.is_packed());
        for m in ["a", "b", "c"] {
            z.remove(m.as_bytes());
        }
        assert!(!z.is_packed());
        assert_eq!(z.in_order().map(|o| o.len()), Some(1));

        let mut long = ZSet::default();
        long.insert(b"a".to_vec(), 1.0, TINY);
        long.insert(b"abcde".to_vec(), 1.0, TINY);
        assert!(!long.is_packed());
        assert_eq!(
            order(&long),
            [
                (b"a".to_vec(), 1f64.to_bits()),
                (b"abcde".to_vec(), 1f64.to_bits())
            ]
        );
    }

    #[test]
    fn loading_picks_the_encoding_from_the_contents() {
        let pair = |m: &str, s: f64| (m.as_bytes().to_vec(), s);
        let small = ZSet::loaded([pair("b", 1.0), pair("a", 1.0)], TINY);
        assert!(small.is_packed());
        assert_eq!(order(&small)[0].0, b"a");
        let many = [
            pair("a", 1.0),
            pair("b", 2.0),
            pair("c", 3.0),
            pair("d", 4.0),
        ];
        assert!(!ZSet::loaded(many, TINY).is_packed());
        assert!(!ZSet::loaded([pair("abcde", 1.0)], TINY).is_packed());
        assert_eq!(
            small,
            ZSet::loaded(
                [pair("a", 1.0), pair("b", 1.0)],
                PackLimits {
                    entries: 0,
                    value: 0
                }
            )
        );
    }

    /// The packed form keeps every stored value, whatever its type, at
    /// 32 bytes.
    #[test]
    fn values_stay_small() {
        assert_eq!(std::mem::size_of::<super::super::Data>(), 32);
    }
}
