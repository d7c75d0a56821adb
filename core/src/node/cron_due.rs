//! Which nodes cron must look at: `clusterCron` walks the whole node table
//! every 100 ms, but for most nodes, most of the time, nothing is due (the
//! next half-timeout PING is seconds away). Walking a thousand entries ten
//! times a second on each of a thousand simulated nodes was a third of a
//! large simulation, so cron remembers, per table slot, the earliest time its
//! rules could act on that node, and skips the node until then.
//!
//! The rules cron applies per node depend on the node's entry, on the time,
//! and on the configuration. Every edit of an entry goes through
//! [`Node::peer_mut`](super::Node) or `peer_at_mut`, which mark the slot due
//! now; configuration changes and restarts mark every slot due. A skipped
//! node is therefore exactly as cron last saw it, up to the clock — and the
//! only edits that bypass the marking (a fresher `pong_received` from gossip)
//! can only postpone what cron would do. When no slot is due at all, cron
//! skips a loop without walking it, keeping the totals the last walk found
//! (PFAIL nodes, most replicas listed): nothing they count has changed. Cron visits the due nodes in table
//! order, so the messages it sends and the random draws they make are the
//! same as a full walk's.

use crate::time::Time;

/// Per table slot (the node table's slab index): when cron next needs to
/// look at that node, and what it last saw that a skip must still account for.
#[derive(Clone, Debug, Default)]
pub(super) struct CronDue {
    /// The handshake-timeout and reconnect loop.
    pub links: Vec<Time>,
    /// The per-node loop: link liveness, the half-timeout PING, PFAIL.
    pub checks: Vec<Time>,
    /// Whether the node counted as PFAIL in the reconnect loop.
    pub pfail: Vec<bool>,
    /// Replicas listed by the node if it is a working master, else 0
    /// (a replica's cron looks for masters with two or more).
    pub listed: Vec<u32>,
    /// No slot's `links` is earlier than this: until then cron skips the
    /// reconnect loop without walking it (a thousand entries, ten times a
    /// second, on each of a thousand simulated nodes). Lowered by every
    /// touch; recomputed by each walk.
    pub links_from: Time,
    /// The same for `checks`.
    pub checks_from: Time,
    /// What the last walk of the per-node loop found: the most `listed`.
    pub most_listed: u32,
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
        }
        self.links[i] = Time::ZERO;
        self.checks[i] = Time::ZERO;
        self.rewalk();
    }

    /// Marks every slot due now.
    pub fn touch_all(&mut self) {
        self.links.fill(Time::ZERO);
        self.checks.fill(Time::ZERO);
        self.rewalk();
    }

    /// Makes the next cron walk both loops (a node left the table: the
    /// loops' totals change without any slot being due).
    pub fn rewalk(&mut self) {
        self.links_from = Time::ZERO;
        self.checks_from = Time::ZERO;
    }

    /// The memory it holds, for `state_bytes`.
    pub fn bytes(&self) -> usize {
        self.links.capacity() * std::mem::size_of::<Time>()
            + self.checks.capacity() * std::mem::size_of::<Time>()
            + self.pfail.capacity()
            + self.listed.capacity() * std::mem::size_of::<u32>()
            + self.walk.capacity() * std::mem::size_of::<u16>()
    }
}
