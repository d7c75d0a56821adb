//! The data a node holds: one database of keys, indexed by hash slot (as
//! Redis Cluster's slot-to-keys map) so slot-wide questions are cheap, with
//! expiry on the host's (simulated) clock.

use crate::slot::key_slot;
use crate::time::Time;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::ops::Bound;

pub mod aging;
mod expiry;
mod hash;
pub mod notify;
mod packed;
mod signal;
pub mod stream;
mod string;
mod zpacked;
mod zset;

pub use aging::{Clock, Policy, SharedInts};
pub use expiry::ExpiryMode;
pub use hash::Hash;
pub use packed::{PackLimits, Packing};
pub use stream::Stream;
pub use string::Str;
pub use zset::ZSet;

/// A stored value.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    /// A string (`SET`), inline when short ([`Str`]).
    Str(Str),
    /// A list (`LPUSH`, `RPUSH`).
    List(VecDeque<Vec<u8>>),
    /// A set (`SADD`).
    Set(BTreeSet<Vec<u8>>),
    /// A hash (`HSET`).
    Hash(Hash),
    /// Members with scores (see [`ZSet`] for their order).
    ZSet(ZSet),
    /// A stream (`XADD`), boxed: it is much larger than the other values.
    Stream(Box<Stream>),
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
            Data::Stream(_) => "stream",
        }
    }

    /// A list, set, hash or zset with no element: no key ever holds one
    /// (a stream may be empty).
    pub fn is_empty_collection(&self) -> bool {
        match self {
            Data::Str(_) | Data::Stream(_) => false,
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

/// A stored value and its access stamp (`robj.lru`, [`aging`]), or
/// [`SHARED`] and the shared integer whose object the value is.
#[derive(Clone, Debug)]
struct Entry {
    data: Data,
    stamp: u32,
    /// A string Redis keeps as a raw object whatever its length: one a
    /// command wrote into in place (`dbUnshareStringValue`) or created with
    /// `createObject` ([`Keyspace::make_raw`]). Any new value is encoded
    /// again (`tryObjectEncoding`, a load's `rdbLoadObject`).
    raw: bool,
}

/// An [`Entry`]'s stamp with this bit is no stamp but the integer whose
/// shared object holds it ([`SharedInts`]); real stamps have 24 bits.
const SHARED: u32 = 1 << 31;

/// A value's stamp as RENAME carries it along: its own, or the shared
/// object it is.
#[derive(Clone, Copy, Debug)]
pub struct Carried {
    stamp: u32,
    raw: bool,
}

/// Values compare by contents: two copies of a dataset (a master's and its
/// replica's) hold the same data, accessed at different times.
impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data
    }
}

/// One Redis database (cluster mode has only db 0). Like Redis, values and
/// TTLs live apart: only keys with a TTL have an `expires` entry.
#[derive(Clone, Debug, Default)]
pub struct Keyspace {
    entries: BTreeMap<SlotKey, Entry>,
    /// The clocks and settings lookups stamp values with ([`Keyspace::set_clock`]).
    clock: Clock,
    /// Lookups leave stamps alone (`LOOKUP_NOTOUCH`) until the next command.
    no_touch: bool,
    /// `LFULogIncr`'s random draws.
    draw: aging::Draw,
    /// The stamps of the shared integer objects.
    shared: SharedInts,
    /// Expiry times, each with the key's place in `ttl_keys`.
    expires: BTreeMap<SlotKey, (Time, usize)>,
    /// The keys of `expires`, which active expiry samples at random.
    ttl_keys: Vec<SlotKey>,
    slot_memo: SlotMemo,
    mode: ExpiryMode,
    /// Keys deleted because their TTL passed, whose `DEL` the node has not
    /// propagated yet.
    expired: Vec<Vec<u8>>,
    /// Read lookups counted for INFO (`keyspace_hits`/`misses`, `expired_keys`).
    counts: Counts,
    /// Keyspace events raised, for the node to publish.
    notes: notify::Notes,
    /// Keys whose blocked stream readers must look again.
    signals: signal::StreamSignals,
}

/// What INFO counts of the lookups: Redis counts hits and misses only for
/// lookups made to read (`lookupKeyRead`), so the node turns counting on
/// around read-only commands ([`Keyspace::count_reads`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Whether lookups count now.
    counting: bool,
    /// Lookups that found a live key.
    pub hits: u64,
    /// Lookups that did not.
    pub misses: u64,
    /// Keys deleted because their TTL passed (`expired_keys`).
    pub expired: u64,
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

