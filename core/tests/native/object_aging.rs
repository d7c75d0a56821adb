//! OBJECT IDLETIME / FREQ and the access stamps behind them (`robj.lru`,
//! evict.c) compared live with redis-server 7.0.15, in RESP2 and RESP3:
//! which policy allows which subcommand and the errors otherwise, LFU
//! counters under `lfu-log-factor 0` (every access counts, so the counts
//! are exact), which lookups touch (GET, TOUCH, SET, RENAME's source, COPY's
//! source) and which do not (EXISTS, TYPE, TTL, OBJECT), a new value's
//! LFU_INIT_VAL, an overwrite keeping LFU data (`dbOverwrite`), and
//! RESTORE's IDLETIME/FREQ with their errors.
//!
//! Compared otherwise than as bytes, and why: an idle time is whole
//! seconds of each server's own clock, so a second may tick between two
//! servers' answers; IDLETIME replies are compared as integers one apart
//! at most. `lfu-decay-time` is 0 so that no minute boundary decays a
//! counter mid-test (decay is checked in the unit tests of
//! `keyspace/aging.rs`). Values are not integers below 10000, which Redis
//! would share (`OBJ_SHARED_INTEGERS`).

use crate::common::native;
use native::compare::{assert_no_differences, idle_within_a_second, pair, Both};

#[test]
fn object_idletime_and_freq_match_redis() {
    let (ours, redis) = pair(15000, &[]);
    let mut diffs = Vec::new();
    for resp3 in [false, true] {
        let mut b = Both::connect(ours.port, redis.port, resp3).normalised(idle_within_a_second);
        b.lines(
            &[
                "CONFIG SET maxmemory-policy noeviction",
                "CONFIG SET lfu-decay-time 0",
                "DEL {a}s {a}f {a}g {a}h {a}q {a}q2 {a}r",
                "SET {a}s hello",
                "OBJECT IDLETIME {a}s",
                "OBJECT FREQ {a}s",
                "OBJECT IDLETIME {a}missing",
                "OBJECT FREQ {a}missing",
                "OBJECT IDLETIME",
                "OBJECT FREQ {a}s extra",
                "OBJECT IDLETIME {a}s extra",
                "CONFIG SET maxmemory-policy volatile-ttl",
                "OBJECT IDLETIME {a}s",
                "OBJECT FREQ {a}s",
                "CONFIG SET maxmemory-policy allkeys-lfu",
                "OBJECT IDLETIME {a}s",
                "OBJECT IDLETIME {a}missing",
                "SET {a}f value",
                "OBJECT FREQ {a}f",
                "GET {a}f",
                "OBJECT FREQ {a}f",
                "CONFIG SET lfu-log-factor 0",
                "GET {a}f",
                "GET {a}f",
                "GET {a}f",
                "OBJECT FREQ {a}f",
                "EXISTS {a}f",
                "TYPE {a}f",
                "TTL {a}f",
                "OBJECT ENCODING {a}f",
                "OBJECT FREQ {a}f",
                "TOUCH {a}f {a}missing",
                "OBJECT FREQ {a}f",
                "SET {a}f other",
                "OBJECT FREQ {a}f",
                "APPEND {a}f more",
                "OBJECT FREQ {a}f",
                "RENAME {a}f {a}g",
                "OBJECT FREQ {a}g",
                "COPY {a}g {a}h",
                "OBJECT FREQ {a}g",
                "OBJECT FREQ {a}h",
                "CONFIG SET maxmemory-policy volatile-lfu",
                "OBJECT FREQ {a}g",
                "CONFIG SET maxmemory-policy allkeys-lru",
                "OBJECT FREQ {a}g",
            ],
            &mut diffs,
        );
        // RESTORE's IDLETIME and FREQ, with a payload from DUMP.
        let payload = b.real.bulk("DUMP {a}s");
        let restore = |key: &str, extra: &[&str]| -> Vec<Vec<u8>> {
            let mut a: Vec<Vec<u8>> = vec![b"RESTORE".to_vec(), key.into(), b"0".to_vec()];
            a.push(payload.clone());
            a.extend(extra.iter().map(|e| e.as_bytes().to_vec()));
            a
        };
        for (key, extra) in [
            ("{a}r", &["IDLETIME", "1000"][..]),
            ("{a}r", &["REPLACE", "IDLETIME", "-1"][..]),
            ("{a}r", &["REPLACE", "IDLETIME", "x"][..]),
            ("{a}r", &["REPLACE", "FREQ", "256"][..]),
            ("{a}r", &["REPLACE", "FREQ", "3", "IDLETIME", "4"][..]),
            ("{a}r", &["REPLACE", "IDLETIME", "4", "FREQ", "3"][..]),
            ("{a}r", &["REPLACE", "IDLETIME"][..]),
        ] {
            b.check(&restore(key, extra), &mut diffs);
        }
        b.lines(
            &[
                "OBJECT IDLETIME {a}r",
                "CONFIG SET maxmemory-policy allkeys-lfu",
            ],
            &mut diffs,
        );
        b.check(&restore("{a}q", &["FREQ", "100"]), &mut diffs);
        b.check(&restore("{a}q2", &["IDLETIME", "100"]), &mut diffs);
        b.lines(
            &[
                "OBJECT FREQ {a}q",
                "OBJECT FREQ {a}q2",
                "CONFIG SET maxmemory-policy noeviction",
                "CONFIG SET lfu-log-factor 10",
                "CONFIG SET lfu-decay-time 1",
                "CONFIG GET lfu-log-factor",
                "CONFIG GET lfu-decay-time",
                "CONFIG GET maxmemory-policy",
            ],
            &mut diffs,
        );
    }
    assert_no_differences(&diffs);
}
