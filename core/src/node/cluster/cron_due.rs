//! Which nodes cron must look at: `clusterCron` walks the whole node table
//! every 100 ms, but for most nodes, most of the time, nothing is due (the
//! next half-timeout PING is seconds away). Walking a thousand entries ten
//! times a second on each of a thousand simulated nodes was a third of a
//! large simulation, so cron remembers, per table slot, the earliest time its
//! rules could act on that node, and skips the node until then.
//!
//! The rules cron applies per node depend on the node's entry, on the time,
//! and on the configuration. Every edit of an entry goes through
//! [`Node::peer_mut`](crate::node::Node) or `peer_at_mut`, which mark the slot due
//! now; configuration changes and restarts mark every slot due. A skipped
//! node is therefore exactly as cron last saw it, up to the clock — and the
//! only edits that bypass the marking (a fresher `pong_received` from gossip)
//! can only postpone what cron would do. The reconnect loop is skipped
//! whole when no slot is due, keeping the PFAIL count its last walk found
//! (nothing it counts has changed); the per-node loop finds its due slots
//! by blocks, visits them in table order, and picks up a later slot touched
//! meanwhile, exactly as a walk would. Cron visits the due nodes in table
//! order, so the messages it sends and the random draws they make are the
//! same as a full walk's.
//!
//! Debug builds check this at every run (`Node::assert_skips_agree`): each
//! node skipped is one a full walk would find nothing to do on. The PFAIL
//! timing the skips rely on is the rule's own (`pfail::deadline`).

use super::peer::Peer;
use super::pfail;
use crate::flags::NodeFlags;
use crate::node::Node;
use crate::time::Time;

/// Table slots per block of [`CronDue::checks_from`].
const BLOCK: usize = 32;
/// `pos` of a slot that is not in the table.
const NO_POS: u32 = u32::MAX;

/// Per table slot (the node table's slab index): when cron next needs to
/// look at that node, and what it last saw that a skip must still account for.
#[derive(Clone, Debug, Default)]
pub(in crate::node) struct CronDue {
    /// The handshake-timeout and reconnect loop.
    pub links: Vec<Time>,
    /// The per-node loop: link liveness, the half-timeout PING, PFAIL.
    checks: Vec<Time>,
    /// Whether the node counted as PFAIL in the reconnect loop.
    pub pfail: Vec<bool>,
    /// Replicas listed by the node if it is a working master, else 0
    /// (a replica's cron looks for masters with two or more).
    listed: Vec<u32>,
    /// How many slots list two replicas or more.
    listed_two: u32,
    /// No slot's `links` is earlier than this: until then cron skips the
    /// reconnect loop without walking it (a thousand entries, ten times a
    /// second, on each of a thousand simulated nodes). Lowered by every
    /// touch; recomputed by each walk.
    pub links_from: Time,
    /// Per block of [`BLOCK`] slots, no `checks` in it is earlier than
    /// this: the per-node loop finds its due nodes without reading every
    /// slot's time (in a large cluster a few nodes of a thousand are due
    /// at each run, since half-timeout PINGs spread over seconds).
    checks_from: Vec<Time>,
    /// Each slot's position in the table order (cron visits due nodes in
    /// that order, so its sends and random draws are a full walk's).
    pos: Vec<u32>,
    /// Whether `pos` is stale (a node left the table).
    pos_stale: bool,
    /// Slots touched while cron runs the per-node loop, in case a later
    /// node became due.
    touched: Vec<u16>,
    walking: bool,
    /// The table order cron walks, reused between runs (cron may remove
    /// nodes while it walks, so it walks a copy).
    pub walk: Vec<u16>,
}

impl CronDue {
    /// Marks slot `idx` due now (its entry is being edited), growing the
    /// table for a new slot.
    pub fn touch(&mut self, idx: u16) {
        let i = idx as usize;
        if self.links.len() <= i {
            let len = i + 1;
            self.links.resize(len, Time::ZERO);
            self.checks.resize(len, Time::ZERO);
            self.pfail.resize(len, false);
            self.listed.resize(len, 0);
            self.pos.resize(len, NO_POS);
            self.checks_from.resize(len.div_ceil(BLOCK), Time::ZERO);
        }
        self.links[i] = Time::ZERO;
        self.checks[i] = Time::ZERO;
        self.checks_from[i / BLOCK] = Time::ZERO;
        self.links_from = Time::ZERO;
        if self.walking {
            self.touched.push(idx);
        }
    }

    /// Marks every slot due now.
    pub fn touch_all(&mut self) {
        self.links.fill(Time::ZERO);
        self.checks.fill(Time::ZERO);
        self.checks_from.fill(Time::ZERO);
        self.links_from = Time::ZERO;
    }

    /// Slot `idx` joined the table at position `pos` (the end).
    pub fn appended(&mut self, idx: u16, pos: usize) {
        self.touch(idx);
        self.pos[idx as usize] = pos as u32;
    }

    /// Slot `idx` left the table: the positions after it moved, and the
    /// loops' totals lose it.
    pub fn removed(&mut self, idx: u16) {
        let i = idx as usize;
        if self.listed.get(i).is_some_and(|&l| l >= 2) {
            self.listed_two -= 1;
        }
        if let Some(l) = self.listed.get_mut(i) {
            *l = 0;
        }
        self.pos_stale = true;
        self.links_from = Time::ZERO;
    }

