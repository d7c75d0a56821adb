//! A library function's arguments, read as Lua 5.1's auxiliary library
//! reads them (`luaL_check*`, `luaL_opt*`), with its error texts.

use super::number;
use mlua::{Lua, MultiValue, Table, Value};

/// The arguments of one call, 1-based as in Lua.
pub(super) struct Args<'a> {
    lua: &'a Lua,
    values: MultiValue,
}

impl<'a> Args<'a> {
    pub(super) fn new(lua: &'a Lua, values: MultiValue) -> Self {
        Args { lua, values }
    }

    /// `lua_gettop`.
    pub(super) fn len(&self) -> usize {
        self.values.len()
    }

    /// Argument `i`, if it was given.
    pub(super) fn get(&self, i: usize) -> Option<&Value> {
        i.checked_sub(1).and_then(|i| self.values.get(i))
    }

    /// Whether argument `i` is absent or nil (`lua_isnoneornil`).
    pub(super) fn is_none_or_nil(&self, i: usize) -> bool {
        matches!(self.get(i), None | Some(Value::Nil))
    }

    /// `luaL_checktype(L, i, LUA_TTABLE)`: argument `i` as a table.
    pub(super) fn check_table(&self, i: usize) -> Result<&Table, String> {
        match self.get(i) {
            Some(Value::Table(t)) => Ok(t),
            _ => Err(self.type_error(i, "table")),
        }
    }

    /// `luaL_typename`: "no value" for an absent argument.
    pub(super) fn type_name(&self, i: usize) -> &'static str {
        self.get(i).map_or("no value", type_name)
    }

    /// `lua_tonumber`: numbers, and strings that read as numbers.
    pub(super) fn to_number(&self, i: usize) -> Option<f64> {
        self.get(i).and_then(to_number)
    }

    /// `luaL_checknumber`.
    pub(super) fn check_number(&self, i: usize) -> Result<f64, String> {
        self.to_number(i)
            .ok_or_else(|| self.type_error(i, "number"))
    }

    /// `luaL_checkinteger`: the number truncated as C casts it.
    pub(super) fn check_integer(&self, i: usize) -> Result<i64, String> {
        self.check_number(i).map(number::c_trunc)
    }

    /// `luaL_optinteger`.
    pub(super) fn opt_integer(&self, i: usize, default: i64) -> Result<i64, String> {
        if self.is_none_or_nil(i) {
            Ok(default)
        } else {
            self.check_integer(i)
        }
    }

    /// `luaL_checklstring`: strings, and numbers as `%.14g` writes them.
    pub(super) fn check_bytes(&self, i: usize) -> Result<Vec<u8>, String> {
        match self.get(i) {
            Some(Value::String(s)) => Ok(s.as_bytes().to_vec()),
            Some(v) => match number_of(v) {
                Some(n) => Ok(number::lua_tostring(n).into_bytes()),
                None => Err(self.type_error(i, "string")),
            },
            None => Err(self.type_error(i, "string")),
        }
    }

    /// `tag_error`: "string expected, got nil".
    pub(super) fn type_error(&self, i: usize, expected: &str) -> String {
        let got = self.type_name(i);
        self.arg_error(i, &format!("{expected} expected, got {got}"))
    }

    /// `luaL_argerror`: names the function as its caller called it (a
    /// method call does not count `self`).
    pub(super) fn arg_error(&self, i: usize, extra: &str) -> String {
        // Level 0 is the library function itself, named as it was called.
        let names = self.lua.inspect_stack(0, |d| {
            let n = d.names();
            (n.name.map(|s| s.to_string()), n.name_what)
        });
        let (name, what) = names.unwrap_or((None, None));
        let mut i = i as i64;
        if what == Some("method") {
            i -= 1;
            if i == 0 {
                let name = name.unwrap_or_else(|| "?".into());
                return format!("calling '{name}' on bad self ({extra})");
            }
        }
        let name = name.unwrap_or_else(|| "?".into());
        format!("bad argument #{i} to '{name}' ({extra})")
    }
}

/// `lua_typename` of a value.
pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Nil => "nil",
        Value::Boolean(_) => "boolean",
        Value::Integer(_) | Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Table(_) => "table",
        Value::Function(_) => "function",
        Value::Thread(_) => "thread",
        _ => "userdata",
    }
}

/// A number value's number (no string conversion).
pub(super) fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(n) => Some(*n as f64),
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// `lua_tonumber` of a value.
pub(super) fn to_number(v: &Value) -> Option<f64> {
    match v {
        Value::String(s) => number::str_to_number(&s.as_bytes()),
        other => number_of(other),
    }
}
