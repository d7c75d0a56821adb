//! Bitmap commands on strings (bitops.c): SETBIT, GETBIT, BITCOUNT,
//! BITPOS and BITOP. Bits are numbered from the most significant bit of
//! the first byte; a string reads as zero bits past its end.
//! BITFIELD lives in [`bitfield`](super::bitfield).

use super::Call;
use super::{syntax_error, wrong_type};
use crate::config::params;
use crate::keyspace::notify::class;
use crate::keyspace::Data;
use crate::resp::{parse_i64, Value};

/// `proto-max-bulk-len` (512 MB unless configured): no bit offset may
/// address a byte at or past it.
pub(super) fn max_bulk_len(cfg: &crate::config::Config) -> u64 {
    params::find(b"proto-max-bulk-len")
        .map(|p| cfg.param_value(p))
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(512 << 20)
}

/// `getBitOffsetFromArgument`: a decimal offset, or with `hash` (BITFIELD,
/// `bits` > 0) `#n` for the n-th field of that width (the product wraps as
/// C's `long long` does). Negative, or with its byte at or past
/// `proto-max-bulk-len`, it is refused, unless the master sent it
/// (`mustObeyClient`).
pub(super) fn bit_offset(c: &mut Call, arg: &[u8], hash: bool, bits: u32) -> Result<u64, Value> {
    let refused = || Value::err("ERR bit offset is not an integer or out of range");
    let usehash = hash && bits > 0 && arg.first() == Some(&b'#');
    let mut n = parse_i64(&arg[usehash as usize..]).ok_or_else(refused)?;
    if usehash {
        n = n.wrapping_mul(bits as i64);
    }
    if n < 0 || (!c.client.from_master && (n as u64 >> 3) >= max_bulk_len(c.server().config())) {
        return Err(refused());
    }
    Ok(n as u64)
}

/// Bit `bit` of `v`; 0 past the end.
fn bit_at(v: &[u8], bit: u64) -> bool {
    v.get((bit / 8) as usize)
        .is_some_and(|b| b & (0x80 >> (bit % 8)) != 0)
}

/// `SETBIT key offset 0|1`: offset, then bit, then type; the string grows
/// with zero bytes; the reply is the bit's old value. Streamed only when
/// the key was made or grew, or the bit changed (`server.dirty`).
pub fn setbit(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let bit = match bit_offset(c, &args[2], false, 0) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let on = match parse_i64(&args[3]) {
        Some(n @ (0 | 1)) => n == 1,
        _ => return Value::err("ERR bit is not an integer or out of range"),
    };
    let mut srv = c.server();
    let ks = srv.keyspace_mut();
    let Some(Data::Str(v)) = string_or_create(ks, now, &args[1]) else {
        return wrong_type();
    };
    let v = v.vec_mut();
    let byte = (bit / 8) as usize;
    let grew = v.len() <= byte;
    if grew {
        v.resize(byte + 1, 0);
    }
    let old = bit_at(v, bit);
    let mask = 0x80 >> (bit % 8);
    if on {
        v[byte] |= mask;
    } else {
        v[byte] &= !mask;
    }
    if grew || old != on {
        c.server()
            .keyspace_mut()
            .notify(class::STRING, "setbit", &args[1]);
        c.server().propagate(args);
    }
    Value::Integer(old as i64)
}

/// `lookupStringForBitCommand`'s lookup: the string at `key`, made empty
/// if missing (the caller grows it), raw either way (`createObject`, or
/// `dbUnshareStringValue`); `None` with another type there.
pub(super) fn string_or_create<'a>(
    ks: &'a mut crate::keyspace::Keyspace,
    now: crate::time::Time,
    key: &[u8],
) -> Option<&'a mut Data> {
    if ks.get_mut(now, key).is_none() {
        ks.set_keep_ttl(now, key, Data::Str(Default::default()));
    }
    ks.make_raw(key);
    match ks.get_mut(now, key) {
        Some(d @ Data::Str(_)) => Some(d),
        _ => None,
    }
}

