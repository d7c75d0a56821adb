//! The encodings against each other and against `hyperloglog.c`'s rules
//! (byte-for-byte comparisons with redis-server are in
//! `core/tests/native/hyperloglog.rs`).

use super::*;
use proptest::prelude::*;

fn elements(n: usize, salt: &str) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("{salt}:{i}").into_bytes()).collect()
}

/// `createHLLObject`: header, then XZERO(16384) = `0x7f 0xff`.
#[test]
fn new_value_is_one_xzero() {
    let v = new_sparse();
    assert_eq!(&v[..5], b"HYLL\x01");
    assert_eq!(&v[5..HDR], &[0; 11]);
    assert_eq!(&v[HDR..], &[0x7f, 0xff]);
    assert_eq!(decode_sparse(&v), "Z:16384");
    assert_eq!(count(&v), Ok(0));
    assert_eq!(cached_count(&v), Some(0));
}

/// Sparse updates (splits, merges) and the dense encoding give the same
/// registers for the same additions, and the same estimate.
#[test]
fn sparse_and_dense_agree() {
    let mut sparse = new_sparse();
    let mut dense = new_sparse();
    to_dense(&mut dense).unwrap();
    for (i, e) in elements(1500, "agree").iter().enumerate() {
        let a = add(&mut sparse, e, u64::MAX).unwrap();
        let b = add(&mut dense, e, u64::MAX).unwrap();
        assert_eq!(a, b, "element {i}");
        if i % 100 == 0 {
            assert_eq!(count(&sparse), count(&dense), "after {i}");
        }
    }
    assert_eq!(encoding_of(&sparse), Some(Encoding::Sparse));
    let mut converted = sparse.clone();
    assert_eq!(to_dense(&mut converted), Ok(true));
    assert_eq!(dense_registers(&converted), dense_registers(&dense));
    assert_eq!(to_dense(&mut converted), Ok(false));
}

/// Opcodes stay canonical: no two adjacent VALs with the same value
/// whose lengths fit one VAL after a split, and every register covered once.
#[test]
fn sparse_opcodes_cover_every_register() {
    let mut v = new_sparse();
    for e in elements(800, "cover") {
        add(&mut v, &e, u64::MAX).unwrap();
        assert!(walk_sparse(&v, |_, _| {}).is_ok());
    }
}

/// `hll-sparse-max-bytes`: a split that would grow the value past it
/// promotes to dense; a register above 32 promotes whatever the size.
#[test]
fn promotion_to_dense() {
    let mut v = new_sparse();
    let mut promoted_at = None;
    for (i, e) in elements(400, "promote").iter().enumerate() {
        add(&mut v, e, 300).unwrap();
        if encoding_of(&v) == Some(Encoding::Dense) {
            promoted_at = Some(i);
            break;
        }
        assert!(v.len() <= 300);
    }
    assert!(promoted_at.is_some());
    assert_eq!(v.len(), DENSE_SIZE);

    let mut v = new_sparse();
    assert_eq!(set_register(&mut v, 5, 33, u64::MAX), Ok(true));
    assert_eq!(encoding_of(&v), Some(Encoding::Dense));
    assert_eq!(dense_registers(&v)[5], 33);
}

/// The cached cardinality: little-endian, top bit = invalid; a change to
/// a sparse register invalidates it, an unchanged register does not.
#[test]
fn cache_bit() {
    let mut v = new_sparse();
    store_count(&mut v, 0x0102);
    assert_eq!(&v[8..16], &[2, 1, 0, 0, 0, 0, 0, 0]);
    assert_eq!(cached_count(&v), Some(0x0102));
    assert_eq!(set_register(&mut v, 10, 3, u64::MAX), Ok(true));
    assert_eq!(cached_count(&v), None);
    store_count(&mut v, 7);
    assert_eq!(set_register(&mut v, 10, 2, u64::MAX), Ok(false));
    assert_eq!(cached_count(&v), Some(7));
}

