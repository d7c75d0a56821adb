//! `lzf_compress` as Redis 7.0 builds it (`lzf_c.c` with `lzfP.h`: 16-bit
//! hash table, `VERY_FAST`, references never to the input's first byte),
//! so strings over 20 bytes get the same LZF bytes in DUMP, MIGRATE and
//! the RDB file as from redis-server (`rdbSaveLzfStringObject`).
//!
//! Formats: `000LLLLL` + L+1 literal bytes; `LLLooooo oooooooo` a back
//! reference of L+2 bytes (L < 7) at distance o+1; `111ooooo LLLLLLLL
//! oooooooo` one of L+9 bytes.
//!
//! Redis leaves its hash table uninitialised (`INIT_HTAB 0`); here it
//! starts empty for each string, which is what a fresh table gives (stale
//! slots only matter when they happen to point into the new input).

use std::cell::RefCell;

/// `HLOG`: hash table of 2^16 slots.
const HLOG: u32 = 16;
const HSIZE: usize = 1 << HLOG;
/// `MAX_LIT`: longest literal run.
const MAX_LIT: usize = 1 << 5;
/// `MAX_OFF`: farthest back reference.
const MAX_OFF: usize = 1 << 13;
/// `MAX_REF`: longest back reference.
const MAX_REF: usize = (1 << 8) + (1 << 3);

/// The hash table, reused between calls: a slot holds `(generation << 32)
/// | position`, and only this call's generation counts as set, so no call
/// clears 2^16 slots for a 21-byte string.
struct Table {
    slots: Vec<u64>,
    generation: u64,
}

impl Table {
    fn begin(&mut self) {
        self.generation += 1;
        if self.generation > u32::MAX as u64 {
            self.slots.fill(0);
            self.generation = 1;
        }
    }

    fn swap(&mut self, slot: usize, pos: usize) -> Option<usize> {
        let old = self.slots[slot];
        self.slots[slot] = (self.generation << 32) | pos as u64;
        (old >> 32 == self.generation).then_some((old & 0xffff_ffff) as usize)
    }

    fn set(&mut self, slot: usize, pos: usize) {
        self.slots[slot] = (self.generation << 32) | pos as u64;
    }
}

thread_local! {
    static TABLE: RefCell<Table> = RefCell::new(Table { slots: vec![0; HSIZE], generation: 0 });
}

/// `FRST`.
fn first(input: &[u8], p: usize) -> u32 {
    ((input[p] as u32) << 8) | input[p + 1] as u32
}

/// `NEXT`.
fn next(v: u32, input: &[u8], p: usize) -> u32 {
    (v << 8) | input[p + 2] as u32
}

/// `IDX` (the `VERY_FAST` variant), in 32-bit unsigned arithmetic.
fn idx(h: u32) -> usize {
    ((h >> (3 * 8 - HLOG)).wrapping_sub(h.wrapping_mul(5)) & (HSIZE as u32 - 1)) as usize
}

/// `lzf_compress(input, out_len)`: the compressed bytes, or `None` when
/// they would not fit in `out_len` bytes (Redis then stores the string
/// as is). Inputs of up to 4 GiB (strings are at most 512 MB).
pub fn compress(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
    if input.len() < 3 || out_len == 0 || input.len() > u32::MAX as usize {
        // (Redis compresses only strings over 20 bytes.)
        return None;
    }
    TABLE.with(|t| {
        let mut table = t.borrow_mut();
        table.begin();
        compress_with(&mut table, input, out_len)
    })
}

