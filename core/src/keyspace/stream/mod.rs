//! The stream type (`t_stream.c`): entries in listpack-sized nodes, the
//! counters XINFO shows, and the consumer groups. Nodes are kept as Redis
//! keeps them (a node fills up by bytes or entries, deleted entries stay
//! in their node as tombstones, a node goes when its last live entry
//! does) because `MAXLEN ~`/`MINID ~` trim whole nodes only and XINFO
//! counts them: the simulator must trim exactly what a real node trims.

mod group;
pub mod id;
pub mod listpack;
mod rax;

pub use group::{Consumer, Group, Nack, INVALID_ENTRIES_READ};
pub use id::StreamId;

use std::collections::BTreeMap;

/// One entry: its ID and field/value pairs.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The entry's ID.
    pub id: StreamId,
    /// Field/value pairs, in the order XADD gave them.
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
    /// Deleted by XDEL or an exact trim: a tombstone in its node.
    deleted: bool,
}

/// One radix-tree node's listpack: the master entry's fields (the first
/// entry's), and every entry appended to it, tombstones included.
#[derive(Clone, Debug, PartialEq)]
struct Node {
    master_fields: Vec<Vec<u8>>,
    entries: Vec<Entry>,
    live: u64,
    deleted: u64,
    /// Bytes of the parts whose size never changes: master fields, their
    /// terminator and every entry (flags stay one byte when deleted).
    body: usize,
}

impl Node {
    /// `lpBytes`: header, the three counters of the master entry, the rest.
    fn bytes(&self) -> usize {
        use listpack::int_size;
        7 + int_size(self.live as i64)
            + int_size(self.deleted as i64)
            + int_size(self.master_fields.len() as i64)
            + self.body
    }

    fn same_fields(&self, fields: &[(Vec<u8>, Vec<u8>)]) -> bool {
        self.master_fields.len() == fields.len()
            && self
                .master_fields
                .iter()
                .zip(fields)
                .all(|(m, (f, _))| m == f)
    }
}

/// Why XADD could not append.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppendError {
    /// The ID is not above the stream's last ID (`EDOM`).
    NotGreater,
    /// Fields and values add up to more than a listpack holds (`ERANGE`).
    TooLarge,
}

/// How XADD/XTRIM trim (`streamAddTrimArgs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trim {
    /// `MAXLEN`: keep at most this many entries.
    MaxLen(u64),
    /// `MINID`: drop entries below this ID.
    MinId(StreamId),
}

/// Listpacks are capped at 1 GB (`STREAM_LISTPACK_MAX_SIZE`).
const LISTPACK_MAX_SIZE: usize = 1 << 30;

/// A stream value.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Stream {
    nodes: BTreeMap<StreamId, Node>,
    length: u64,
    /// `last_id`: the last ID generated (XADD's floor, XSETID moves it).
    pub last_id: StreamId,
    /// `first_id`: the first live entry (0-0 when empty).
    pub first_id: StreamId,
    /// `max_deleted_entry_id`: the highest ID XDEL removed.
    pub max_deleted: StreamId,
    /// `entries_added`: every entry ever appended.
    pub entries_added: u64,
    /// Consumer groups by name (a radix tree in Redis: byte order).
    pub groups: BTreeMap<Vec<u8>, Group>,
}

impl Stream {
    /// `streamNew`.
    pub fn new() -> Stream {
        Stream::default()
    }

    /// Live entries (`XLEN`).
    pub fn len(&self) -> u64 {
        self.length
    }

