//! `rawset` as Redis 7.0's patched Lua has it: its read-only tables (the
//! globals and the library tables) refuse it too, with "Attempt to modify a
//! readonly table". Plain Lua 5.1 has no such flag, so the engine's glue
//! puts the globals and library tables behind proxies whose metatable
//! carries `__readonly`; this `rawset` refuses those.

use super::args::Args;
use super::{add, lua_failure, one, Failure};
use mlua::{Lua, MultiValue, Value};

/// Replaces the global `rawset`.
pub(in crate::command::scripting) fn install(lua: &Lua) -> mlua::Result<()> {
    add(lua, &lua.globals(), "rawset", rawset)
}

/// `luaB_rawset`: the argument checks, then the read-only check
/// (`lua_rawset`), then Lua's own key checks.
fn rawset(_: &Lua, a: &Args) -> Result<MultiValue, Failure> {
    let Some(Value::Table(t)) = a.get(1) else {
        return Err(a.type_error(1, "table").into());
    };
    for i in [2, 3] {
        if a.get(i).is_none() {
            return Err(a.arg_error(i, "value expected").into());
        }
    }
    let readonly = t
        .metatable()
        .is_some_and(|mt| mt.raw_get::<bool>("__readonly").unwrap_or(false));
    if readonly {
        return Err(Failure::bare("Attempt to modify a readonly table".into()));
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
