//! HyperLogLog values as Redis 7.0 stores them (`hyperloglog.c`): a string
//! holding the 16-byte header (`"HYLL"`, the encoding, three unused bytes,
//! the cached cardinality little-endian with its top bit as "invalid")
//! followed by 16384 six-bit registers, either sparse (ZERO, XZERO and VAL
//! opcodes) or dense (12288 bytes). Every function here works on the
//! string's bytes, so GET, DUMP and MIGRATE see exactly Redis's bytes.
//!
//! Redis reads the byte after the string's end as the sds terminator (0)
//! when an opcode or register is cut short; [`byte_at`] does the same.

mod dense;
mod estimate;
pub mod hash;
pub mod selftest;
mod sparse;

/// `HLL_P`: 2^14 registers.
pub const P: u32 = 14;
/// `HLL_Q`: the hash bits left for the run of zeroes.
pub const Q: u32 = 64 - P;
/// `HLL_REGISTERS`.
pub const REGISTERS: usize = 1 << P;
/// `HLL_REGISTER_MAX`: six bits.
pub const REGISTER_MAX: u8 = 63;
/// `HLL_HDR_SIZE`.
pub const HDR: usize = 16;
/// `HLL_DENSE_SIZE`: the header and 16384 × 6 bits.
pub const DENSE_SIZE: usize = HDR + (REGISTERS * 6).div_ceil(8);
/// `hdr->encoding` of a dense value.
const DENSE: u8 = 0;
/// `hdr->encoding` of a sparse value.
const SPARSE: u8 = 1;

/// The two encodings a stored HyperLogLog has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// 16384 packed six-bit registers.
    Dense,
    /// Run-length opcodes (until `hll-sparse-max-bytes` or a register above 32).
    Sparse,
}

impl Encoding {
    /// `PFDEBUG ENCODING`'s word.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Dense => "dense",
            Encoding::Sparse => "sparse",
        }
    }
}

/// The registers do not decode to exactly 16384 (`-INVALIDOBJ`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Corrupt;

/// `isHLLObjectOrReply`'s checks on a string: long enough for the header,
/// the `HYLL` magic, a known encoding, and a dense value of exactly
/// [`DENSE_SIZE`] bytes. `None`: "not a valid HyperLogLog string value".
pub fn encoding_of(v: &[u8]) -> Option<Encoding> {
    if v.len() < HDR || &v[..4] != b"HYLL" {
        return None;
    }
    match v[4] {
        DENSE if v.len() == DENSE_SIZE => Some(Encoding::Dense),
        SPARSE => Some(Encoding::Sparse),
        _ => None,
    }
}

/// `createHLLObject`: a sparse value whose XZERO opcodes cover every
/// register (one, for 16384), cached cardinality 0.
pub fn new_sparse() -> Vec<u8> {
    let mut v = Vec::with_capacity(HDR + 2);
    v.extend_from_slice(b"HYLL");
    v.push(SPARSE);
    v.extend_from_slice(&[0; 11]);
    let mut left = REGISTERS;
    while left > 0 {
        let run = left.min(sparse::XZERO_MAX_LEN);
        v.extend_from_slice(&sparse::xzero(run));
        left -= run;
    }
    v
}

/// A byte of `v`, or the sds terminator's 0 past its end.
fn byte_at(v: &[u8], i: usize) -> u8 {
    v.get(i).copied().unwrap_or(0)
}

/// `HLL_INVALIDATE_CACHE`: sets the cached cardinality's top bit.
pub fn invalidate_cache(v: &mut [u8]) {
    v[HDR - 1] |= 0x80;
}

/// The cached cardinality, if its "invalid" bit is clear (`HLL_VALID_CACHE`).
pub fn cached_count(v: &[u8]) -> Option<u64> {
    let card = u64::from_le_bytes(v[8..HDR].try_into().expect("8 bytes"));
    (v[HDR - 1] & 0x80 == 0).then_some(card)
}

/// Writes `card` as the cached cardinality (little-endian, all 64 bits:
/// a value with the top bit set reads back as invalid, as in Redis).
pub fn store_count(v: &mut [u8], card: u64) {
    v[8..HDR].copy_from_slice(&card.to_le_bytes());
}

/// `hllAdd`: hashes `ele` and raises its register; `Ok(true)` if the
/// register grew. A sparse value may turn dense (`max_sparse` is
/// `hll-sparse-max-bytes`).
pub fn add(v: &mut Vec<u8>, ele: &[u8], max_sparse: u64) -> Result<bool, Corrupt> {
    let (index, count) = hash::pattern(ele);
    set_register(v, index, count, max_sparse)
}