fn compress_with(table: &mut Table, input: &[u8], out_end: usize) -> Option<Vec<u8>> {
    let in_len = input.len();
    let mut out = vec![0u8; out_end + 4];
    let mut ip = 0usize;
    let mut lit = 0usize;
    let mut op = 1usize; // start run
    let mut hval = first(input, ip);
    while ip + 2 < in_len {
        hval = next(hval, input, ip);
        let found = table.swap(idx(hval), ip);
        let reference = found.filter(|&r| {
            r < ip
                && ip - r - 1 < MAX_OFF
                && r > 0
                && input[r + 2] == input[ip + 2]
                && input[r] == input[ip]
                && input[r + 1] == input[ip + 1]
        });
        let Some(r) = reference else {
            // One more literal byte.
            if op >= out_end {
                return None;
            }
            lit += 1;
            out[op] = input[ip];
            op += 1;
            ip += 1;
            if lit == MAX_LIT {
                out[op - lit - 1] = (lit - 1) as u8; // stop run
                lit = 0;
                op += 1; // start run
            }
            continue;
        };
        let off = ip - r - 1;
        let mut len = 2usize;
        let maxlen = (in_len - ip - len).min(MAX_REF);
        if op + 3 + 1 >= out_end && op - usize::from(lit == 0) + 3 + 1 >= out_end {
            return None;
        }
        out[op - lit - 1] = (lit as u8).wrapping_sub(1); // stop run
        op -= usize::from(lit == 0); // undo run if length is zero
        'extend: {
            if maxlen > 16 {
                for _ in 0..16 {
                    len += 1;
                    if input[r + len] != input[ip + len] {
                        break 'extend;
                    }
                }
            }
            loop {
                len += 1;
                if !(len < maxlen && input[r + len] == input[ip + len]) {
                    break;
                }
            }
        }
        len -= 2; // now the number of bytes - 1
        ip += 1;
        if len < 7 {
            out[op] = ((off >> 8) + (len << 5)) as u8;
            op += 1;
        } else {
            out[op] = ((off >> 8) + (7 << 5)) as u8;
            out[op + 1] = (len - 7) as u8;
            op += 2;
        }
        out[op] = off as u8;
        op += 2; // the offset's low byte, then start a run
        lit = 0;
        ip += len + 1;
        if ip + 2 >= in_len {
            break;
        }
        // VERY_FAST: hash the last two positions of the match.
        ip -= 2;
        hval = first(input, ip);
        for _ in 0..2 {
            hval = next(hval, input, ip);
            table.set(idx(hval), ip);
            ip += 1;
        }
    }
    if op + 3 > out_end {
        return None;
    }
    while ip < in_len {
        lit += 1;
        out[op] = input[ip];
        op += 1;
        ip += 1;
        if lit == MAX_LIT {
            out[op - lit - 1] = (lit - 1) as u8;
            lit = 0;
            op += 1;
        }
    }
    out[op - lit - 1] = (lit as u8).wrapping_sub(1); // end run
    op -= usize::from(lit == 0);
    out.truncate(op);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::compact::lzf_decompress;
    use proptest::prelude::*;

    /// 30 × 'a': two literals (a reference may not point at byte 0), one
    /// back reference of 26 bytes at distance 1 (a match stops two bytes
    /// short of the end), two literals: the bytes redis-server 7.0.15's
    /// DUMP holds for `SET k aaaa…`.
    #[test]
    fn run_of_one_byte() {
        let c = compress(&[b'a'; 30], 26).unwrap();
        assert_eq!(c, [0x01, b'a', b'a', 0xe0, 0x11, 0x00, 0x01, b'a', b'a']);
        assert_eq!(lzf_decompress(&c, 30).unwrap(), vec![b'a'; 30]);
    }

    /// Incompressible input does not fit `len - 4` bytes.
    #[test]
    fn incompressible() {
        let input: Vec<u8> = (0..64u8).collect();
        assert_eq!(compress(&input, 60), None);
    }

    proptest! {
        /// Whatever the input, what is compressed decompresses back.
        #[test]
        fn round_trip(input in proptest::collection::vec(0u8..4, 3..2000)) {
            if let Some(c) = compress(&input, input.len() - 1) {
                prop_assert!(c.len() < input.len());
                prop_assert_eq!(lzf_decompress(&c, input.len()).unwrap(), input);
            }
        }
    }
}
