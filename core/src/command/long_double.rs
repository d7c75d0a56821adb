//! Just enough of x87's 80-bit `long double` for INCRBYFLOAT: `strtold`
//! (decimal, correctly rounded to a 64-bit significand), one addition,
//! and `%.17Lf` (exact decimal expansion, rounded to 17 decimals), so the
//! node prints what redis-server prints on x86-64, digit for digit.
//!
//! A finite value is `mant * 2^exp` with `exp >= MIN_EXP` (the subnormal
//! grid); overflow past the largest exponent is infinity.

use std::cmp::Ordering;

/// The smallest exponent of a 64-bit significand (`2^-16445` is the least
/// subnormal).
const MIN_EXP: i64 = -16445;
/// Values reaching `2^16384` overflow.
const MAX_BITS: i64 = 16384;

/// An extended-precision value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LongDouble {
    /// `(-1)^neg * mant * 2^exp`.
    Finite { neg: bool, mant: u64, exp: i64 },
    /// ±infinity.
    Inf(bool),
}

/// A non-negative big integer, 32-bit limbs, least significant first.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_u128(mut v: u128) -> Big {
        let mut limbs = Vec::new();
        while v > 0 {
            limbs.push(v as u32);
            v >>= 32;
        }
        Big(limbs)
    }

    fn trim(mut self) -> Big {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    fn is_zero(&self) -> bool {
        self.0.iter().all(|&l| l == 0)
    }

    fn bits(&self) -> i64 {
        match self.0.iter().rposition(|&l| l != 0) {
            None => 0,
            Some(i) => i as i64 * 32 + (32 - self.0[i].leading_zeros() as i64),
        }
    }

    fn bit(&self, i: i64) -> bool {
        let (limb, off) = ((i / 32) as usize, i % 32);
        i >= 0 && self.0.get(limb).is_some_and(|l| l >> off & 1 == 1)
    }

    /// Whether any bit below `i` is set.
    fn any_below(&self, i: i64) -> bool {
        let full = (i.max(0) / 32) as usize;
        self.0.iter().take(full).any(|&l| l != 0)
            || (i % 32 != 0
                && self
                    .0
                    .get(full)
                    .is_some_and(|l| l & ((1 << (i % 32)) - 1) != 0))
    }

    /// The bits from `i` up, as a u128 (they fit: the caller asks for at most 128).
    fn bits_from(&self, i: i64) -> u128 {
        (0..128).fold(0u128, |acc, k| acc | ((self.bit(i + k) as u128) << k))
    }

    fn shl(&self, n: i64) -> Big {
        let (limbs, off) = ((n / 32) as usize, (n % 32) as u32);
        let mut out = vec![0u32; limbs];
        let mut carry = 0u32;
        for &l in &self.0 {
            out.push(if off == 0 { l } else { (l << off) | carry });
            carry = if off == 0 { 0 } else { l >> (32 - off) };
        }
        out.push(carry);
        Big(out).trim()
    }

    fn mul_small(&self, m: u32) -> Big {
        let mut carry = 0u64;
        let mut out: Vec<u32> = self
            .0
            .iter()
            .map(|&l| {
                let v = l as u64 * m as u64 + carry;
                carry = v >> 32;
                v as u32
            })
            .collect();
        out.push(carry as u32);
        Big(out).trim()
    }

    fn add_small(&self, a: u32) -> Big {
        let mut out = self.0.clone();
        let mut carry = a as u64;
        for l in out.iter_mut() {
            let v = *l as u64 + carry;
            *l = v as u32;
            carry = v >> 32;
        }
        out.push(carry as u32);
        Big(out).trim()
    }

    fn add(&self, o: &Big) -> Big {
        let n = self.0.len().max(o.0.len());
        let mut carry = 0u64;
        let mut out = Vec::with_capacity(n + 1);
        for i in 0..n {
            let v = *self.0.get(i).unwrap_or(&0) as u64 + *o.0.get(i).unwrap_or(&0) as u64 + carry;
            out.push(v as u32);
            carry = v >> 32;
        }
        out.push(carry as u32);
        Big(out).trim()
    }

    /// `self - o`, for `self >= o`.
    fn sub(&self, o: &Big) -> Big {
        let mut borrow = 0i64;
        let out = self
            .0
            .iter()
            .enumerate()
            .map(|(i, &l)| {
                let mut v = l as i64 - *o.0.get(i).unwrap_or(&0) as i64 - borrow;
                borrow = (v < 0) as i64;
                if v < 0 {
                    v += 1 << 32;
                }
                v as u32
            })
            .collect();
        Big(out).trim()
    }

    fn cmp(&self, o: &Big) -> Ordering {
        let (a, b) = (self.clone().trim(), o.clone().trim());
        a.0.len()
            .cmp(&b.0.len())
            .then_with(|| a.0.iter().rev().cmp(b.0.iter().rev()))
    }

    /// `(self / d, self % d)` for a small divisor.
    fn divmod_small(&self, d: u32) -> (Big, u32) {
        let mut rem = 0u64;
        let mut q = vec![0u32; self.0.len()];
        for i in (0..self.0.len()).rev() {
            let v = (rem << 32) | self.0[i] as u64;
            q[i] = (v / d as u64) as u32;
            rem = v % d as u64;
        }
        (Big(q).trim(), rem as u32)
    }

    fn to_decimal(&self) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let mut chunks = Vec::new();
        let mut n = self.clone();
        while !n.is_zero() {
            let (q, r) = n.divmod_small(1_000_000_000);
            chunks.push(r);
            n = q;
        }
        let mut s = chunks.pop().unwrap_or(0).to_string();
        for c in chunks.iter().rev() {
            s.push_str(&format!("{c:09}"));
        }
        s
    }
}

