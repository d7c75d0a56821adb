//! Replication, reduced to what failover depends on: offsets (they rank the
//! replicas) and the age of a replica's data (too old ⇒ no automatic failover).

use super::{Node, Output, ReplFrame};
use crate::id::NodeId;
use crate::time::Time;

/// Size of the `PING` a master writes into the replication stream every
/// `repl-ping-replica-period` (`*1\r\n$4\r\nPING\r\n`): it advances offsets too.
const REPL_PING_BYTES: u64 = 14;

#[derive(Clone, Debug)]
pub(super) struct Replication {
    /// master_repl_offset for a master; the processed offset for a replica.
    pub offset: u64,
    /// Replica: last time the master sent anything (`master->lastinteraction`).
    last_interaction: Time,
    /// Master: when the next stream PING is due.
    next_ping: Time,
}

impl Replication {
    pub fn new(now: Time) -> Self {
        Replication {
            offset: 0,
            last_interaction: now,
            next_ping: now,
        }
    }

    /// A new master: the link is (re)established now.
    pub fn set_master(&mut self, now: Time) {
        self.last_interaction = now;
    }

    /// Milliseconds since the master last sent data, at Redis's one-second
    /// resolution (`unixtime` arithmetic).
    pub fn data_age(&self, now: Time) -> u64 {
        (now.ms() / 1000).saturating_sub(self.last_interaction.ms() / 1000) * 1000
    }
}

impl Node {
    /// Master side: the periodic PING into the stream.
    pub(super) fn repl_cron(&mut self, now: Time) {
        // While a manual failover pauses writes the stream stays still too,
        // so the replica can reach exactly the master's offset.
        if !self.is_master() || now < self.repl.next_ping || self.writes_paused(now) {
            return;
        }
        self.repl.next_ping = now + self.cfg.repl_ping_replica_period * 1000;
        if self.me().replicas.is_empty() {
            return;
        }
        self.repl.offset += REPL_PING_BYTES;
        self.stream_to_replicas();
    }

    /// A client write of `bytes` on this master.
    pub(super) fn repl_write(&mut self, bytes: u64) {
        self.repl.offset += bytes;
        self.stream_to_replicas();
    }

    fn stream_to_replicas(&mut self) {
        let frame = ReplFrame::Data {
            offset: self.repl.offset,
        };
        let replicas: Vec<(NodeId, std::net::SocketAddr)> = self
            .me()
            .replicas
            .iter()
            .filter_map(|r| self.peer(*r).and_then(|p| p.bus_addr().map(|a| (*r, a))))
            .collect();
        for (to, addr) in replicas {
            self.out.push_back(Output::Repl { to, addr, frame });
        }
    }

    /// Replica side: only the stream of my current master counts.
    pub(super) fn process_repl(&mut self, now: Time, from: NodeId, frame: ReplFrame) {
        if !self.is_replica() || self.master() != Some(from) {
            return;
        }
        let ReplFrame::Data { offset } = frame;
        self.repl.last_interaction = now;
        // Partial or full resync alike end with the master's offset.
        self.repl.offset = offset;
        self.todo |= super::todo::HANDLE_MANUALFAILOVER;
    }
}
