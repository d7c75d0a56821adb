//! The sparse encoding (`hllSparseSet`): opcodes that cover runs of registers, in order:
//!
//! - ZERO `00xxxxxx`: 1 to 64 registers at 0;
//! - XZERO `01xxxxxx xxxxxxxx`: 1 to 16384 registers at 0;
//! - VAL `1vvvvvxx`: 1 to 4 registers at value 1 to 32.
//!
//! Updates are made in place as Redis makes them (split the opcode that
//! covers the register, then merge neighbouring VALs), so the bytes are
//! Redis's for the same sequence of additions.

use super::{byte_at, dense, invalidate_cache, to_dense, Corrupt, HDR};

/// `HLL_SPARSE_XZERO_MAX_LEN`.
pub const XZERO_MAX_LEN: usize = 16384;
/// `HLL_SPARSE_ZERO_MAX_LEN`.
const ZERO_MAX_LEN: usize = 64;
/// `HLL_SPARSE_VAL_MAX_VALUE`: a register above it needs the dense encoding.
const VAL_MAX_VALUE: u8 = 32;
/// `HLL_SPARSE_VAL_MAX_LEN`.
const VAL_MAX_LEN: usize = 4;

/// `HLL_SPARSE_XZERO_SET`.
pub fn xzero(len: usize) -> [u8; 2] {
    let l = len - 1;
    [((l >> 8) as u8) | 0x40, l as u8]
}

/// `HLL_SPARSE_ZERO_SET`.
fn zero(len: usize) -> u8 {
    (len - 1) as u8
}

/// `HLL_SPARSE_VAL_SET`.
fn val(value: u8, len: usize) -> u8 {
    ((value.wrapping_sub(1) << 2) | (len - 1) as u8) | 0x80
}

/// One opcode at `p`: what it is, how many registers it covers and how
/// many bytes it takes (an XZERO's second byte past the end reads 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Zero,
    XZero,
    Val(u8),
}

fn opcode(ops: &[u8], p: usize) -> (Kind, usize, usize) {
    let b = ops[p];
    match b & 0xc0 {
        0x00 => (Kind::Zero, (b & 0x3f) as usize + 1, 1),
        0x40 => {
            let len = ((((b & 0x3f) as usize) << 8) | byte_at(ops, p + 1) as usize) + 1;
            (Kind::XZero, len, 2)
        }
        _ => (Kind::Val(((b >> 2) & 0x1f) + 1), (b & 0x3) as usize + 1, 1),
    }
}

/// A run of registers, ZERO and XZERO alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `n` registers at 0.
    Zero(usize),
    /// `n` registers at `value`.
    Val(u8, usize),
}

/// The runs of the opcodes `ops` (the bytes after the header).
pub fn ops(ops: &[u8]) -> impl Iterator<Item = Op> + '_ {
    let mut p = 0;
    std::iter::from_fn(move || {
        if p >= ops.len() {
            return None;
        }
        let (kind, run, oplen) = opcode(ops, p);
        p += oplen;
        Some(match kind {
            Kind::Zero | Kind::XZero => Op::Zero(run),
            Kind::Val(v) => Op::Val(v, run),
        })
    })
}

/// `PFDEBUG DECODE`'s text.
pub fn describe(bytes: &[u8]) -> String {
    let mut out = Vec::new();
    let mut p = 0;
    while p < bytes.len() {
        let (kind, run, oplen) = opcode(bytes, p);
        out.push(match kind {
            Kind::Zero => format!("z:{run}"),
            Kind::XZero => format!("Z:{run}"),
            Kind::Val(v) => format!("v:{v},{run}"),
        });
        p += oplen;
    }
    out.join(" ")
}

/// `hllSparseSet`: raises register `index` to `count` in the sparse value
/// `v`, promoting it to dense when `count` exceeds 32 or the value would
/// grow past `max_bytes` (`hll-sparse-max-bytes`). `Ok(true)` if the
/// register changed; `Corrupt` if no opcode covers it or the promotion
/// finds the opcodes wrong.
pub fn raise(v: &mut Vec<u8>, index: usize, count: u8, max_bytes: u64) -> Result<bool, Corrupt> {
    if count > VAL_MAX_VALUE {
        return promote(v, index, count);
    }
    // Step 1: the opcode covering `index`, the one before it, and the
    // first register it covers.
    let mut end = v.len();
    let mut p = HDR;
    let mut first = 0usize;
    let mut prev = None;
    let mut found = None;
    while p < end {
        let (kind, span, oplen) = opcode(v, p);
        if index < first + span {
            found = Some((kind, span, oplen));
            break;
        }
        prev = Some(p);
        p += oplen;
        first += span;
    }
    let Some((kind, span, oplen)) = found else {
        return Err(Corrupt);
    };
    let next = p + oplen;
    // Step 2: the cases solved in place…
    let in_place = match kind {
        Kind::Val(old) if old >= count => return Ok(false),
        Kind::Val(_) | Kind::Zero => span == 1,
        Kind::XZero => false,
    };
    if in_place {
        v[p] = val(count, 1);
    } else {
        // … and the general one: the opcode is split around `index`.
        let last = first + span - 1;
        let mut seq: Vec<u8> = Vec::with_capacity(5);
        let zeros = |seq: &mut Vec<u8>, len: usize| {
            if len > ZERO_MAX_LEN {
                seq.extend_from_slice(&xzero(len));
            } else {
                seq.push(zero(len));
            }
        };
        match kind {
            Kind::Val(cur) => {
                if index != first {
                    seq.push(val(cur, index - first));
                }
                seq.push(val(count, 1));
                if index != last {
                    seq.push(val(cur, last - index));
                }
            }
            Kind::Zero | Kind::XZero => {
                if index != first {
                    zeros(&mut seq, index - first);
                }
                seq.push(val(count, 1));
                if index != last {
                    zeros(&mut seq, last - index);
                }
            }
        }
        // Step 3: replace the opcode with the sequence.
        let new_len = (end + seq.len()) as i64 - oplen as i64;
        if seq.len() > oplen && new_len as u64 > max_bytes {
            return promote(v, index, count);
        }
        // An XZERO cut by the end: Redis copies the sequence over the
        // terminator and keeps the length it computed, losing its last byte.
        v.splice(p..next.min(end), seq);
        v.truncate(new_len as usize);
        end = v.len();
    }
    // Step 4: merge VALs with the same value next to each other, scanning
    // up to five opcodes from the one before the change.
    let mut p = prev.unwrap_or(HDR);
    let mut scan = 5;
    while p < end && scan > 0 {
        scan -= 1;
        match opcode(v, p) {
            (Kind::XZero, _, _) => p += 2,
            (Kind::Zero, _, _) => p += 1,
            (Kind::Val(v1), len1, _) => {
                if p + 1 < end {
                    if let (Kind::Val(v2), len2, _) = opcode(v, p + 1) {
                        if v1 == v2 && len1 + len2 <= VAL_MAX_LEN {
                            v[p + 1] = val(v1, len1 + len2);
                            v.remove(p);
                            end -= 1;
                            continue;
                        }
                    }
                }
                p += 1;
            }
        }
    }
    invalidate_cache(v);
    Ok(true)
}

/// The `promote:` path: convert to dense, then set the register there.
fn promote(v: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    to_dense(v)?;
    Ok(dense::raise(&mut v[HDR..], index, count))
}