/// Rounds `n * 2^k` (plus a sticky fraction below its last bit when
/// `sticky`) to the extended grid, ties to even.
fn round(neg: bool, n: &Big, k: i64, sticky: bool) -> LongDouble {
    let bits = n.bits();
    if bits == 0 {
        return LongDouble::Finite {
            neg,
            mant: 0,
            exp: MIN_EXP,
        };
    }
    let exp = (k + bits - 64).max(MIN_EXP);
    if exp + 64 > MAX_BITS + 1 {
        return LongDouble::Inf(neg);
    }
    let shift = exp - k;
    let (mut mant, mut exp) = if shift <= 0 {
        (n.shl(-shift).bits_from(0) as u64, exp)
    } else {
        let kept = n.bits_from(shift) as u64;
        let half = n.bit(shift - 1);
        let rest = sticky || n.any_below(shift - 1);
        let up = half && (rest || kept & 1 == 1);
        match kept.checked_add(up as u64) {
            Some(m) => (m, exp),
            None => (1 << 63, exp + 1),
        }
    };
    if mant == 0 {
        exp = MIN_EXP;
        mant = 0;
    }
    if mant != 0 && exp + (64 - mant.leading_zeros() as i64) > MAX_BITS {
        return LongDouble::Inf(neg);
    }
    LongDouble::Finite { neg, mant, exp }
}

/// Why `strtold` refused a text (`string2ld` answers 0 either way).
#[derive(Debug, PartialEq, Eq)]
pub struct NotAFloat;

impl LongDouble {
    /// A `double` widened to `long double` (exact), as `addReplyHumanLongDouble`
    /// receives GEOPOS's coordinates.
    pub fn from_f64(d: f64) -> LongDouble {
        if d.is_infinite() {
            return LongDouble::Inf(d < 0.0);
        }
        let bits = d.to_bits();
        let neg = bits >> 63 == 1;
        let field = ((bits >> 52) & 0x7ff) as i64;
        let fraction = bits & ((1 << 52) - 1);
        let (mant, exp) = if field == 0 {
            (fraction, -1074)
        } else {
            (fraction | (1 << 52), field - 1075)
        };
        LongDouble::Finite { neg, mant, exp }
    }