/// `lookupKey`'s access-time update of a value found (unless `no_touch`):
/// the LRU clock, or `updateLFU` with a fresh draw; a shared integer's
/// object is touched for every key holding it.
fn touch(
    e: &mut Entry,
    no_touch: bool,
    clock: &Clock,
    draw: &mut aging::Draw,
    shared: &mut SharedInts,
) {
    if no_touch {
        return;
    }
    let r = if clock.policy == Policy::Lfu {
        draw.unit()
    } else {
        0.0
    };
    match shared_of(e.stamp) {
        Some(n) => shared.set(n, clock.touched(shared.get(n), r)),
        None => e.stamp = clock.touched(e.stamp, r),
    }
}

/// The shared integer an entry's stamp names, if it is one.
fn shared_of(stamp: u32) -> Option<u16> {
    (stamp & SHARED != 0).then_some((stamp & !SHARED) as u16)
}

/// A new value's stamp: the shared object it is when `encode` makes a
/// small integer one ([`Clock::shared_integer`]), else `createObject`'s.
fn new_stamp(clock: &Clock, data: &Data, encode: bool) -> u32 {
    let shared = match data {
        Data::Str(s) if encode => clock.shared_integer(s),
        _ => None,
    };
    shared.map_or_else(|| clock.fresh(), |n| SHARED | u32::from(n))
}

