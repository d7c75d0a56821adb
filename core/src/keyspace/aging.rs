//! Each value's 24-bit access stamp, Redis's `robj.lru` (evict.c): the LRU
//! clock of its last access, or under an LFU `maxmemory-policy` the minute
//! of its last decrement (16 bits) and a logarithmic access counter (8
//! bits). OBJECT IDLETIME, OBJECT FREQ, RESTORE's IDLETIME/FREQ and the RDB's
//! `IDLE`/`FREQ` opcodes read and write it; the node evicts nothing, so
//! nothing else does. One `u32` per value, as Redis spends.
//!
//! Redis shares one object for each integer 0..9999 (`OBJ_SHARED_INTEGERS`)
//! among every key whose string value is that integer, unless `maxmemory`
//! is set under an LRU or LFU policy (`MAXMEMORY_FLAG_NO_SHARED_INTEGERS`):
//! such keys share one stamp too, so touching one resets the others' idle
//! time ([`SharedInts`]).

use crate::time::Time;
use std::collections::HashMap;

/// `LRU_CLOCK_MAX`: the LRU clock wraps at 24 bits.
pub const LRU_CLOCK_MAX: u32 = (1 << 24) - 1;
/// `LRU_CLOCK_RESOLUTION`: the LRU clock counts seconds.
const LRU_CLOCK_RESOLUTION: u64 = 1000;
/// `LFU_INIT_VAL`: a new value's counter, so it is not evicted at once.
pub const LFU_INIT_VAL: u32 = 5;
/// `OBJ_SHARED_INTEGERS`: the integers below this have a shared object.
pub const SHARED_INTEGERS: i64 = 10_000;

/// Which of Redis's policy flags `maxmemory-policy` carries
/// (`MAXMEMORY_FLAG_LRU`, `MAXMEMORY_FLAG_LFU`, or neither).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Policy {
    /// `volatile-lru`, `allkeys-lru`: the RDB saves idle times.
    Lru,
    /// `volatile-lfu`, `allkeys-lfu`: stamps are counters, the RDB saves them.
    Lfu,
    /// `noeviction` (the default) and the random and TTL policies: stamps
    /// are LRU clocks, nothing is saved.
    #[default]
    Other,
}

impl Policy {
    /// The flag of a `maxmemory-policy` name.
    pub fn of(name: &str) -> Policy {
        if name.ends_with("-lru") {
            Policy::Lru
        } else if name.ends_with("-lfu") {
            Policy::Lfu
        } else {
            Policy::Other
        }
    }
}

/// The clocks and settings a command's lookups stamp values with: Redis's
/// `server.lruclock` and `server.unixtime` as the command starts, with
/// `maxmemory-policy`, `lfu-log-factor` and `lfu-decay-time`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    /// The policy's flag.
    pub policy: Policy,
    /// `lfu-log-factor`.
    pub log_factor: u32,
    /// `lfu-decay-time`, minutes.
    pub decay_time: u32,
    /// `LRU_CLOCK()`: seconds, 24 bits.
    lru: u32,
    /// `LFUGetTimeInMinutes()`: minutes, 16 bits.
    minutes: u32,
    /// Whether a stored small integer becomes the shared object: `maxmemory`
    /// is 0 or the policy is neither LRU nor LFU
    /// (`createStringObjectFromLongLongWithOptions`, `tryObjectEncoding`).
    pub shares_integers: bool,
}

impl Clock {
    /// The clocks at `now` (ms) under these settings.
    pub fn at(now: Time, policy: Policy, log_factor: u32, decay_time: u32) -> Clock {
        let secs = now.ms() / LRU_CLOCK_RESOLUTION;
        Clock {
            policy,
            log_factor,
            decay_time,
            lru: (secs & u64::from(LRU_CLOCK_MAX)) as u32,
            minutes: ((secs / 60) & 65_535) as u32,
            shares_integers: policy == Policy::Other,
        }
    }

    /// The same clocks; small integers shared when `shares` (the policy
    /// allows it or `maxmemory` is 0).
    pub fn sharing(self, shares: bool) -> Clock {
        Clock {
            shares_integers: shares,
            ..self
        }
    }

