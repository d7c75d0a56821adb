//! `struct` (Roberto Ierusalimschy's struct library, lua_struct.c as Redis
//! ships it): `pack`, `unpack` and `size` of C-like binary layouts, as on
//! x86-64 (little-endian native order; `long` and `size_t` 8 bytes, `int`
//! 4, `short` 2; alignment up to 8 with `!`).

use super::args::{number_of, Args};
use super::{add, number, one, Failure};
use mlua::{Lua, MultiValue, Table, Value};

/// `MAXINTSIZE`.
const MAX_INT_SIZE: usize = 32;
/// `MAXALIGN` on x86-64.
const MAX_ALIGN: usize = 8;

pub(super) fn module(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    add(lua, &t, "pack", pack)?;
    add(lua, &t, "unpack", unpack)?;
    add(lua, &t, "size", size)?;
    Ok(t)
}

/// The format's running state (`Header`).
struct Header {
    little: bool,
    align: usize,
}

impl Default for Header {
    fn default() -> Self {
        Header {
            little: true,
            align: 1,
        }
    }
}

/// A format string being read.
struct Format<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Format<'_> {
    fn next(&mut self) -> Option<u8> {
        let c = self.bytes.get(self.pos).copied().filter(|c| *c != 0)?;
        self.pos += 1;
        Some(c)
    }

    /// `getnum`: a decimal count, or `default` when none follows.
    fn number(&mut self, default: usize) -> Result<usize, String> {
        if !self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            return Ok(default);
        }
        let mut a: i64 = 0;
        while let Some(d) = self.bytes.get(self.pos).filter(|c| c.is_ascii_digit()) {
            let d = i64::from(d - b'0');
            if a > i64::from(i32::MAX) / 10 || a * 10 > i64::from(i32::MAX) - d {
                return Err("integral size overflow".into());
            }
            a = a * 10 + d;
            self.pos += 1;
        }
        Ok(a as usize)
    }

    /// `optsize`: the size of option `opt` (0 for those without one).
    fn size(&mut self, opt: u8) -> Result<usize, String> {
        Ok(match opt {
            b'B' | b'b' | b'x' => 1,
            b'H' | b'h' => 2,
            b'L' | b'l' | b'T' | b'd' => 8,
            b'f' => 4,
            b'c' => self.number(1)?,
            b'i' | b'I' => {
                let size = self.number(4)?;
                if size > MAX_INT_SIZE {
                    return Err(format!(
                        "integral size {size} is larger than limit of {MAX_INT_SIZE}"
                    ));
                }
                size
            }
            _ => 0,
        })
    }
}

/// `gettoalign`: padding before an item of `size` bytes at `len`.
fn to_align(len: usize, h: &Header, opt: u8, size: usize) -> usize {
    if size == 0 || opt == b'c' {
        return 0;
    }
    let size = size.min(h.align);
    (size - (len & (size - 1))) & (size - 1)
}

/// `controloptions`: endianness, alignment, spaces; anything else is an
/// invalid option.
fn control(a: &Args, f: &mut Format, opt: u8, h: &mut Header) -> Result<(), String> {
    match opt {
        b' ' => {}
        b'>' => h.little = false,
        b'<' => h.little = true,
        b'!' => {
            let align = f.number(MAX_ALIGN)?;
            if !align.is_power_of_two() {
                return Err(format!("alignment {align} is not a power of 2"));
            }
            h.align = align;
        }
        _ => {
            return Err(a.arg_error(1, &format!("invalid format option '{}'", opt as char)));
        }
    }
    Ok(())
}

/// `b_pack`.
fn pack(lua: &Lua, a: &Args) -> Result<MultiValue, Failure> {
    let fmt = a.check_bytes(1)?;
    let mut f = Format {
        bytes: &fmt,
        pos: 0,
    };
    let mut h = Header::default();
    let mut arg = 2;
    let mut out: Vec<u8> = Vec::new();
    while let Some(opt) = f.next() {
        let mut size = f.size(opt)?;
        let pad = to_align(out.len(), &h, opt, size);
        out.resize(out.len() + pad, 0);
        match opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                let n = a.check_number(arg)?;
                arg += 1;
                let value = if n < 0.0 {
                    number::c_trunc(n) as u64
                } else {
                    unsigned_trunc(n)
                };
                let mut bytes: Vec<u8> = (0..size)
                    .map(|i| if i < 8 { (value >> (8 * i)) as u8 } else { 0 })
                    .collect();
                if !h.little {
                    bytes.reverse();
                }
                out.extend_from_slice(&bytes);
            }
            b'x' => out.push(0),
            b'f' => {
                let v = a.check_number(arg)? as f32;
                arg += 1;
                out.extend_from_slice(&ordered(v.to_le_bytes().to_vec(), h.little));
            }
            b'd' => {
                let v = a.check_number(arg)?;
                arg += 1;
                out.extend_from_slice(&ordered(v.to_le_bytes().to_vec(), h.little));
            }
            b'c' | b's' => {
                let s = a.check_bytes(arg)?;
                arg += 1;
                if size == 0 {
                    size = s.len();
                }
                if s.len() < size {
                    // lua_struct.c names the argument after the one it read.
                    return Err(Failure::from(a.arg_error(arg, "string too short")));
                }
                out.extend_from_slice(&s[..size]);
                if opt == b's' {
                    out.push(0);
                }
            }
            _ => control(a, &mut f, opt, &mut h)?,
        }
    }
    one(super::string(lua, &out)?)
}

