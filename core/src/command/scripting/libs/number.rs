//! Numbers as Redis's Lua reads and writes them through the C library:
//! `printf("%.14g")` (`tostring`, cjson's output) and `strtod` (Lua's
//! string → number coercion, cjson's input), including glibc's spellings of
//! infinities and NaNs and its hexadecimal forms.

/// `%.{precision}g` as glibc prints it: `inf`, `-nan`, `-0`, `1e+20`.
pub(in crate::command::scripting) fn format_g(n: f64, precision: usize) -> String {
    let p = precision.max(1);
    if n.is_nan() {
        return if n.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if n.is_infinite() {
        return if n < 0.0 { "-inf" } else { "inf" }.into();
    }
    if n == 0.0 {
        return if n.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // The exponent after rounding to `p` digits decides the style.
    let sci = format!("{:.*e}", p - 1, n);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let x: i64 = exp.parse().unwrap_or(0);
    if x < -4 || x >= p as i64 {
        let sign = if x < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim_fraction(mantissa), x.abs())
    } else {
        trim_fraction(&format!("{:.*}", (p as i64 - 1 - x) as usize, n)).to_string()
    }
}

/// `%g` drops a fraction's trailing zeros, and its point if nothing is left.
fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// `tostring` of a number (`LUA_NUMBER_FMT`).
pub(super) fn lua_tostring(n: f64) -> String {
    format_g(n, 14)
}

/// A double cast to an integer as C does on x86-64 (`cvttsd2si`): toward
/// zero, and the "integer indefinite" value when it does not fit.
pub(in crate::command::scripting) fn c_trunc(n: f64) -> i64 {
    if (-TWO_63..TWO_63).contains(&n) {
        n as i64
    } else {
        i64::MIN
    }
}

/// 2^63, the first double past `i64::MAX`.
const TWO_63: f64 = 9_223_372_036_854_775_808.0;

/// `strtod`: the longest prefix of `s` that reads as a number, and its
/// length (0 when none does). Leading white space is skipped, as strtod does.
pub(super) fn strtod(s: &[u8]) -> (f64, usize) {
    let start = s.iter().take_while(|c| is_space(**c)).count();
    let (negative, i) = sign_at(s, start);
    let sign = |v: f64| if negative { -v } else { v };
    let rest = &s[i..];
    if starts_with_ignore_case(rest, b"inf") {
        let len = if starts_with_ignore_case(rest, b"infinity") {
            8
        } else {
            3
        };
        return (sign(f64::INFINITY), i + len);
    }
    if starts_with_ignore_case(rest, b"nan") {
        let mut len = 3;
        if rest.get(3) == Some(&b'(') {
            let inner = rest[4..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            if rest.get(4 + inner) == Some(&b')') {
                len = 5 + inner;
            }
        }
        return (sign(f64::NAN), i + len);
    }
    if rest.len() > 2 && rest[0] == b'0' && (rest[1] | 0x20) == b'x' {
        if let Some((v, len)) = hex_float(&rest[2..]) {
            return (sign(v), i + 2 + len);
        }
    }
    let digits = |from: usize| s[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let int_digits = digits(i);
    let mut end = i + int_digits;
    let mut frac_digits = 0;
    if s.get(end) == Some(&b'.') {
        frac_digits = digits(end + 1);
        if int_digits + frac_digits > 0 {
            end += 1 + frac_digits;
        }
    }
    if int_digits + frac_digits == 0 {
        return (0.0, 0);
    }
    if matches!(s.get(end), Some(b'e' | b'E')) {
        let mut j = end + 1;
        if matches!(s.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_digits = digits(j);
        if exp_digits > 0 {
            end = j + exp_digits;
        }
    }
    let text = std::str::from_utf8(&s[i..end]).unwrap_or("0");
    (sign(text.parse().unwrap_or(0.0)), end)
}

/// The digits of a hexadecimal float after `0x`: `1f`, `1.8p3`. `None`
/// when no digit follows (strtod then reads the `0` alone).
fn hex_float(s: &[u8]) -> Option<(f64, usize)> {
    let mut value = 0.0f64;
    let mut i = 0;
    let mut any = false;
    let mut scale = 0i32;
    while let Some(d) = s.get(i).and_then(|c| (*c as char).to_digit(16)) {
        value = value * 16.0 + f64::from(d);
        any = true;
        i += 1;
    }
    if s.get(i) == Some(&b'.') {
        let mut j = i + 1;
        let mut frac = false;
        while let Some(d) = s.get(j).and_then(|c| (*c as char).to_digit(16)) {
            value = value * 16.0 + f64::from(d);
            scale -= 4;
            frac = true;
            j += 1;
        }
        if any || frac {
            any = true;
            i = j;
        }
    }
    if !any {
        return None;
    }
    if matches!(s.get(i), Some(b'p' | b'P')) {
        let (negative, j) = sign_at(s, i + 1);
        let digits = s[j..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 {
            let exp: i32 = std::str::from_utf8(&s[j..j + digits])
                .ok()
                .and_then(|t| t.parse().ok())
                .unwrap_or(i32::MAX / 2);
            scale = scale.saturating_add(if negative { -exp } else { exp });
            i = j + digits;
        }
    }
    Some((value * 2f64.powi(scale), i))
}

/// Lua 5.1's string → number coercion (`luaO_str2d`): strtod over the
/// whole string, white space allowed around it.
pub(super) fn str_to_number(s: &[u8]) -> Option<f64> {
    let (mut value, len) = strtod(s);
    if len == 0 {
        return None;
    }
    let mut end = len;
    if matches!(s.get(end), Some(b'x' | b'X')) {
        // `0x` with no digit: Lua reads it again as an unsigned hex integer.
        let digits = s[end + 1..]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit())
            .count();
        value = u64::from_str_radix(std::str::from_utf8(&s[end + 1..end + 1 + digits]).ok()?, 16)
            .map_or(0.0, |v| v as f64);
        end += 1 + digits;
    }
    s[end..].iter().all(|c| is_space(*c)).then_some(value)
}

/// An optional sign at `i`: whether it is a minus, and where what follows starts.
fn sign_at(s: &[u8], i: usize) -> (bool, usize) {
    match s.get(i) {
        Some(b'-') => (true, i + 1),
        Some(b'+') => (false, i + 1),
        _ => (false, i),
    }
}

/// C's `isspace` in the C locale.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

fn starts_with_ignore_case(s: &[u8], word: &[u8]) -> bool {
    s.len() >= word.len() && s[..word.len()].eq_ignore_ascii_case(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// glibc's `%.14g`, the output of `tostring` and cjson.
    #[test]
    fn format_g_matches_printf() {
        for (n, want) in [
            (1.0, "1"),
            (0.1, "0.1"),
            (10.0 / 3.0, "3.3333333333333"),
            (1e15, "1e+15"),
            (123456789012345.0, "1.2345678901234e+14"),
            (1e14, "1e+14"),
            (12345678901234.0, "12345678901234"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-0.0, "-0"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (-1.5e-300, "-1.5e-300"),
        ] {
            assert_eq!(format_g(n, 14), want, "{n}");
        }
        assert_eq!(format_g(0.1, 1), "0.1");
        assert_eq!(format_g(1234.5678, 3), "1.23e+03");
    }

    /// glibc's strtod prefixes, which cjson and Lua's coercion rely on.
    #[test]
    fn strtod_reads_the_longest_number_prefix() {
        assert_eq!(strtod(b"1.5e3x"), (1500.0, 5));
        assert_eq!(strtod(b"1e"), (1.0, 1));
        assert_eq!(strtod(b"-.5,"), (-0.5, 3));
        assert_eq!(strtod(b"."), (0.0, 0));
        assert_eq!(strtod(b"0x1F]"), (31.0, 4));
        assert_eq!(strtod(b"0x"), (0.0, 1));
        assert_eq!(strtod(b"0x1p4"), (16.0, 5));
        assert_eq!(strtod(b"Infinity"), (f64::INFINITY, 8));
        assert_eq!(strtod(b"-inf"), (f64::NEG_INFINITY, 4));
        assert!(strtod(b"nan").0.is_nan());
        assert_eq!(strtod(b"  7 "), (7.0, 3));
        assert_eq!(str_to_number(b" 10 "), Some(10.0));
        assert_eq!(str_to_number(b"10a"), None);
        assert_eq!(str_to_number(b"0x10"), Some(16.0));
        assert_eq!(str_to_number(b""), None);
    }

    /// x86-64's conversion of out-of-range doubles.
    #[test]
    fn c_trunc_gives_integer_indefinite_out_of_range() {
        assert_eq!(c_trunc(-3.9), -3);
        assert_eq!(c_trunc(f64::NAN), i64::MIN);
        assert_eq!(c_trunc(1e19), i64::MIN);
    }
}
