//! A sorted set's storage: members and their scores, plus, once the set is
//! large, the members in Redis's order (by score, then member bytes:
//! `zslInsert`'s order) so rank ranges need not sort the whole set.
//!
//! Small sets (Redis's listpacks, up to 128 members by default) keep no
//! order: sorting them on demand is cheap, and an index would more than
//! double the memory of the many small sets a dataset usually holds.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Deref;

/// Above this many members a set keeps its score order.
const INDEXED_ABOVE: usize = 128;

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

/// Members by score then member, each with its score as stored.
type ByScore = BTreeSet<(Score, Vec<u8>)>;

/// Members and scores. Reads go through the member map (`Deref`); every
/// change goes through the methods here, which keep the order in step.
/// Boxed: a map and an index side by side would make every [`super::Data`]
/// (so every key, strings too) 8 bytes larger.
#[derive(Clone, Debug, Default)]
pub struct ZSet(Box<Members>);

#[derive(Clone, Debug, Default)]
struct Members {
    scores: BTreeMap<Vec<u8>, f64>,
    by_score: Option<ByScore>,
}

impl Deref for ZSet {
    type Target = BTreeMap<Vec<u8>, f64>;

    fn deref(&self) -> &Self::Target {
        &self.0.scores
    }
}

/// Same members and scores.
impl PartialEq for ZSet {
    fn eq(&self, other: &Self) -> bool {
        self.0.scores == other.0.scores
    }
}

impl FromIterator<(Vec<u8>, f64)> for ZSet {
    fn from_iter<I: IntoIterator<Item = (Vec<u8>, f64)>>(iter: I) -> Self {
        let mut z = ZSet(Box::new(Members {
            scores: iter.into_iter().collect(),
            by_score: None,
        }));
        z.index_if_large();
        z
    }
}

impl IntoIterator for ZSet {
    type Item = (Vec<u8>, f64);
    type IntoIter = std::collections::btree_map::IntoIter<Vec<u8>, f64>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.scores.into_iter()
    }
}

impl ZSet {
    /// Sets `member`'s score; its old score, if it had one.
    pub fn insert(&mut self, member: Vec<u8>, score: f64) -> Option<f64> {
        let z = &mut *self.0;
        let old = match &mut z.by_score {
            Some(order) => {
                let old = z.scores.insert(member.clone(), score);
                if let Some(old) = old {
                    order.remove(&(Score(old), member.clone()));
                }
                order.insert((Score(score), member));
                old
            }
            None => z.scores.insert(member, score),
        };
        self.index_if_large();
        old
    }

    /// Removes `member`; its score, if it was there.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let z = &mut *self.0;
        let (member, score) = z.scores.remove_entry(member)?;
        if let Some(order) = &mut z.by_score {
            order.remove(&(Score(score), member));
            if z.scores.is_empty() {
                z.by_score = None;
            }
        }
        Some(score)
    }

    /// Keeps only the members `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&Vec<u8>, &f64) -> bool) {
        let doomed: Vec<Vec<u8>> = self
            .iter()
            .filter(|(m, s)| !keep(m, s))
            .map(|(m, _)| m.clone())
            .collect();
        for m in doomed {
            self.remove(&m);
        }
    }

    /// The members in Redis's order with their scores, when the set keeps
    /// that order (a large set); `None` for a small one, which sorts.
    pub fn in_order(
        &self,
    ) -> Option<impl DoubleEndedIterator<Item = (&Vec<u8>, f64)> + ExactSizeIterator + '_> {
        let order = self.0.by_score.as_ref()?;
        Some(order.iter().map(|(s, m)| (m, s.0)))
    }

    fn index_if_large(&mut self) {
        let z = &mut *self.0;
        if z.by_score.is_none() && z.scores.len() > INDEXED_ABOVE {
            let order: ByScore = z
                .scores
                .iter()
                .map(|(m, s)| (Score(*s), m.clone()))
                .collect();
            z.by_score = Some(order);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(z: &ZSet) -> Vec<(Vec<u8>, f64)> {
        let mut v: Vec<(Vec<u8>, f64)> = z.iter().map(|(m, s)| (m.clone(), *s)).collect();
        v.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap().then(a.0.cmp(&b.0)));
        v
    }

    /// A large set's order is what sorting its members gives, through
    /// inserts, score changes (-0 and 0 among them) and removals.
    #[test]
    fn the_order_follows_every_change() {
        let mut z = ZSet::default();
        for i in 0..300u32 {
            z.insert(format!("m{i}").into_bytes(), f64::from(i % 7) - 3.0);
        }
        z.insert(b"m5".to_vec(), -0.0);
        z.insert(b"m6".to_vec(), 0.0);
        z.insert(b"m7".to_vec(), 1e9);
        for i in (0..300u32).step_by(3) {
            z.remove(format!("m{i}").as_bytes());
        }
        let order: Vec<(Vec<u8>, f64)> =
            z.in_order().unwrap().map(|(m, s)| (m.clone(), s)).collect();
        assert_eq!(order.len(), z.len());
        for ((m1, s1), (m2, s2)) in order.iter().zip(sorted(&z)) {
            assert_eq!((m1, s1.to_bits()), (&m2, s2.to_bits()));
        }
        z.insert(b"m5".to_vec(), 0.0);
        let m5 = z.in_order().unwrap().find(|(m, _)| m.as_slice() == b"m5");
        assert_eq!(m5.map(|(_, s)| s.to_bits()), Some(0));
        z.retain(|m, _| m.len() > 2);
        assert!(z.in_order().unwrap().all(|(m, _)| m.len() > 2));
        assert_eq!(z.in_order().unwrap().len(), z.len());
    }

    /// The boxing keeps every stored value, whatever its type, at 32 bytes.
    #[test]
    fn values_stay_small() {
        assert_eq!(std::mem::size_of::<super::super::Data>(), 32);
    }

    #[test]
    fn small_sets_keep_no_order() {
        let z: ZSet = (0..INDEXED_ABOVE)
            .map(|i| (i.to_string().into_bytes(), 1.0))
            .collect();
        assert!(z.in_order().is_none());
        let mut z = z;
        z.insert(b"x".to_vec(), 2.0);
        assert!(z.in_order().is_some());
    }
}
