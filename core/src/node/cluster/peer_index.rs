//! The node table's index: node ID → slab index.

use crate::id::NodeId;

/// Entries per page.
const PAGE: usize = 256;
/// A page slot with no node.
const EMPTY: u16 = u16::MAX;

/// Node ID → slab index, as a direct map on the IDs' interned numbers
/// ([`NodeId::number`]), in pages allocated on first use.
///
/// It is looked up for every gossip entry a node reads (a hundred per message
/// at 1000 nodes). A hash table of a thousand IDs spread those lookups over
/// 18 KB per node, most of it out of cache when a thousand nodes take turns;
/// the nodes of one cluster get consecutive numbers, so here they share a few
/// half-kilobyte pages. Never iterated, so the numbers cannot reach any output.
#[derive(Clone, Default)]
pub(in crate::node) struct PeerIndex {
    pages: Vec<Option<Box<[u16; PAGE]>>>,
}

impl PeerIndex {
    pub(in crate::node) fn get(&self, id: &NodeId) -> Option<u16> {
        let n = id.number() as usize;
        let page = self.pages.get(n / PAGE)?.as_ref()?;
        let idx = page[n % PAGE];
        (idx != EMPTY).then_some(idx)
    }

    pub(in crate::node) fn insert(&mut self, id: NodeId, idx: u16) {
        let n = id.number() as usize;
        if self.pages.len() <= n / PAGE {
            self.pages.resize_with(n / PAGE + 1, || None);
        }
        let page = self.pages[n / PAGE].get_or_insert_with(|| Box::new([EMPTY; PAGE]));
        page[n % PAGE] = idx;
    }

    pub(in crate::node) fn remove(&mut self, id: &NodeId) -> Option<u16> {
        let n = id.number() as usize;
        let page = self.pages.get_mut(n / PAGE)?.as_mut()?;
        let idx = std::mem::replace(&mut page[n % PAGE], EMPTY);
        (idx != EMPTY).then_some(idx)
    }

    /// Bytes held, for `state_bytes`.
    pub(in crate::node) fn bytes(&self) -> usize {
        self.pages.capacity() * std::mem::size_of::<Option<Box<[u16; PAGE]>>>()
            + self.pages.iter().flatten().count() * PAGE * std::mem::size_of::<u16>()
    }
}