/// An entry's stamp, read through its shared object if it has one.
fn stamp_of(e: &Entry, shared: &SharedInts) -> u32 {
    shared_of(e.stamp).map_or(e.stamp, |n| shared.get(n))
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
    /// An empty database.
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
        let data = self.entries.remove(sk)?.data;
        self.clear_expiry(sk);
        self.key_changed(&sk[2..], Some(&data));
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

    /// The value of `key`, unless it is missing or expired at `now`.
    pub fn get(&mut self, now: Time, key: &[u8]) -> Option<&Data> {
        with_slot_key(self.slot_of(key), key, |sk| {
            if self.expire_if_needed(now, sk) {
                self.count_lookup(false, sk);
                return None;
            }
            let found = self.entries.get_mut(sk).map(|e| {
                touch(
                    e,
                    self.no_touch,
                    &self.clock,
                    &mut self.draw,
                    &mut self.shared,
                );
                &e.data
            });
            if self.counts.counting {
                if found.is_some() {
                    self.counts.hits += 1;
                } else {
                    self.counts.misses += 1;
                    self.notes
                        .record(notify::class::KEY_MISS, "keymiss", &sk[2..]);
                }
            }
            found
        })
    }

    /// `lookupKey`'s bookkeeping for a read (see [`Keyspace::count_reads`]):
    /// a hit or a miss for INFO, and a miss raises `keymiss`.
    fn count_lookup(&mut self, hit: bool, sk: &[u8]) {
        if self.counts.counting {
            if hit {
                self.counts.hits += 1;
            } else {
                self.counts.misses += 1;
                self.notify(notify::class::KEY_MISS, "keymiss", &sk[2..]);
            }
        }
    }

    /// Turns hit/miss counting on (around a read-only command) or off.
    pub fn count_reads(&mut self, on: bool) {
        self.counts.counting = on;
    }

    /// Sets the clocks and settings the next command's lookups stamp values
    /// with, and lets them touch again ([`Keyspace::no_touch`]).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
        self.no_touch = false;
    }

    /// The clocks and settings of the command running.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// `LOOKUP_NOTOUCH` for the rest of the command: EXISTS, TYPE and
    /// OBJECT look keys up without changing their stamps.
    pub fn no_touch(&mut self) {
        self.no_touch = true;
    }

    /// The value of `key` and its stamp, unless it is missing or expired,
    /// looked up as OBJECT does (`LOOKUP_NOTOUCH|LOOKUP_NONOTIFY`): the
    /// stamp stays, a miss raises no `keymiss`.
    pub fn peek(&mut self, now: Time, key: &[u8]) -> Option<(&Data, u32)> {
        with_slot_key(self.slot_of(key), key, |sk| {
            let expired = self.expire_if_needed(now, sk);
            let found = if expired { None } else { self.entries.get(sk) };
            if self.counts.counting {
                if found.is_some() {
                    self.counts.hits += 1;
                } else {
                    self.counts.misses += 1;
                }
            }
            found.map(|e| (&e.data, stamp_of(e, &self.shared)))
        })
    }

    /// What DEBUG OBJECT looks at (`dictFind`, no expiry check): `key`'s
    /// value, its stamp, and the shared integer it is, if it is one.
    pub fn debug_lookup(&mut self, key: &[u8]) -> Option<(&Data, u32, Option<u16>)> {
        let slot = self.slot_of(key);
        let shared = &self.shared;
        with_slot_key(slot, key, |sk| {
            self.entries
                .get(sk)
                .map(|e| (&e.data, stamp_of(e, shared), shared_of(e.stamp)))
        })
    }

    /// Stamps every value of a snapshot decoded without the clocks (a
    /// replica's full resync, read off the link) as loading it under
    /// `clock` does: each string encoded (`rdbLoadObject`), each value new.
    pub fn stamp_loaded(&mut self, clock: &Clock) {
        for e in self.entries.values_mut() {
            e.stamp = new_stamp(clock, &e.data, true);
        }
    }

    /// Makes the shared integer objects as a server starting under
    /// `clock` creates them (`createSharedObjects`).
    pub fn create_shared_integers(&mut self, clock: &Clock) {
        self.shared = SharedInts::created(clock);
    }

    /// Takes the shared objects of `before`, this keyspace's replacement
    /// after a load: what the load stamped stays, the rest is the server's.
    pub fn keep_shared_integers(&mut self, before: &Keyspace) {
        self.shared = before.shared.merged(std::mem::take(&mut self.shared));
    }

    /// `key`'s stamp as RENAME moves it with the value.
    pub fn carried(&mut self, key: &[u8]) -> Option<Carried> {
        with_slot_key(self.slot_of(key), key, |sk| {
            self.entries.get(sk).map(|e| Carried {
                stamp: e.stamp,
                raw: e.raw,
            })
        })
    }

    /// Gives `key`'s value the stamp [`Keyspace::carried`] took.
    pub fn put_carried(&mut self, key: &[u8], carried: Carried) {
        with_slot_key(self.slot_of(key), key, |sk| {
            if let Some(e) = self.entries.get_mut(sk) {
                e.stamp = carried.stamp;
                e.raw = carried.raw;
            }
        })
    }

    /// `objectSetLRUOrLFU` on `key`'s value (RESTORE's IDLETIME/FREQ, the
    /// RDB's IDLE/FREQ opcodes); nothing when the policy's kind is not given.
    pub fn restore_stamp(&mut self, key: &[u8], freq: Option<u8>, idle_secs: Option<u64>) {
        if let Some(stamp) = self.clock.restored(freq, idle_secs) {
            self.set_stamp(key, stamp);
        }
    }

    /// Sets `key`'s stamp (`objectSetLRUOrLFU`): a shared integer's is its
    /// object's, for every key holding it.
    pub fn set_stamp(&mut self, key: &[u8], stamp: u32) {
        let slot = self.slot_of(key);
        let shared = &mut self.shared;
        with_slot_key(slot, key, |sk| {
            if let Some(e) = self.entries.get_mut(sk) {
                match shared_of(e.stamp) {
                    Some(n) => shared.set(n, stamp),
                    None => e.stamp = stamp,
                }
            }
        })
    }

    /// Every stored key with its value, expiry and stamp, as
    /// [`Keyspace::stored`] (what `rdbSaveKeyValuePair` writes, IDLE or
    /// FREQ included).
    pub fn stored_stamped(&self) -> impl Iterator<Item = (&[u8], &Data, Option<Time>, u32)> {
        self.entries
            .iter()
            .map(|(k, e)| (&k[2..], &e.data, self.expiry(k), stamp_of(e, &self.shared)))
    }

    /// Takes the counts gathered since the last call (the node adds them
    /// to its statistics, which outlive a keyspace replaced by a resync).
    pub fn take_counts(&mut self) -> Counts {
        let counting = self.counts.counting;
        let taken = std::mem::take(&mut self.counts);
        self.counts.counting = counting;
        taken
    }

    /// The value of `key` to change in place, unless it is missing or expired at `now`.
    pub fn get_mut(&mut self, now: Time, key: &[u8]) -> Option<&mut Data> {
        with_slot_key(self.slot_of(key), key, |sk| {
            if self.expire_if_needed(now, sk) {
                self.count_lookup(false, sk);
                return None;
            }
            let found = self.entries.get_mut(sk).map(|e| {
                touch(
                    e,
                    self.no_touch,
                    &self.clock,
                    &mut self.draw,
                    &mut self.shared,
                );
                &mut e.data
            });
            if self.counts.counting {
                if found.is_some() {
                    self.counts.hits += 1;
                } else {
                    self.counts.misses += 1;
                    self.notes
                        .record(notify::class::KEY_MISS, "keymiss", &sk[2..]);
                }
            }
            found
        })
    }

    /// Whether `key` holds a live value at `now`.
    pub fn exists(&mut self, now: Time, key: &[u8]) -> bool {
        self.get(now, key).is_some()
    }

    /// Sets a value, clearing any TTL (as `SET` does without KEEPTTL); a
    /// string as `tryObjectEncoding` leaves it (a small integer may be the
    /// shared object). A key it creates raises `new` (`dbAdd`).
    pub fn set(&mut self, key: &[u8], data: Data) {
        with_slot_key(self.slot_of(key), key, |sk| {
            self.clear_expiry(sk);
            self.put(sk, data, true, true);
        })
    }

    /// Stores `data` at `sk`, in place of what is there; a new key raises
    /// `new` when `announce` (`dbAdd`; a snapshot's keys do not). When
    /// `encode`, a string that is a small integer becomes the shared object
    /// if the clock allows (`tryObjectEncoding`); otherwise the value is an
    /// object of its own, stamped now.
    fn put(&mut self, sk: &[u8], data: Data, announce: bool, encode: bool) {
        let fresh = new_stamp(&self.clock, &data, encode);
        let shared = shared_of(fresh);
        let lfu = self.clock.policy == Policy::Lfu;
        match self.entries.get_mut(sk) {
            Some(v) => {
                // `dbOverwrite`: the new value keeps the old one's LFU data,
                // a shared object too.
                if lfu {
                    let old = stamp_of(v, &self.shared);
                    match shared {
                        Some(n) => self.shared.set(n, old),
                        None => v.stamp = old,
                    }
                }
                if !lfu || shared.is_some() {
                    v.stamp = fresh;
                }
                v.raw = false;
                let old = std::mem::replace(&mut v.data, data);
                self.key_changed(&sk[2..], Some(&old));
            }
            None => {
                let entry = Entry {
                    data,
                    stamp: fresh,
                    raw: false,
                };
                self.entries.insert(sk.into(), entry);
                if announce {
                    self.key_changed(&sk[2..], None);
                    self.notify(notify::class::NEW, "new", &sk[2..]);
                }
            }
        }
    }

    /// Replaces the value but keeps the TTL (in-place updates like
    /// APPEND): a string built here, never a shared object.
    pub fn set_keep_ttl(&mut self, now: Time, key: &[u8], data: Data) {
        with_slot_key(self.slot_of(key), key, |sk| {
            self.expire_for_write(now, sk);
            self.put(sk, data, true, false);
        })
    }

    /// [`Keyspace::set_keep_ttl`] for a value `tryObjectEncoding` or
    /// `createStringObjectFromLongLongForValue` makes (SET KEEPTTL, INCR):
    /// a small integer may be the shared object.
    pub fn set_encoded_keep_ttl(&mut self, now: Time, key: &[u8], data: Data) {
        with_slot_key(self.slot_of(key), key, |sk| {
            self.expire_for_write(now, sk);
            self.put(sk, data, true, true);
        })
    }

    /// Deletes `key`, returning its value if it was live at `now`.
    pub fn remove(&mut self, now: Time, key: &[u8]) -> Option<Data> {
        with_slot_key(self.slot_of(key), key, |sk| {
            self.expire_for_write(now, sk);
            self.delete(sk)
        })
    }

    /// Removes a key whose container became empty (Redis deletes empty
    /// lists, sets…), raising `del` as each of those call sites does after
    /// its own event; true if it did.
    pub fn remove_if_empty(&mut self, key: &[u8]) -> bool {
        with_slot_key(self.slot_of(key), key, |sk| {
            let empty = self.entries.get(sk).is_some_and(|e| match &e.data {
                Data::List(l) => l.is_empty(),
                Data::Set(s) => s.is_empty(),
                Data::Hash(h) => h.is_empty(),
                Data::ZSet(z) => z.is_empty(),
                Data::Str(_) | Data::Stream(_) => false,
            });
            if empty {
                self.delete(sk);
                self.notify(notify::class::GENERIC, "del", key);
            }
            empty
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

    /// `dbUnshareStringValue` on `key`'s string: the value becomes an
    /// object of its own, raw-encoded whatever its length, as every string
    /// a command writes into in place is (APPEND, SETRANGE, SETBIT,
    /// BITFIELD, PFADD, PFMERGE, PFCOUNT), and every string Redis creates
    /// with `createObject` (BITOP's destination). A shared integer is
    /// copied out of the shared object (`dbOverwrite`: LFU data kept, else
    /// stamped now). OBJECT ENCODING, DEBUG OBJECT and MEMORY USAGE then
    /// see a raw string until a new value replaces it.
    pub fn make_raw(&mut self, key: &[u8]) {
        let (clock, shared) = (&self.clock, &self.shared);
        with_slot_key(key_slot(key), key, |sk| {
            let Some(e) = self.entries.get_mut(sk) else {
                return;
            };
            if !matches!(e.data, Data::Str(_)) {
                return;
            }
            if shared_of(e.stamp).is_some() {
                e.stamp = if clock.policy == Policy::Lfu {
                    stamp_of(e, shared)
                } else {
                    new_stamp(clock, &e.data, false)
                };
            }
            e.raw = true;
        })
    }

    /// Whether `key` holds a raw string object ([`Keyspace::make_raw`]).
    pub fn is_raw(&self, key: &[u8]) -> bool {
        with_slot_key(key_slot(key), key, |sk| {
            self.entries.get(sk).is_some_and(|e| e.raw)
        })
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

    /// Whether no key is stored.
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

    fn slot_range(&self, slot: u16) -> impl Iterator<Item = (&SlotKey, &Entry)> {
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
        self.entries.iter().filter_map(move |(k, e)| {
            let at = self.expiry(k);
            at.is_none_or(|t| t > now).then_some((&k[2..], &e.data, at))
        })
    }

    /// `dbAdd` then `setExpire`: a key RENAME or COPY creates, with its
    /// TTL, as an object of its own (COPY's `dupStringObject`; RENAME then
    /// puts back what it [`Keyspace::carried`]); it raises `new`.
    pub fn add(&mut self, key: &[u8], data: Data, expire_at: Option<Time>) {
        self.insert_as(key, data, expire_at, false);
        self.key_changed(key, None);
        self.notify(notify::class::NEW, "new", key);
    }

    /// Every stored key with its value and expiry, in slot order, those
    /// whose TTL passed but that nothing deleted yet included: what
    /// `rdbSaveDb` writes.
    pub fn stored(&self) -> impl Iterator<Item = (&[u8], &Data, Option<Time>)> {
        self.entries
            .iter()
            .map(|(k, e)| (&k[2..], &e.data, self.expiry(k)))
    }

    /// Deletes the keys whose TTL passed by `now`, silently (no `DEL` to
    /// propagate, no `expired_keys`): a master loading an RDB skips them
    /// (`rdbLoadRio`). Returns how many there were.
    pub fn drop_expired(&mut self, now: Time) -> usize {
        let gone: Vec<SlotKey> = self
            .expires
            .iter()
            .filter(|(_, (t, _))| *t < now)
            .map(|(k, _)| k.clone())
            .collect();
        for k in &gone {
            self.delete(k);
        }
        gone.len()
    }

    /// Stores a key with its expiry, as loading a snapshot does
    /// (`rdbLoadObject` encodes strings: a small integer may be shared).
    pub fn insert(&mut self, key: &[u8], data: Data, expire_at: Option<Time>) {
        self.insert_as(key, data, expire_at, true);
    }

    fn insert_as(&mut self, key: &[u8], data: Data, expire_at: Option<Time>, encode: bool) {
        with_slot_key(self.slot_of(key), key, |sk| {
            self.clear_expiry(sk);
            self.put(sk, data, false, encode);
            if let Some(at) = expire_at {
                self.set_expiry(sk, at);
            }
        })
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
        let next = cursor.saturating_add(count as u64);
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
        if self.watching_streams() {
            let streams = self
                .entries
                .iter()
                .filter(|(_, e)| matches!(e.data, Data::Stream(_)))
                .map(|(k, _)| k[2..].to_vec())
                .collect();
            self.flushed_streams(streams);
        }
        self.entries.clear();
        self.expires.clear();
        self.ttl_keys.clear();
        self.expired.clear();
    }
}

#[cfg(test)]
mod tests;
