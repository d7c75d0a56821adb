//! The quicklist Redis 7.0 would build for a list (quicklist.c): its nodes,
//! each a listpack of some elements, as pushing the elements in order packs
//! them. DEBUG OBJECT reports the nodes (`ql_nodes`, `ql_avg_node`,
//! `ql_uncompressed_size`) and MEMORY USAGE counts their allocations.
//!
//! The node keeps a list as one sequence, so the layout is the one pushes
//! from the tail give (RPUSH, a loaded RDB's plain list, RESTORE): exact for
//! such lists. A real server's list built otherwise (LPUSH past one node,
//! LINSERT, LREM in the middle) can have its nodes split elsewhere.

use crate::keyspace::stream::listpack::str_size;

/// `optimization_level`: a negative `list-max-listpack-size` -1..-5 caps a
/// node's listpack at 4, 8, 16, 32 or 64 KB.
const OPTIMIZATION_LEVEL: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// `SIZE_SAFETY_LIMIT`: a positive fill (an element count) still stops a
/// node at 8 KB.
const SIZE_SAFETY_LIMIT: usize = 8192;
/// `SIZE_ESTIMATE_OVERHEAD`: what an insert is assumed to add beyond the
/// element's bytes.
const SIZE_ESTIMATE_OVERHEAD: usize = 8;
/// `packed_threshold`: an element of 1 GB or more gets a plain node of its own.
const PACKED_THRESHOLD: usize = 1 << 30;
/// A listpack's 6-byte header and its end byte.
const LP_EMPTY: usize = 7;

/// One node: how many elements, and its listpack's bytes (`node->sz`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    pub count: usize,
    pub bytes: usize,
}

/// A listpack of `entries`: header, the entries, the end byte.
pub fn listpack_bytes<'a>(entries: impl Iterator<Item = &'a [u8]>) -> usize {
    LP_EMPTY + entries.map(str_size).sum::<usize>()
}

/// `_quicklistNodeAllowInsert`: whether an element of `len` bytes joins
/// `node` under `fill` (`list-max-listpack-size`).
fn allows(node: &Node, fill: i64, len: usize) -> bool {
    let new_sz = node.bytes + len + SIZE_ESTIMATE_OVERHEAD;
    if fill < 0 {
        if let Some(&limit) = OPTIMIZATION_LEVEL.get((-fill - 1) as usize) {
            if new_sz <= limit {
                return true;
            }
        }
    }
    new_sz <= SIZE_SAFETY_LIMIT && (node.count as i64) < fill
}

/// The nodes pushing `items` in order at the tail builds under `fill`.
pub fn pack<'a>(items: impl Iterator<Item = &'a [u8]>, fill: i64) -> Vec<Node> {
    let mut nodes: Vec<Node> = Vec::new();
    let mut plain_last = false;
    for item in items {
        if item.len() >= PACKED_THRESHOLD {
            // A plain node: the element itself, never joined.
            nodes.push(Node {
                count: 1,
                bytes: item.len(),
            });
            plain_last = true;
            continue;
        }
        match nodes.last_mut() {
            Some(last) if !plain_last && allows(last, fill, item.len()) => {
                last.count += 1;
                last.bytes += str_size(item);
            }
            _ => nodes.push(Node {
                count: 1,
                bytes: LP_EMPTY + str_size(item),
            }),
        }
        plain_last = false;
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A listpack: header, entries (integers in their smallest
    /// encoding, strings with a length header, each with its
    /// back-length), end byte.
    #[test]
    fn listpack_bytes_count_header_and_end() {
        assert_eq!(listpack_bytes([&b"a"[..], b"1"].into_iter()), 7 + 3 + 2);
        assert_eq!(listpack_bytes([&[b'x'; 126][..]].into_iter()), 7 + 130);
    }

    /// `fill -2`: nodes of at most 8 KB (estimate included); a positive
    /// fill counts elements.
    #[test]
    fn nodes_split_at_the_fill_limit() {
        let big = vec![b'x'; 1000];
        let items: Vec<&[u8]> = (0..20).map(|_| big.as_slice()).collect();
        let nodes = pack(items.iter().copied(), -2);
        // Each entry is 2 + 1000 + 2 bytes: 8 fit in 8192 with the estimate.
        assert_eq!(nodes.iter().map(|n| n.count).collect::<Vec<_>>(), [8, 8, 4]);
        assert_eq!(nodes[0].bytes, 7 + 8 * 1004);
        let small: Vec<&[u8]> = vec![b"a"; 10];
        let counts: Vec<usize> = pack(small.into_iter(), 4).iter().map(|n| n.count).collect();
        assert_eq!(counts, [4, 4, 2]);
    }
}