    /// What the per-node loop found for slot `idx`: when it is next due,
    /// and how many replicas it lists.
    pub fn checked(&mut self, idx: u16, due: Time, listed: u32) {
        let i = idx as usize;
        self.checks[i] = due;
        let block = &mut self.checks_from[i / BLOCK];
        *block = (*block).min(due);
        let was_two = self.listed[i] >= 2;
        if was_two != (listed >= 2) {
            if was_two {
                self.listed_two -= 1;
            } else {
                self.listed_two += 1;
            }
        }
        self.listed[i] = listed;
    }

    /// Whether some node in the table lists two replicas or more (a
    /// replica's cron then considers replica migration).
    pub fn some_lists_two(&self) -> bool {
        self.listed_two > 0
    }

    /// The slots due at `now` in the per-node loop, in table order, into
    /// `due`; starts recording touches (see [`next_due`](Self::next_due)).
    pub fn start_checks(&mut self, now: Time, order: &[u16], due: &mut Vec<u16>) {
        if self.pos_stale {
            self.pos.fill(NO_POS);
            for (p, &idx) in order.iter().enumerate() {
                self.pos[idx as usize] = p as u32;
            }
            self.pos_stale = false;
        }
        due.clear();
        for (b, from) in self.checks_from.iter_mut().enumerate() {
            if *from > now {
                continue;
            }
            let mut later = Time::MAX;
            let end = ((b + 1) * BLOCK).min(self.checks.len());
            for i in b * BLOCK..end {
                if self.pos[i] == NO_POS {
                    continue;
                }
                if self.checks[i] <= now {
                    due.push(i as u16);
                } else {
                    later = later.min(self.checks[i]);
                }
            }
            // Due slots lower it again when checked.
            *from = later;
        }
        let pos = &self.pos;
        due.sort_unstable_by_key(|&i| pos[i as usize]);
        self.walking = true;
        self.touched.clear();
    }

    /// After slot `done` was checked: adds to `rest` (the due slots after
    /// it, in table order) those touched meanwhile that come later in the
    /// table, as a full walk would reach them in this run.
    pub fn next_due(&mut self, done: u16, rest: &mut Vec<u16>, from: usize) {
        let after = self.pos[done as usize];
        for t in self.touched.drain(..) {
            let p = self.pos[t as usize];
            if t == done || p == NO_POS || p <= after {
                continue;
            }
            let pos = &self.pos;
            let tail = &rest[from..];
            if let Err(at) = tail.binary_search_by_key(&p, |&i| pos[i as usize]) {
                rest.insert(from + at, t);
            }
        }
    }

    /// Stops recording touches.
    pub fn end_checks(&mut self) {
        self.walking = false;
        self.touched.clear();
    }

    /// The memory it holds, for `state_bytes`.
    pub fn bytes(&self) -> usize {
        self.links.capacity() * std::mem::size_of::<Time>()
            + self.checks.capacity() * std::mem::size_of::<Time>()
            + self.pfail.capacity()
            + self.listed.capacity() * std::mem::size_of::<u32>()
            + self.checks_from.capacity() * std::mem::size_of::<Time>()
            + self.pos.capacity() * std::mem::size_of::<u32>()
            + (self.walk.capacity() + self.touched.capacity()) * std::mem::size_of::<u16>()
    }
}

/// The earliest time `Node::cron_check_rules` (cron.rs) can act on `p` if its
/// entry does not change: each rule fires once the time since some event
/// exceeds a limit (`since(t) > limit` first holds at `t + limit + 1`).
pub(in crate::node) fn next_check(p: &Peer, node_timeout: u64, ping_interval: u64) -> Time {
    let mut due = Time::MAX;
    match (p.link.get(), p.ping_sent.get()) {
        // The dead link is dropped once all three limits are passed.
        (Some(link_time), Some(ping_sent)) => {
            let drop = (link_time + node_timeout)
                .max(ping_sent + node_timeout / 2)
                .max(p.data_received + node_timeout / 2);
            due = due.min(drop + 1);
        }
        (Some(_), None) => due = due.min(p.pong_received + ping_interval + 1),
        (None, _) => {}
    }
    if let Some(pfail) = pfail::deadline(p, node_timeout) {
        due = due.min(pfail);
    }
    due
}

impl Node {
    /// Debug builds: the per-node loop's fast path agrees with a full walk
    /// of the table. Every node it skips at `now` (those not in `due`) is
    /// one on which `clusterCron`'s per-node rules would do nothing: its
    /// entry, as it is now, is not due. A skip that is wrong would delay a
    /// PING or a PFAIL, silently changing the simulation.
    pub(in crate::node) fn assert_skips_agree(&self, now: Time, due: &[u16]) {
        let node_timeout = self.cfg.node_timeout;
        let ping_interval = self.cfg.ping_interval();
        let mut visited = vec![false; self.cluster.peers.len()];
        for &idx in due {
            visited[idx as usize] = true;
        }
        for &idx in &self.cluster.order {
            let Some(p) = self.peer_at(idx) else { continue };
            if visited[idx as usize]
                || p.has(NodeFlags::MYSELF | NodeFlags::NOADDR | NodeFlags::HANDSHAKE)
            {
                continue;
            }
            let fresh = next_check(p, node_timeout, ping_interval);
            debug_assert!(
                fresh > now,
                "cron skipped {} at {now}: a full walk finds it due at {fresh}",
                p.id
            );
        }
    }
}