    /// Whether no live entry is left (the key stays: streams may be empty).
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// `streamAppendItem`: the ID is `explicit` (`ms`, and the sequence or
    /// `None` for `ms-*`) or the next after `last_id` at `now_ms`.
    /// `max_bytes`/`max_entries` are `stream-node-max-bytes`/`-entries`.
    pub fn append(
        &mut self,
        fields: Vec<(Vec<u8>, Vec<u8>)>,
        explicit: Option<(u64, Option<u64>)>,
        now_ms: u64,
        max_bytes: u64,
        max_entries: u64,
    ) -> Result<StreamId, AppendError> {
        let id = match explicit {
            Some((ms, Some(seq))) => StreamId::new(ms, seq),
            Some((ms, None)) if ms == self.last_id.ms => {
                if self.last_id.seq == u64::MAX {
                    return Err(AppendError::NotGreater);
                }
                StreamId::new(ms, self.last_id.seq + 1)
            }
            Some((ms, None)) => StreamId::new(ms, 0),
            // `streamNextID`: the clock, or one past the last ID when the
            // clock is behind it.
            None if now_ms > self.last_id.ms => StreamId::new(now_ms, 0),
            None => self.last_id.incr().unwrap_or(StreamId::MAX),
        };
        if id <= self.last_id {
            return Err(AppendError::NotGreater);
        }
        let total: usize = fields.iter().map(|(f, v)| f.len() + v.len()).sum();
        if total > LISTPACK_MAX_SIZE {
            return Err(AppendError::TooLarge);
        }
        let node_max_bytes = match max_bytes as usize {
            0 => LISTPACK_MAX_SIZE,
            n => n.min(LISTPACK_MAX_SIZE),
        };
        let fits = self.nodes.last_key_value().is_some_and(|(_, n)| {
            n.bytes() + total < node_max_bytes
                && (max_entries == 0 || n.live + n.deleted < max_entries)
        });
        if !fits {
            let master_fields = fields.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>();
            let body = master_fields
                .iter()
                .map(|f| listpack::str_size(f))
                .sum::<usize>()
                + listpack::int_size(0);
            let node = Node {
                master_fields,
                entries: Vec::new(),
                live: 0,
                deleted: 0,
                body,
            };
            self.nodes.insert(id, node);
        }
        let (master, node) = self
            .nodes
            .iter_mut()
            .next_back()
            .expect("a node was just ensured");
        node.body += entry_size(*master, id, node.same_fields(&fields), &fields);
        node.live += 1;
        node.entries.push(Entry {
            id,
            fields,
            deleted: false,
        });
        self.length += 1;
        self.entries_added = self.entries_added.wrapping_add(1);
        self.last_id = id;
        if self.length == 1 {
            self.first_id = id;
        }
        Ok(id)
    }

