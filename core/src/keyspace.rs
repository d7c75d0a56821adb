//! The data a node holds: one database of keys, indexed by hash slot (as
//! Redis Cluster's slot-to-keys map) so slot-wide questions are cheap, with
//! expiry on the host's (simulated) clock.

use crate::slot::key_slot;
use crate::time::Time;
use rand::Rng;
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

    /// A list, set, hash or zset with no element: no key ever holds one.
    pub fn is_empty_collection(&self) -> bool {
        match self {
            Data::Str(_) => false,
            Data::List(l) => l.is_empty(),
            Data::Set(s) => s.is_empty(),
            Data::Hash(h) => h.is_empty(),
            Data::ZSet(z) => z.is_empty(),
        }
    }
}

/// Keys as stored: the key's hash slot (2 bytes, big-endian) then the key,
/// so byte order is (slot, key) order and one allocation holds both.
type SlotKey = Box<[u8]>;

/// `ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP`: keys with a TTL sampled per loop.
const KEYS_PER_LOOP: usize = 20;
/// `ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE`: loop again while more than this
/// percentage of the sampled keys had expired.
const ACCEPTABLE_STALE: usize = 10;
/// Redis stops a slow cycle after 25 % of a cron period of CPU time; a
/// sans-IO core has no clock within one input, so a number of loops (at
/// most 5120 keys sampled per cron) stands in for that time limit.
const MAX_LOOPS: usize = 256;

/// What a key whose TTL has passed is to whoever looks it up: the cases of
/// Redis 7.0's `expireIfNeeded`. Only a master deletes expired keys, and it
/// tells its replicas with a `DEL`, so a replica whose clock runs ahead (or
/// whose stream lags) never drops a key its master still serves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExpiryMode {
    /// A master: the key is deleted on access and the deletion noted, to
    /// be propagated as `DEL` (`deleteExpiredKeyAndPropagate`).
    #[default]
    Delete,
    /// A replica serving its clients (`server.masterhost` set), or a master
    /// while writes are paused: the key reads as missing but stays.
    Hide,
    /// A replica applying its master's stream: nothing counts as expired
    /// ("when replicating commands from the master, keys are never
    /// considered expired"), so the stream finds what the master saw.
    Ignore,
}

/// One Redis database (cluster mode has only db 0). Like Redis, values and
/// TTLs live apart: only keys with a TTL have an `expires` entry.
#[derive(Clone, Debug, Default)]
pub struct Keyspace {
    entries: BTreeMap<SlotKey, Data>,
    /// Expiry times, each with the key's place in `ttl_keys`.
    expires: BTreeMap<SlotKey, (Time, usize)>,
    /// The keys of `expires`, which active expiry samples at random.
    ttl_keys: Vec<SlotKey>,
    slot_memo: SlotMemo,
    mode: ExpiryMode,
    /// Keys deleted because their TTL passed, whose `DEL` the node has not
    /// propagated yet.
    expired: Vec<Vec<u8>>,
}

/// Same keys, values and TTLs (however the TTL sample pool is ordered).
impl PartialEq for Keyspace {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
            && self.expires.len() == other.expires.len()
            && self
                .expires
                .iter()
                .zip(&other.expires)
                .all(|((a, (ta, _)), (b, (tb, _)))| a == b && ta == tb)
    }
}

/// Calls `f` with `key` (of hash slot `slot`) in its stored form, on the
/// stack for usual sizes (lookups run on every command and must not allocate).
fn with_slot_key<R>(slot: u16, key: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    let slot = slot.to_be_bytes();
    let mut stack = [0u8; 64];
    if key.len() + 2 <= stack.len() {
        stack[..2].copy_from_slice(&slot);
        stack[2..2 + key.len()].copy_from_slice(key);
        f(&stack[..2 + key.len()])
    } else {
        let mut long = Vec::with_capacity(2 + key.len());
        long.extend_from_slice(&slot);
        long.extend_from_slice(key);
        f(&long)
    }
}

/// Longest key [`SlotMemo`] remembers.
const MEMO_KEY: usize = 62;

/// The last key whose hash slot the keyspace computed, and that slot. Routing
/// hashes a command's key (`getNodeByQuery`) and the command's lookups that
/// follow (SET reads then writes the same key) find the slot here instead of
/// hashing the key again: one CRC16 per command, as Redis does.
#[derive(Clone, Copy, Debug)]
struct SlotMemo {
    len: usize,
    key: [u8; MEMO_KEY],
    slot: u16,
}