    /// `string2ld`: the whole text must be one number for `strtold` (no
    /// leading space, no trailing byte), not NaN, and neither overflowing
    /// nor underflowing to zero; decimal or hexadecimal (`0x1.8p3`).
    pub fn parse(text: &[u8]) -> Result<LongDouble, NotAFloat> {
        if text.is_empty() || text.len() >= 5 * 1024 {
            return Err(NotAFloat);
        }
        let (neg, body) = match text[0] {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let lower = body.to_ascii_lowercase();
        if lower == b"inf" || lower == b"infinity" {
            return Ok(LongDouble::Inf(neg));
        }
        if let Some(hex) = lower.strip_prefix(b"0x") {
            return parse_hex(neg, hex);
        }
        let mut digits = Big(Vec::new());
        let mut exp10: i64 = 0;
        let (mut any, mut i, mut seen_dot) = (false, 0, false);
        while i < body.len() {
            match body[i] {
                d @ b'0'..=b'9' => {
                    digits = digits.mul_small(10).add_small((d - b'0') as u32);
                    if seen_dot {
                        exp10 -= 1;
                    }
                    any = true;
                }
                b'.' if !seen_dot => seen_dot = true,
                _ => break,
            }
            i += 1;
        }
        if !any {
            return Err(NotAFloat);
        }
        if i < body.len() {
            if body[i] != b'e' && body[i] != b'E' {
                return Err(NotAFloat);
            }
            let rest = &body[i + 1..];
            let (eneg, edigits) = match rest.first() {
                Some(b'-') => (true, &rest[1..]),
                Some(b'+') => (false, &rest[1..]),
                _ => (false, rest),
            };
            if edigits.is_empty() || !edigits.iter().all(u8::is_ascii_digit) {
                return Err(NotAFloat);
            }
            let e = edigits
                .iter()
                .fold(0i64, |n, d| (n * 10 + (d - b'0') as i64).min(1 << 40));
            exp10 += if eneg { -e } else { e };
        }
        if digits.is_zero() {
            return Ok(LongDouble::Finite {
                neg,
                mant: 0,
                exp: MIN_EXP,
            });
        }
        // Far outside the range: overflow or underflow, both refused.
        let magnitude = digits.to_decimal().len() as i64 + exp10;
        if magnitude > 4940 {
            return Err(NotAFloat);
        }
        if magnitude < -4960 {
            return Err(NotAFloat);
        }
        let value = if exp10 >= 0 {
            let mut n = digits;
            for _ in 0..exp10 {
                n = n.mul_small(10);
            }
            round(neg, &n, 0, false)
        } else {
            let mut p = Big::from_u128(1);
            for _ in 0..-exp10 {
                p = p.mul_small(10);
            }
            // Enough quotient bits for 64 plus rounding, even subnormal.
            let s = (p.bits() - digits.bits() + 130).max(0);
            let num = digits.shl(s);
            let (q, rem) = long_div(&num, &p);
            round(neg, &q, -s, !rem)
        };
        match value {
            LongDouble::Inf(_) => Err(NotAFloat),
            LongDouble::Finite { mant: 0, .. } => Err(NotAFloat),
            v => Ok(v),
        }
    }

    /// NaN or infinite.
    pub fn is_finite(&self) -> bool {
        matches!(self, LongDouble::Finite { .. })
    }

    /// `a + b`, one rounding; `None` for NaN (`inf + -inf`).
    pub fn add(self, other: LongDouble) -> Option<LongDouble> {
        use LongDouble::*;
        match (self, other) {
            (Inf(a), Inf(b)) if a != b => None,
            (Inf(a), _) | (_, Inf(a)) => Some(Inf(a)),
            (
                Finite {
                    neg: na,
                    mant: ma,
                    exp: ea,
                },
                Finite {
                    neg: nb,
                    mant: mb,
                    exp: eb,
                },
            ) => {
                let low = ea.min(eb);
                let a = Big::from_u128(ma as u128).shl(ea - low);
                let b = Big::from_u128(mb as u128).shl(eb - low);
                if na == nb {
                    return Some(round(na, &a.add(&b), low, false));
                }
                Some(match a.cmp(&b) {
                    Ordering::Less => round(nb, &b.sub(&a), low, false),
                    // x - x is +0 in round-to-nearest.
                    Ordering::Equal => Finite {
                        neg: false,
                        mant: 0,
                        exp: MIN_EXP,
                    },
                    Ordering::Greater => round(na, &a.sub(&b), low, false),
                })
            }
        }
    }

    /// `ld2string(…, LD_STR_HUMAN)`: `%.17Lf`, trailing zeros (and a bare
    /// point) removed, `-0` written `0`; infinities as `inf`/`-inf`.
    pub fn to_human(self) -> String {
        let (neg, mant, exp) = match self {
            LongDouble::Inf(neg) => return if neg { "-inf" } else { "inf" }.into(),
            LongDouble::Finite { neg, mant, exp } => (neg, mant, exp),
        };
        const SCALE: u128 = 100_000_000_000_000_000;
        let text = if exp >= 0 {
            Big::from_u128(mant as u128).shl(exp).to_decimal()
        } else {
            let x = mant as u128 * SCALE;
            let s = -exp;
            let q = if s >= 128 {
                0
            } else {
                let q = x >> s;
                let rem = x & ((1u128 << s) - 1);
                let half = 1u128 << (s - 1);
                q + (rem > half || (rem == half && q & 1 == 1)) as u128
            };
            let frac = format!("{:017}", q % SCALE);
            let frac = frac.trim_end_matches('0');
            let int = (q / SCALE).to_string();
            if frac.is_empty() {
                int
            } else {
                format!("{int}.{frac}")
            }
        };
        if neg && text != "0" {
            format!("-{text}")
        } else {
            text
        }
    }
}

/// `strtold`'s hexadecimal form after `0x` (lowercased): hex digits with
/// an optional point, then an optional binary exponent `p[±]digits`.
fn parse_hex(neg: bool, body: &[u8]) -> Result<LongDouble, NotAFloat> {
    let mut n = Big(Vec::new());
    let (mut exp2, mut any, mut seen_dot, mut i) = (0i64, false, false, 0);
    while i < body.len() {
        match body[i] {
            d if d.is_ascii_hexdigit() => {
                let v = (d as char).to_digit(16).unwrap_or(0);
                n = n.shl(4).add_small(v);
                if seen_dot {
                    exp2 -= 4;
                }
                any = true;
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => break,
        }
        i += 1;
    }
    if !any {
        return Err(NotAFloat);
    }
    if i < body.len() {
        let rest = body[i..].strip_prefix(b"p").ok_or(NotAFloat)?;
        let (eneg, digits) = match rest.first() {
            Some(b'-') => (true, &rest[1..]),
            Some(b'+') => (false, &rest[1..]),
            _ => (false, rest),
        };
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return Err(NotAFloat);
        }
        let e = digits
            .iter()
            .fold(0i64, |n, d| (n * 10 + (d - b'0') as i64).min(1 << 40));
        exp2 += if eneg { -e } else { e };
    }
    match round(neg, &n, exp2, false) {
        LongDouble::Finite { mant, .. } if mant != 0 || n.is_zero() => {
            Ok(round(neg, &n, exp2, false))
        }
        _ => Err(NotAFloat),
    }
}

/// `num / den` for a quotient under 2^140; also whether it was exact.
fn long_div(num: &Big, den: &Big) -> (Big, bool) {
    let mut rem = num.clone();
    let top = (num.bits() - den.bits()).max(0);
    let mut q = Big(Vec::new());
    for i in (0..=top).rev() {
        let d = den.shl(i);
        if rem.cmp(&d) != Ordering::Less {
            rem = rem.sub(&d);
            q = q.add(&Big::from_u128(1).shl(i));
        }
    }
    (q, rem.is_zero())
}

#[cfg(test)]
mod tests {
    use super::LongDouble;

    fn sum(a: &str, b: &str) -> String {
        let a = LongDouble::parse(a.as_bytes()).unwrap();
        let b = LongDouble::parse(b.as_bytes()).unwrap();
        a.add(b).unwrap().to_human()
    }

    /// Values redis-server 7.0.15 prints on x86-64 (checked with
    /// `INCRBYFLOAT` against the real server).
    #[test]
    fn prints_as_redis_on_x86_64() {
        assert_eq!(sum("10.50", "0.1"), "10.6");
        assert_eq!(sum("0", "0.1"), "0.1");
        assert_eq!(sum("5.0e3", "2.0e2"), "5200");
        assert_eq!(sum("1", "-1"), "0");
        assert_eq!(sum("-0.0", "0"), "0");
    }

    /// `string2ld` refusals.
    #[test]
    fn refuses_what_strtold_refuses() {
        for bad in [
            "", " 1", "1 ", "abc", "1e", "nan", ".", "1e99999", "1e-99999", "0x", "0x1p",
        ] {
            assert!(LongDouble::parse(bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert_eq!(LongDouble::parse(b"inf"), Ok(LongDouble::Inf(false)));
        assert_eq!(LongDouble::parse(b"0x1.8p1").unwrap().to_human(), "3");
    }
}
