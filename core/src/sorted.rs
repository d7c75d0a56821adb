//! Stable sorting, and sorted maps and sets built, through one shared
//! instantiation of std's sort.
//!
//! `slice::sort_by` compiles its whole driftsort (quicksort, merges, small
//! sorts) once per element type and comparator, and collecting into a
//! `BTreeMap` or `BTreeSet` sorts its input the same way: some 40 copies in
//! the web app's wasm. These functions sort a list of positions instead, with
//! the comparison behind `dyn`, so std's sort is compiled once; each caller
//! only adds the small permutation below. The results are exactly std's: the
//! same stable order, equal elements kept as they came.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Sorts `v` stably by `cmp`, as `v.sort_by(cmp)` does.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = sorted_positions(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, order);
}

/// Sorts `v` stably by the key `f` gives, as `v.sort_by_key(f)` does.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut f: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// Sorts `v` stably in its `Ord` order, as `v.sort()` does.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// `iter.collect::<BTreeMap<_, _>>()`, built by insertion rather than by
/// sorting: a repeated key keeps its last value, as with `collect`.
pub fn map<K: Ord, V>(iter: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(iter);
    map
}

/// `iter.collect::<BTreeSet<_>>()`, built by insertion rather than by sorting.
pub fn set<T: Ord>(iter: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(iter);
    set
}

/// The positions `0..len` in the order `cmp` sorts them, stably: the one
/// place std's sort is instantiated.
fn sorted_positions(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Moves `v[order[i]]` to position `i` for every `i`, in place, one cycle of
/// the permutation at a time (`order` marks the positions it has filled).
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        while order[at] != at {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_std_does_keeping_equal_elements_in_order() {
        let mut state = 7u64;
        for len in [0, 1, 2, 5, 20, 33, 200] {
            let v: Vec<(u8, u32)> = (0..len)
                .map(|i| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((state >> 60) as u8, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|e| e.0);
            let mut got = v.clone();
            sort_by_key(&mut got, |e| e.0);
            assert_eq!(got, want, "len {len}");
            let mut want = v.clone();
            want.sort_by_key(|e| std::cmp::Reverse(e.0));
            let mut got = v;
            sort_by(&mut got, |a, b| b.0.cmp(&a.0));
            assert_eq!(got, want, "len {len}, descending");
        }
    }

    #[test]
    fn maps_and_sets_are_collects() {
        let pairs = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        assert_eq!(map(pairs), pairs.into_iter().collect::<BTreeMap<_, _>>());
        assert_eq!(map(pairs)[&3], 'c');
        assert_eq!(
            set(pairs.map(|p| p.0)),
            pairs.map(|p| p.0).into_iter().collect()
        );
    }
}
