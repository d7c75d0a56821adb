//! An opt-in record of the messages put on the simulated wire, for views that draw what was
//! sent after the fact (a lesson's sequence diagram): the lesson player advances the simulator
//! by whole seconds, so it cannot watch the queue message by message the way the
//! playground's step loop does.

use super::network::{InFlight, Payload};
use crate::msg::MsgType;
use crate::time::Time;
use std::collections::VecDeque;

/// What a recorded message carried, as a diagram tells them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SentKind {
    /// A cluster bus message.
    Bus(MsgType),
    /// The master → replica stream.
    Replication,
    /// A node-to-node client connection (MIGRATE, RESTORE-ASKING and their replies).
    Migration,
}

impl SentKind {
    /// The kind of what `payload` carries.
    pub fn of(payload: &Payload) -> SentKind {
        match payload {
            Payload::Bus { msg, .. } => SentKind::Bus(msg.kind()),
            Payload::Repl { .. } => SentKind::Replication,
            _ => SentKind::Migration,
        }
    }
}

/// One message put on the wire (delivered, still in flight, or lost to a crash later).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sent {
    /// The message's id in the run.
    pub id: u64,
    /// The sending node's index.
    pub from: usize,
    /// The receiving node's index.
    pub to: usize,
    /// When it was sent.
    pub sent_at: Time,
    /// When it arrives (or would have).
    pub deliver_at: Time,
    /// Size on the wire (Redis's real frame size for bus messages).
    pub bytes: usize,
    /// What it carried.
    pub kind: SentKind,
}

/// The messages sent in the last `keep_ms`, at most `MAX_KEPT` (a clone of the simulator
/// clones this too, so it stays small).
#[derive(Clone, Debug)]
pub(super) struct WireLog {
    keep_ms: u64,
    sent: VecDeque<Sent>,
}

/// More than this many kept messages and the oldest go first, whatever their age.
const MAX_KEPT: usize = 8_000;

impl WireLog {
    pub(super) fn new(keep_ms: u64) -> WireLog {
        WireLog {
            keep_ms,
            sent: VecDeque::new(),
        }
    }

    pub(super) fn record(&mut self, m: &InFlight) {
        self.sent.push_back(Sent {
            id: m.id,
            from: m.from,
            to: m.to,
            sent_at: m.sent_at,
            deliver_at: m.deliver_at,
            bytes: m.bytes,
            kind: SentKind::of(&m.payload),
        });
        let oldest = Time(m.sent_at.0.saturating_sub(self.keep_ms));
        while self
            .sent
            .front()
            .is_some_and(|s| s.deliver_at < oldest || self.sent.len() > MAX_KEPT)
        {
            self.sent.pop_front();
        }
    }

    pub(super) fn sent(&self) -> &VecDeque<Sent> {
        &self.sent
    }
}

#[cfg(test)]
mod tests {
    use crate::msg::MsgType;
    use crate::sim::{Scenario, SentKind};
    use crate::time::Time;

    /// A formed cluster pings every second (clusterCron), so ten seconds of it put PINGs and
    /// PONGs on the wire; only the last `keep_ms` of them stay, oldest first.
    #[test]
    fn keeps_the_recent_messages_in_order() {
        let seed = 7;
        let mut sim = Scenario {
            seed,
            ..Scenario::default()
        }
        .build()
        .expect("the default scenario forms");
        assert_eq!(
            sim.sent_messages().count(),
            0,
            "seed {seed}: off by default"
        );
        sim.record_wire(Some(3_000));
        let start = sim.now();
        sim.run_until(start + 10_000);
        let sent: Vec<_> = sim.sent_messages().copied().collect();
        assert!(
            sent.iter().any(|s| s.kind == SentKind::Bus(MsgType::Ping))
                && sent.iter().any(|s| s.kind == SentKind::Bus(MsgType::Pong)),
            "seed {seed}: no PING/PONG recorded"
        );
        let oldest = Time(sim.now().0 - 3_000 - 100);
        assert!(
            sent.iter().all(|s| s.deliver_at >= oldest),
            "seed {seed}: messages older than the window are kept"
        );
        assert!(
            sent.windows(2).all(|w| w[0].id < w[1].id),
            "seed {seed}: not in send order"
        );
        sim.record_wire(None);
        assert_eq!(sim.sent_messages().count(), 0, "seed {seed}: not forgotten");
    }
}
