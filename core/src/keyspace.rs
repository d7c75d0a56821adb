//! The data a node holds: one database of keys, indexed by hash slot (as
//! Redis Cluster's slot-to-keys map) so slot-wide questions are cheap, with
//! expiry on the host's (simulated) clock.

use crate::slot::key_slot;
use crate::time::Time;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::ops::Bound;

/// A stored value.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Str(Vec<u8>),
    List(VecDeque<Vec<u8>>),
    Set(BTreeSet<Vec<u8>>),
    Hash(BTreeMap<Vec<u8>, Vec<u8>>),
    /// Members with scores; ordered views are built on demand.
    ZSet(BTreeMap<Vec<u8>, f64>),
}

impl Data {
    /// `TYPE`'s answer.
    pub fn type_name(&self) -> &'static str {
        match self {
            Data::Str(_) => "string",
            Data::List(_) => "list",
            Data::Set(_) => "set",
            Data::Hash(_) => "hash",
            Data::ZSet(_) => "zset",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Entry {
    data: Data,
    expire_at: Option<Time>,
}

/// Keys ordered by (slot, name).
type SlotKey = (u16, Vec<u8>);

/// One Redis database (cluster mode has only db 0).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Keyspace {
    entries: BTreeMap<SlotKey, Entry>,
}

impl Keyspace {
    pub fn new() -> Self {
        Self::default()
    }

    fn slot_key(key: &[u8]) -> SlotKey {
        (key_slot(key), key.to_vec())
    }

    /// Deletes `key` if its TTL has passed (lazy expiry, like `expireIfNeeded`).
    fn expire_if_needed(&mut self, now: Time, sk: &SlotKey) {
        if self
            .entries
            .get(sk)
            .is_some_and(|e| e.expire_at.is_some_and(|t| t <= now))
        {
            self.entries.remove(sk);
        }
    }

    pub fn get(&mut self, now: Time, key: &[u8]) -> Option<&Data> {
        let sk = Self::slot_key(key);
        self.expire_if_needed(now, &sk);
        self.entries.get(&sk).map(|e| &e.data)
    }

    pub fn get_mut(&mut self, now: Time, key: &[u8]) -> Option<&mut Data> {
        let sk = Self::slot_key(key);
        self.expire_if_needed(now, &sk);
        self.entries.get_mut(&sk).map(|e| &mut e.data)
    }

    pub fn exists(&mut self, now: Time, key: &[u8]) -> bool {
        self.get(now, key).is_some()
    }

    /// Sets a value, clearing any TTL (as `SET` does without KEEPTTL).
    pub fn set(&mut self, key: &[u8], data: Data) {
        self.entries.insert(
            Self::slot_key(key),
            Entry {
                data,
                expire_at: None,
            },
        );
    }

    /// Replaces the value but keeps the TTL (in-place updates like APPEND).
    pub fn set_keep_ttl(&mut self, now: Time, key: &[u8], data: Data) {
        let sk = Self::slot_key(key);
        self.expire_if_needed(now, &sk);
        let expire_at = self.entries.get(&sk).and_then(|e| e.expire_at);
        self.entries.insert(sk, Entry { data, expire_at });
    }

    pub fn remove(&mut self, now: Time, key: &[u8]) -> Option<Data> {
        let sk = Self::slot_key(key);
        self.expire_if_needed(now, &sk);
        self.entries.remove(&sk).map(|e| e.data)
    }

    /// Removes a key whose container became empty (Redis deletes empty lists, sets…).
    pub fn remove_if_empty(&mut self, key: &[u8]) {
        let sk = Self::slot_key(key);
        let empty = self.entries.get(&sk).is_some_and(|e| match &e.data {
            Data::List(l) => l.is_empty(),
            Data::Set(s) => s.is_empty(),
            Data::Hash(h) => h.is_empty(),
            Data::ZSet(z) => z.is_empty(),
            Data::Str(_) => false,
        });
        if empty {
            self.entries.remove(&sk);
        }
    }

    /// Absolute expiry time of `key`, if it exists and has one.
    pub fn expire_at(&mut self, now: Time, key: &[u8]) -> Option<Option<Time>> {
        let sk = Self::slot_key(key);
        self.expire_if_needed(now, &sk);
        self.entries.get(&sk).map(|e| e.expire_at)
    }

    /// Sets or clears the expiry; returns false if the key does not exist.
    pub fn set_expire(&mut self, now: Time, key: &[u8], at: Option<Time>) -> bool {
        let sk = Self::slot_key(key);
        self.expire_if_needed(now, &sk);
        match self.entries.get_mut(&sk) {
            Some(e) => {
                e.expire_at = at;
                true
            }
            None => false,
        }
    }

    /// Live keys (expired ones are not counted; they vanish on access or cron).
    pub fn len(&self, now: Time) -> usize {
        self.entries.values().filter(|e| live(e, now)).count()
    }

    /// Live keys with a TTL (INFO keyspace's `expires=`).
    pub fn expiring(&self, now: Time) -> usize {
        self.entries
            .values()
            .filter(|e| live(e, now) && e.expire_at.is_some())
            .count()
    }

