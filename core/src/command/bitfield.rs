//! `BITFIELD` and `BITFIELD_RO` (bitops.c `bitfieldGeneric`): signed and
//! unsigned integers of 1 to 64 bits (63 unsigned: a reply cannot hold
//! more) at any bit offset of a string, read, written or incremented with
//! WRAP, SAT or FAIL on overflow.

use super::bitmaps::{bit_offset, string_or_create};
use super::{int_arg, syntax_error, wrong_type, Call};
use crate::keyspace::notify::class;
use crate::keyspace::Data;
use crate::resp::Value;

/// What happens when a SET or INCRBY does not fit its field.
#[derive(Clone, Copy, PartialEq)]
enum Overflow {
    /// Keep the low bits (two's complement for signed fields).
    Wrap,
    /// Clamp to the field's minimum or maximum.
    Sat,
    /// Leave the field alone and reply nil.
    Fail,
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Get,
    Set,
    IncrBy,
}

/// One parsed operation (`struct bitfieldOp`).
struct FieldOp {
    op: Op,
    signed: bool,
    bits: u32,
    offset: u64,
    /// SET's value or INCRBY's increment.
    value: i64,
    overflow: Overflow,
}

/// `getBitfieldTypeFromArgument`: `i1`…`i64` or `u1`…`u63` (the digits
/// read up to a NUL byte, as C's `strlen` stops there).
fn field_type(arg: &[u8]) -> Result<(bool, u32), Value> {
    let refused = || {
        Value::err(
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
        )
    };
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return Err(refused()),
    };
    let digits = &arg[1..];
    let digits = &digits[..digits.iter().position(|&b| b == 0).unwrap_or(digits.len())];
    match crate::resp::parse_i64(digits) {
        Some(n) if n >= 1 && n <= if signed { 64 } else { 63 } => Ok((signed, n as u32)),
        _ => Err(refused()),
    }
}

/// Parses every operation first, as Redis does: a bad one fails the whole
/// command before anything is read or written.
fn parse_ops(c: &mut Call) -> Result<Vec<FieldOp>, Value> {
    let args = c.args;
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 2;
    while j < args.len() {
        let remaining = args.len() - j - 1;
        let name = &args[j];
        let op = if name.eq_ignore_ascii_case(b"get") && remaining >= 2 {
            Op::Get
        } else if name.eq_ignore_ascii_case(b"set") && remaining >= 3 {
            Op::Set
        } else if name.eq_ignore_ascii_case(b"incrby") && remaining >= 3 {
            Op::IncrBy
        } else if name.eq_ignore_ascii_case(b"overflow") && remaining >= 1 {
            let kind = &args[j + 1];
            overflow = if kind.eq_ignore_ascii_case(b"wrap") {
                Overflow::Wrap
            } else if kind.eq_ignore_ascii_case(b"sat") {
                Overflow::Sat
            } else if kind.eq_ignore_ascii_case(b"fail") {
                Overflow::Fail
            } else {
                return Err(Value::err("ERR Invalid OVERFLOW type specified"));
            };
            j += 2;
            continue;
        } else {
            return Err(syntax_error());
        };
        let (signed, bits) = field_type(&args[j + 1])?;
        let offset = bit_offset(c, &args[j + 2], true, bits)?;
        let value = if op == Op::Get {
            0
        } else {
            int_arg(&args[j + 3])?
        };
        ops.push(FieldOp {
            op,
            signed,
            bits,
            offset,
            value,
            overflow,
        });
        j += if op == Op::Get { 3 } else { 4 };
    }
    Ok(ops)
}

/// `BITFIELD key [GET type offset] [SET type offset value]
/// [INCRBY type offset increment] [OVERFLOW WRAP|SAT|FAIL]…`: one reply
/// per GET/SET/INCRBY. A write grows the string to its farthest field
/// first (made even when every write then fails); streamed as sent when
/// a field changed or the string was made or grew.
pub fn bitfield(c: &mut Call) -> Value {
    bitfield_generic(c, false)
}

/// `BITFIELD_RO key GET type offset…`: only GET, refused once every
/// operation parsed.
pub fn bitfield_ro(c: &mut Call) -> Value {
    bitfield_generic(c, true)
}

