//! Expiry: how lookups treat keys whose TTL passed (Redis 7.0's
//! `expireIfNeeded`, which only a master acts on) and the active expiry
//! cycle, with the deletions noted for the replicas' `DEL`s.

use super::Keyspace;
use crate::time::Time;
use rand::Rng;

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

impl Keyspace {
    /// How lookups treat expired keys from now on.
    pub fn set_mode(&mut self, mode: ExpiryMode) {
        self.mode = mode;
    }

    /// The keys deleted by expiry since the last call, oldest first: each
    /// is owed to the replicas as a `DEL`.
    pub fn take_expired(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.expired)
    }

    /// Deletes the stored key `sk` because its TTL passed, noting it and
    /// raising `expired` (`deleteExpiredKeyAndPropagate`).
    pub(super) fn delete_expired(&mut self, sk: &[u8]) {
        if self.delete(sk).is_some() {
            self.counts.expired += 1;
            self.expired.push(sk[2..].to_vec());
            self.notify(super::notify::class::EXPIRED, "expired", &sk[2..]);
        }
    }

    /// `expireIfNeeded`: whether `sk` counts as missing now; a master
    /// deletes it there and then (lazy expiry).
    pub(super) fn expire_if_needed(&mut self, now: Time, sk: &[u8]) -> bool {
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
    pub(super) fn expire_for_write(&mut self, now: Time, sk: &[u8]) {
        if self.expire_if_needed(now, sk) {
            self.delete(sk);
        }
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
