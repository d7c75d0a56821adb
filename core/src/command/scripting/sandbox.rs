//! The interpreter EVAL and FCALL run in, built once per thread and reused
//! (issue #13: building one took ~110 µs, twenty times what Redis spends on
//! a whole EVALSHA).
//!
//! Redis keeps one Lua state per server and makes every table a script can
//! reach read-only, so nothing a script does outlives its call. A reused
//! state here must be indistinguishable from a fresh one too: the globals,
//! the library tables and (as in Redis) the string metatable refuse
//! writes; `setfenv`/`getfenv` are absent (as in redis-server 7.0.15), so
//! no script can swap an environment; what each run may change — `KEYS`,
//! `ARGV`, `redis.setresp`, `redis.set_repl`, the time budget, the garbage
//! collector's settings — is set again by [`Sandbox::reset`], and
//! `redis.call` reaches the server through a function made for the run
//! ([`Sandbox::host`]). Plain Lua 5.1 has no read-only tables, so each
//! protected table is kept empty behind a metatable ([`GLUE`]): assignments
//! meet its `__newindex`, and the raw writers (`rawset`, `table.insert`,
//! `setmetatable`) are replaced by ones that refuse it as Redis's do
//! (`libs/readonly.rs`). No write can land in them, so a run leaves
//! nothing there to check or undo.
//!
//! It lives in a thread-local, outside the node, so a node stays `Clone`
//! for the simulator's snapshots and its replies do not depend on which
//! thread ran it. What Redis's long-lived state does keep between scripts
//! (cjson's settings, `math.random`'s generator) is the node's, handed to
//! each run (`libs::begin_run`); `collectgarbage('count')` reports the
//! thread's interpreter, as Redis's reports the server's.

use super::engine::HOOK_EVERY;
use mlua::prelude::{LuaGcIncParams as GcIncParams, LuaGcMode as GcMode};
use mlua::{Function, HookTriggers, Lua, LuaOptions, StdLib, Table, VmState};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// The chunk name of our own Lua glue; its frames are skipped when an
/// error's line is found.
pub const GLUE_CHUNK: &str = "@__redis__";

/// Compiled chunks kept per thread; past this many, all are dropped (a
/// node holds its scripts as source, so this is only a cost, never state).
const MAX_CHUNKS: usize = 512;

/// The Lua half of the API: `pcall` giving Redis's error text, and the
/// sandbox, which plain Lua 5.1 lacks (Redis patches its Lua with read-only
/// tables): the globals, the library tables and the string metatable
/// refuse writes, unknown globals are an error, and so are unknown fields
/// of `redis` while a library loads. Each protected table is an empty one
/// reading through to its contents, so an assignment always reaches its
/// `__newindex` and the raw writers (`libs/readonly.rs`) find `__readonly`
/// on it: nothing a script does can land in them; `__contents` names what
/// it holds, which `next`, `pairs` and `rawget` show (`libs/readonly.rs`),
/// as Redis's read-only tables show theirs. It returns what [`Locked`]
/// holds.
const GLUE: &str = r#"
local rawpcall, errmsg, G, strict, killed = ...
local error, type, setmetatable, tostring, rawget, next =
  error, type, setmetatable, tostring, rawget, next
local function readonly() error('Attempt to modify a readonly table', 2) end
local function fix(ok, ...)
  if ok then return true, ... end
  local e = ...
  if killed() then error(e, 0) end
  if type(e) == 'table' and type(e.err) == 'string' then return false, e.err end
  if type(e) == 'userdata' then return false, errmsg(e) end
  return false, ...
