//! Replication (Redis's PSYNC stream), modelled as frames: a replica attaches
//! and gets a snapshot (full resync), then every write command; offsets rank
//! replicas in elections, the age of the last frame decides whether a replica
//! may fail over, and ACKs answer WAIT.

use super::{ClientId, Node, Output, ReplFrame};
use crate::id::NodeId;
use crate::resp::Value;
use crate::time::Time;
use std::collections::BTreeMap;

/// Size of the `PING` a master writes into the stream every
/// `repl-ping-replica-period` (`*1\r\n$4\r\nPING\r\n`): it advances offsets.
const REPL_PING_BYTES: u64 = 14;
/// Replicas retry attaching, and send `REPLCONF ACK`, once a second.
const REPL_CRON_MS: u64 = 1000;

/// A client blocked in `WAIT numreplicas timeout`.
#[derive(Clone, Debug)]
struct Waiter {
    client: ClientId,
    offset: u64,
    replicas: u64,
    deadline: Option<Time>,
}

#[derive(Clone, Debug)]
pub(super) struct Replication {
    /// master_repl_offset for a master; the processed offset for a replica.
    pub offset: u64,
    /// Replica: last time the master sent anything (`master->lastinteraction`);
    /// `None` until the first sync — Redis's `repl_down_since = 0`, "down
    /// since ever", so a replica that never synced cannot fail over.
    last_interaction: Option<Time>,
    /// Master: when the next stream PING is due.
    next_ping: Time,
    /// Replica: got the snapshot from the current master.
    synced: bool,
    /// Replica: next `Sync` / `Ack`.
    next_replica_cron: Time,
    /// Master: last acknowledged offset of each replica.
    acks: BTreeMap<NodeId, u64>,
    waiters: Vec<Waiter>,
}

impl Replication {
    pub fn new(now: Time) -> Self {
        Replication {
            offset: 0,
            last_interaction: None,
            next_ping: now,
            synced: false,
            next_replica_cron: now,
            acks: BTreeMap::new(),
            waiters: Vec::new(),
        }
    }

    /// A new master: resync with it. A link that was up went down now.
    pub fn set_master(&mut self, now: Time) {
        if self.last_interaction.is_some() {
            self.last_interaction = Some(now);
        }
        self.synced = false;
        self.next_replica_cron = now;
    }

    /// Milliseconds since the master last sent data, at Redis's one-second
    /// resolution (`unixtime` arithmetic).
    pub fn data_age(&self, now: Time) -> u64 {
        match self.last_interaction {
            Some(t) => (now.ms() / 1000).saturating_sub(t.ms() / 1000) * 1000,
            None => u64::MAX,
        }
    }
}

/// Bytes a command takes in the stream (RESP multibulk).
fn stream_len(args: &[Vec<u8>]) -> u64 {
    let digits = |n: usize| n.to_string().len() as u64;
    3 + digits(args.len())
        + args
            .iter()
            .map(|a| 1 + digits(a.len()) + 2 + a.len() as u64 + 2)
            .sum::<u64>()
}

impl Node {
    /// Every cron: the master's stream PING, the replica's attach and ACK.
    pub(super) fn repl_cron(&mut self, now: Time) {
        self.expire_waiters(now);
        if self.is_replica() {
            if now < self.repl.next_replica_cron {
                return;
            }
            self.repl.next_replica_cron = now + REPL_CRON_MS;
            let frame = if self.repl.synced {
                ReplFrame::Ack {
                    offset: self.repl.offset,
                }
            } else {
                ReplFrame::Sync {
                    offset: self.repl.offset,
                }
            };
            self.send_to_master(frame);
            return;
        }
        // While a manual failover pauses writes the stream stays still too,
        // so the replica can reach exactly the master's offset.
        if now < self.repl.next_ping || self.writes_paused(now) {
            return;
        }
        self.repl.next_ping = now + self.cfg.repl_ping_replica_period * 1000;
        if self.me().replicas.is_empty() {
            return;
        }
        self.repl.offset += REPL_PING_BYTES;
        let offset = self.repl.offset;
        self.stream_to_replicas(ReplFrame::Ping { offset });
    }

    /// A write command ran on this master: append it to the stream.
    pub(crate) fn propagate(&mut self, args: &[Vec<u8>]) {
        self.touch_watched(args);
        if !self.is_master() {
            return;
        }
        self.repl.offset += stream_len(args);
        let frame = ReplFrame::Command {
            offset: self.repl.offset,
            args: args.to_vec(),
        };
        self.stream_to_replicas(frame);
    }