/// A non-negative double cast to `unsigned long` as x86-64 does.
fn unsigned_trunc(n: f64) -> u64 {
    if n >= 18_446_744_073_709_551_616.0 || n.is_nan() {
        0
    } else {
        n as u64
    }
}

/// Bytes in native (little-endian) order, swapped for big-endian formats.
fn ordered(mut bytes: Vec<u8>, little: bool) -> Vec<u8> {
    if !little {
        bytes.reverse();
    }
    bytes
}

/// `b_unpack`: the values, then the position after them (1-based).
fn unpack(lua: &Lua, a: &Args) -> Result<MultiValue, Failure> {
    let fmt = a.check_bytes(1)?;
    let data = a.check_bytes(2)?;
    let start = a.opt_integer(3, 1)?;
    // The offset is a `size_t` there: only 0 is refused as such; a negative
    // one wraps to a huge offset, past any data.
    if start == 0 {
        return Err(Failure::from(a.arg_error(3, "offset must be 1 or greater")));
    }
    let mut pos = (start as usize).wrapping_sub(1);
    let mut f = Format {
        bytes: &fmt,
        pos: 0,
    };
    let mut h = Header::default();
    let mut out = MultiValue::new();
    let too_short = || a.arg_error(2, "data string too short");
    while let Some(opt) = f.next() {
        let mut size = f.size(opt)?;
        pos = pos.wrapping_add(to_align(pos, &h, opt, size));
        if size > data.len() || pos > data.len() - size {
            return Err(Failure::from(too_short()));
        }
        match opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                let n = integer(&data[pos..pos + size], h.little, opt.is_ascii_lowercase());
                out.push_back(Value::Number(n));
            }
            b'x' => {}
            b'f' => {
                let bytes = ordered(data[pos..pos + 4].to_vec(), h.little);
                let v = f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                out.push_back(Value::Number(f64::from(v)));
            }
            b'd' => {
                let bytes = ordered(data[pos..pos + 8].to_vec(), h.little);
                let mut raw = [0u8; 8];
                raw.copy_from_slice(&bytes);
                out.push_back(Value::Number(f64::from_le_bytes(raw)));
            }
            b'c' => {
                if size == 0 {
                    let previous = out.back().and_then(number_of);
                    let Some(n) = previous else {
                        return Err("format 'c0' needs a previous size".into());
                    };
                    out.pop_back();
                    size = n as usize;
                    if size > data.len() || pos > data.len() - size {
                        return Err(Failure::from(too_short()));
                    }
                }
                out.push_back(super::string(lua, &data[pos..pos + size])?);
            }
            b's' => {
                let Some(nul) = data[pos..].iter().position(|c| *c == 0) else {
                    return Err("unfinished string in data".into());
                };
                out.push_back(super::string(lua, &data[pos..pos + nul])?);
                size = nul + 1;
            }
            _ => control(a, &mut f, opt, &mut h)?,
        }
        pos = pos.wrapping_add(size);
    }
    out.push_back(Value::Number(pos.wrapping_add(1) as i64 as f64));
    Ok(out)
}

/// `getinteger`: `size` bytes as an unsigned or sign-extended integer
/// (bytes past the eighth shift out, as they do in a 64-bit C integer).
fn integer(bytes: &[u8], little: bool, signed: bool) -> f64 {
    let mut v: u64 = 0;
    let mut push = |b: u8| v = v.wrapping_shl(8) | u64::from(b);
    if little {
        bytes.iter().rev().for_each(|b| push(*b));
    } else {
        bytes.iter().for_each(|b| push(*b));
    }
    if !signed {
        return v as f64;
    }
    let mask = u64::MAX.wrapping_shl((bytes.len() * 8).wrapping_sub(1) as u32);
    if v & mask != 0 {
        v |= mask;
    }
    v as i64 as f64
}

/// `b_size`: the format's size; strings without a fixed size are refused.
fn size(_: &Lua, a: &Args) -> Result<MultiValue, Failure> {
    let fmt = a.check_bytes(1)?;
    let mut f = Format {
        bytes: &fmt,
        pos: 0,
    };
    let mut h = Header::default();
    let mut pos = 0usize;
    while let Some(opt) = f.next() {
        let size = f.size(opt)?;
        pos += to_align(pos, &h, opt, size);
        if opt == b's' {
            return Err(Failure::from(
                a.arg_error(1, "option 's' has no fixed size"),
            ));
        }
        if opt == b'c' && size == 0 {
            return Err(Failure::from(
                a.arg_error(1, "option 'c0' has no fixed size"),
            ));
        }
        if !opt.is_ascii_alphanumeric() {
            control(a, &mut f, opt, &mut h)?;
        }
        pos += size;
    }
    one(Value::Number(pos as f64))
}
