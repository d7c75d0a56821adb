//! The C libraries Redis 7.0 links into its Lua and opens for every script
//! and function library (`luaLoadLibraries` in script_lua.c): `cjson`,
//! `struct`, `cmsgpack` and `bit`, each a global table. Written here from
//! their behaviour (deps/lua/src/lua_*.c), so that scripts using them reply
//! as on a real node, error texts included.
//!
//! Each function is a Rust callback, so a C function to Lua, as there (a
//! tail call keeps its caller's frame; errors name it as it was called).
//! A C library raises plain strings (`luaL_error`), which a script's `pcall`
//! returns as they are; mlua raises a callback's error as userdata, so the
//! text travels in a [`LibError`] that the engine's `pcall` unwraps.

mod args;
mod bit;
mod cjson;
mod cmsgpack;
mod lua_struct;
pub(super) mod number;
pub(super) mod random;
mod readonly;

pub(super) use readonly::install as install_readonly;

use super::store::CjsonSettings;
use args::Args;
use mlua::{Lua, MultiValue, Table};
use random::Lrand48;

/// Why a library call failed: `luaL_error`'s message, which starts with
/// where the caller was (`located`), or a bare one (Lua's own runtime
/// errors inside a C function, such as "table index is nil").
pub(super) struct Failure {
    msg: String,
    located: bool,
}

impl From<String> for Failure {
    fn from(msg: String) -> Self {
        Failure { msg, located: true }
    }
}

impl From<&str> for Failure {
    fn from(msg: &str) -> Self {
        msg.to_string().into()
    }
}

impl Failure {
    /// A message without the caller's position.
    fn bare(msg: String) -> Self {
        Failure {
            msg,
            located: false,
        }
    }
}

/// A library function's body: its results, or why it failed.
type Body = fn(&Lua, &Args) -> Result<MultiValue, Failure>;

/// The message a library function raised, as the script sees it.
#[derive(Debug)]
pub(super) struct LibError(pub String);

impl std::fmt::Display for LibError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LibError {}

/// The text of a library error, if `e` is one (through mlua's wrapping).
pub(super) fn lib_message(e: &mlua::Error) -> Option<String> {
    match e {
        mlua::Error::CallbackError { cause, .. } => lib_message(cause),
        mlua::Error::ExternalError(inner) => inner.downcast_ref::<LibError>().map(|l| l.0.clone()),
        _ => None,
    }
}

/// Opens the four libraries as globals of `lua`, and Redis's
/// `math.random`. The global `cjson` and `math.random` read and change what
/// the run was given ([`begin_run`]).
pub(super) fn open(lua: &Lua) -> mlua::Result<()> {
    let g = lua.globals();
    random::install(lua, &g.raw_get("math")?)?;
    g.raw_set("cjson", cjson::module(lua, None)?)?;
    g.raw_set("struct", lua_struct::module(lua)?)?;
    g.raw_set("cmsgpack", cmsgpack::module(lua)?)?;
    g.raw_set("bit", bit::module(lua)?)?;
    Ok(())
}

/// Gives a run what its Lua state holds in Redis: the `cjson` settings
/// and the `math.random` generator.
pub(super) fn begin_run(lua: &Lua, cjson: CjsonSettings, random: Lrand48) {
    lua.set_app_data(cjson);
    lua.set_app_data(random);
}

/// What the run leaves of them, for the next one.
pub(super) fn end_run(lua: &Lua) -> (CjsonSettings, Lrand48) {
    (
        lua.remove_app_data::<CjsonSettings>().unwrap_or_default(),
        lua.remove_app_data::<Lrand48>().unwrap_or_default(),
    )
}

/// Adds `name` to `table` as a [`Body`].
fn add(lua: &Lua, table: &Table, name: &str, body: Body) -> mlua::Result<()> {
    add_closure(lua, table, name, body)
}

/// Adds `name` to `table` as a closure (a body with state, such as the
/// settings of a table `cjson.new()` made).
fn add_closure<F>(lua: &Lua, table: &Table, name: &str, body: F) -> mlua::Result<()>
where
    F: Fn(&Lua, &Args) -> Result<MultiValue, Failure> + 'static,
{
    let f = lua.create_function(move |lua, values: MultiValue| {
        let args = Args::new(lua, values);
        body(lua, &args).map_err(|failure| {
            let text = if failure.located {
                format!("{}{}", caller_position(lua), failure.msg)
            } else {
                failure.msg
            };
            mlua::Error::external(LibError(text))
        })
    })?;
    table.raw_set(name, f)
}

/// `luaL_where(L, 1)`: `user_script:3: ` when a Lua function called the
/// library function, nothing when C did (`pcall(cjson.encode, …)`).
fn caller_position(lua: &Lua) -> String {
    lua.inspect_stack(1, |d| {
        let line = d.current_line()?;
        let src = d.source().short_src?.to_string();
        (line > 0).then(|| format!("{src}:{line}: "))
    })
    .flatten()
    .unwrap_or_default()
}

/// One result.
fn one(value: mlua::Value) -> Result<MultiValue, Failure> {
    Ok(MultiValue::from_iter([value]))
}

/// A Lua string result.
fn string(lua: &Lua, bytes: &[u8]) -> Result<mlua::Value, Failure> {
    lua.create_string(bytes)
        .map(mlua::Value::String)
        .map_err(|e| Failure::bare(lua_failure(e)))
}

/// What an mlua call failed with, as the message a script sees.
fn lua_failure(e: mlua::Error) -> String {
    let text = match e {
        mlua::Error::RuntimeError(msg) => msg,
        other => other.to_string(),
    };
    // The message alone: a call into Lua from Rust (`next` calling Lua's
    // own) appends a traceback no script sees in Redis.
    match text.split_once("\nstack traceback:") {
        Some((message, _)) => message.to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests;
