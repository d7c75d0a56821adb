//! `cmsgpack` (lua-cmsgpack 0.4.0, lua_cmsgpack.c): MessagePack. Numbers
//! that are whole and fit 64 bits pack as integers, others as a float32
//! when that keeps them exact, else a float64; tables whose keys are
//! exactly 1..n pack as arrays; tables nested 16 deep, and values of other
//! types, pack as nil. Unpacked numbers are Lua numbers (doubles).

use super::args::{number_of, Args};
use super::{add, lua_failure, Body, Failure};
use mlua::{Lua, MultiValue, Table, Value};

/// `LUACMSGPACK_MAX_NESTING`.
const MAX_NESTING: usize = 16;

pub(super) fn module(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    let bodies: [(&str, Body); 4] = [
        ("pack", pack),
        ("unpack", |lua, a| unpack(lua, a, 0, 0)),
        ("unpack_one", |lua, a| {
            let offset = a.opt_integer(2, 0)?;
            unpack(lua, a, 1, offset)
        }),
        ("unpack_limit", |lua, a| {
            let limit = a.check_integer(2)?;
            let offset = a.opt_integer(3, 0)?;
            unpack(lua, a, limit, offset)
        }),
    ];
    for (name, body) in bodies {
        add(lua, &t, name, body)?;
    }
    t.raw_set("_NAME", "cmsgpack")?;
    t.raw_set("_VERSION", "lua-cmsgpack 0.4.0")?;
    t.raw_set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo")?;
    t.raw_set("_DESCRIPTION", "MessagePack C implementation for Lua")?;
    Ok(t)
}

/// `mp_pack`: every argument packed, one after the other.
fn pack(lua: &Lua, a: &Args) -> Result<MultiValue, Failure> {
    if a.len() == 0 {
        return Err(Failure::from(
            a.arg_error(0, "MessagePack pack needs input."),
        ));
    }
    let mut out = Vec::new();
    for i in 1..=a.len() {
        encode(&mut out, a.get(i).unwrap_or(&Value::Nil), 0)?;
    }
    super::one(super::string(lua, &out)?)
}