/// The empty key, whose slot is 0 (CRC16 of nothing): a true memo.
impl Default for SlotMemo {
    fn default() -> Self {
        SlotMemo {
            len: 0,
            key: [0; MEMO_KEY],
            slot: 0,
        }
    }
}

/// The smallest stored key of `slot`.
fn slot_start(slot: u16) -> SlotKey {
    Box::new(slot.to_be_bytes())
}

impl Keyspace {
    pub fn new() -> Self {
        Self::default()
    }

    /// `key`'s hash slot ([`key_slot`]), computed once for a run of calls
    /// with the same key.
    pub fn slot_of(&mut self, key: &[u8]) -> u16 {
        let memo = &self.slot_memo;
        if key.len() == memo.len && key == &memo.key[..memo.len] {
            return memo.slot;
        }
        let slot = key_slot(key);
        if key.len() <= MEMO_KEY {
            self.slot_memo.len = key.len();
            self.slot_memo.key[..key.len()].copy_from_slice(key);
            self.slot_memo.slot = slot;
        }
        slot
    }

    fn expiry(&self, sk: &[u8]) -> Option<Time> {
        self.expires.get(sk).map(|(t, _)| *t)
    }

    fn live(&self, sk: &[u8], now: Time) -> bool {
        self.expiry(sk).is_none_or(|t| t > now)
    }

    /// Deletes the stored key `sk` and its TTL.
    fn delete(&mut self, sk: &[u8]) -> Option<Data> {
        let data = self.entries.remove(sk)?;
        self.clear_expiry(sk);
        Some(data)
    }

    fn set_expiry(&mut self, sk: &[u8], at: Time) {
        match self.expires.get_mut(sk) {
            Some((t, _)) => *t = at,
            None => {
                let key: SlotKey = sk.into();
                self.expires.insert(key.clone(), (at, self.ttl_keys.len()));
                self.ttl_keys.push(key);
            }
        }
    }

    fn clear_expiry(&mut self, sk: &[u8]) {
        let Some((_, pos)) = self.expires.remove(sk) else {
            return;
        };
        self.ttl_keys.swap_remove(pos);
        if let Some(moved) = self.ttl_keys.get(pos) {
            if let Some((_, p)) = self.expires.get_mut(moved) {
                *p = pos;
            }
        }
    }

    /// How lookups treat expired keys from now on.
    pub fn set_mode(&mut self, mode: ExpiryMode) {
        self.mode = mode;
    }