    /// The same settings, with the clocks at `now`.
    pub fn at_time(&self, now: Time) -> Clock {
        Clock {
            shares_integers: self.shares_integers,
            ..Clock::at(now, self.policy, self.log_factor, self.decay_time)
        }
    }

    /// The shared object a string stored now becomes (`tryObjectEncoding`):
    /// a canonical integer 0..9999, when sharing is allowed.
    pub fn shared_integer(&self, s: &[u8]) -> Option<u16> {
        if !self.shares_integers || s.len() > 20 {
            return None;
        }
        crate::resp::parse_i64(s)
            .filter(|n| (0..SHARED_INTEGERS).contains(n))
            .map(|n| n as u16)
    }

    fn lfu(&self) -> bool {
        self.policy == Policy::Lfu
    }

    /// `createObject`'s stamp for a new value.
    pub fn fresh(&self) -> u32 {
        if self.lfu() {
            (self.minutes << 8) | LFU_INIT_VAL
        } else {
            self.lru
        }
    }

    /// `lookupKey`'s touch: `updateLFU` (decay, then a logarithmic
    /// increment drawn with `r` in [0, 1)) or the LRU clock.
    pub fn touched(&self, stamp: u32, r: f64) -> u32 {
        if !self.lfu() {
            return self.lru;
        }
        let counter = self.log_incr(self.freq(stamp), r);
        (self.minutes << 8) | counter
    }

    /// `LFULogIncr`: the counter grows with probability
    /// 1 / ((counter - LFU_INIT_VAL) * lfu-log-factor + 1), up to 255.
    fn log_incr(&self, counter: u32, r: f64) -> u32 {
        if counter == 255 {
            return 255;
        }
        let base = counter.saturating_sub(LFU_INIT_VAL) as f64;
        let p = 1.0 / (base * self.log_factor as f64 + 1.0);
        if r < p {
            counter + 1
        } else {
            counter
        }
    }

    /// `LFUDecrAndReturn`: the counter less one per `lfu-decay-time`
    /// minutes elapsed since the stamp's minute (wrapping once at 16 bits).
    pub fn freq(&self, stamp: u32) -> u32 {
        let ldt = stamp >> 8;
        let counter = stamp & 255;
        let elapsed = if self.minutes >= ldt {
            self.minutes - ldt
        } else {
            65_535 - ldt + self.minutes
        };
        let periods = elapsed.checked_div(self.decay_time).unwrap_or(0);
        counter.saturating_sub(periods)
    }

    /// `estimateObjectIdleTime`, ms: the LRU clock minus the stamp,
    /// wrapping once at 24 bits.
    pub fn idle_ms(&self, stamp: u32) -> u64 {
        let stamp = stamp & LRU_CLOCK_MAX;
        let secs = if self.lru >= stamp {
            self.lru - stamp
        } else {
            self.lru + (LRU_CLOCK_MAX - stamp)
        };
        u64::from(secs) * LRU_CLOCK_RESOLUTION
    }

    /// `objectSetLRUOrLFU` (RESTORE's IDLETIME/FREQ, the RDB's IDLE/FREQ):
    /// under LFU a given counter, otherwise a given idle time in seconds;
    /// `None` when the one the policy uses is not given.
    pub fn restored(&self, freq: Option<u8>, idle_secs: Option<u64>) -> Option<u32> {
        if self.lfu() {
            return freq.map(|f| (self.minutes << 8) | u32::from(f));
        }
        let idle = idle_secs?;
        let abs = i64::from(self.lru) - idle.min(i64::MAX as u64) as i64;
        let abs = if abs < 0 {
            abs + i64::from(LRU_CLOCK_MAX)
        } else {
            abs
        };
        // A huge idle time stays below zero, as Redis's `long` would wrap.
        Some((abs.max(0) as u64 & u64::from(LRU_CLOCK_MAX)) as u32)
    }
}