    fn stream_to_replicas(&mut self, frame: ReplFrame) {
        let replicas: Vec<(NodeId, std::net::SocketAddr)> = self
            .me()
            .replicas
            .iter()
            .filter_map(|r| self.peer(*r).and_then(|p| p.bus_addr().map(|a| (*r, a))))
            .collect();
        for (to, addr) in replicas {
            let frame = frame.clone();
            self.out.push_back(Output::Repl { to, addr, frame });
        }
    }

    fn send_to_master(&mut self, frame: ReplFrame) {
        let Some(master) = self.master() else { return };
        if let Some(addr) = self.peer(master).and_then(|p| p.bus_addr()) {
            self.out.push_back(Output::Repl {
                to: master,
                addr,
                frame,
            });
        }
    }

    /// A replication frame from `from`.
    pub(super) fn process_repl(&mut self, now: Time, from: NodeId, frame: ReplFrame) {
        match frame {
            ReplFrame::Sync { .. } => {
                if !self.is_master() {
                    return;
                }
                let Some(addr) = self.peer(from).and_then(|p| p.bus_addr()) else {
                    return;
                };
                let snapshot = ReplFrame::Snapshot {
                    offset: self.repl.offset,
                    data: Box::new(self.keyspace.clone()),
                };
                self.out.push_back(Output::Repl {
                    to: from,
                    addr,
                    frame: snapshot,
                });
            }
            ReplFrame::Ack { offset } => {
                if self.is_master() {
                    self.repl.acks.insert(from, offset);
                    self.release_waiters(now);
                }
            }
            master_frame => {
                // Only the stream of my current master counts.
                if !self.is_replica() || self.master() != Some(from) {
                    return;
                }
                self.repl.last_interaction = Some(now);
                match master_frame {
                    ReplFrame::Snapshot { offset, data } => {
                        self.keyspace = *data;
                        self.repl.offset = offset;
                        self.repl.synced = true;
                    }
                    ReplFrame::Command { offset, args } if self.repl.synced => {
                        crate::command::apply_replicated(self, now, args);
                        self.repl.offset = offset;
                    }
                    ReplFrame::Ping { offset } if self.repl.synced => self.repl.offset = offset,
                    ReplFrame::GetAck => {
                        let offset = self.repl.offset;
                        self.send_to_master(ReplFrame::Ack { offset });
                    }
                    _ => {}
                }
                self.todo |= super::todo::HANDLE_MANUALFAILOVER;
            }
        }
    }

    /// `WAIT numreplicas timeout`: replies now if enough replicas already
    /// acknowledged this client's writes, else blocks the client.
    pub(crate) fn wait(
        &mut self,
        now: Time,
        client: ClientId,
        replicas: u64,
        timeout: u64,
    ) -> Option<Value> {
        if self.is_replica() {
            return Some(Value::err("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated."));
        }
        let offset = self.repl.offset;
        let acked = self.acked_replicas(offset);
        if acked >= replicas {
            return Some(Value::Integer(acked as i64));
        }
        self.repl.waiters.push(Waiter {
            client,
            offset,
            replicas,
            deadline: (timeout > 0).then(|| now + timeout),
        });
        self.stream_to_replicas(ReplFrame::GetAck);
        None
    }

    /// Replicas that acknowledged everything written so far (WAIT in MULTI).
    pub(crate) fn acked_now(&self) -> u64 {
        self.acked_replicas(self.repl.offset)
    }

    fn acked_replicas(&self, offset: u64) -> u64 {
        self.me()
            .replicas
            .iter()
            .filter(|r| self.repl.acks.get(r).is_some_and(|o| *o >= offset))
            .count() as u64
    }

    fn release_waiters(&mut self, _now: Time) {
        let waiters = std::mem::take(&mut self.repl.waiters);
        for w in waiters {
            let acked = self.acked_replicas(w.offset);
            if acked >= w.replicas {
                self.out.push_back(Output::Reply {
                    client: w.client,
                    value: Value::Integer(acked as i64),
                });
            } else {
                self.repl.waiters.push(w);
            }
        }
    }

    fn expire_waiters(&mut self, now: Time) {
        let waiters = std::mem::take(&mut self.repl.waiters);
        for w in waiters {
            if w.deadline.is_some_and(|d| now >= d) {
                let acked = self.acked_replicas(w.offset);
                self.out.push_back(Output::Reply {
                    client: w.client,
                    value: Value::Integer(acked as i64),
                });
            } else {
                self.repl.waiters.push(w);
            }
        }
    }

    /// A client went away: drop its WAIT.
    pub(super) fn forget_waiter(&mut self, client: ClientId) {
        self.repl.waiters.retain(|w| w.client != client);
    }
}