/// `GETBIT key offset`: the offset is checked before the key.
pub fn getbit(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let bit = match bit_offset(c, &args[2], false, 0) {
        Ok(b) => b,
        Err(e) => return e,
    };
    match c.server().keyspace_mut().get(now, &args[1]) {
        None => Value::Integer(0),
        Some(Data::Str(v)) => Value::Integer(bit_at(v, bit) as i64),
        Some(_) => wrong_type(),
    }
}

/// `BIT` or `BYTE` (either case); anything else is a syntax error.
fn unit_is_bit(arg: &[u8]) -> Result<bool, Value> {
    if arg.eq_ignore_ascii_case(b"bit") {
        Ok(true)
    } else if arg.eq_ignore_ascii_case(b"byte") {
        Ok(false)
    } else {
        Err(syntax_error())
    }
}

/// A range of bits, both ends included, inside the string.
struct BitRange {
    first: u64,
    last: u64,
}

/// `start`/`end` in bytes or bits, negatives from the end, clamped into a
/// string of `len` bytes as bitcount/bitposCommand do; `None` when empty.
fn clamp(start: i64, end: i64, len: usize, bits: bool) -> Option<BitRange> {
    let total = if bits { len as i64 * 8 } else { len as i64 };
    let fix = |i: i64| if i < 0 { (total + i).max(0) } else { i };
    let (start, end) = (fix(start), fix(end).min(total - 1));
    if start > end {
        return None;
    }
    let (start, end) = (start as u64, end as u64);
    Some(if bits {
        BitRange {
            first: start,
            last: end,
        }
    } else {
        BitRange {
            first: start * 8,
            last: end * 8 + 7,
        }
    })
}

/// `BITCOUNT key [start end [BYTE|BIT]]`: the key (0 when missing, then
/// its type) comes before any argument is read; two negative ends in the
/// wrong order count 0 before the unit is read.
pub fn bitcount(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let v = match node.keyspace_mut().get(now, &args[1]) {
        None => return Value::Integer(0),
        Some(Data::Str(v)) => v,
        Some(_) => return wrong_type(),
    };
    let range = match args.len() {
        2 => clamp(0, v.len() as i64 - 1, v.len(), false),
        4 | 5 => {
            let (start, end) = match (super::int_arg(&args[2]), super::int_arg(&args[3])) {
                (Err(e), _) | (_, Err(e)) => return e,
                (Ok(s), Ok(e)) => (s, e),
            };
            if start < 0 && end < 0 && start > end {
                return Value::Integer(0);
            }
            let bits = match args.get(4).map(|a| unit_is_bit(a)) {
                Some(Err(e)) => return e,
                Some(Ok(b)) => b,
                None => false,
            };
            clamp(start, end, v.len(), bits)
        }
        _ => return syntax_error(),
    };
    let Some(r) = range else {
        return Value::Integer(0);
    };
    Value::Integer(count_ones(v, &r) as i64)
}

/// Set bits of `v` in `r` (which lies inside `v`).
fn count_ones(v: &[u8], r: &BitRange) -> u64 {
    let (fb, lb) = ((r.first / 8) as usize, (r.last / 8) as usize);
    let whole: u64 = v[fb..=lb].iter().map(|b| b.count_ones() as u64).sum();
    // The bits of the edge bytes outside the range.
    let head = v[fb] & !(0xffu8 >> (r.first % 8));
    let tail = v[lb] & (0x7fu8 >> (r.last % 8));
    whole - head.count_ones() as u64 - tail.count_ones() as u64
}