/// The stamps of Redis's shared integer objects (`shared.integers`), which
/// every key holding such a value reads and touches: each created with
/// the server (`createSharedObjects`), so one not touched since has the
/// stamp of the start.
#[derive(Clone, Debug, Default)]
pub struct SharedInts {
    /// The stamp every shared object got at the start.
    born: u32,
    /// The stamps changed since, by integer.
    stamps: HashMap<u16, u32>,
}

impl SharedInts {
    /// The objects as the server creates them under `clock`.
    pub fn created(clock: &Clock) -> SharedInts {
        SharedInts {
            born: clock.fresh(),
            stamps: HashMap::new(),
        }
    }

    /// The stamp of integer `n`'s object.
    pub fn get(&self, n: u16) -> u32 {
        self.stamps.get(&n).copied().unwrap_or(self.born)
    }

    /// Sets integer `n`'s stamp.
    pub fn set(&mut self, n: u16, stamp: u32) {
        self.stamps.insert(n, stamp);
    }

    /// The server's objects after a load into a fresh keyspace whose
    /// objects are `loaded`: the load's stamps over the server's.
    pub fn merged(&self, loaded: SharedInts) -> SharedInts {
        let mut stamps = self.stamps.clone();
        stamps.extend(loaded.stamps);
        SharedInts {
            born: self.born,
            stamps,
        }
    }
}

/// The `rand()` LFULogIncr draws from: a small seeded generator
/// (splitmix64), so a simulated run repeats exactly.
#[derive(Clone, Copy, Debug, Default)]
pub struct Draw(u64);

impl Draw {
    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lfu(now_s: u64, log_factor: u32, decay: u32) -> Clock {
        Clock::at(Time(now_s * 1000), Policy::Lfu, log_factor, decay)
    }

    /// `createObject` under LFU: this minute, LFU_INIT_VAL.
    #[test]
    fn a_new_value_starts_at_lfu_init_val() {
        let c = lfu(600, 10, 1);
        assert_eq!(c.freq(c.fresh()), 5);
        assert_eq!(c.fresh() >> 8, 10);
    }

    /// `LFULogIncr` with factor 0 always increments; at 255 it stays.
    #[test]
    fn log_factor_zero_counts_every_access() {
        let c = lfu(0, 0, 1);
        let mut s = c.fresh();
        for _ in 0..300 {
            s = c.touched(s, 0.999);
        }
        assert_eq!(c.freq(s), 255);
    }

    /// With factor 10, counter 6 grows only when r < 1/11.
    #[test]
    fn log_incr_is_logarithmic() {
        let c = lfu(0, 10, 1);
        let s = 6; // minute 0, counter 6
        assert_eq!(c.freq(c.touched(s, 0.5)), 6);
        assert_eq!(c.freq(c.touched(s, 0.05)), 7);
    }

    /// `LFUDecrAndReturn`: one per decay period, never below 0; decay 0
    /// never decays.
    #[test]
    fn counters_decay_per_period() {
        let born = lfu(0, 10, 1).fresh();
        assert_eq!(lfu(3 * 60, 10, 1).freq(born), 2);
        assert_eq!(lfu(60 * 60, 10, 1).freq(born), 0);
        assert_eq!(lfu(4 * 60, 10, 2).freq(born), 3);
        assert_eq!(lfu(60 * 60, 10, 0).freq(born), 5);
    }

    /// `estimateObjectIdleTime` and `objectSetLRUOrLFU`'s wrap.
    #[test]
    fn idle_time_wraps_once() {
        let c = Clock::at(Time(10_000), Policy::Other, 10, 1);
        assert_eq!(c.idle_ms(c.fresh()), 0);
        assert_eq!(c.idle_ms(4), 6000);
        let back = c.restored(None, Some(1000)).unwrap();
        assert_eq!(back, LRU_CLOCK_MAX - 990);
        assert_eq!(c.idle_ms(back), 1_000_000);
        assert_eq!(c.restored(Some(3), None), None);
    }

    #[test]
    fn draws_are_in_unit_interval() {
        let mut d = Draw::default();
        assert!((0..1000).map(|_| d.unit()).all(|r| (0.0..1.0).contains(&r)));
    }
}