fn bitfield_generic(c: &mut Call, readonly_command: bool) -> Value {
    let now = c.now;
    let ops = match parse_ops(c) {
        Ok(ops) => ops,
        Err(e) => return e,
    };
    let args = c.args;
    let writes = ops.iter().filter(|o| o.op != Op::Get);
    let Some(highest) = writes.map(|o| o.offset + o.bits as u64 - 1).max() else {
        return match c.server().keyspace_mut().get(now, &args[1]) {
            Some(Data::Str(v)) => Value::Array(ops.iter().map(|o| get(v, o)).collect()),
            None => Value::Array(ops.iter().map(|o| get(&[], o)).collect()),
            Some(_) => wrong_type(),
        };
    };
    if readonly_command {
        return Value::err("ERR BITFIELD_RO only supports the GET subcommand");
    }
    let mut srv = c.server();
    let ks = srv.keyspace_mut();
    let existed = ks.get(now, &args[1]).is_some();
    let Some(Data::Str(v)) = string_or_create(ks, now, &args[1]) else {
        return wrong_type();
    };
    let v = v.vec_mut();
    let need = (highest / 8 + 1) as usize;
    let dirty = !existed || v.len() < need;
    if v.len() < need {
        v.resize(need, 0);
    }
    let mut changes = 0;
    let replies: Vec<Value> = ops
        .iter()
        .map(|o| {
            if o.op == Op::Get {
                return get(v, o);
            }
            let old = read_bits(v, o.offset, o.bits);
            let (fits, new, reply) = if o.signed {
                let old = sign_extend(old, o.bits);
                let (from, incr) = match o.op {
                    Op::IncrBy => (old, o.value),
                    _ => (o.value, 0),
                };
                let (fits, new) = match signed_overflow(from, incr, o.bits, o.overflow) {
                    None => (true, from.wrapping_add(incr)),
                    Some(limit) => (false, limit),
                };
                let reply = if o.op == Op::IncrBy { new } else { old };
                (fits, new as u64, reply)
            } else {
                let (from, incr) = match o.op {
                    Op::IncrBy => (old, o.value),
                    _ => (o.value as u64, 0),
                };
                let (fits, new) = match unsigned_overflow(from, incr, o.bits, o.overflow) {
                    None => (true, from.wrapping_add(incr as u64)),
                    Some(limit) => (false, limit),
                };
                let reply = if o.op == Op::IncrBy { new } else { old };
                (fits, new, reply as i64)
            };
            if !fits && o.overflow == Overflow::Fail {
                return Value::Null;
            }
            write_bits(v, o.offset, o.bits, new);
            if dirty || new & mask(o.bits) != old {
                changes += 1;
            }
            Value::Integer(reply)
        })
        .collect();
    if changes > 0 {
        c.server()
            .keyspace_mut()
            .notify(class::STRING, "setbit", &args[1]);
        c.server().propagate(args);
    }
    Value::Array(replies)
}

/// A GET: the field, read as if the string went on with zero bytes.
fn get(v: &[u8], o: &FieldOp) -> Value {
    let raw = read_bits(v, o.offset, o.bits);
    Value::Integer(if o.signed {
        sign_extend(raw, o.bits)
    } else {
        raw as i64
    })
}

