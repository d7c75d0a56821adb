//! Lost writes: a write a master acknowledged, then lost because it died
//! before its replica got it, and the replica was promoted. Redis Cluster
//! replicates asynchronously, so this window is real; `WAIT` narrows it.
//!
//! The ledger keeps, per key, the values whose `SET` was acknowledged, in
//! acknowledgement order. When a replica is promoted, the value it holds
//! for each key it now serves is looked up in that history: every later
//! acknowledged value is lost. A value the history does not know is taken
//! as a newer, unacknowledged write (nothing lost); a missing key loses all.

use crate::time::Time;
use std::collections::{BTreeMap, VecDeque};

/// Values kept per key. Older ones are assumed safe: losing them would need
/// a replica more than this many writes behind.
const HISTORY: usize = 1024;

/// One acknowledged write that a failover undid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LostWrite {
    /// When the promotion revealed it.
    pub t: Time,
    /// The promoted node (sim index).
    pub node: usize,
    /// The key written.
    pub key: Vec<u8>,
    /// The value the application was told is stored.
    pub value: Vec<u8>,
}

#[derive(Clone, Debug, Default)]
pub(in crate::sim) struct Ledger {
    acked: BTreeMap<Vec<u8>, VecDeque<Vec<u8>>>,
    lost: Vec<LostWrite>,
}

impl Ledger {
    /// `SET key value` was acknowledged with `+OK`.
    pub fn record(&mut self, key: &[u8], value: &[u8]) {
        let history = self.acked.entry(key.to_vec()).or_default();
        history.push_back(value.to_vec());
        if history.len() > HISTORY {
            history.pop_front();
        }
    }

    /// Keys with acknowledged writes.
    pub fn keys(&self) -> Vec<Vec<u8>> {
        self.acked.keys().cloned().collect()
    }

    /// Node `node` was promoted and now holds `held` for `key` (`None`:
    /// missing). Records what was lost and keeps the surviving value as the
    /// new base of the history.
    pub fn check(&mut self, t: Time, node: usize, key: &[u8], held: Option<&[u8]>) {
        let Some(history) = self.acked.get_mut(key) else {
            return;
        };
        let survived = held.and_then(|v| history.iter().rposition(|h| h.as_slice() == v));
        let first_lost = match (held, survived) {
            (None, _) => 0,
            (Some(_), Some(i)) => i + 1,
            (Some(_), None) => history.len(),
        };
        for value in history.drain(first_lost..) {
            self.lost.push(LostWrite {
                t,
                node,
                key: key.to_vec(),
                value,
            });
        }
        if let Some(i) = survived {
            history.drain(..i);
        }
    }

    pub fn lost(&self) -> &[LostWrite] {
        &self.lost
    }
}

impl crate::sim::Sim {
    /// Node `idx` was just promoted: which acknowledged writes did it miss?
    pub(in crate::sim) fn check_lost_writes(&mut self, idx: usize) {
        let now = self.now;
        let node = &mut self.nodes[idx].node;
        let me = node.id();
        for key in self.drivers.ledger.keys() {
            if node.slot_owner(crate::slot::key_slot(&key)) != Some(me) {
                continue;
            }
            let held = match node.keyspace_mut().get(now, &key) {
                Some(crate::keyspace::Data::Str(v)) => Some(v.to_vec()),
                _ => None,
            };
            self.drivers.ledger.check(now, idx, &key, held.as_deref());
        }
    }

    /// Acknowledged writes that failovers lost so far, in the order they
    /// were found: `SET`s from the write load and from the cluster clients
    /// (workloads and [`client_call`](Self::client_call)).
    pub fn lost_writes(&self) -> &[LostWrite] {
        self.drivers.ledger.lost()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_acknowledged_values_are_lost() {
        let mut l = Ledger::default();
        for v in ["1", "2", "3"] {
            l.record(b"k", v.as_bytes());
        }
        l.check(Time(5), 1, b"k", Some(b"1"));
        let lost: Vec<&[u8]> = l.lost().iter().map(|w| w.value.as_slice()).collect();
        assert_eq!(lost, vec![b"2".as_slice(), b"3"]);
        // The survivor stays the base: a second check loses nothing more.
        l.check(Time(6), 1, b"k", Some(b"1"));
        assert_eq!(l.lost().len(), 2);
    }

    #[test]
    fn missing_key_loses_everything_unknown_value_nothing() {
        let mut l = Ledger::default();
        l.record(b"a", b"1");
        l.record(b"b", b"1");
        l.check(Time(1), 0, b"a", None);
        l.check(Time(1), 0, b"b", Some(b"unacknowledged"));
        assert_eq!(l.lost().len(), 1);
        assert_eq!(l.lost()[0].key, b"a");
    }
}