    pub fn is_empty(&self, now: Time) -> bool {
        self.len(now) == 0
    }

    /// Keys in `slot`, in order (`CLUSTER GETKEYSINSLOT`).
    pub fn keys_in_slot(&self, now: Time, slot: u16, max: usize) -> Vec<Vec<u8>> {
        self.slot_range(slot)
            .filter(|(_, e)| live(e, now))
            .take(max)
            .map(|((_, k), _)| k.clone())
            .collect()
    }

    /// `CLUSTER COUNTKEYSINSLOT`.
    pub fn count_in_slot(&self, now: Time, slot: u16) -> usize {
        self.slot_range(slot).filter(|(_, e)| live(e, now)).count()
    }

    fn slot_range(&self, slot: u16) -> impl Iterator<Item = (&SlotKey, &Entry)> {
        self.entries
            .range((
                Bound::Included((slot, Vec::new())),
                Bound::Excluded((slot.saturating_add(1), Vec::new())),
            ))
            .filter(move |((s, _), _)| *s == slot)
    }

    /// Every live key, in slot order.
    pub fn keys(&self, now: Time) -> impl Iterator<Item = &[u8]> {
        self.entries
            .iter()
            .filter(move |(_, e)| live(e, now))
            .map(|((_, k), _)| k.as_slice())
    }

    /// Every live key with its value and expiry, in slot order (what a full
    /// resync's snapshot carries).
    pub fn entries(&self, now: Time) -> impl Iterator<Item = (&[u8], &Data, Option<Time>)> {
        self.entries
            .iter()
            .filter(move |(_, e)| live(e, now))
            .map(|((_, k), e)| (k.as_slice(), &e.data, e.expire_at))
    }

    /// Stores a key with its expiry, as a snapshot carries it.
    pub fn insert(&mut self, key: &[u8], data: Data, expire_at: Option<Time>) {
        self.entries
            .insert(Self::slot_key(key), Entry { data, expire_at });
    }

    /// Keys from position `cursor` (in slot order), for SCAN: up to `count`
    /// keys and the next cursor (0 when done).
    pub fn scan(&self, now: Time, cursor: u64, count: usize) -> (u64, Vec<Vec<u8>>) {
        let keys: Vec<Vec<u8>> = self
            .entries
            .iter()
            .skip(cursor as usize)
            .take(count)
            .filter(|(_, e)| live(e, now))
            .map(|((_, k), _)| k.clone())
            .collect();
        let next = cursor + count as u64;
        let done = next as usize >= self.entries.len();
        (if done { 0 } else { next }, keys)
    }

    /// Deletes every key of `slot` (a slot this node no longer owns).
    pub fn clear_slot(&mut self, slot: u16) {
        let keys: Vec<SlotKey> = self.slot_range(slot).map(|(k, _)| k.clone()).collect();
        for k in keys {
            self.entries.remove(&k);
        }
    }

    /// `FLUSHALL`.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Active expiry (a bounded sweep, like `activeExpireCycle`).
    pub fn expire_some(&mut self, now: Time, max: usize) {
        let dead: Vec<SlotKey> = self
            .entries
            .iter()
            .filter(|(_, e)| !live(e, now))
            .take(max)
            .map(|(k, _)| k.clone())
            .collect();
        for k in dead {
            self.entries.remove(&k);
        }
    }
}

fn live(e: &Entry, now: Time) -> bool {
    e.expire_at.is_none_or(|t| t > now)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expired keys are gone on access (expireIfNeeded).
    #[test]
    fn lazy_expiry() {
        let mut ks = Keyspace::new();
        ks.set(b"k", Data::Str(b"v".to_vec()));
        assert!(ks.set_expire(Time(0), b"k", Some(Time(100))));
        assert!(ks.exists(Time(99), b"k"));
        assert!(!ks.exists(Time(100), b"k"));
        assert_eq!(ks.len(Time(100)), 0);
    }

    /// The slot index answers COUNTKEYSINSLOT / GETKEYSINSLOT.
    #[test]
    fn keys_by_slot() {
        let mut ks = Keyspace::new();
        for k in ["{user:1000}a", "{user:1000}b", "user:1000", "foo"] {
            ks.set(k.as_bytes(), Data::Str(vec![]));
        }
        assert_eq!(ks.count_in_slot(Time(0), 1649), 3);
        assert_eq!(ks.keys_in_slot(Time(0), 1649, 2).len(), 2);
        assert_eq!(ks.count_in_slot(Time(0), 12182), 1);
        ks.clear_slot(1649);
        assert_eq!(ks.len(Time(0)), 1);
    }

    #[test]
    fn scan_walks_everything_once() {
        let mut ks = Keyspace::new();
        for i in 0..25 {
            ks.set(format!("k{i}").as_bytes(), Data::Str(vec![]));
        }
        let (mut cursor, mut seen) = (0, Vec::new());
        loop {
            let (next, keys) = ks.scan(Time(0), cursor, 10);
            seen.extend(keys);
            if next == 0 {
                break;
            }
            cursor = next;
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 25);
    }
}