/// The low `bits` bits set.
fn mask(bits: u32) -> u64 {
    if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// `getUnsignedBitfield`: `bits` bits from `offset`, most significant first.
fn read_bits(v: &[u8], offset: u64, bits: u32) -> u64 {
    (offset..offset + bits as u64).fold(0u64, |acc, pos| {
        let bit = v
            .get((pos >> 3) as usize)
            .is_some_and(|b| b >> (7 - (pos & 7)) & 1 == 1);
        acc << 1 | bit as u64
    })
}

/// `setUnsignedBitfield`: the low `bits` bits of `value` at `offset`.
fn write_bits(v: &mut [u8], offset: u64, bits: u32, value: u64) {
    for j in 0..bits as u64 {
        let on = value >> (bits as u64 - 1 - j) & 1 == 1;
        let pos = offset + j;
        let (byte, shift) = ((pos >> 3) as usize, 7 - (pos & 7));
        v[byte] = (v[byte] & !(1 << shift)) | ((on as u8) << shift);
    }
}

/// `getSignedBitfield`: the field's top bit is its sign.
fn sign_extend(raw: u64, bits: u32) -> i64 {
    if bits < 64 && raw & (1 << (bits - 1)) != 0 {
        (raw | !mask(bits)) as i64
    } else {
        raw as i64
    }
}

/// `checkUnsignedBitfieldOverflow`: `None` when `value + incr` fits,
/// else what to store (the wrapped sum, or the bound for SAT; FAIL's is
/// never stored). The bounds use C's wrapping arithmetic.
fn unsigned_overflow(value: u64, incr: i64, bits: u32, how: Overflow) -> Option<u64> {
    let max = mask(bits);
    let maxincr = max.wrapping_sub(value) as i64;
    let minincr = (value as i64).wrapping_neg();
    let wrapped = || value.wrapping_add(incr as u64) & max;
    if value > max || (incr > 0 && incr > maxincr) {
        Some(if how == Overflow::Sat { max } else { wrapped() })
    } else if incr < 0 && incr < minincr {
        Some(if how == Overflow::Sat { 0 } else { wrapped() })
    } else {
        None
    }
}

/// `checkSignedBitfieldOverflow`, its comparisons as 7.0.15 makes them
/// (wrapping differences included).
fn signed_overflow(value: i64, incr: i64, bits: u32, how: Overflow) -> Option<i64> {
    let max = if bits == 64 {
        i64::MAX
    } else {
        (1i64 << (bits - 1)) - 1
    };
    let min = -max - 1;
    let maxincr = (max as u64).wrapping_sub(value as u64) as i64;
    let minincr = min.wrapping_sub(value);
    let wrapped = || {
        let sum = (value as u64).wrapping_add(incr as u64);
        if bits < 64 {
            sign_extend(sum & mask(bits), bits)
        } else {
            sum as i64
        }
    };
    if value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr) {
        Some(if how == Overflow::Sat { max } else { wrapped() })
    } else if value < min
        || (bits != 64 && incr < minincr)
        || (value < 0 && incr < 0 && incr < minincr)
    {
        Some(if how == Overflow::Sat { min } else { wrapped() })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fields straddle bytes, most significant bit first (bitops.c's layout).
    #[test]
    fn fields_read_and_write_across_bytes() {
        let mut v = vec![0u8; 3];
        write_bits(&mut v, 5, 8, 0xff);
        assert_eq!(v, [0x07, 0xf8, 0]);
        assert_eq!(read_bits(&v, 5, 8), 0xff);
        assert_eq!(sign_extend(read_bits(&v, 5, 4), 4), -1);
        assert_eq!(read_bits(&v, 20, 8), 0, "past the end reads zeros");
    }

    /// `checkUnsignedBitfieldOverflow` / `checkSignedBitfieldOverflow`.
    #[test]
    fn overflow_rules() {
        use Overflow::*;
        assert_eq!(unsigned_overflow(250, 10, 8, Wrap), Some(4));
        assert_eq!(unsigned_overflow(250, 10, 8, Sat), Some(255));
        assert_eq!(unsigned_overflow(5, -10, 8, Sat), Some(0));
        assert_eq!(unsigned_overflow(5, -10, 8, Wrap), Some(251));
        assert_eq!(unsigned_overflow(5, 10, 8, Fail), None);
        assert_eq!(signed_overflow(120, 10, 8, Wrap), Some(-126));
        assert_eq!(signed_overflow(120, 10, 8, Sat), Some(127));
        assert_eq!(signed_overflow(-120, -10, 8, Sat), Some(-128));
        assert_eq!(signed_overflow(i64::MAX, 1, 64, Wrap), Some(i64::MIN));
        assert_eq!(signed_overflow(i64::MIN, -1, 64, Sat), Some(i64::MIN));
        assert_eq!(signed_overflow(-1, 1, 64, Sat), None);
    }

    #[test]
    fn types() {
        assert_eq!(field_type(b"i64").unwrap(), (true, 64));
        assert_eq!(field_type(b"u63").unwrap(), (false, 63));
        assert!(field_type(b"u64").is_err());
        assert!(field_type(b"i0").is_err());
        assert!(field_type(b"x8").is_err());
        assert!(field_type(b"").is_err());
        assert_eq!(field_type(b"u8\0junk").unwrap(), (false, 8));
    }
}