    /// Live entries from `start` to `end` (both included), in ID order;
    /// `.rev()` walks them backwards.
    pub fn range(
        &self,
        start: StreamId,
        end: StreamId,
    ) -> impl DoubleEndedIterator<Item = &Entry> + '_ {
        let from = self
            .nodes
            .range(..=start)
            .next_back()
            .map_or(start, |(k, _)| *k);
        let nodes = if start <= end {
            Some(self.nodes.range(from..=end))
        } else {
            None
        };
        nodes
            .into_iter()
            .flatten()
            .flat_map(|(_, n)| n.entries.iter())
            .filter(move |e| !e.deleted && e.id >= start && e.id <= end)
    }

    /// The live entry with this ID.
    pub fn get(&self, id: StreamId) -> Option<&Entry> {
        self.range(id, id).next()
    }

    /// The first entry's ID, tombstones included (`streamGetEdgeID` not
    /// skipping them): what a `MINID ~` trim is streamed as.
    pub fn first_in_nodes(&self) -> Option<StreamId> {
        self.nodes.values().next()?.entries.first().map(|e| e.id)
    }

    /// `streamLastValidID`: the last live entry's ID.
    pub fn last_valid_id(&self) -> Option<StreamId> {
        self.range(StreamId::MIN, StreamId::MAX)
            .next_back()
            .map(|e| e.id)
    }

    /// `streamDeleteItem` plus XDEL's bookkeeping: true if a live entry
    /// was deleted.
    pub fn delete(&mut self, id: StreamId) -> bool {
        let Some((&master, node)) = self.nodes.range_mut(..=id).next_back() else {
            return false;
        };
        let Ok(i) = node.entries.binary_search_by_key(&id, |e| e.id) else {
            return false;
        };
        if node.entries[i].deleted {
            return false;
        }
        if node.live == 1 {
            self.nodes.remove(&master);
        } else {
            node.entries[i].deleted = true;
            node.live -= 1;
            node.deleted += 1;
        }
        self.length -= 1;
        if id > self.max_deleted {
            self.max_deleted = id;
        }
        true
    }

    /// After deletions: `first_id` follows the first live entry.
    pub fn refresh_first_id(&mut self) {
        let first = self
            .range(StreamId::MIN, StreamId::MAX)
            .next()
            .map_or(StreamId::MIN, |e| e.id);
        self.first_id = first;
    }

    /// `streamTrim`: whole nodes from the oldest while the strategy allows,
    /// then (unless `approx`) entries inside the next node. `limit` (0:
    /// none) caps the entries removed, counted by whole nodes. Returns how
    /// many entries went.
    pub fn trim(&mut self, trim: Trim, approx: bool, limit: u64) -> u64 {
        let mut deleted = 0u64;
        while let Some(mut first) = self.nodes.first_entry() {
            if let Trim::MaxLen(max) = trim {
                if self.length <= max {
                    break;
                }
            }
            let node = first.get_mut();
            let entries = node.live;
            if limit != 0 && deleted + entries > limit {
                break;
            }
            let remove_node = match trim {
                Trim::MaxLen(max) => self.length - entries >= max,
                Trim::MinId(min) => node.entries.last().is_some_and(|e| e.id < min),
            };
            if remove_node {
                first.remove();
                self.length -= entries;
                deleted += entries;
                continue;
            }
            if approx {
                break;
            }
            let mut from_node = 0;
            for e in node.entries.iter_mut() {
                let stop = match trim {
                    Trim::MaxLen(max) => self.length <= max,
                    Trim::MinId(min) => e.id >= min,
                };
                if stop {
                    break;
                }
                if !e.deleted {
                    e.deleted = true;
                    from_node += 1;
                    self.length -= 1;
                }
            }
            node.live -= from_node;
            node.deleted += from_node;
            deleted += from_node;
            break;
        }
        if self.length == 0 {
            self.first_id = StreamId::MIN;
        } else if deleted > 0 {
            self.refresh_first_id();
        }
        deleted
    }

    /// Radix-tree keys (`raxSize`): one per node.
    pub fn rax_keys(&self) -> usize {
        self.nodes.len()
    }

    /// Radix-tree nodes (`rax->numnodes`), from the node keys.
    pub fn rax_nodes(&self) -> usize {
        rax::node_count(self.nodes.keys().map(|k| k.encode()).collect())
    }

    /// Each node's master ID with its listpack (`lp`'s bytes), for the RDB.
    pub fn listpacks(&self) -> impl Iterator<Item = (StreamId, Vec<u8>)> + '_ {
        self.nodes
            .iter()
            .map(|(master, n)| (*master, node_listpack(*master, n)))
    }

    /// Rebuilds a stream from an RDB's nodes (master ID and listpack
    /// elements, as text) and counters; `None` if a listpack is not a
    /// stream node.
    pub fn from_nodes(nodes: Vec<(StreamId, Vec<Vec<u8>>)>) -> Option<Stream> {
        let mut s = Stream::new();
        for (master, items) in nodes {
            let node = parse_node(master, &items)?;
            s.length += node.live;
            s.nodes.insert(master, node);
        }
        Some(s)
    }
}

/// Bytes one entry takes in its node's listpack: flags, ID deltas from the
/// master entry, fields unless they are the master's, values, and the
/// element count that lets Redis walk backwards.
fn entry_size(master: StreamId, id: StreamId, same: bool, fields: &[(Vec<u8>, Vec<u8>)]) -> usize {
    use listpack::{int_size, str_size};
    let mut size = int_size(0)
        + int_size(id.ms.wrapping_sub(master.ms) as i64)
        + int_size(id.seq.wrapping_sub(master.seq) as i64);
    let mut count = fields.len() + 3;
    if !same {
        size += int_size(fields.len() as i64);
        size += fields.iter().map(|(f, _)| str_size(f)).sum::<usize>();
        count += fields.len() + 1;
    }
    size += fields.iter().map(|(_, v)| str_size(v)).sum::<usize>();
    size + int_size(count as i64)
}

