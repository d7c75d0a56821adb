//! `PFSELFTEST` (`pfselftestCommand`): the register accessors keep what
//! was set without touching neighbours, and the dense and sparse encodings
//! agree on estimates whose error stays within six standard errors.

use super::{add, count, dense, encoding_of, new_sparse, Encoding, DENSE_SIZE, HDR, REGISTERS};
use rand::Rng;

/// `HLL_TEST_CYCLES`: rounds of random register writes.
pub const CYCLES: usize = 1000;
/// Elements added in the estimate test (checked at each power of ten).
pub const ELEMENTS: u64 = 10_000_000;

/// Runs both tests with `cycles` rounds and `elements` additions; `Err`
/// is the `TESTFAILED …` text Redis replies with.
pub fn run(
    rng: &mut impl Rng,
    cycles: usize,
    elements: u64,
    max_sparse: u64,
) -> Result<(), String> {
    let mut bits = vec![0u8; DENSE_SIZE];
    let mut bytes = vec![0u8; REGISTERS];
    for _ in 0..cycles {
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = rng.random::<u8>() & 63;
            dense::set(&mut bits[HDR..], i, *b);
        }
        for (i, &b) in bytes.iter().enumerate() {
            let got = dense::get(&bits[HDR..], i);
            if got != b {
                return Err(format!(
                    "TESTFAILED Register {i} should be {b} but is {got}"
                ));
            }
        }
    }
    // The dense copy goes through the same header and add path as a
    // stored value, so `count` reads it as PFCOUNT would.
    bits.fill(0);
    bits[..4].copy_from_slice(b"HYLL");
    let mut sparse = new_sparse();
    let relerr = 1.04 / (REGISTERS as f64).sqrt();
    let seed: u64 = rng.random();
    let mut checkpoint = 1u64;
    for j in 1..=elements {
        let ele = (j ^ seed).to_le_bytes();
        // Redis ignores both results; a failed add shows as a disagreement.
        let _ = add(&mut bits, &ele, max_sparse);
        let _ = add(&mut sparse, &ele, max_sparse);
        if j != checkpoint {
            continue;
        }
        if j < max_sparse / 2 && encoding_of(&sparse) != Some(Encoding::Sparse) {
            return Err("TESTFAILED sparse encoding not used".into());
        }
        let estimate = count(&bits).unwrap_or(0);
        if count(&sparse) != Ok(estimate) {
            return Err("TESTFAILED dense/sparse disagree".into());
        }
        let abserr = checkpoint.abs_diff(estimate);
        // Redis allows 1 at cardinality 10, where collisions are likely.
        let maxerr = if j == 10 {
            1
        } else {
            (relerr * 6.0 * checkpoint as f64).ceil() as u64
        };
        if abserr > maxerr {
            return Err(format!(
                "TESTFAILED Too big error. card:{checkpoint} abserr:{abserr}"
            ));
        }
        checkpoint *= 10;
    }
    Ok(())
}
