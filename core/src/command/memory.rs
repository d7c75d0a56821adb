//! MEMORY USAGE / HELP (object.c) and each key's part of the memory
//! estimate INFO's `used_memory` and MEMORY STATS add up ([`super::memory_stats`]).
//!
//! clusterlab stores values its own way, so the bytes are an *estimate*:
//! what Redis 7.0.15 with jemalloc would allocate for the same contents in
//! the encoding it would pick ([`Limits::encoding`]), following
//! `objectComputeSize`: a key costs its dict entry (24 bytes plus 16 of
//! cluster metadata) and its sds, a value its `robj` and encoding. Checked
//! against a real server for each encoding (tests/memory.rs). Unlike Redis,
//! every element is counted (no sampling), so large uneven collections can
//! differ from a real server's sampled answer.

use super::object::Limits;
use super::quicklist::{listpack_bytes, pack};
use super::Call;
use crate::keyspace::Data;
use crate::resp::{parse_i64, Value};

/// `sizeof(dictEntry)` + cluster mode's per-entry metadata (`dictEntryMemUsage`).
const DICT_ENTRY_KEY: usize = 40;
/// `sizeof(dictEntry)` in a collection's own dict.
const DICT_ENTRY: usize = 24;
/// `sizeof(robj)`.
const ROBJ: usize = 16;
/// `sizeof(dict)` (7.0).
const DICT: usize = 56;
/// `sizeof(quicklist)`, and of one `quicklistNode`.
const QUICKLIST: usize = 40;
const QUICKLIST_NODE: usize = 32;
/// `sizeof(zset)` + `sizeof(zskiplist)`, and a skiplist node's fixed part.
const ZSET: usize = 16 + 32;
const ZSKIPLIST_NODE: usize = 32;

/// jemalloc's size class for an allocation of `n` bytes (`zmalloc_size`):
/// 8, then steps of 16 up to 128, then four classes per doubling.
pub fn size_class(n: usize) -> usize {
    if n <= 8 {
        return 8;
    }
    if n <= 128 {
        return n.div_ceil(16) * 16;
    }
    let top = usize::BITS - (n - 1).leading_zeros();
    let step = 1usize << (top - 3);
    n.div_ceil(step) * step
}

/// An sds string's allocation: header by length class, the bytes, the NUL.
fn sds(len: usize) -> usize {
    let header = match len {
        // `sdsnewlen` never makes an empty type-5 string.
        0 => 3,
        1..=31 => 1,
        32..=255 => 3,
        256..=65_535 => 5,
        _ => 9,
    };
    size_class(header + len + 1)
}

/// A listpack's allocation.
fn listpack<'a>(entries: impl Iterator<Item = &'a [u8]>) -> usize {
    size_class(listpack_bytes(entries))
}

/// A score as listpack stores it: an integer when it is one, else its
/// `%.17g` text.
fn score_text(s: f64) -> Vec<u8> {
    if s.fract() == 0.0 && s.abs() < 1e15 {
        format!("{}", s as i64).into_bytes()
    } else {
        format!("{s}").into_bytes()
    }
}

