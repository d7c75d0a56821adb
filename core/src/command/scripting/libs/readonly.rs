//! The raw writers of Redis 7.0's patched Lua: its read-only tables (the
//! globals and the library tables) refuse `rawset`, `table.insert` and
//! `setmetatable` with "Attempt to modify a readonly table" (`lua_rawset`,
//! `lua_rawseti` and `lua_setmetatable` check the table's flag). Plain Lua
//! 5.1 has no such flag, so the sandbox's glue keeps the protected tables
//! empty behind metatables carrying `__readonly`, and these replacements
//! refuse those. `table.remove` and `table.sort` need none: they write only
//! within a table's length, and a protected table stays empty, so length 0,
//! as Redis's (whose read-only tables have no array part either).
//!
//! The proxies must still show what they hold: `pairs(_G)` lists the
//! globals and `rawget(_G, 'string')` finds the string library in Redis.
//! `next`, `pairs` and `rawget` are replaced too, reading a proxy's
//! `__contents` (set by the sandbox's glue; scripts cannot reach a proxy's
//! metatable) with the originals' argument checks and error texts.

use super::args::Args;
use super::{add, add_closure, lua_failure, one, Failure};
use mlua::{Function, Lua, MultiValue, Table, Value};

/// Replaces the global `rawset`, `setmetatable`, `next`, `pairs` and
/// `rawget` and the table library's `insert`.
pub(in crate::command::scripting) fn install(lua: &Lua) -> mlua::Result<()> {
    let g = lua.globals();
    add(lua, &g, "rawset", rawset)?;
    add(lua, &g, "setmetatable", setmetatable)?;
    add(lua, &g.raw_get("table")?, "insert", insert)?;
    let lua_next: Function = g.raw_get("next")?;
    let next_for_pairs = lua_next.clone();
    add_closure(lua, &g, "next", move |_, a| next(&lua_next, a))?;
    // `pairs` returns its own `next` closure, not the global one, as Lua
    // 5.1's base library makes them (`pairs({}) == next` is false).
    let own = lua.create_table()?;
    add_closure(lua, &own, "next", move |_, a| next(&next_for_pairs, a))?;
    let see_through_next: Function = own.raw_get("next")?;
    add_closure(lua, &g, "pairs", move |_, a| pairs(&see_through_next, a))?;
    add(lua, &g, "rawget", rawget)
}

/// What table `t` holds: a proxy's contents, or `t` itself.
fn contents(t: &Table) -> Table {
    t.metatable()
        .and_then(|mt| mt.raw_get::<Table>("__contents").ok())
        .unwrap_or_else(|| t.clone())
}

/// `luaB_next`: Lua's own `next` over what the table holds (one result,
/// nil, past the last key; "invalid key to 'next'" for a key not in it).
fn next(lua_next: &Function, a: &Args) -> Result<MultiValue, Failure> {
    let t = a.check_table(1)?;
    let key = a.get(2).cloned().unwrap_or(Value::Nil);
    lua_next
        .call::<MultiValue>((contents(t), key))
        .map_err(|e| Failure::bare(lua_failure(e)))
}

/// `luaB_pairs`: its `next`, the table, nil.
fn pairs(see_through_next: &Function, a: &Args) -> Result<MultiValue, Failure> {
    let t = a.check_table(1)?;
    Ok(MultiValue::from_iter([
        Value::Function(see_through_next.clone()),
        Value::Table(t.clone()),
        Value::Nil,
    ]))
}

/// `luaB_rawget`: a table and any second argument (`luaL_checkany`).
fn rawget(_: &Lua, a: &Args) -> Result<MultiValue, Failure> {
    let t = a.check_table(1)?;
    let Some(key) = a.get(2) else {
        return Err(a.arg_error(2, "value expected").into());
    };
    let value: Value = contents(t)
        .raw_get(key.clone())
        .map_err(|e| Failure::bare(lua_failure(e)))?;
    one(value)
}

/// The refusal, raised inside a C function, so with no position
/// (`luaG_runerror` adds one for Lua code only).
fn refused() -> Failure {
    Failure::bare("Attempt to modify a readonly table".into())
}

fn readonly(t: &Table) -> bool {
    t.metatable()
        .is_some_and(|mt| mt.raw_get::<bool>("__readonly").unwrap_or(false))
}

/// `luaB_rawset`: the argument checks, then the read-only check
/// (`lua_rawset`), then Lua's own key checks.
fn rawset(_: &Lua, a: &Args) -> Result<MultiValue, Failure> {
    let t = a.check_table(1)?;
    for i in [2, 3] {
        if a.get(i).is_none() {
            return Err(a.arg_error(i, "value expected").into());
        }
    }
    if readonly(t) {
        return Err(refused());
    }
    let key = a.get(2).cloned().unwrap_or(Value::Nil);
    match &key {
        Value::Nil => return Err(Failure::bare("table index is nil".into())),
        Value::Number(n) if n.is_nan() => return Err(Failure::bare("table index is NaN".into())),
        _ => {}
    }
    let value = a.get(3).cloned().unwrap_or(Value::Nil);
    t.raw_set(key, value)
        .map_err(|e| Failure::bare(lua_failure(e)))?;
    one(Value::Table(t.clone()))
}

/// `ltablib.c tinsert`: `table.insert(t, v)` appends, `table.insert(t,
/// pos, v)` shifts `t[pos..]` up first; positions are C `int`s. The
/// read-only check comes where Lua's first `lua_rawseti` would make it.
fn insert(_: &Lua, a: &Args) -> Result<MultiValue, Failure> {
    let t = a.check_table(1)?;
    let mut end = (t.raw_len() as i32).wrapping_add(1);
    let (pos, value) = match a.len() {
        2 => (end, a.get(2)),
        3 => {
            let pos = a.check_integer(2)? as i32;
            end = end.max(pos);
            (pos, a.get(3))
        }
        _ => return Err("wrong number of arguments to 'insert'".into()),
    };
    if readonly(t) {
        return Err(refused());
    }
    let fail = |e| Failure::bare(lua_failure(e));
    let mut i = end;
    while i > pos {
        let below: Value = t.raw_get(i - 1).map_err(fail)?;
        t.raw_set(i, below).map_err(fail)?;
        i -= 1;
    }
    t.raw_set(pos, value.cloned().unwrap_or(Value::Nil))
        .map_err(fail)?;
    Ok(MultiValue::new())
}

/// `luaB_setmetatable`: the argument checks, then the read-only check
/// (`lua_setmetatable`; Redis's read-only tables carry no `__metatable`,
/// so it comes before that one), then `__metatable`.
fn setmetatable(_: &Lua, a: &Args) -> Result<MultiValue, Failure> {
    let t = a.check_table(1)?;
    let mt = match a.get(2) {
        Some(Value::Nil) => None,
        Some(Value::Table(mt)) => Some(mt.clone()),
        _ => return Err(a.arg_error(2, "nil or table expected").into()),
    };
    if readonly(t) {
        return Err(refused());
    }
    let guarded = t
        .metatable()
        .is_some_and(|old| !matches!(old.raw_get::<Value>("__metatable"), Ok(Value::Nil) | Err(_)));
    if guarded {
        return Err("cannot change a protected metatable".into());
    }
    t.set_metatable(mt)
        .map_err(|e| Failure::bare(lua_failure(e)))?;
    one(Value::Table(t.clone()))
}