fn encode(out: &mut Vec<u8>, v: &Value, level: usize) -> Result<(), String> {
    match v {
        Value::String(s) => encode_bytes(out, &s.as_bytes()),
        Value::Boolean(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Value::Integer(_) | Value::Number(_) => encode_number(out, number_of(v).unwrap_or(0.0)),
        Value::Table(t) if level < MAX_NESTING => {
            if is_array(t)? {
                let len = t.raw_len();
                header(out, len as u64, 0x90, 0xdc, 0xdd);
                for i in 1..=len {
                    let item: Value = t.get(i).map_err(lua_failure)?;
                    encode(out, &item, level + 1)?;
                }
            } else {
                let pairs = t
                    .pairs::<Value, Value>()
                    .collect::<mlua::Result<Vec<_>>>()
                    .map_err(lua_failure)?;
                header(out, pairs.len() as u64, 0x80, 0xde, 0xdf);
                for (k, v) in &pairs {
                    encode(out, k, level + 1)?;
                    encode(out, v, level + 1)?;
                }
            }
        }
        _ => out.push(0xc0),
    }
    Ok(())
}

/// `table_is_an_array`: every key a positive number that fits a C `int`,
/// and as many keys as the largest one.
fn is_array(t: &Table) -> Result<bool, String> {
    let (mut count, mut max) = (0i64, 0i64);
    for pair in t.pairs::<Value, Value>() {
        let (k, _) = pair.map_err(lua_failure)?;
        let Some(n) = number_of(&k) else {
            return Ok(false);
        };
        if n <= 0.0 || n.is_infinite() || f64::from(n as i32) != n {
            return Ok(false);
        }
        max = max.max(n as i64);
        count += 1;
    }
    Ok(max == count)
}

/// `mp_encode_array` / `mp_encode_map`: fix form up to 15, then 16 or 32 bits.
fn header(out: &mut Vec<u8>, n: u64, fix: u8, b16: u8, b32: u8) {
    if n <= 15 {
        out.push(fix | n as u8);
    } else if n <= 0xffff {
        out.push(b16);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(b32);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

/// `mp_encode_bytes`: fixstr, str8, str16, str32.
fn encode_bytes(out: &mut Vec<u8>, s: &[u8]) {
    let len = s.len();
    if len < 32 {
        out.push(0xa0 | len as u8);
    } else if len <= 0xff {
        out.extend_from_slice(&[0xd9, len as u8]);
    } else if len <= 0xffff {
        out.push(0xda);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(0xdb);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.extend_from_slice(s);
}

/// `mp_encode_lua_number`.
fn encode_number(out: &mut Vec<u8>, n: f64) {
    // `IS_INT64_EQUIVALENT`: the C cast gives the number back (NaN, 2^63
    // and beyond convert to the lowest integer, which differs from them).
    let as_int = super::number::c_trunc(n);
    if as_int as f64 == n {
        encode_int(out, as_int);
    } else if f64::from(n as f32) == n {
        out.push(0xca);
        out.extend_from_slice(&(n as f32).to_be_bytes());
    } else {
        out.push(0xcb);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// `mp_encode_int`: the smallest MessagePack integer form.
fn encode_int(out: &mut Vec<u8>, n: i64) {
    match n {
        0..=127 => out.push(n as u8),
        128..=0xff => out.extend_from_slice(&[0xcc, n as u8]),
        0x100..=0xffff => {
            out.push(0xcd);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xce);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        _ if n > 0 => {
            out.push(0xcf);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
        -32..=-1 => out.push(n as i8 as u8),
        -128..=-33 => out.extend_from_slice(&[0xd0, n as i8 as u8]),
        -32768..=-129 => {
            out.push(0xd1);
            out.extend_from_slice(&(n as i16).to_be_bytes());
        }
        -2_147_483_648..=-32769 => {
            out.push(0xd2);
            out.extend_from_slice(&(n as i32).to_be_bytes());
        }
        _ => {
            out.push(0xd3);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

/// Why decoding stopped (`MP_CUR_ERROR_*`).
enum Stop {
    Eof,
    BadFormat,
    Lua(String),
}

/// `mp_unpack_full`: up to `limit` objects from `offset` (0 and 0: all of
/// them, without the offset result).
fn unpack(lua: &Lua, a: &Args, limit: i64, offset: i64) -> Result<MultiValue, Failure> {
    let s = a.check_bytes(1)?;
    let len = s.len() as i64;
    if offset < 0 || limit < 0 {
        return Err(Failure::from(format!(
            "Invalid request to unpack with offset of {} and limit of {}.",
            offset as i32, len as i32
        )));
    }
    if offset > len {
        return Err(Failure::from(format!(
            "Start offset {} greater than input length {}.",
            offset as i32, len as i32
        )));
    }
    let all = limit == 0 && offset == 0;
    let limit = if all { i64::from(i32::MAX) } else { limit };
    let mut cur = Cursor {
        lua,
        data: &s,
        pos: offset as usize,
    };
    let mut out = MultiValue::new();
    while cur.pos < s.len() && (out.len() as i64) < limit {
        match cur.decode() {
            Ok(v) => out.push_back(v),
            Err(Stop::Eof) => return Err("Missing bytes in input.".into()),
            Err(Stop::BadFormat) => return Err("Bad data format in input.".into()),
            Err(Stop::Lua(msg)) => return Err(Failure::bare(msg)),
        }
    }
    if !all {
        let next = if cur.pos == s.len() {
            -1.0
        } else {
            cur.pos as f64
        };
        out.push_front(Value::Number(next));
    }
    Ok(out)
}

struct Cursor<'a> {
    lua: &'a Lua,
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// `mp_cur_need` then consume: the next `n` bytes.
    fn take(&mut self, n: usize) -> Result<&'a [u8], Stop> {
        let data = self.data;
        let end = self.pos.checked_add(n).ok_or(Stop::Eof)?;
        let bytes = data.get(self.pos..end).ok_or(Stop::Eof)?;
        self.pos = end;
        Ok(bytes)
    }

    fn be(&mut self, n: usize) -> Result<u64, Stop> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, b| acc << 8 | u64::from(*b)))
    }

    fn string(&mut self, n: usize) -> Result<Value, Stop> {
        let bytes = self.take(n)?;
        let s = self
            .lua
            .create_string(bytes)
            .map_err(|e| Stop::Lua(lua_failure(e)))?;
        Ok(Value::String(s))
    }

    /// `mp_decode_to_lua_type`.
    fn decode(&mut self) -> Result<Value, Stop> {
        let tag = *self.data.get(self.pos).ok_or(Stop::Eof)?;
        let number = |n: f64| Ok(Value::Number(n));
        match tag {
            0xcc..=0xcf => number(self.header(1 << (tag - 0xcc))? as f64),
            0xd0..=0xd3 => {
                let width = 1 << (tag - 0xd0);
                let raw = self.header(width)?;
                let shift = 64 - 8 * width as u32;
                number(((raw << shift) as i64 >> shift) as f64)
            }
            0xc0 => {
                self.pos += 1;
                Ok(Value::Nil)
            }
            0xc2 | 0xc3 => {
                self.pos += 1;
                Ok(Value::Boolean(tag == 0xc3))
            }
            0xca => number(f64::from(f32::from_bits(self.header(4)? as u32))),
            0xcb => number(f64::from_bits(self.header(8)?)),
            0xd9..=0xdb => {
                let n = self.header(1 << (tag - 0xd9))? as usize;
                self.string(n)
            }
            0xdc | 0xdd => {
                let n = self.header(if tag == 0xdc { 2 } else { 4 })? as usize;
                self.array(n)
            }
            0xde | 0xdf => {
                let n = self.header(if tag == 0xde { 2 } else { 4 })? as usize;
                self.map(n)
            }
            _ if tag & 0x80 == 0 => {
                self.pos += 1;
                number(f64::from(tag))
            }
            _ if tag & 0xe0 == 0xe0 => {
                self.pos += 1;
                number(f64::from(tag as i8))
            }
            _ if tag & 0xe0 == 0xa0 => {
                self.need(1 + usize::from(tag & 0x1f))?;
                self.pos += 1;
                self.string(usize::from(tag & 0x1f))
            }
            _ if tag & 0xf0 == 0x90 => {
                self.pos += 1;
                self.array(usize::from(tag & 0xf))
            }
            _ if tag & 0xf0 == 0x80 => {
                self.pos += 1;
                self.map(usize::from(tag & 0xf))
            }
            _ => Err(Stop::BadFormat),
        }
    }

    /// A tag followed by a `width`-byte big-endian number: the number.
    fn header(&mut self, width: usize) -> Result<u64, Stop> {
        self.need(1 + width)?;
        self.pos += 1;
        self.be(width)
    }

    fn need(&self, n: usize) -> Result<(), Stop> {
        if self.data.len() - self.pos < n {
            return Err(Stop::Eof);
        }
        Ok(())
    }

    fn table(&self) -> Result<Table, Stop> {
        self.lua
            .create_table()
            .map_err(|e| Stop::Lua(lua_failure(e)))
    }

    fn array(&mut self, n: usize) -> Result<Value, Stop> {
        let t = self.table()?;
        for i in 1..=n {
            let v = self.decode()?;
            t.raw_set(i, v).map_err(|e| Stop::Lua(lua_failure(e)))?;
        }
        Ok(Value::Table(t))
    }

    /// A map's entries go in with `lua_settable`: a nil or NaN key is
    /// Lua's own error.
    fn map(&mut self, n: usize) -> Result<Value, Stop> {
        let t = self.table()?;
        for _ in 0..n {
            let k = self.decode()?;
            let v = self.decode()?;
            match &k {
                Value::Nil => return Err(Stop::Lua("table index is nil".into())),
                Value::Number(x) if x.is_nan() => {
                    return Err(Stop::Lua("table index is NaN".into()))
                }
                _ => t.raw_set(k, v).map_err(|e| Stop::Lua(lua_failure(e)))?,
            }
        }
        Ok(Value::Table(t))
    }
}