/// `BITPOS key bit [start [end [BYTE|BIT]]]`: the bit is read first, then
/// a missing key answers (-1 for a 1, 0 for a 0), then the type, the
/// start, the unit and the end. With no end given, a string is followed by
/// zero bits, so a 0 not found in it is found just past it; with an end,
/// -1.
pub fn bitpos(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let bit = match super::int_arg(&args[2]) {
        Ok(b @ (0 | 1)) => b == 1,
        Ok(_) => return Value::err("ERR The bit argument must be 1 or 0."),
        Err(e) => return e,
    };
    let v = match node.keyspace_mut().get(now, &args[1]) {
        None => return Value::Integer(if bit { -1 } else { 0 }),
        Some(Data::Str(v)) => v,
        Some(_) => return wrong_type(),
    };
    let len = v.len();
    let (range, end_given) = match args.len() {
        3 => (clamp(0, len as i64 - 1, len, false), false),
        4..=6 => {
            let start = match super::int_arg(&args[3]) {
                Ok(s) => s,
                Err(e) => return e,
            };
            let bits = match args.get(5).map(|a| unit_is_bit(a)) {
                Some(Err(e)) => return e,
                Some(Ok(b)) => b,
                None => false,
            };
            let end = match args.get(4).map(|a| super::int_arg(a)) {
                Some(Err(e)) => return e,
                Some(Ok(e)) => Some(e),
                None => None,
            };
            let default_end = if bits {
                len as i64 * 8 + 7
            } else {
                len as i64 - 1
            };
            (
                clamp(start, end.unwrap_or(default_end), len, bits),
                end.is_some(),
            )
        }
        _ => return syntax_error(),
    };
    let Some(r) = range else {
        return Value::Integer(-1);
    };
    Value::Integer(match first_bit(v, &r, bit) {
        Some(pos) => pos as i64,
        None if bit || end_given => -1,
        // Just past the range's last byte (`redisBitpos` pads with zeros).
        None => ((r.last / 8 + 1) * 8) as i64,
    })
}

/// The first bit equal to `bit` in `r`, skipping whole bytes that cannot
/// hold one.
fn first_bit(v: &[u8], r: &BitRange, bit: bool) -> Option<u64> {
    let skip = if bit { 0x00 } else { 0xff };
    let mut pos = r.first;
    while pos <= r.last {
        let byte = v[(pos / 8) as usize];
        if pos.is_multiple_of(8) && pos + 7 <= r.last && byte == skip {
            pos += 8;
            continue;
        }
        if (byte & (0x80 >> (pos % 8)) != 0) == bit {
            return Some(pos);
        }
        pos += 1;
    }
    None
}

/// `BITOP AND|OR|XOR|NOT dest src…`: the operation, NOT's single source,
/// then each source's type. Missing sources are empty strings, shorter
/// ones are padded with zero bytes; the result (as long as the longest
/// source) replaces `dest` and its TTL, or, when every source is empty,
/// `dest` is deleted. The reply is the result's length; streamed as sent
/// when it stored or deleted something.
pub fn bitop(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let op = args[1].to_ascii_lowercase();
    if !matches!(op.as_slice(), b"and" | b"or" | b"xor" | b"not") {
        return syntax_error();
    }
    if op == b"not" && args.len() != 4 {
        return Value::err("ERR BITOP NOT must be called with a single source key.");
    }
    let ks = node.keyspace_mut();
    let mut sources: Vec<Vec<u8>> = Vec::with_capacity(args.len() - 3);
    for key in &args[3..] {
        match ks.get(now, key) {
            None => sources.push(Vec::new()),
            Some(Data::Str(v)) => sources.push(v.to_vec()),
            Some(_) => return wrong_type(),
        }
    }
    let maxlen = sources.iter().map(Vec::len).max().unwrap_or(0);
    let byte = |s: &Vec<u8>, j: usize| s.get(j).copied().unwrap_or(0);
    let result: Vec<u8> = (0..maxlen)
        .map(|j| {
            let rest = sources[1..].iter().map(|s| byte(s, j));
            let first = byte(&sources[0], j);
            match op.as_slice() {
                b"and" => rest.fold(first, |a, b| a & b),
                b"or" => rest.fold(first, |a, b| a | b),
                b"xor" => rest.fold(first, |a, b| a ^ b),
                _ => !first,
            }
        })
        .collect();
    let changed = if maxlen > 0 {
        ks.set(&args[2], Data::Str(result.into()));
        // `createObject`: the destination is a raw string.
        ks.make_raw(&args[2]);
        ks.notify(class::STRING, "set", &args[2]);
        true
    } else if ks.remove(now, &args[2]).is_some() {
        ks.notify(class::GENERIC, "del", &args[2]);
        true
    } else {
        false
    };
    if changed {
        node.propagate(args);
    }
    Value::Integer(maxlen as i64)
}
