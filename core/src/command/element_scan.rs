//! HSCAN and SSCAN (`scanGenericCommand` on one key): a compact encoding
//! (listpack, intset) is returned whole with cursor 0, as Redis does; a
//! hash table is walked `COUNT` elements at a time, the cursor being the
//! position reached in the node's (sorted) order.

use super::keys::glob_match;
use super::{int_arg, syntax_error};
use crate::resp::Value;

/// `parseScanCursorOrReply` (`strtoul`): optional sign and decimal
/// digits, a minus negating modulo 2^64, overflow refused; no leading
/// space; the empty text is cursor 0, as `strtoul` leaves it.
pub fn cursor(arg: &[u8]) -> Option<u64> {
    let (neg, digits) = match arg.first() {
        Some(b'-') => (true, &arg[1..]),
        Some(b'+') => (false, &arg[1..]),
        _ => (false, arg),
    };
    if arg.is_empty() {
        return Some(0);
    }
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = digits.iter().try_fold(0u64, |n, d| {
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })?;
    Some(if neg { v.wrapping_neg() } else { v })
}

/// `shared.emptyscan`: a missing key is an empty collection, whatever the
/// options say (they are parsed only for an existing key).
pub fn empty() -> Value {
    Value::Array(vec![Value::bulk("0"), Value::Array(Vec::new())])
}

/// Scans `items` (each one element, or a field and its value) from
/// `cursor` with `args`' options (from position 3). MATCH tests the first
/// part of an item; a pair goes out flat.
pub fn scan(args: &[Vec<u8>], cursor: u64, items: &[Vec<Vec<u8>>], compact: bool) -> Value {
    let (mut pattern, mut count) = (None, 10u64);
    let mut i = 3;
    while i < args.len() {
        let more = args.len() - i;
        if args[i].eq_ignore_ascii_case(b"count") && more >= 2 {
            match int_arg(&args[i + 1]) {
                Ok(n) if n >= 1 => count = n as u64,
                Ok(_) => return syntax_error(),
                Err(e) => return e,
            }
        } else if args[i].eq_ignore_ascii_case(b"match") && more >= 2 {
            pattern = Some(&args[i + 1]);
        } else {
            return syntax_error();
        }
        i += 2;
    }
    let (from, next) = if compact {
        (0, 0)
    } else {
        let from = cursor.min(items.len() as u64);
        let end = from.saturating_add(count);
        (from, if end >= items.len() as u64 { 0 } else { end })
    };
    let to = if next == 0 {
        items.len()
    } else {
        next as usize
    };
    let out = items[from as usize..to]
        .iter()
        .filter(|item| pattern.is_none_or(|p| glob_match(p, &item[0])))
        .flat_map(|item| item.iter().map(|b| Value::Bulk(b.clone())))
        .collect();
    Value::Array(vec![Value::bulk(next.to_string()), Value::Array(out)])
}