/// `objectComputeSize` for a value, every element counted; `raw`: a string
/// Redis keeps as a raw object ([`Limits::stored_encoding`]).
pub fn value_size(limits: &Limits, d: &Data, raw: bool) -> usize {
    let encoding = limits.stored_encoding(d, raw);
    match d {
        Data::Str(_) if encoding == "int" => ROBJ,
        Data::Str(s) if encoding == "embstr" => size_class(ROBJ + 3 + s.len()),
        Data::Str(s) => ROBJ + sds(s.len()),
        Data::List(l) => {
            let nodes = pack(l.iter().map(Vec::as_slice), limits.list_fill());
            let bytes: usize = nodes.iter().map(|n| size_class(n.bytes)).sum();
            ROBJ + size_class(QUICKLIST) + nodes.len() * QUICKLIST_NODE + bytes
        }
        Data::Set(s) if encoding == "intset" => {
            let width = if s
                .iter()
                .all(|m| parse_i64(m).is_some_and(|n| i16::try_from(n).is_ok()))
            {
                2
            } else if s
                .iter()
                .all(|m| parse_i64(m).is_some_and(|n| i32::try_from(n).is_ok()))
            {
                4
            } else {
                8
            };
            ROBJ + size_class(8 + width * s.len())
        }
        Data::Set(s) => {
            ROBJ + DICT
                + 8 * s.len().next_power_of_two().max(4)
                + s.iter().map(|m| DICT_ENTRY + sds(m.len())).sum::<usize>()
        }
        Data::Hash(h) if encoding == "listpack" => {
            ROBJ + listpack(h.iter().flat_map(|(f, v)| [f, v]))
        }
        Data::Hash(h) => {
            ROBJ + DICT
                + 8 * h.len().next_power_of_two().max(4)
                + h.iter()
                    .map(|(f, v)| DICT_ENTRY + sds(f.len()) + sds(v.len()))
                    .sum::<usize>()
        }
        Data::ZSet(z) if encoding == "listpack" => {
            let scores: Vec<Vec<u8>> = z.iter().map(|(_, s)| score_text(s)).collect();
            let entries = z
                .iter()
                .zip(&scores)
                .flat_map(|((m, _), s)| [m, s.as_slice()]);
            ROBJ + listpack(entries)
        }
        Data::ZSet(z) => {
            ROBJ + ZSET
                + DICT
                + 8 * z.len().next_power_of_two().max(4)
                + z.iter()
                    .map(|(m, _)| DICT_ENTRY + sds(m.len()) + ZSKIPLIST_NODE + 16)
                    .sum::<usize>()
        }
        // The stream struct and its radix tree, then each node's listpack
        // at its allocation size (consumer groups are not counted).
        Data::Stream(st) => {
            ROBJ + size_class(STREAM)
                + st.rax_nodes() * RAX_NODE
                + st.listpacks()
                    .map(|(_, lp)| size_class(lp.len()))
                    .sum::<usize>()
        }
    }
}

/// `sizeof(stream)` plus its `rax` header, 64-bit.
const STREAM: usize = 96;

/// One radix-tree node holding a 16-byte stream ID key and its child pointer.
const RAX_NODE: usize = 40;

/// `MEMORY USAGE`'s estimate for one key: its entry, its name, its value.
pub fn key_usage(limits: &Limits, key: &[u8], d: &Data, raw: bool) -> usize {
    DICT_ENTRY_KEY + sds(key.len()) + value_size(limits, d, raw)
}

/// `MEMORY USAGE key [SAMPLES count]`: nil for a missing key. SAMPLES is
/// checked as Redis checks it, though every element is counted.
pub fn usage(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let mut j = 3;
    while j < args.len() {
        if args[j].eq_ignore_ascii_case(b"samples") && j + 1 < args.len() {
            match super::int_arg(&args[j + 1]) {
                Ok(n) if n < 0 => return super::syntax_error(),
                Ok(_) => {}
                Err(e) => return e,
            }
            j += 2;
        } else {
            return super::syntax_error();
        }
    }
    let limits = Limits::of(node.config());
    let key = &args[2];
    let ks = node.keyspace_mut();
    let raw = ks.is_raw(key);
    match ks.get(now, key) {
        None => Value::Null,
        Some(d) => Value::Integer(key_usage(&limits, key, d, raw) as i64),
    }
}

/// `MEMORY HELP` (object.c, 7.0.15).
pub fn help(_: &mut Call) -> Value {
    const HELP: &[&str] = &[
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Prints this help.",
    ];
    Value::Array(HELP.iter().map(|l| Value::Simple((*l).into())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// jemalloc's classes as Redis's `zmalloc_size` reports them.
    #[test]
    fn size_classes_are_jemallocs() {
        let got: Vec<usize> = [1, 8, 9, 23, 40, 128, 129, 161, 257, 700]
            .iter()
            .map(|&n| size_class(n))
            .collect();
        assert_eq!(got, vec![8, 8, 16, 32, 48, 128, 160, 192, 320, 768]);
    }
}