/// Entry flags in a listpack (`STREAM_ITEM_FLAG_*`).
const FLAG_DELETED: i64 = 1;
const FLAG_SAMEFIELDS: i64 = 2;

/// A node's listpack as `streamAppendItem` lays it out.
fn node_listpack(master: StreamId, n: &Node) -> Vec<u8> {
    let mut w = listpack::Writer::default();
    w.int(n.live as i64);
    w.int(n.deleted as i64);
    w.int(n.master_fields.len() as i64);
    n.master_fields.iter().for_each(|f| w.string(f));
    w.int(0);
    for e in &n.entries {
        let same = n.same_fields(&e.fields);
        let flags =
            if same { FLAG_SAMEFIELDS } else { 0 } | if e.deleted { FLAG_DELETED } else { 0 };
        w.int(flags);
        w.int(e.id.ms.wrapping_sub(master.ms) as i64);
        w.int(e.id.seq.wrapping_sub(master.seq) as i64);
        let mut count = e.fields.len() + 3;
        if !same {
            w.int(e.fields.len() as i64);
            count += e.fields.len() + 1;
        }
        for (f, v) in &e.fields {
            if !same {
                w.string(f);
            }
            w.string(v);
        }
        w.int(count as i64);
    }
    w.bytes()
}

/// Reads one node back from its listpack's elements.
fn parse_node(master: StreamId, items: &[Vec<u8>]) -> Option<Node> {
    let mut it = items.iter();
    let int = |it: &mut std::slice::Iter<Vec<u8>>| crate::resp::parse_i64(it.next()?);
    let live = u64::try_from(int(&mut it)?).ok()?;
    let deleted = u64::try_from(int(&mut it)?).ok()?;
    let nf = usize::try_from(int(&mut it)?).ok()?;
    let master_fields: Vec<Vec<u8>> = (0..nf).map(|_| it.next().cloned()).collect::<Option<_>>()?;
    if int(&mut it)? != 0 {
        return None;
    }
    let mut node = Node {
        body: master_fields
            .iter()
            .map(|f| listpack::str_size(f))
            .sum::<usize>()
            + listpack::int_size(0),
        master_fields,
        entries: Vec::new(),
        live,
        deleted,
    };
    let (mut seen_live, mut seen_deleted) = (0, 0);
    while let Some(flags) = it.next() {
        let flags = crate::resp::parse_i64(flags)?;
        let ms = master.ms.wrapping_add(int(&mut it)? as u64);
        let seq = master.seq.wrapping_add(int(&mut it)? as u64);
        let id = StreamId::new(ms, seq);
        let same = flags & FLAG_SAMEFIELDS != 0;
        let n = if same {
            node.master_fields.len()
        } else {
            usize::try_from(int(&mut it)?).ok()?
        };
        let mut fields = Vec::with_capacity(n);
        for i in 0..n {
            let f = if same {
                node.master_fields[i].clone()
            } else {
                it.next()?.clone()
            };
            fields.push((f, it.next()?.clone()));
        }
        int(&mut it)?;
        if node.entries.last().is_some_and(|e| e.id >= id) {
            return None;
        }
        let deleted = flags & FLAG_DELETED != 0;
        if deleted {
            seen_deleted += 1;
        } else {
            seen_live += 1;
        }
        node.body += entry_size(master, id, node.same_fields(&fields), &fields);
        node.entries.push(Entry {
            id,
            fields,
            deleted,
        });
    }
    (seen_live == live && seen_deleted == deleted && live > 0).then_some(node)
}

#[cfg(test)]
mod tests;
