//! Which slots move where: redis-cli's arithmetic, kept separate so it can
//! be checked against what redis-cli prints.

use crate::slot::SLOTS;

/// `clusterManagerComputeReshardTable`: take `numslots` slots from
/// `sources` (each with its slots in ascending order), from each in
/// proportion to what it has, the largest first (rounded up for the first
/// source, down for the others), lowest slots first.
pub fn reshard_table(sources: &[(usize, Vec<u16>)], numslots: usize) -> Vec<(u16, usize)> {
    let total: usize = sources.iter().map(|(_, s)| s.len()).sum();
    let mut sorted: Vec<&(usize, Vec<u16>)> = sources.iter().collect();
    // glibc's qsort is a merge sort: equal counts keep their order.
    crate::sorted::sort_by_key(&mut sorted, |s| std::cmp::Reverse(s.1.len()));
    let mut moved = Vec::new();
    for (i, (node, slots)) in sorted.into_iter().enumerate() {
        let n = numslots as f32 / total as f32 * slots.len() as f32;
        let max = if i == 0 { n.ceil() } else { n.floor() } as usize;
        for &slot in slots.iter().take(max) {
            if moved.len() >= numslots {
                break;
            }
            moved.push((slot, *node));
        }
    }
    moved
}

/// `clusterManagerCommandRebalance`'s plan: `(source, destination, slots)`
/// moves, in order, for masters given as `(node, slot count)` in load order,
/// all of weight 1. Masters without slots take part only with
/// `use_empty_masters`. Empty when every master is within `threshold` %.
pub fn rebalance_moves(
    masters: &[(usize, usize)],
    use_empty_masters: bool,
    threshold: f32,
) -> Vec<(usize, usize, usize)> {
    let involved: Vec<(usize, usize)> = masters
        .iter()
        .copied()
        .filter(|&(_, count)| use_empty_masters || count > 0)
        .collect();
    if involved.is_empty() {
        return Vec::new();
    }
    let total_weight = involved.len() as f32;
    let mut over_threshold = false;
    let mut total_balance = 0i64;
    let mut balanced: Vec<(usize, i64)> = involved
        .iter()
        .map(|&(node, count)| {
            let expected = ((SLOTS as f32 / total_weight) * 1.0) as i64;
            let balance = count as i64 - expected;
            total_balance += balance;
            if threshold > 0.0 {
                if count > 0 {
                    let err = (100.0 - (100.0 * expected as f64 / count as f64)).abs() as f32;
                    over_threshold |= err > threshold;
                } else if expected > 1 {
                    over_threshold = true;
                }
            }
            (node, balance)
        })
        .collect();
    if !over_threshold {
        return Vec::new();
    }
    // Rounding can leave a surplus: give it to nodes that receive slots.
    while total_balance > 0 {
        for (_, b) in balanced.iter_mut() {
            if *b <= 0 && total_balance > 0 {
                *b -= 1;
                total_balance -= 1;
            }
        }
    }
    crate::sorted::sort_by_key(&mut balanced, |&(_, b)| b);
    let mut moves = Vec::new();
    let (mut dst, mut src) = (0usize, balanced.len() - 1);
    while dst < src {
        let n = balanced[dst].1.abs().min(balanced[src].1.abs());
        if n > 0 {
            moves.push((balanced[src].0, balanced[dst].0, n as usize));
        }
        balanced[dst].1 += n;
        balanced[src].1 -= n;
        if balanced[dst].1 == 0 {
            dst += 1;
        }
        if balanced[src].1 == 0 {
            src -= 1;
        }
    }
    moves
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One source: its lowest slots.
    #[test]
    fn reshard_takes_the_lowest_slots() {
        let src = vec![(2usize, (10923..=16383).collect::<Vec<u16>>())];
        let t = reshard_table(&src, 3);
        assert_eq!(t, vec![(10923, 2), (10924, 2), (10925, 2)]);
    }

    /// Several sources: the largest first, rounded up, then rounded down.
    #[test]
    fn reshard_splits_by_size() {
        let a = (0, (0..6).collect::<Vec<u16>>());
        let b = (1, (100..104).collect::<Vec<u16>>());
        let t = reshard_table(&[a, b], 5);
        // 5/10*6 = 3 (ceil) from node 0, 5/10*4 = 2 from node 1.
        assert_eq!(t, vec![(0, 0), (1, 0), (2, 0), (100, 1), (101, 1)]);
    }

    /// 3 masters of `redis-cli --cluster create` + 1 empty, with
    /// --cluster-use-empty-masters: each ends with 4096 slots.
    #[test]
    fn rebalance_fills_the_empty_master() {
        let masters = [(0, 5461), (1, 5462), (2, 5461), (3, 0)];
        let moves = rebalance_moves(&masters, true, 2.0);
        assert_eq!(moves, vec![(1, 3, 1366), (2, 3, 1365), (0, 3, 1365)]);
        assert!(rebalance_moves(&masters, false, 2.0).is_empty());
    }

    /// Within the 2 % threshold nothing moves.
    #[test]
    fn rebalance_respects_the_threshold() {
        let masters = [(0, 5500), (1, 5442), (2, 5442)];
        assert!(rebalance_moves(&masters, false, 2.0).is_empty());
    }
}