/// `PFMERGE`'s max of registers, sparse and dense sources alike.
#[test]
fn merge_takes_the_max() {
    let mut a = new_sparse();
    set_register(&mut a, 0, 3, u64::MAX).unwrap();
    set_register(&mut a, 16383, 1, u64::MAX).unwrap();
    let mut b = new_sparse();
    to_dense(&mut b).unwrap();
    set_register(&mut b, 0, 2, u64::MAX).unwrap();
    set_register(&mut b, 7, 40, u64::MAX).unwrap();
    let mut max = [0u8; REGISTERS];
    merge_into(&mut max, &a).unwrap();
    merge_into(&mut max, &b).unwrap();
    assert_eq!((max[0], max[7], max[16383], max[1]), (3, 40, 1, 0));
}

/// Opcodes that cover too few or too many registers are `Corrupt` for
/// every reader (with CVE-2025-32023's fix, a run past register 16384 is
/// refused whatever its kind).
#[test]
fn wrong_coverage_is_corrupt() {
    let mut short = new_sparse();
    short.truncate(HDR);
    short.extend_from_slice(&xzero_bytes(100));
    let mut long = new_sparse();
    long.push(0x80);
    let mut zeros = new_sparse();
    zeros.push(0x00);
    for v in [&short, &long, &zeros] {
        assert_eq!(count(v), Err(Corrupt));
        assert_eq!(merge_into(&mut [0; REGISTERS], v), Err(Corrupt));
        assert_eq!(to_dense(&mut v.clone()), Err(Corrupt));
    }
    // A register beyond the opcodes: no opcode covers it.
    assert_eq!(
        set_register(&mut short.clone(), 200, 1, u64::MAX),
        Err(Corrupt)
    );
    // Within the 100 covered ones the update works, as in Redis.
    assert_eq!(set_register(&mut short.clone(), 50, 1, u64::MAX), Ok(true));
}

fn xzero_bytes(n: usize) -> [u8; 2] {
    sparse::xzero(n)
}

/// An XZERO cut by the end of the string reads its second byte as the
/// terminator's 0 (one register) everywhere.
#[test]
fn truncated_xzero() {
    let mut v = new_sparse();
    v.truncate(HDR);
    v.push(0x7f);
    assert_eq!(decode_sparse(&v), "Z:16129");
    assert_eq!(count(&v), Err(Corrupt));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any bytes after a sparse header: every operation returns (no
    /// panic), and a value that stays sparse never exceeds the limit by
    /// more than a split's growth.
    #[test]
    fn arbitrary_sparse_bytes_never_panic(
        body in proptest::collection::vec(any::<u8>(), 0..64),
        regs in proptest::collection::vec((0usize..REGISTERS, 1u8..64), 0..20),
        cache in any::<u64>(),
    ) {
        let mut v = new_sparse();
        v.truncate(HDR);
        store_count(&mut v, cache);
        v.extend_from_slice(&body);
        let _ = count(&v);
        let _ = merge_into(&mut [0; REGISTERS], &v);
        let _ = decode_sparse(&v);
        let _ = cached_count(&v);
        for (i, c) in regs {
            let _ = set_register(&mut v, i, c, 3000);
            prop_assert!(encoding_of(&v).is_some());
        }
        let _ = to_dense(&mut v);
        let _ = count(&v);
    }

    /// Dense registers with any bytes: counts and merges do not panic.
    #[test]
    fn arbitrary_dense_bytes_never_panic(fill in any::<u8>(), seed in any::<u64>()) {
        let mut v = new_sparse();
        to_dense(&mut v).unwrap();
        for (i, b) in v[HDR..].iter_mut().enumerate() {
            *b = fill ^ (seed.rotate_left(i as u32 % 64) as u8);
        }
        let _ = count(&v);
        let _ = merge_into(&mut [0; REGISTERS], &v);
        let _ = add(&mut v, b"x", 3000);
    }
}

/// `PFSELFTEST`'s two tests, with fewer rounds than the command runs.
#[test]
fn selftest_passes() {
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    assert_eq!(selftest::run(&mut rng, 3, 100_000, 3000), Ok(()));
}
