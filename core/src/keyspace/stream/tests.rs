//! The stream's node bookkeeping against what Redis 7.0 does with the
//! default `stream-node-max-entries 100` / `stream-node-max-bytes 4096`.

use super::*;

fn add(s: &mut Stream, ms: u64) -> StreamId {
    let fields = vec![(b"f".to_vec(), ms.to_string().into_bytes())];
    s.append(fields, Some((ms, Some(0))), 0, 4096, 100).unwrap()
}

/// `streamAppendItem` starts a new node every 100 entries.
#[test]
fn nodes_fill_to_max_entries() {
    let mut s = Stream::new();
    for ms in 1..=250 {
        add(&mut s, ms);
    }
    assert_eq!(s.rax_keys(), 3);
    assert_eq!(s.len(), 250);
}

/// `MAXLEN ~` only drops whole nodes; `MAXLEN =` trims inside the node.
#[test]
fn approximate_trim_drops_whole_nodes_only() {
    let mut s = Stream::new();
    for ms in 1..=250 {
        add(&mut s, ms);
    }
    assert_eq!(s.trim(Trim::MaxLen(180), true, 10_000), 0);
    assert_eq!(s.trim(Trim::MaxLen(150), true, 10_000), 100);
    assert_eq!(s.first_id, StreamId::new(101, 0));
    assert_eq!(s.trim(Trim::MaxLen(120), false, 0), 30);
    assert_eq!(s.len(), 120);
    assert_eq!(s.first_id, StreamId::new(131, 0));
    // The trimmed entries stay as tombstones: the node is still there.
    assert_eq!(s.rax_keys(), 2);
}

/// `streamAppendItem`: an explicit ID must be above the last one; `ms-*`
/// continues the sequence of the same millisecond.
#[test]
fn ids_must_grow() {
    let mut s = Stream::new();
    assert_eq!(add(&mut s, 5), StreamId::new(5, 0));
    let f = || vec![(b"a".to_vec(), b"b".to_vec())];
    assert_eq!(
        s.append(f(), Some((5, Some(0))), 0, 4096, 100),
        Err(AppendError::NotGreater)
    );
    assert_eq!(
        s.append(f(), Some((5, None)), 0, 4096, 100),
        Ok(StreamId::new(5, 1))
    );
    assert_eq!(s.append(f(), None, 3, 4096, 100), Ok(StreamId::new(5, 2)));
    assert_eq!(s.append(f(), None, 9, 4096, 100), Ok(StreamId::new(9, 0)));
}

/// XDEL leaves a tombstone, and deleting a node's last live entry drops
/// the node (`streamIteratorRemoveEntry`).
#[test]
fn delete_keeps_tombstones_until_node_empty() {
    let mut s = Stream::new();
    add(&mut s, 1);
    add(&mut s, 2);
    assert!(s.delete(StreamId::new(1, 0)));
    assert!(!s.delete(StreamId::new(1, 0)));
    assert_eq!(s.first_in_nodes(), Some(StreamId::new(1, 0)));
    assert!(s.delete(StreamId::new(2, 0)));
    assert_eq!(s.rax_keys(), 0);
    assert_eq!(s.max_deleted, StreamId::new(2, 0));
}

/// A node written as a listpack reads back the same.
#[test]
fn listpacks_round_trip() {
    let mut s = Stream::new();
    for ms in 1..=120 {
        add(&mut s, ms);
    }
    let other = vec![
        (b"x".to_vec(), b"y".to_vec()),
        (b"n".to_vec(), b"-7".to_vec()),
    ];
    s.append(other, None, 500, 4096, 100).unwrap();
    s.delete(StreamId::new(3, 0));
    let nodes = s
        .listpacks()
        .map(|(m, lp)| (m, crate::rdb::compact::listpack(&lp).unwrap()))
        .collect();
    let back = Stream::from_nodes(nodes).unwrap();
    assert_eq!(back.nodes, s.nodes);
    assert_eq!(back.len(), s.len());
}
