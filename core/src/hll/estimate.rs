//! The cardinality estimate from the register histogram (`hllCount`):
//! Otmar Ertl's improved estimator ("New cardinality estimation algorithms
//! for HyperLogLog sketches", arXiv:1702.01284), which Redis uses since 5.0.

use super::{Q, REGISTERS};

/// `HLL_ALPHA_INF`: 0.5 / ln 2.
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

/// `hllSigma`.
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let z_prime = z;
        z += x * y;
        y += y;
        if z_prime == z {
            return z;
        }
    }
}

/// `hllTau`.
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let z_prime = z;
        y *= 0.5;
        z -= (1.0 - x) * (1.0 - x) * y;
        if z_prime == z {
            return z / 3.0;
        }
    }
}

/// `hllCount`'s estimate from `histogram[v]` = registers holding `v`.
pub fn cardinality(histogram: &[i64; 64]) -> u64 {
    let m = REGISTERS as f64;
    let q = Q as usize;
    let mut z = m * tau((m - histogram[q + 1] as f64) / m);
    for j in (1..=q).rev() {
        z += histogram[j] as f64;
        z *= 0.5;
    }
    z += m * sigma(histogram[0] as f64 / m);
    round_as_redis(ALPHA_INF * m * m / z)
}

/// `(uint64_t)(double) llroundl(e)` on x86-64: halves away from zero; a
/// value `llroundl` cannot represent (infinite when every register is 63,
/// NaN) gives `LLONG_MIN`, which the cast keeps as 2^63.
fn round_as_redis(e: f64) -> u64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let r = e.round();
    if r.is_nan() || !(-LIMIT..LIMIT).contains(&r) {
        return i64::MIN as u64;
    }
    r as i64 as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty sketch estimates 0 (sigma(1) is infinite); one register
    /// at 1 estimates 1, as PFADD of one element then PFCOUNT answers.
    #[test]
    fn small_histograms() {
        let mut h = [0i64; 64];
        h[0] = REGISTERS as i64;
        assert_eq!(cardinality(&h), 0);
        h[0] -= 1;
        h[1] = 1;
        assert_eq!(cardinality(&h), 1);
    }

    /// Every register at 63 (a crafted dense value) divides by zero:
    /// `llroundl(inf)` is `LLONG_MIN` on x86-64.
    #[test]
    fn saturated_registers() {
        let mut h = [0i64; 64];
        h[63] = REGISTERS as i64;
        assert_eq!(cardinality(&h), 1 << 63);
    }
}
