//! The element hash (`hyperloglog.c MurmurHash64A`, `hllPatLen`): Redis's
//! endian-neutral MurmurHash2 64-bit with seed `0xadc83b19`, whose low 14
//! bits pick a register and whose remaining bits give the run of zeroes.

use super::{P, Q};

/// The seed `hllPatLen` hashes every element with.
const SEED: u64 = 0xadc8_3b19;

/// `MurmurHash64A(key, len, seed)`: 8-byte words read little-endian
/// whatever the machine, the tail mixed in byte by byte.
pub fn murmur64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    // `seed ^ (len * m)`: `len` is a C int, widened to 64 bits.
    let mut h = seed ^ (key.len() as i32 as i64 as u64).wrapping_mul(M);
    let mut words = key.chunks_exact(8);
    for w in &mut words {
        let mut k = u64::from_le_bytes(w.try_into().expect("8 bytes"));
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= (b as u64) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// `hllPatLen`: the register `ele` updates and the length of the
/// `000…1` pattern after the index bits (1 to `Q + 1`).
pub fn pattern(ele: &[u8]) -> (usize, u8) {
    let hash = murmur64a(ele, SEED);
    let index = (hash & ((1 << P) - 1)) as usize;
    // The sentinel bit at Q makes the run end at Q + 1 at most.
    let rest = (hash >> P) | (1u64 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every tail length (0 to 7 bytes after whole words) goes through
    /// its own branch of the `switch(len & 7)`; the values are the C
    /// function's (`hyperloglog.c MurmurHash64A`, seed 0xadc83b19).
    #[test]
    fn murmur_matches_redis() {
        let vectors: &[(&[u8], u64)] = &[
            (b"", 0xd8dfea6585bc9732),
            (b"a", 0x53d2470a9b43b1a7),
            (b"ab", 0x0eaed676437142cf),
            (b"abc", 0x77ec90aeb374e502),
            (b"abcd", 0xb079ee3d44202b3e),
            (b"abcde", 0x52a7daa2324a0e8e),
            (b"abcdef", 0x3a4f3a74f538b54f),
            (b"abcdefg", 0x22fe613bb08c9602),
            (b"abcdefgh", 0xf3a65df559914567),
            (b"abcdefghi", 0x834fba4d9152daf7),
            (b"hello world, this is redis", 0x13ea3d21686b0718),
        ];
        for (key, hash) in vectors {
            assert_eq!(murmur64a(key, SEED), *hash, "{key:?}");
        }
    }

    /// `hllPatLen`: the low 14 bits index, the run counts the final 1.
    #[test]
    fn pattern_splits_the_hash() {
        // 0x...9732 & 0x3fff = 0x1732; the bits above have 1 trailing zero
        // (0xd8dfea6585bc9732 >> 14 ends in ...10).
        let h = 0xd8dfea6585bc9732u64;
        assert_eq!(
            pattern(b""),
            (
                (h & 0x3fff) as usize,
                ((h >> 14).trailing_zeros() + 1) as u8
            )
        );
    }
}
