//! `bit` (LuaBitOp 1.0, lua_bit.c): 32-bit operations on Lua numbers,
//! whose results are signed 32-bit integers.

use super::{add, one, Args, Failure};
use mlua::{Lua, MultiValue, Table, Value};

pub(super) fn module(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    add(lua, &t, "tobit", |_, a| ret(arg(a, 1)?))?;
    add(lua, &t, "bnot", |_, a| ret(!arg(a, 1)?))?;
    add(lua, &t, "band", |_, a| fold(a, |x, y| x & y))?;
    add(lua, &t, "bor", |_, a| fold(a, |x, y| x | y))?;
    add(lua, &t, "bxor", |_, a| fold(a, |x, y| x ^ y))?;
    add(lua, &t, "lshift", |_, a| shift(a, |b, n| b << n))?;
    add(lua, &t, "rshift", |_, a| shift(a, |b, n| b >> n))?;
    add(lua, &t, "arshift", |_, a| {
        shift(a, |b, n| ((b as i32) >> n) as u32)
    })?;
    add(lua, &t, "rol", |_, a| shift(a, u32::rotate_left))?;
    add(lua, &t, "ror", |_, a| shift(a, u32::rotate_right))?;
    add(lua, &t, "bswap", |_, a| ret(arg(a, 1)?.swap_bytes()))?;
    add(lua, &t, "tohex", tohex)?;
    Ok(t)
}

/// `barg`: the number's low 32 bits after adding 2^52 + 2^51, which rounds
/// it to an integer the way the FPU does (to nearest, ties to even) and
/// wraps it modulo 2^32. A non-number reads as 0 and is refused.
fn arg(a: &Args, i: usize) -> Result<u32, String> {
    let n = a.to_number(i);
    let bits = (n.unwrap_or(0.0) + 6_755_399_441_055_744.0).to_bits() as u32;
    if bits == 0 && n.is_none() {
        return Err(a.type_error(i, "number"));
    }
    Ok(bits)
}

/// `BRET`: the result as a signed 32-bit number.
fn ret(b: u32) -> Result<MultiValue, Failure> {
    one(Value::Number(f64::from(b as i32)))
}

/// `BIT_OP`: the first argument combined with the others, read from the
/// last one down as lua_bit.c reads them (so the last bad one is named).
fn fold(a: &Args, op: fn(u32, u32) -> u32) -> Result<MultiValue, Failure> {
    let mut b = arg(a, 1)?;
    for i in (2..=a.len()).rev() {
        b = op(b, arg(a, i)?);
    }
    ret(b)
}

/// `BIT_SH`: a shift or rotation by the second argument's low 5 bits.
fn shift(a: &Args, op: fn(u32, u32) -> u32) -> Result<MultiValue, Failure> {
    let b = arg(a, 1)?;
    let n = arg(a, 2)? & 31;
    ret(op(b, n))
}

/// `bit.tohex(x [, n])`: `n` hex digits (8 by default), upper case when
/// `n` is negative, at most 8.
fn tohex(lua: &Lua, a: &Args) -> Result<MultiValue, Failure> {
    let mut b = arg(a, 1)?;
    let mut n = if a.get(2).is_none() {
        8
    } else {
        arg(a, 2)? as i32
    };
    let digits: &[u8; 16] = if n < 0 {
        n = n.saturating_neg();
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let n = n.clamp(0, 8) as usize;
    let mut out = vec![0u8; n];
    for slot in out.iter_mut().rev() {
        *slot = digits[(b & 15) as usize];
        b >>= 4;
    }
    one(super::string(lua, &out)?)
}
