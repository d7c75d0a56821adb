//! Network partitions: which directed pairs of nodes cannot talk.

use std::collections::BTreeSet;

/// Which directed pairs cannot talk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Partitions {
    blocked: BTreeSet<(usize, usize)>,
}

impl Partitions {
    /// Whether `from → to` is cut.
    pub fn blocks(&self, from: usize, to: usize) -> bool {
        self.blocked.contains(&(from, to))
    }

    /// Cuts `from → to` only (a one-way partition).
    pub fn cut_one_way(&mut self, from: usize, to: usize) {
        if from != to {
            self.blocked.insert((from, to));
        }
    }

    /// Cuts both directions between every node of `a` and every node of `b`.
    pub fn cut_between(&mut self, a: &[usize], b: &[usize]) {
        for &x in a {
            for &y in b {
                self.cut_one_way(x, y);
                self.cut_one_way(y, x);
            }
        }
    }

    /// Removes every cut.
    pub fn heal(&mut self) {
        self.blocked.clear();
    }

    /// Whether nothing is cut.
    pub fn is_empty(&self) -> bool {
        self.blocked.is_empty()
    }

    /// The cut directed pairs.
    pub fn pairs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.blocked.iter().copied()
    }
}