    /// The keys deleted by expiry since the last call, oldest first: each
    /// is owed to the replicas as a `DEL`.
    pub fn take_expired(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.expired)
    }

    /// Deletes the stored key `sk` because its TTL passed, noting it.
    fn delete_expired(&mut self, sk: &[u8]) {
        if self.delete(sk).is_some() {
            self.expired.push(sk[2..].to_vec());
        }
    }

    /// `expireIfNeeded`: whether `sk` counts as missing now; a master
    /// deletes it there and then (lazy expiry).
    fn expire_if_needed(&mut self, now: Time, sk: &[u8]) -> bool {
        if self.mode == ExpiryMode::Ignore || self.expiry(sk).is_none_or(|t| t > now) {
            return false;
        }
        if self.mode == ExpiryMode::Delete {
            self.delete_expired(sk);
        }
        true
    }

    /// Before a write: an expired key is replaced for good. Only a master
    /// (which notes the `DEL`) writes here in a cluster; a hidden key is
    /// dropped silently, as a writable replica's `lookupKeyWrite` does.
    fn expire_for_write(&mut self, now: Time, sk: &[u8]) {
        if self.expire_if_needed(now, sk) {
            self.delete(sk);
        }
    }

    pub fn get(&mut self, now: Time, key: &[u8]) -> Option<&Data> {
        with_slot_key(self.slot_of(key), key, |sk| {
            if self.expire_if_needed(now, sk) {
                return None;
            }
            self.entries.get(sk)
        })
    }

    pub fn get_mut(&mut self, now: Time, key: &[u8]) -> Option<&mut Data> {
        with_slot_key(self.slot_of(key), key, |sk| {
            if self.expire_if_needed(now, sk) {
                return None;
            }
            self.entries.get_mut(sk)
        })
    }

    pub fn exists(&mut self, now: Time, key: &[u8]) -> bool {
        self.get(now, key).is_some()
    }

    /// Sets a value, clearing any TTL (as `SET` does without KEEPTTL).
    pub fn set(&mut self, key: &[u8], data: Data) {
        with_slot_key(self.slot_of(key), key, |sk| {
            self.clear_expiry(sk);
            match self.entries.get_mut(sk) {
                Some(v) => *v = data,
                None => {
                    self.entries.insert(sk.into(), data);
                }
            }
        })
    }

    /// Replaces the value but keeps the TTL (in-place updates like APPEND).
    pub fn set_keep_ttl(&mut self, now: Time, key: &[u8], data: Data) {
        with_slot_key(self.slot_of(key), key, |sk| {
            self.expire_for_write(now, sk);
            match self.entries.get_mut(sk) {
                Some(v) => *v = data,
                None => {
                    self.entries.insert(sk.into(), data);
                }
            }
        })
    }

    pub fn remove(&mut self, now: Time, key: &[u8]) -> Option<Data> {
        with_slot_key(self.slot_of(key), key, |sk| {
            self.expire_for_write(now, sk);
            self.delete(sk)
        })
    }

    /// Removes a key whose container became empty (Redis deletes empty lists, sets…).
    pub fn remove_if_empty(&mut self, key: &[u8]) {
        with_slot_key(self.slot_of(key), key, |sk| {
            let empty = self.entries.get(sk).is_some_and(|d| match d {
                Data::List(l) => l.is_empty(),
                Data::Set(s) => s.is_empty(),
                Data::Hash(h) => h.is_empty(),
                Data::ZSet(z) => z.is_empty(),
                Data::Str(_) => false,
            });
            if empty {
                self.delete(sk);
            }
        })
    }

    /// Absolute expiry time of `key`, if it exists and has one.
    pub fn expire_at(&mut self, now: Time, key: &[u8]) -> Option<Option<Time>> {
        with_slot_key(self.slot_of(key), key, |sk| {
            if self.expire_if_needed(now, sk) {
                return None;
            }
            self.entries.contains_key(sk).then(|| self.expiry(sk))
        })
    }

    /// Sets or clears the expiry; returns false if the key does not exist.
    pub fn set_expire(&mut self, now: Time, key: &[u8], at: Option<Time>) -> bool {
        with_slot_key(self.slot_of(key), key, |sk| {
            self.expire_for_write(now, sk);
            if !self.entries.contains_key(sk) {
                return false;
            }
            match at {
                Some(t) => self.set_expiry(sk, t),
                None => self.clear_expiry(sk),
            }
            true
        })
    }

    /// Whether `key` is stored, even past its TTL: a replica holds such a
    /// key until its master's `DEL` comes.
    pub fn holds(&self, key: &[u8]) -> bool {
        with_slot_key(key_slot(key), key, |sk| self.entries.contains_key(sk))
    }

    /// Stored keys (DBSIZE, INFO keyspace's `keys=`): as Redis's
    /// `dictSize`, this counts keys past their TTL that no one deleted yet,
    /// which is how a replica's count shows it waits for its master's DEL.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Stored keys with a TTL (INFO keyspace's `expires=`), expired or not.
    pub fn expiring(&self) -> usize {
        self.expires.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keys in `slot`, in order (`CLUSTER GETKEYSINSLOT`).
    pub fn keys_in_slot(&self, now: Time, slot: u16, max: usize) -> Vec<Vec<u8>> {
        self.slot_range(slot)
            .filter(|(k, _)| self.live(k, now))
            .take(max)
            .map(|(k, _)| k[2..].to_vec())
            .collect()
    }

    /// `CLUSTER COUNTKEYSINSLOT`.
    pub fn count_in_slot(&self, now: Time, slot: u16) -> usize {
        self.slot_range(slot)
            .filter(|(k, _)| self.live(k, now))
            .count()
    }

    fn slot_range(&self, slot: u16) -> impl Iterator<Item = (&SlotKey, &Data)> {
        let range = match slot.checked_add(1) {
            Some(next) => (
                Bound::Included(slot_start(slot)),
                Bound::Excluded(slot_start(next)),
            ),
            None => (Bound::Included(slot_start(slot)), Bound::Unbounded),
        };
        self.entries.range::<SlotKey, _>(range)
    }

    /// Every live key, in slot order.
    pub fn keys(&self, now: Time) -> impl Iterator<Item = &[u8]> {
        self.entries
            .keys()
            .filter(move |k| self.live(k, now))
            .map(|k| &k[2..])
    }

    /// Every live key with its value and expiry, in slot order (what a full
    /// resync's snapshot carries).
    pub fn entries(&self, now: Time) -> impl Iterator<Item = (&[u8], &Data, Option<Time>)> {
        self.entries.iter().filter_map(move |(k, d)| {
            let at = self.expiry(k);
            at.is_none_or(|t| t > now).then_some((&k[2..], d, at))
        })
    }

    /// Stores a key with its expiry, as a snapshot carries it.
    pub fn insert(&mut self, key: &[u8], data: Data, expire_at: Option<Time>) {
        self.set(key, data);
        if let Some(at) = expire_at {
            with_slot_key(self.slot_of(key), key, |sk| self.set_expiry(sk, at));
        }
    }

    /// Keys from position `cursor` (in slot order), for SCAN: up to `count`
    /// keys and the next cursor (0 when done).
    pub fn scan(&self, now: Time, cursor: u64, count: usize) -> (u64, Vec<Vec<u8>>) {
        let keys: Vec<Vec<u8>> = self
            .entries
            .keys()
            .skip(cursor as usize)
            .take(count)
            .filter(|k| self.live(k, now))
            .map(|k| k[2..].to_vec())
            .collect();
        let next = cursor + count as u64;
        let done = next as usize >= self.entries.len();
        (if done { 0 } else { next }, keys)
    }

    /// Deletes every key of `slot` (a slot this node no longer owns).
    pub fn clear_slot(&mut self, slot: u16) {
        let keys: Vec<SlotKey> = self.slot_range(slot).map(|(k, _)| k.clone()).collect();
        for k in keys {
            self.delete(&k);
        }
    }

    /// `FLUSHALL`.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.expires.clear();
        self.ttl_keys.clear();
        self.expired.clear();
    }

    /// Active expiry, as Redis 7.0's slow `activeExpireCycle` runs it from
    /// the cron: sample up to 20 keys that have a TTL, delete the expired
    /// ones, and go again while more than 10 % of the sample had expired.
    /// Redis walks its expires hash table from a saved cursor, which visits
    /// keys in hash order, unrelated to their names or ages; picks made with
    /// the node's seeded `rng` stand for that order, so a simulation stays
    /// reproducible. Returns how many keys it deleted; each is noted for a
    /// `DEL` ([`Keyspace::take_expired`]). Only a master runs it.
    pub fn active_expire_cycle(&mut self, now: Time, rng: &mut impl Rng) -> usize {
        let mut deleted = 0;
        for _ in 0..MAX_LOOPS {
            if self.ttl_keys.is_empty() {
                break;
            }
            let sampled = self.ttl_keys.len().min(KEYS_PER_LOOP);
            let mut expired = 0;
            for _ in 0..sampled {
                let pick = rng.random_range(0..self.ttl_keys.len());
                let sk = self.ttl_keys[pick].clone();
                if self.expiry(&sk).is_some_and(|t| t <= now) {
                    self.delete_expired(&sk);
                    expired += 1;
                }
            }
            deleted += expired;
            if expired * 100 / sampled <= ACCEPTABLE_STALE {
                break;
            }
        }
        deleted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// Expired keys are gone on access (expireIfNeeded).
    #[test]
    fn lazy_expiry() {
        let mut ks = Keyspace::new();
        ks.set(b"k", Data::Str(b"v".to_vec()));
        assert!(ks.set_expire(Time(0), b"k", Some(Time(100))));
        assert!(ks.exists(Time(99), b"k"));
        assert!(!ks.exists(Time(100), b"k"));
        assert_eq!(ks.len(), 0);
    }

    /// 7.0's `expireIfNeeded`: a master deletes an expired key on access
    /// and owes its replicas a DEL; a replica's clients see nil but the key
    /// stays; the master's stream still finds it.
    #[test]
    fn expired_keys_are_deleted_only_by_a_master() {
        let mut ks = Keyspace::new();
        ks.set(b"k", Data::Str(b"v".to_vec()));
        assert!(ks.set_expire(Time(0), b"k", Some(Time(100))));
        ks.set_mode(ExpiryMode::Ignore);
        assert!(ks.get(Time(150), b"k").is_some(), "the stream sees the key");
        ks.set_mode(ExpiryMode::Hide);
        assert!(ks.get(Time(150), b"k").is_none(), "a replica's read: nil");
        assert_eq!(ks.expire_at(Time(150), b"k"), None);
        assert!(ks.holds(b"k"), "but the replica keeps it");
        assert!(ks.take_expired().is_empty(), "and owes no DEL");
        ks.set_mode(ExpiryMode::Delete);
        assert!(!ks.exists(Time(150), b"k"));
        assert!(!ks.holds(b"k"), "a master deletes it on access");
        assert_eq!(ks.take_expired(), vec![b"k".to_vec()], "one DEL owed");
        assert!(ks.take_expired().is_empty());
    }

    /// Keys the active cycle deletes are owed as DELs too.
    #[test]
    fn active_expiry_notes_each_deleted_key() {
        let mut ks = with_ttls(5, 5);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut deleted = 0;
        for _ in 0..20 {
            deleted += ks.active_expire_cycle(Time(100), &mut rng);
        }
        let mut owed = ks.take_expired();
        owed.sort();
        assert_eq!(deleted, 5);
        let expected: Vec<Vec<u8>> = (0..5).map(|i| format!("k{i}").into_bytes()).collect();
        assert_eq!(owed, expected);
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
        assert_eq!(ks.len(), 1);
    }

    fn with_ttls(n: usize, expired: usize) -> Keyspace {
        let mut ks = Keyspace::new();
        for i in 0..n {
            let key = format!("k{i}");
            ks.set(key.as_bytes(), Data::Str(vec![]));
            let at = if i < expired { Time(50) } else { Time(1000) };
            assert!(ks.set_expire(Time(0), key.as_bytes(), Some(at)));
        }
        for i in 0..n {
            ks.set(format!("plain{i}").as_bytes(), Data::Str(vec![]));
        }
        ks
    }

    /// activeExpireCycle keeps sampling while more than 10 % of a sample of
    /// 20 had expired: a keyspace whose TTL keys all expired is swept clean
    /// in one cron, and keys without a TTL are never touched.
    #[test]
    fn active_expiry_repeats_while_many_expired() {
        let mut ks = with_ttls(500, 500);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(ks.len(), 1000, "DBSIZE counts expired keys until deleted");
        let mut deleted = 0;
        // Random picks repeat, so the last few keys take a few more cycles.
        for _ in 0..20 {
            deleted += ks.active_expire_cycle(Time(100), &mut rng);
        }
        assert_eq!(deleted, 500);
        assert_eq!(
            ks.entries.len(),
            500,
            "only the keys without a TTL are left"
        );
        assert_eq!(ks.expiring(), 0);
        assert!(ks.ttl_keys.is_empty() && ks.expires.is_empty());
    }

    /// With few expired keys (here 1 of 1000 TTLs) a cycle stops after one
    /// sample of 20: at most 20 keys are looked at, at most 1 deleted.
    #[test]
    fn active_expiry_stops_when_few_expired() {
        let mut ks = with_ttls(1000, 1);
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let deleted = ks.active_expire_cycle(Time(100), &mut rng);
        assert!(deleted <= 1);
        assert_eq!(ks.len(), 2000 - deleted);
        assert_eq!(ks.expiring(), 1000 - deleted);
    }

    /// Deleting, overwriting (SET clears the TTL) and PERSIST keep the
    /// sample pool in step with the expires index.
    #[test]
    fn ttl_index_follows_every_change() {
        let mut ks = with_ttls(10, 0);
        ks.remove(Time(0), b"k3");
        ks.set(b"k4", Data::Str(b"v".to_vec()));
        ks.set_expire(Time(0), b"k5", None);
        ks.clear_slot(key_slot(b"k6"));
        assert_eq!(ks.expiring(), 6);
        assert_eq!(ks.ttl_keys.len(), 6);
        for (pos, k) in ks.ttl_keys.iter().enumerate() {
            assert_eq!(ks.expires[k].1, pos, "pool position of {k:?}");
        }
        assert_eq!(ks.expire_at(Time(0), b"k4"), Some(None));
        assert_eq!(ks.expire_at(Time(0), b"k7"), Some(Some(Time(1000))));
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
