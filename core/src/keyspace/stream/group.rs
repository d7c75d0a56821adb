//! Consumer groups (`streamCG`): the last delivered ID, the read counter
//! that gives the lag, the pending entries list (PEL) and the consumers,
//! each with its own share of the PEL.

use super::{Stream, StreamId};
use std::collections::{BTreeMap, BTreeSet};

/// `SCG_INVALID_ENTRIES_READ`: the group's read counter is unknown.
pub const INVALID_ENTRIES_READ: i64 = -1;

/// A delivered, not yet acknowledged entry (`streamNACK`).
#[derive(Clone, Debug, PartialEq)]
pub struct Nack {
    /// The consumer that owns it.
    pub consumer: Vec<u8>,
    /// When it was last delivered (ms on the node's clock).
    pub delivery_time: u64,
    /// How many times it was delivered.
    pub delivery_count: u64,
}

/// A consumer (`streamConsumer`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Consumer {
    /// When it last read or claimed (ms on the node's clock).
    pub seen_time: u64,
    /// The IDs of the group's PEL it owns.
    pub pel: BTreeSet<StreamId>,
}

/// A consumer group.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Group {
    /// `last_id`: the last ID delivered to any consumer.
    pub last_id: StreamId,
    /// `entries_read`, or [`INVALID_ENTRIES_READ`].
    pub entries_read: i64,
    /// Pending entries, by ID.
    pub pel: BTreeMap<StreamId, Nack>,
    /// Consumers by name (byte order, as a rax keeps them).
    pub consumers: BTreeMap<Vec<u8>, Consumer>,
}

impl Group {
    /// `streamCreateCG`.
    pub fn new(last_id: StreamId, entries_read: i64) -> Group {
        Group {
            last_id,
            entries_read,
            ..Group::default()
        }
    }

    /// Takes `id` out of the PEL and its consumer's share (XACK).
    pub fn ack(&mut self, id: StreamId) -> Option<Nack> {
        let nack = self.pel.remove(&id)?;
        if let Some(c) = self.consumers.get_mut(&nack.consumer) {
            c.pel.remove(&id);
        }
        Some(nack)
    }

    /// Gives the pending `id` to `consumer` (which must exist), moving it
    /// out of its previous owner's share.
    pub fn reassign(&mut self, id: StreamId, consumer: &[u8]) {
        let Some(nack) = self.pel.get_mut(&id) else {
            return;
        };
        if nack.consumer != consumer {
            if let Some(old) = self.consumers.get_mut(&nack.consumer) {
                old.pel.remove(&id);
            }
            nack.consumer = consumer.to_vec();
        }
        if let Some(c) = self.consumers.get_mut(consumer) {
            c.pel.insert(id);
        }
    }
}

impl Stream {
    /// `streamRangeHasTombstones`: whether an XDEL'd ID may lie in
    /// `start..=MAX`.
    pub fn has_tombstones_from(&self, start: StreamId) -> bool {
        if self.length == 0 || self.max_deleted == StreamId::MIN {
            return false;
        }
        if self.first_id > self.max_deleted {
            return false;
        }
        start <= self.max_deleted
    }

    /// `streamEstimateDistanceFromFirstEverEntry`: how many entries were
    /// added up to `id`, when the stream's counters tell.
    pub fn entries_read_at(&self, id: StreamId) -> i64 {
        if self.entries_added == 0 {
            return 0;
        }
        let added = self.entries_added as i64;
        if self.length == 0 && id <= self.last_id {
            return added;
        }
        if id == self.last_id {
            return added;
        } else if id > self.last_id {
            return INVALID_ENTRIES_READ;
        }
        if self.max_deleted == StreamId::MIN || self.max_deleted < self.first_id {
            // Counters loaded from an RDB may be anything: wrap as C does.
            let before_first = added.wrapping_sub(self.length as i64);
            if id < self.first_id {
                return before_first;
            } else if id == self.first_id {
                return before_first.wrapping_add(1);
            }
        }
        INVALID_ENTRIES_READ
    }

    /// `streamReplyWithCGLag`: entries the group has yet to read, `None`
    /// when tombstones make it unknowable.
    pub fn lag(&self, g: &Group) -> Option<i64> {
        if self.entries_added == 0 {
            return Some(0);
        }
        if g.entries_read != INVALID_ENTRIES_READ && !self.has_tombstones_from(g.last_id) {
            return Some((self.entries_added as i64).wrapping_sub(g.entries_read));
        }
        match self.entries_read_at(g.last_id) {
            INVALID_ENTRIES_READ => None,
            read => Some((self.entries_added as i64).wrapping_sub(read)),
        }
    }

    /// The group's read counter once it delivers `id` (above its last ID),
    /// as `streamReplyWithRange` moves it.
    pub fn advance_group(&self, g: &mut Group, id: StreamId) {
        if g.entries_read != INVALID_ENTRIES_READ && !self.has_tombstones_from(id) {
            g.entries_read = g.entries_read.wrapping_add(1);
        } else if self.entries_added != 0 {
            g.entries_read = self.entries_read_at(id);
        }
        g.last_id = id;
    }
}
