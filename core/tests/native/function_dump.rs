//! FUNCTION DUMP / FUNCTION RESTORE (functions.c) compared live with
//! redis-server 7.0.15, in RESP2 and RESP3: a payload dumped by either
//! restores into the other (FUNCTION LIST WITHCODE then answers alike),
//! APPEND/REPLACE/FLUSH with their errors, a damaged payload, a payload
//! that is no function, bad policies and arities; FUNCTION DUMP of no
//! library is the bare footer. Payload bytes are not compared: Redis LZF-compresses
//! code longer than 20 bytes (`rdbSaveRawString`) and orders libraries by
//! its dict; the node writes plain strings in name order, which Redis reads.

use crate::common::native;
use native::compare::{assert_no_differences, pair, Both};

/// Code longer than 20 bytes: Redis's dump compresses it.
const LIB_A: &str =
    "#!lua name=liba\nredis.register_function('fa', function(keys, args) return 'a' end)";
const LIB_A2: &str =
    "#!lua name=liba\nredis.register_function('fa2', function(keys, args) return 'a2' end)";
const LIB_B: &str =
    "#!lua name=libb\nredis.register_function('fb', function(keys, args) return 'b' end)";
const LIB_FA: &str =
    "#!lua name=libc\nredis.register_function('fa', function(keys, args) return 'c' end)";

/// `FUNCTION RESTORE payload extra…`.
fn restore(payload: &[u8], extra: &[&str]) -> Vec<Vec<u8>> {
    let mut args = vec![b"FUNCTION".to_vec(), b"RESTORE".to_vec(), payload.to_vec()];
    args.extend(extra.iter().map(|e| e.as_bytes().to_vec()));
    args
}

#[test]
fn function_dump_and_restore_match_redis() {
    let (ours, redis) = pair(15000, &[]);
    let mut diffs = Vec::new();
    for resp3 in [false, true] {
        let mut b = Both::connect(ours.port, redis.port, resp3);
        // FUNCTION LIST answers in dict order: one library at a time.
        let lists = |b: &mut Both, diffs: &mut Vec<String>| {
            for lib in ["liba", "libb", "libc"] {
                b.check(&["FUNCTION", "LIST", "LIBRARYNAME", lib, "WITHCODE"], diffs);
            }
        };
        b.check(&["FUNCTION", "FLUSH"], &mut diffs);
        b.check(&["FUNCTION", "DUMP"], &mut diffs);
        b.check(&["FUNCTION", "DUMP", "x"], &mut diffs);
        b.check(&["FUNCTION", "RESTORE"], &mut diffs);
        // A payload of each: ours plain, Redis's LZF-compressed.
        b.ours.send_args(&["FUNCTION", "LOAD", LIB_A]);
        let from_ours = b.ours.bulk("FUNCTION DUMP");
        b.real.send_args(&["FUNCTION", "LOAD", LIB_B]);
        let from_real = b.real.bulk("FUNCTION DUMP");
        b.real.send_args(&["FUNCTION", "FLUSH"]);
        b.real.send_args(&["FUNCTION", "LOAD", LIB_FA]);
        let fa_real = b.real.bulk("FUNCTION DUMP");
        for payload in [&from_ours, &from_real, &fa_real] {
            b.check(&["FUNCTION", "FLUSH"], &mut diffs);
            b.check(&restore(payload, &[]), &mut diffs);
            lists(&mut b, &mut diffs);
        }
        b.check(&["FUNCTION", "FLUSH"], &mut diffs);
        for (payload, policy) in [
            (&from_ours, None),
            (&from_ours, None),
            (&from_ours, Some("APPEND")),
            (&from_ours, Some("replace")),
            (&from_real, Some("APPEND")),
            (&fa_real, Some("APPEND")),
            (&fa_real, Some("REPLACE")),
            (&fa_real, Some("FLUSH")),
            (&from_ours, Some("bogus")),
        ] {
            b.check(&restore(payload, policy.as_slice()), &mut diffs);
            lists(&mut b, &mut diffs);
        }
        b.check(&["FCALL", "fa", "0"], &mut diffs);
        // A library whose function name another library holds.
        b.check(&["FUNCTION", "FLUSH"], &mut diffs);
        b.check(&["FUNCTION", "LOAD", LIB_A2], &mut diffs);
        b.check(&["FUNCTION", "LOAD", LIB_FA], &mut diffs);
        b.check(&restore(&from_ours, &["REPLACE"]), &mut diffs);
        lists(&mut b, &mut diffs);
        // Damaged and foreign payloads.
        let mut damaged = from_ours.clone();
        damaged[3] ^= 1;
        b.check(&restore(&damaged, &[]), &mut diffs);
        b.check(&["FUNCTION", "RESTORE", "short"], &mut diffs);
        b.check(&["SET", "{f}k", "v"], &mut diffs);
        let key_dump = b.real.bulk("DUMP {f}k");
        b.check(&restore(&key_dump, &[]), &mut diffs);
        b.check(&restore(&from_ours, &["FLUSH", "x"]), &mut diffs);
        b.check(&["FUNCTION", "FLUSH"], &mut diffs);
    }
    assert_no_differences(&diffs);
}
