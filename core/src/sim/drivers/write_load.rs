//! The simulator's own write load: a `SET` on every up master at a fixed
//! period, so replication offsets grow (replica ranking in elections depends
//! on them) and failovers have acknowledged writes to lose.

use crate::node::{ClientId, Input};
use crate::resp::Value;
use crate::sim::{Sim, Status};
use crate::time::Time;

/// The client ID the simulator's own write load uses.
pub(in crate::sim) const WRITE_LOAD_CLIENT: u64 = u64::MAX;

/// The write load's schedule and its last reply.
#[derive(Clone, Debug, Default)]
pub(in crate::sim) struct WriteLoad {
    /// A round of writes every this many ms; `None`: no load.
    pub every: Option<u64>,
    /// When the next round is due.
    pub next: Time,
    /// The value the next round writes minus one (rounds are numbered).
    pub seq: u64,
    /// The reply to the last SET, taken after each.
    pub reply: Option<Value>,
}

impl WriteLoad {
    /// When the next round is due, if there is a load.
    pub fn due(&self) -> Option<Time> {
        self.every.map(|_| self.next)
    }
}

impl Sim {
    /// Writes to every up master every `every_ms` (offsets grow, replicas copy).
    pub fn set_write_load(&mut self, every_ms: Option<u64>) {
        let load = &mut self.drivers.load;
        load.every = every_ms;
        load.next = self.now + every_ms.unwrap_or(0);
    }

    /// The write load: `SET {tag}:w <n>` on each up master, into its first
    /// slot, from a client of the simulator's own.
    pub(in crate::sim) fn apply_writes(&mut self) {
        let load = &mut self.drivers.load;
        let every = load.every.unwrap_or(1000);
        load.next = self.now + every;
        load.seq += 1;
        let seq = load.seq;
        for idx in 0..self.nodes.len() {
            let n = &self.nodes[idx];
            if n.status != Status::Up || !n.node.is_master() {
                continue;
            }
            let Some(slot) = n.node.first_owned_slot() else {
                continue;
            };
            let key = format!("{{{}}}:w", crate::slot::tag_for_slot(slot));
            let args = vec![
                b"SET".to_vec(),
                key.into_bytes(),
                seq.to_string().into_bytes(),
            ];
            let now = self.now;
            let client = ClientId(WRITE_LOAD_CLIENT);
            self.nodes[idx].node.handle(
                now,
                Input::Command {
                    client,
                    args: args.clone(),
                },
            );
            self.drain(idx);
            if self.drivers.load.reply.take() == Some(Value::ok()) {
                self.drivers.ledger.record(&args[1], &args[2]);
            }
        }
    }
}