/// `hllDenseSet` or `hllSparseSet`: raises register `index` to `count`
/// if it is lower; `Ok(true)` if it changed.
pub fn set_register(
    v: &mut Vec<u8>,
    index: usize,
    count: u8,
    max_sparse: u64,
) -> Result<bool, Corrupt> {
    match v[4] {
        DENSE => Ok(dense::raise(&mut v[HDR..], index, count)),
        _ => sparse::raise(v, index, count, max_sparse),
    }
}

/// Walks a sparse value's runs, calling `f` with each run's first
/// register. As `hllSparseToDense`, `hllMerge` and `hllSparseRegHisto` do
/// with the CVE-2025-32023 fix (in the 7.0.15 packages and every
/// maintained Redis): a run that would pass register 16384 stops the walk
/// as corrupt, as do runs that end short of it.
fn walk_sparse(v: &[u8], mut f: impl FnMut(usize, sparse::Op)) -> Result<(), Corrupt> {
    let mut idx = 0usize;
    for op in sparse::ops(&v[HDR..]) {
        let run = match op {
            sparse::Op::Zero(run) | sparse::Op::Val(_, run) => run,
        };
        if idx + run > REGISTERS {
            return Err(Corrupt);
        }
        f(idx, op);
        idx += run;
    }
    if idx != REGISTERS {
        return Err(Corrupt);
    }
    Ok(())
}

/// `hllSparseToDense`: `Ok(true)` if a sparse value was converted (the
/// header, cached cardinality included, is kept), `Ok(false)` if it was
/// dense already; a corrupt one is left as it was.
pub fn to_dense(v: &mut Vec<u8>) -> Result<bool, Corrupt> {
    if v[4] == DENSE {
        return Ok(false);
    }
    let mut dense = vec![0u8; DENSE_SIZE];
    dense[..HDR].copy_from_slice(&v[..HDR]);
    dense[4] = DENSE;
    walk_sparse(v, |first, op| {
        if let sparse::Op::Val(value, run) = op {
            for i in first..first + run {
                dense::set(&mut dense[HDR..], i, value);
            }
        }
    })?;
    *v = dense;
    Ok(true)
}

/// `hllMerge`: `max[i] = max(max[i], register i)` over a value already
/// checked by [`encoding_of`].
pub fn merge_into(max: &mut [u8; REGISTERS], v: &[u8]) -> Result<(), Corrupt> {
    if v[4] == DENSE {
        for (i, m) in max.iter_mut().enumerate() {
            *m = (*m).max(dense::get(&v[HDR..], i));
        }
        return Ok(());
    }
    walk_sparse(v, |first, op| {
        if let sparse::Op::Val(value, run) = op {
            for m in &mut max[first..first + run] {
                *m = (*m).max(value);
            }
        }
    })
}

/// `hllCount` on a stored value: the estimate, or `Corrupt` when sparse
/// opcodes do not cover exactly 16384 registers.
pub fn count(v: &[u8]) -> Result<u64, Corrupt> {
    let mut histogram = [0i64; 64];
    if v[4] == DENSE {
        dense::histogram(&v[HDR..], &mut histogram);
    } else {
        walk_sparse(v, |_, op| match op {
            sparse::Op::Zero(run) => histogram[0] += run as i64,
            sparse::Op::Val(value, run) => histogram[value as usize] += run as i64,
        })?;
    }
    Ok(estimate::cardinality(&histogram))
}

/// `hllCount` with `HLL_RAW`: the estimate for one byte per register
/// (PFCOUNT's union of several keys).
pub fn count_registers(registers: &[u8; REGISTERS]) -> u64 {
    let mut histogram = [0i64; 64];
    for &r in registers {
        histogram[r as usize & 63] += 1;
    }
    estimate::cardinality(&histogram)
}

/// Every register of a dense value (`PFDEBUG GETREG`).
pub fn dense_registers(v: &[u8]) -> Vec<u8> {
    (0..REGISTERS).map(|i| dense::get(&v[HDR..], i)).collect()
}

/// `PFDEBUG DECODE`: the sparse opcodes as `z:len`, `Z:len`, `v:value,len`.
pub fn decode_sparse(v: &[u8]) -> String {
    sparse::describe(&v[HDR..])
}

#[cfg(test)]
mod tests;
