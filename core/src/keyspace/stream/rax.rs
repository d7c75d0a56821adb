//! How many nodes Redis's radix tree (`rax.c`) uses for a set of keys,
//! which `XINFO STREAM` prints as `radix-tree-nodes`. A rax compresses
//! each chain of single-child positions into one node, gives every child
//! of a branching position its own node, and ends each key in a leaf, so
//! the count follows from the sorted keys alone.

/// `rax->numnodes` for `keys` (equal-length byte strings, any order).
pub fn node_count(mut keys: Vec<[u8; 16]>) -> usize {
    crate::sorted::sort(&mut keys);
    keys.dedup();
    if keys.is_empty() {
        // The empty root.
        return 1;
    }
    count(&keys, 0)
}

/// Nodes under the position `depth` bytes into `keys` (which share those bytes).
fn count(keys: &[[u8; 16]], depth: usize) -> usize {
    if depth == 16 {
        return 1;
    }
    let first = &keys[0];
    let last = &keys[keys.len() - 1];
    if first[depth] == last[depth] {
        // One child: a compressed node running to the next branch or the
        // end of the keys (sorted, so first and last bound the prefix).
        let common = (depth..16).take_while(|&i| first[i] == last[i]).count();
        return 1 + count(keys, depth + common);
    }
    // A branching node, then each child's own subtree.
    let mut total = 1;
    let mut start = 0;
    for i in 1..=keys.len() {
        if i == keys.len() || keys[i][depth] != keys[start][depth] {
            total += count(&keys[start..i], depth + 1);
            start = i;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::stream::StreamId;

    /// Counts XINFO STREAM printed on redis-server 7.0.15: one key is a
    /// compressed node and its leaf; an empty tree is its root.
    #[test]
    fn counts_like_rax() {
        assert_eq!(node_count(vec![]), 1);
        assert_eq!(node_count(vec![StreamId::new(1, 0).encode()]), 2);
        // Two keys differing in the last byte: prefix, branch, two leaves.
        let two = vec![StreamId::new(1, 0).encode(), StreamId::new(1, 1).encode()];
        assert_eq!(node_count(two), 4);
    }
}