end
pcall = function(...) return fix(rawpcall(...)) end
local function missing(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
end
local function sealed(t, index, contents)
  return setmetatable(t, {
    __index = index, __newindex = readonly, __metatable = false, __readonly = true,
    __contents = contents,
  })
end
local function protect(t, strict_index)
  if not strict_index then return sealed({}, t, t) end
  return sealed({}, function(_, k)
    local v = rawget(t, k)
    if v == nil then
      error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
    end
    return v
  end, t)
end
for _, name in ipairs({'string', 'math', 'table', 'redis', 'coroutine', 'cjson', 'struct', 'cmsgpack', 'bit'}) do
  if rawget(G, name) then G[name] = protect(rawget(G, name), strict and name == 'redis') end
end
local strings = getmetatable('')
strings.__index = rawget(G, 'string')
strings.__metatable = protect(strings, false)
-- The globals move out of G, which stays empty.
local contents = setmetatable({}, {__index = missing})
for k, v in next, G do contents[k] = v end
for k in next, contents do G[k] = nil end
sealed(G, contents, contents)
-- FUNCTION LOAD: the library's top level sees `redis` alone.
local env = strict and setmetatable({redis = contents.redis}, {__index = missing})
local load_env = env and sealed({}, env, env) or nil
-- FCALL: the function called from Lua, so that its frames are still on
-- the stack when the error handler looks for the line that failed.
local function fcall(f, keys, args) return function() return f(keys, args) end end
return contents, fcall, load_env
"#;

/// A sandboxed interpreter with Redis's libraries (base, table, string,
/// math), not yet locked.
pub fn new_state() -> mlua::Result<Lua> {
    let lua = Lua::new_with(
        StdLib::TABLE | StdLib::STRING | StdLib::MATH,
        LuaOptions::default(),
    )?;
    // What Redis does not load (os, io, package, debug were never opened)
    // or denies; redis-server 7.0.15 has no `setfenv`, `getfenv` or
    // `newproxy` either.
    let g = lua.globals();
    for name in [
        "dofile", "loadfile", "print", "require", "module", "setfenv", "getfenv", "newproxy",
    ] {
        g.raw_set(name, mlua::Value::Nil)?;
    }
    // The C libraries Redis links in, its `math.random`, and the raw
    // writers that refuse read-only tables.
    super::libs::open(&lua)?;
    super::libs::install_readonly(&lua)?;
    Ok(lua)
}

/// Locks the globals with [`GLUE`] once `redis` is in place: `strict`
/// makes unknown fields of `redis` an error (FUNCTION LOAD), `killed`
/// tells `pcall` that the run was stopped and must not be caught.
pub fn lock(lua: &Lua, strict: bool, killed: Function) -> mlua::Result<Locked> {
    let g = lua.globals();
    let rawpcall: Function = g.raw_get("pcall")?;
    let errmsg = lua.create_function(|_, err: mlua::Value| {
        Ok(match err {
            // A C library's message goes as it is, as the string it is in Redis.
            mlua::Value::Error(e) => {
                super::libs::lib_message(&e).unwrap_or_else(|| super::engine::coded_message(&e))
            }
            other => format!("{other:?}"),
        })
    })?;
    let (globals, fcall, load_env) = lua
        .load(GLUE)
        .set_name(GLUE_CHUNK)
        .call((rawpcall, errmsg, g, strict, killed))?;
    Ok(Locked {
        globals,
        fcall,
        load_env,
    })
}

/// What [`lock`] leaves for the engine.
pub struct Locked {
    /// Where the globals live behind the (empty) global table.
    pub globals: Table,
    /// `fcall(f, keys, args)`: a function of no arguments calling `f` from
    /// Lua (so that its frames are on the stack for the error handler),
    /// for `xpcall`.
    pub fcall: Function,
    /// FUNCTION LOAD (strict): the environment of a library's top level.
    pub load_env: Option<Table>,
}

/// What a run changes as it goes, kept in Rust so that a reset is a few
/// stores: `redis.setresp`, `redis.set_repl`, the time budget.
pub struct RunState {
    /// `redis.setresp(3)` was called.
    pub resp3: Cell<bool>,
    /// `redis.set_repl`'s flags (REPL_ALL until it is called).
    pub repl: Cell<i64>,
    /// VM instructions this run may execute (0: no limit).
    budget: Cell<u64>,
    /// VM instructions executed so far, as the count hook samples them.
    used: Cell<u64>,
    /// The run went past its budget and was stopped (read by the glue's
    /// `pcall`, which must not catch that).
    pub killed: Cell<bool>,
}

impl Default for RunState {
    fn default() -> RunState {
        RunState {
            resp3: Cell::new(false),
            repl: Cell::new(3),
            budget: Cell::new(0),
            used: Cell::new(0),
            killed: Cell::new(false),
        }
    }
}

/// Names a run sets, made once (a Lua string made from a `&str` is hashed
/// and looked up each time).
pub struct Names {
    keys: mlua::LuaString,
    argv: mlua::LuaString,
    pub register_function: mlua::LuaString,
    breakpoint: mlua::LuaString,
    debug: mlua::LuaString,
}

/// The reused interpreter and what a run needs of it.
pub struct Sandbox {
    /// The interpreter, its globals locked.
    pub lua: Lua,
    /// `redis` behind its read-only proxy: FCALL sets its
    /// `register_function` for a run.
    pub redis: Table,
    /// The base library's `xpcall`, which runs the script.
    pub xpcall: Function,
    /// `__redis__err__handler`.
    pub handler: Function,
    /// What the run changed.
    pub state: Rc<RunState>,
    /// The run's way to the server: one function made for each run (it
    /// borrows the node), which `redis.call`, `redis.pcall` and
    /// `redis.acl_check_cmd` call with their [`Op`] first.
    pub host: Rc<RefCell<Option<Function>>>,
    /// Names a run sets.
    pub names: Names,
    /// `redis.breakpoint` and `redis.debug`, which EVAL's state has and
    /// the functions' has not.
    debugger: (Function, Function),
    /// Whether `redis` has them now (the last run was EVAL's).
    debugger_shown: bool,
    /// What [`lock`] left; each run sets its `KEYS` and `ARGV` in
    /// `locked.globals`.
    pub locked: Locked,
    /// Compiled user chunks by source, EVAL bodies (`@user_script`) and
    /// libraries (`@user_function`) apart: a chunk has no upvalues and no
    /// script can change its environment, so calling one again is running
    /// it fresh.
    chunks: [HashMap<Box<[u8]>, Function>; 2],
}

impl Sandbox {
    fn new() -> mlua::Result<Sandbox> {
        let lua = new_state()?;
        let state = Rc::new(RunState::default());
        let redis = super::engine::redis_table(&lua, &state)?;
        let host = Rc::new(RefCell::new(None));
        install_host_calls(&lua, &redis, &host)?;
        lua.globals().raw_set("redis", redis.clone())?;
        let run = state.clone();
        let killed = lua.create_function(move |_, ()| Ok(run.killed.get()))?;
        let locked = lock(&lua, false, killed)?;
        let run = state.clone();
        lua.set_hook(
            HookTriggers::new().every_nth_instruction(HOOK_EVERY),
            move |_, _| {
                let budget = run.budget.get();
                if budget == 0 {
                    return Ok(VmState::Continue);
                }
                run.used.set(run.used.get() + u64::from(HOOK_EVERY));
                if run.used.get() > budget {
                    run.killed.set(true);
                    return Err(mlua::Error::runtime("script timed out"));
                }
                Ok(VmState::Continue)
            },
        )?;
        let names = Names {
            keys: lua.create_string("KEYS")?,
            argv: lua.create_string("ARGV")?,
            register_function: lua.create_string("register_function")?,
            breakpoint: lua.create_string("breakpoint")?,
            debug: lua.create_string("debug")?,
        };
        // Outside a SCRIPT DEBUG session `redis.breakpoint` answers false and
        // `redis.debug` does nothing.
        let debugger = (
            lua.create_function(|_, ()| Ok(false))?,
            lua.create_function(|_, _: mlua::MultiValue| Ok(()))?,
        );
        let xpcall = locked.globals.raw_get("xpcall")?;
        let handler = super::engine::error_handler(&lua)?;
        Ok(Sandbox {
            lua,
            redis,
            xpcall,
            handler,
            state,
            host,
            names,
            debugger,
            debugger_shown: false,
            locked,
            chunks: Default::default(),
        })
    }

    /// Back to what a fresh sandbox is, for a run whose `KEYS`/`ARGV` are
    /// `globals` (EVAL; `None` for FCALL, whose globals have neither) and
    /// that may execute `budget` VM instructions (0: no limit): RESP2 and
    /// full replication, no `register_function`, and the collector running
    /// with Lua's defaults (a script may have stopped or retuned it).
    pub fn reset(&self, globals: Option<(Table, Table)>, budget: u64) -> mlua::Result<()> {
        let state = &self.state;
        state.resp3.set(false);
        state.repl.set(3);
        state.budget.set(budget);
        state.used.set(0);
        state.killed.set(false);
        let lua = &self.lua;
        lua.gc_restart();
        lua.gc_set_mode(GcMode::Incremental(
            GcIncParams::default().pause(200).step_multiplier(200),
        ));
        let names = &self.names;
        self.redis
            .raw_set(&names.register_function, mlua::Value::Nil)?;
        let g = &self.locked.globals;
        match globals {
            Some((keys, args)) => {
                g.raw_set(&names.keys, keys)?;
                g.raw_set(&names.argv, args)?;
            }
            None => {
                g.raw_set(&names.keys, mlua::Value::Nil)?;
                g.raw_set(&names.argv, mlua::Value::Nil)?;
            }
        }
        Ok(())
    }

    /// Gives `redis` the debugger's calls for EVAL (`eval.c`), takes them
    /// away for FCALL, when the last run was of the other kind.
    pub fn show_debugger(&mut self, eval: bool) -> mlua::Result<()> {
        if self.debugger_shown == eval {
            return Ok(());
        }
        let (breakpoint, debug) = match eval {
            true => (Some(&self.debugger.0), Some(&self.debugger.1)),
            false => (None, None),
        };
        self.redis.raw_set(&self.names.breakpoint, breakpoint)?;
        self.redis.raw_set(&self.names.debug, debug)?;
        self.debugger_shown = eval;
        Ok(())
    }

    /// `code` compiled as the user's chunk (`@user_script`), or as a
    /// library (`@user_function`), from the cache when it ran before;
    /// `Err` is the compiler's.
    pub fn chunk(&mut self, code: &[u8], library: bool) -> mlua::Result<Function> {
        let chunks = &mut self.chunks[usize::from(library)];
        if let Some(f) = chunks.get(code) {
            return Ok(f.clone());
        }
        let name = match library {
            true => super::engine::LIBRARY_CHUNK,
            false => super::engine::USER_CHUNK,
        };
        let f = self.lua.load(code).set_name(name).into_function()?;
        if chunks.len() >= MAX_CHUNKS {
            chunks.clear();
        }
        chunks.insert(code.into(), f.clone());
        Ok(f)
    }
}

/// What a call into the server asks for.
#[derive(Clone, Copy)]
pub enum Op {
    /// `redis.call`: the reply, an error reply raised.
    Call = 1,
    /// `redis.pcall`: the reply, an error reply returned.
    Pcall = 2,
    /// `redis.acl_check_cmd`: whether the caller may run the command.
    AclCheck = 3,
}

impl Op {
    /// The op the glue passed first (only [`install_host_calls`]' functions
    /// call the host).
    pub fn from_lua(v: Option<&mlua::Value>) -> Op {
        match v {
            Some(mlua::Value::Integer(1)) => Op::Call,
            Some(mlua::Value::Integer(2)) => Op::Pcall,
            _ => Op::AclCheck,
        }
    }
}

/// `redis.call`, `redis.pcall` and `redis.acl_check_cmd`, made once: C
/// functions to Lua as Redis's are (so `return redis.call(…)` keeps the
/// caller's frame for an error's line), each passing its arguments to the
/// run's `host` function. Making the three per run cost a quarter of an
/// EVALSHA (issue #13); one is made per run instead.
fn install_host_calls(
    lua: &Lua,
    redis: &Table,
    host: &Rc<RefCell<Option<Function>>>,
) -> mlua::Result<()> {
    for (name, op) in [
        ("call", Op::Call),
        ("pcall", Op::Pcall),
        ("acl_check_cmd", Op::AclCheck),
    ] {
        let host = host.clone();
        let f = lua.create_function(move |_, args: mlua::MultiValue| {
            let reach = host.borrow().clone();
            match reach {
                Some(reach) => reach.call::<mlua::Value>((op as i64, args)),
                None => Err(mlua::Error::runtime("no script is running")),
            }
        })?;
        redis.raw_set(name, f)?;
    }
    Ok(())
}

thread_local! {
    /// This thread's sandbox, out while a run holds it.
    static CACHED: RefCell<Option<Sandbox>> = const { RefCell::new(None) };
}

/// Runs `f` in this thread's sandbox (a fresh one if a run already holds
/// it). A run that failed inside the engine (not a script's error: those
/// are replies) drops its sandbox rather than keep a state it left midway.
pub fn with<R>(f: impl FnOnce(&mut Sandbox) -> mlua::Result<R>) -> mlua::Result<R> {
    let mut sandbox = match CACHED.with(|c| c.borrow_mut().take()) {
        Some(s) => s,
        None => Sandbox::new()?,
    };
    let out = f(&mut sandbox);
    if out.is_ok() {
        CACHED.with(|c| *c.borrow_mut() = Some(sandbox));
    }
    out
}
