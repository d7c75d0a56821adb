//! Redis's `math.random` and `math.randomseed` (script_lua.c
//! `redis_math_random`): Lua 5.1's own functions over `redisLrand48`
//! (rand.c), the 48-bit linear congruential generator of drand48, so that
//! a script draws the same numbers on every platform. Its state is one per
//! server process, never reseeded by Redis itself: the sequence goes on from
//! script to script (EVAL and functions alike) from a fixed start, until a
//! script calls `math.randomseed`. The node keeps it ([`Lrand48`] in the
//! script store) and hands it to each run.

use super::args::Args;
use super::{add, one, Failure};
use mlua::{Lua, MultiValue, Table, Value};

/// drand48's state `X` (48 bits), with Redis's start `0x1234ABCD330E`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lrand48(u64);

impl Default for Lrand48 {
    fn default() -> Self {
        Lrand48(0x1234_ABCD_330E)
    }
}

impl Lrand48 {
    /// `redisLrand48`: the next state's top 31 bits.
    fn next(&mut self) -> i32 {
        const A: u64 = 0x5_DEEC_E66D;
        const C: u64 = 0xB;
        self.0 = (A.wrapping_mul(self.0).wrapping_add(C)) & ((1 << 48) - 1);
        (self.0 >> 17) as i32
    }

    /// `redisSrand48`: the seed's 32 bits above drand48's fixed low word.
    fn seed(seed: i32) -> Self {
        Lrand48((u64::from(seed as u32) << 16) | 0x330E)
    }
}

/// Replaces `math.random` and `math.randomseed` in `math`.
pub(super) fn install(lua: &Lua, math: &Table) -> mlua::Result<()> {
    add(lua, math, "random", random)?;
    add(lua, math, "randomseed", randomseed)
}

/// `luaL_checkint`: the number cast to a C `int`.
fn check_int(a: &Args, i: usize) -> Result<i32, Failure> {
    Ok(super::number::c_trunc(a.check_number(i)?) as i32)
}

fn random(lua: &Lua, a: &Args) -> Result<MultiValue, Failure> {
    let Some(mut state) = lua.app_data_mut::<Lrand48>() else {
        return Err("math.random can only be called inside a script invocation".into());
    };
    let r = f64::from(state.next() % i32::MAX) / f64::from(i32::MAX);
    drop(state);
    let n = match a.len() {
        0 => r,
        1 => {
            let u = check_int(a, 1)?;
            if u < 1 {
                return Err(a.arg_error(1, "interval is empty").into());
            }
            (r * f64::from(u)).floor() + 1.0
        }
        2 => {
            let (l, u) = (check_int(a, 1)?, check_int(a, 2)?);
            if l > u {
                return Err(a.arg_error(2, "interval is empty").into());
            }
            // `u-l+1` is C `int` arithmetic there.
            (r * f64::from(u.wrapping_sub(l).wrapping_add(1))).floor() + f64::from(l)
        }
        _ => return Err("wrong number of arguments".into()),
    };
    one(Value::Number(n))
}

fn randomseed(lua: &Lua, a: &Args) -> Result<MultiValue, Failure> {
    if lua.app_data_ref::<Lrand48>().is_none() {
        return Err("math.randomseed can only be called inside a script invocation".into());
    }
    let seed = check_int(a, 1)?;
    lua.set_app_data(Lrand48::seed(seed));
    Ok(MultiValue::new())
}
