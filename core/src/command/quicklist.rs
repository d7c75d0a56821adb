//! The quicklist Redis 7.0 would build for a list (quicklist.c): its nodes,
//! each a listpack of some elements, as pushing the elements in order packs
//! them. DEBUG OBJECT reports the nodes (`ql_nodes`, `ql_avg_node`,
//! `ql_uncompressed_size`) and MEMORY USAGE counts their allocations.
//!
//! The node keeps a list as one sequence, so the layout is the one pushes
//! from the tail give (RPUSH, a loaded RDB's plain list, RESTORE): exact for
//! such lists. A real server's list built otherwise (LPUSH past one node,
//! LINSERT, LREM in the middle) can have its nodes split elsewhere.

use crate::resp::parse_i64;

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

/// `lpEncodeBacklen`'s length: the bytes that store an entry's size `l`.
fn backlen(l: usize) -> usize {
    match l {
        0..=127 => 1,
        128..=16_382 => 2,
        16_383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    }
}

/// Bytes one listpack entry takes (`lpEncodeGetType` + back-length): an
/// integer in its smallest encoding, else the string with its length header.
pub fn lp_entry(v: &[u8]) -> usize {
    let enc = match parse_i64(v).filter(|_| v.len() <= 20) {
        Some(0..=127) => 1,
        Some(-4096..=4095) => 2,
        Some(-32_768..=32_767) => 3,
        Some(-8_388_608..=8_388_607) => 4,
        Some(-2_147_483_648..=2_147_483_647) => 5,
        Some(_) => 9,
        None if v.len() < 64 => 1 + v.len(),
        None if v.len() < 4096 => 2 + v.len(),
        None => 5 + v.len(),
    };
    enc + backlen(enc)
}

/// A listpack of `entries`: header, the entries, the end byte.
pub fn listpack_bytes<'a>(entries: impl Iterator<Item = &'a [u8]>) -> usize {
    LP_EMPTY + entries.map(lp_entry).sum::<usize>()
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
                last.bytes += lp_entry(item);
            }
            _ => nodes.push(Node {
                count: 1,
                bytes: LP_EMPTY + lp_entry(item),
            }),
        }
        plain_last = false;
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Integers take their smallest encoding, strings a length header;
    /// each entry ends with its back-length.
    #[test]
    fn entry_sizes_follow_listpack_c() {
        assert_eq!(lp_entry(b"7"), 2);
        assert_eq!(lp_entry(b"-1"), 3);
        assert_eq!(lp_entry(b"100000"), 5);
        assert_eq!(lp_entry(b"007"), 5, "not canonical: a string");
        assert_eq!(lp_entry(b"hello"), 7);
        assert_eq!(lp_entry(&[b'x'; 126]), 130, "2-byte header, 2-byte backlen");
        assert_eq!(listpack_bytes([&b"a"[..], b"1"].into_iter()), 7 + 3 + 2);
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
