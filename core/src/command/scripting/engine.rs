//! The Lua 5.1 engine (script_lua.c, eval.c, function_lua.c): a sandboxed
//! interpreter with Redis's `redis` table, the Lua ↔ RESP conversions and
//! Redis's error table format. The interpreter is real Lua 5.1 (mlua's
//! vendored C source), so it exists only with the `lua` feature.
//!
//! Runs reuse one interpreter per thread ([`sandbox`]), reset to a fresh
//! one's state; it is kept outside the node, which stays `Clone` for the
//! simulator's snapshots (an interpreter cannot be copied).
//!
//! Time: a sans-IO node has no clock that moves while a command runs, so a
//! script's time is counted in Lua VM instructions, as Redis's own count
//! hook samples it (every 100 000 instructions): [`INSTRUCTIONS_PER_MS`] of
//! them make one millisecond of script time.

use super::host::Host;
use super::libs::number::format_g;
use super::sandbox::{self, RunState, Sandbox};
use crate::resp::Value;
use mlua::{HookTriggers, Lua, MultiValue, Table, VmState};
use std::cell::Cell;
use std::rc::Rc;

/// VM instructions counted as one millisecond of script time (a Lua 5.1
/// interpreter runs some 100 M simple instructions a second natively).
pub const INSTRUCTIONS_PER_MS: u64 = 100_000;

/// How often the count hook looks at the budget (instructions).
pub const HOOK_EVERY: u32 = 10_000;

/// The chunk name of the user's code: Redis loads it as `@user_script`, so
/// messages read `user_script:1: …`.
pub const USER_CHUNK: &str = "@user_script";

/// The chunk name of a library's code (FUNCTION LOAD, FCALL).
pub const LIBRARY_CHUNK: &str = "@user_function";

/// What one run is: EVAL's body, or a library and the function to call.
pub struct Script<'a> {
    /// The Lua source (EVAL's body without its shebang line, or a library).
    pub code: &'a [u8],
    /// FCALL: the registered function to call once the library loaded.
    pub function: Option<&'a str>,
    /// `KEYS` (EVAL: a global; FCALL: the first argument).
    pub keys: &'a [Vec<u8>],
    /// `ARGV` (EVAL: a global; FCALL: the second argument).
    pub args: &'a [Vec<u8>],
    /// How errors name the script: the SHA1 for EVAL, the function's name.
    pub name: &'a str,
    /// Script time allowed before the run is stopped, in milliseconds
    /// (`busy-reply-threshold`; 0: no limit).
    pub limit_ms: u64,
}

/// A function that a library registered (`redis.register_function`).
#[derive(Clone, Debug, PartialEq)]
pub struct Registered {
    /// Its name (FCALL's first argument).
    pub name: String,
    /// Its flags (`no-writes`, `allow-oom`…), as given.
    pub flags: Vec<String>,
    /// Its description, if one was given.
    pub description: Option<String>,
}

/// `redis` without the calls (what FUNCTION LOAD's registration sees too).
pub(super) fn redis_table(lua: &Lua, state: &Rc<RunState>) -> mlua::Result<Table> {
    let redis = lua.create_table()?;
    redis.set("REDIS_VERSION", crate::command::REDIS_VERSION)?;
    redis.set("REDIS_VERSION_NUM", version_num())?;
    for (name, level) in [
        ("LOG_DEBUG", 0),
        ("LOG_VERBOSE", 1),
        ("LOG_NOTICE", 2),
        ("LOG_WARNING", 3),
    ] {
        redis.set(name, level)?;
    }
    for (name, flags) in [
        ("REPL_NONE", 0),
        ("REPL_AOF", 1),
        ("REPL_SLAVE", 2),
        ("REPL_REPLICA", 2),
        ("REPL_ALL", 3),
    ] {
        redis.set(name, flags)?;
    }
    redis.set(
        "sha1hex",
        lua.create_function(|lua, args: MultiValue| {
            if args.len() != 1 {
                return Err(raise(lua, "wrong number of arguments"));
            }
            let bytes = match &args[0] {
                mlua::Value::String(s) => s.as_bytes().to_vec(),
                mlua::Value::Number(n) => format_g(*n, 14).into_bytes(),
                mlua::Value::Integer(n) => format_g(*n as f64, 14).into_bytes(),
                _ => Vec::new(),
            };
            Ok(super::sha1_hex(&bytes))
        })?,
    )?;
    redis.set(
        "error_reply",
        lua.create_function(|lua, args: MultiValue| {
            let t = lua.create_table()?;
            match args.front() {
                Some(mlua::Value::String(s)) if args.len() == 1 => {
                    let s = s.to_string_lossy();
                    let raw = if s.starts_with('-') {
                        s.to_string()
                    } else {
                        format!("-{s}")
                    };
                    t.set("err", error_text(&raw))?;
                }
                _ => t.set("err", "ERR wrong number or type of arguments")?,
            }
            Ok(t)
        })?,
    )?;
    redis.set(
        "status_reply",
        lua.create_function(|lua, args: MultiValue| single_field(lua, &args, "ok"))?,
    )?;
    redis.set(
        "log",
        lua.create_function(|lua, args: MultiValue| {
            if args.len() < 2 {
                return Err(raise(lua, "redis.log() requires two arguments or more."));
            }
            let level = match &args[0] {
                mlua::Value::Number(n) => *n as i64,
                mlua::Value::Integer(n) => *n,
                mlua::Value::String(s) => match s.to_str().ok().and_then(|s| s.parse().ok()) {
                    Some(n) => n,
                    None => return Err(raise(lua, "First argument must be a number (log level).")),
                },
                _ => return Err(raise(lua, "First argument must be a number (log level).")),
            };
            if !(0..=3).contains(&level) {
                return Err(raise(lua, "Invalid debug level."));
            }
            // The node has no log file: the line is dropped, as Redis drops
            // lines under its `loglevel`.
            Ok(())
        })?,
    )?;
    let run = state.clone();
    redis.set(
        "setresp",
        lua.create_function(move |lua, args: MultiValue| {
            if args.len() != 1 {
                return Err(raise(lua, "redis.setresp() requires one argument."));
            }
            let resp = number_of(&args[0]).unwrap_or(0.0) as i64;
            if resp != 2 && resp != 3 {
                return Err(raise(lua, "RESP version must be 2 or 3."));
            }
            run.resp3.set(resp == 3);
            Ok(())
        })?,
    )?;
    let run = state.clone();
    redis.set(
        "set_repl",
        lua.create_function(move |lua, args: MultiValue| {
            if args.len() != 1 {
                return Err(raise(lua, "redis.set_repl() requires two arguments."));
            }
            let flags = number_of(&args[0]).unwrap_or(0.0) as i64;
            if flags & !3 != 0 {
                return Err(raise(
                    lua,
                    "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
                ));
            }
            run.repl.set(flags);
            Ok(())
        })?,
    )?;
    // 7.0 keeps `replicate_commands` as a no-op answering true: effects
    // replication is the only mode left.
    redis.set("replicate_commands", lua.create_function(|_, ()| Ok(true))?)?;
    Ok(redis)
}

/// `REDIS_VERSION_NUM`: 0x00MMmmpp.
fn version_num() -> i64 {
    let mut parts = crate::command::REDIS_VERSION
        .split('.')
        .map(|p| p.parse::<i64>().unwrap_or(0));
    let (a, b, c) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    (a << 16) | (b << 8) | c
}

/// An error raised by a Rust callback; the glue and the error handler turn
/// it into Redis's `{err=…}` table.
fn raise(_lua: &Lua, msg: &str) -> mlua::Error {
    mlua::Error::external(ScriptError(format!("ERR {msg}")))
}

fn number_of(v: &mlua::Value) -> Option<f64> {
    match v {
        mlua::Value::Number(n) => Some(*n),
        mlua::Value::Integer(n) => Some(*n as f64),
        mlua::Value::String(s) => s.to_str().ok()?.trim().parse().ok(),
        _ => None,
    }
}

/// `redis.status_reply` / `redis.error_reply`'s checks
/// (`luaRedisReturnSingleFieldTable`).
fn single_field(lua: &Lua, args: &MultiValue, field: &str) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    match args.front() {
        Some(mlua::Value::String(s)) if args.len() == 1 => {
            t.set(field, s.clone())?;
        }
        _ => {
            t.set("err", "ERR wrong number or type of arguments")?;
        }
    }
    Ok(t)
}

/// `luaPushErrorBuff`: `-CODE msg` or `msg` (code ERR) → `CODE msg`,
/// trimmed of its line end.
fn error_text(raw: &str) -> String {
    let text = if let Some(rest) = raw.strip_prefix('-') {
        match rest.split_once(' ') {
            Some((code, msg)) => format!("{code} {msg}"),
            None => format!("ERR {rest}"),
        }
    } else {
        format!("ERR {raw}")
    };
    text.trim_end_matches(['\r', '\n']).to_string()
}

/// A command's reply as the script sees it (`redisProtocolToLuaType`), in
/// the protocol the script chose with `redis.setresp`.
fn reply_to_lua(lua: &Lua, v: &Value, resp3: bool) -> mlua::Result<mlua::Value> {
    let table = |pairs: Vec<(&str, mlua::Value)>| -> mlua::Result<mlua::Value> {
        let t = lua.create_table()?;
        for (k, v) in pairs {
            t.set(k, v)?;
        }
        Ok(mlua::Value::Table(t))
    };
    Ok(match v {
        Value::Simple(s) => table(vec![("ok", mlua::Value::String(lua.create_string(s)?))])?,
        Value::Error(s) => table(vec![
            (
                "err",
                mlua::Value::String(lua.create_string(error_text(&format!("-{s}")))?),
            ),
            ("ignore_error_stats_update", mlua::Value::Boolean(true)),
        ])?,
        Value::Integer(n) => mlua::Value::Number(*n as f64),
        Value::Bulk(b) => mlua::Value::String(lua.create_string(b)?),
        Value::Null | Value::NullArray | Value::NullAs(_) if resp3 => mlua::Value::Nil,
        Value::Null | Value::NullArray | Value::NullAs(_) => mlua::Value::Boolean(false),
        Value::Array(items) | Value::Push(items) => array_to_lua(lua, items, resp3)?,
        Value::Set(items) if resp3 => {
            let set = lua.create_table()?;
            for item in items {
                set.set(reply_to_lua(lua, item, resp3)?, true)?;
            }
            table(vec![("set", mlua::Value::Table(set))])?
        }
        Value::Set(items) => array_to_lua(lua, items, resp3)?,
        Value::Map(pairs) if resp3 => {
            let map = lua.create_table()?;
            for (k, v) in pairs {
                map.set(reply_to_lua(lua, k, resp3)?, reply_to_lua(lua, v, resp3)?)?;
            }
            table(vec![("map", mlua::Value::Table(map))])?
        }
        Value::Map(pairs) => {
            let flat: Vec<Value> = pairs
                .iter()
                .flat_map(|(k, v)| [k.clone(), v.clone()])
                .collect();
            array_to_lua(lua, &flat, resp3)?
        }
        Value::Double(d) if resp3 => table(vec![("double", mlua::Value::Number(*d))])?,
        Value::Double(d) => mlua::Value::String(lua.create_string(crate::resp::format_double(*d))?),
        // The RESP3 parser reads the double's text with strtod.
        Value::DoubleText(t) if resp3 => table(vec![(
            "double",
            mlua::Value::Number(t.parse().unwrap_or(0.0)),
        )])?,
        Value::DoubleText(t) => mlua::Value::String(lua.create_string(t)?),
        Value::Boolean(b) if resp3 => mlua::Value::Boolean(*b),
        Value::Boolean(b) => mlua::Value::Number(if *b { 1.0 } else { 0.0 }),
        Value::Verbatim(text) if resp3 => {
            let inner = lua.create_table()?;
            inner.set("format", "txt")?;
            inner.set("string", text.as_str())?;
            table(vec![("verbatim_string", mlua::Value::Table(inner))])?
        }
        Value::Verbatim(text) => mlua::Value::String(lua.create_string(text)?),
        Value::BigNumber(t) if resp3 => table(vec![(
            "big_number",
            mlua::Value::String(lua.create_string(t)?),
        )])?,
        Value::BigNumber(t) => mlua::Value::String(lua.create_string(t)?),
    })
}

fn array_to_lua(lua: &Lua, items: &[Value], resp3: bool) -> mlua::Result<mlua::Value> {
    let t = lua.create_table_with_capacity(items.len(), 0)?;
    for (i, item) in items.iter().enumerate() {
        t.raw_set(i + 1, reply_to_lua(lua, item, resp3)?)?;
    }
    Ok(mlua::Value::Table(t))
}

/// A script's return value as the reply (`luaReplyToRedisReply`): numbers
/// truncated to integers, `false` → nil, `true` → 1 (RESP2), tables with
/// `err`/`ok`/`double`/`big_number`/`map`/`set` fields, arrays cut at the first nil.
fn lua_to_reply(v: &mlua::Value, resp3: bool, depth: usize) -> Value {
    // Redis nests until its Lua C stack (about 8000 levels) runs out; a
    // shallower limit keeps the Rust stack small on any thread.
    if depth > 200 {
        return Value::err("ERR reached lua stack limit");
    }
    match v {
        mlua::Value::String(s) => Value::Bulk(s.as_bytes().to_vec()),
        mlua::Value::Boolean(b) if resp3 => Value::Boolean(*b),
        mlua::Value::Boolean(true) => Value::Integer(1),
        // `(long long)` of a double, as x86-64 converts it (NaN and out of
        // range give the lowest integer).
        mlua::Value::Number(n) => Value::Integer(super::libs::number::c_trunc(*n)),
        mlua::Value::Integer(n) => Value::Integer(*n),
        mlua::Value::Table(t) => table_to_reply(t, resp3, depth),
        _ => Value::Null,
    }
}

fn table_to_reply(t: &Table, resp3: bool, depth: usize) -> Value {
    let field = |name: &str| t.raw_get::<mlua::Value>(name).unwrap_or(mlua::Value::Nil);
    if let mlua::Value::String(e) = field("err") {
        return Value::Error(e.to_string_lossy().to_string());
    }
    if let mlua::Value::String(ok) = field("ok") {
        return Value::Simple(ok.to_string_lossy().to_string());
    }
    if let Some(d) = number_of_strict(&field("double")) {
        return Value::Double(d);
    }
    // Its CR and LF become spaces when the reply is written.
    if let mlua::Value::String(n) = field("big_number") {
        return Value::BigNumber(n.to_string_lossy().to_string());
    }
    if let mlua::Value::Table(m) = field("map") {
        let pairs = m
            .pairs::<mlua::Value, mlua::Value>()
            .filter_map(Result::ok)
            .map(|(k, v)| {
                (
                    lua_to_reply(&k, resp3, depth + 1),
                    lua_to_reply(&v, resp3, depth + 1),
                )
            })
            .collect();
        return Value::Map(pairs);
    }
    if let mlua::Value::Table(s) = field("set") {
        let items = s
            .pairs::<mlua::Value, mlua::Value>()
            .filter_map(Result::ok)
            .map(|(k, _)| lua_to_reply(&k, resp3, depth + 1))
            .collect();
        return Value::Set(items);
    }
    let mut items = Vec::new();
    for i in 1.. {
        match t.raw_get::<mlua::Value>(i) {
            Ok(mlua::Value::Nil) | Err(_) => break,
            Ok(v) => items.push(lua_to_reply(&v, resp3, depth + 1)),
        }
    }
    Value::Array(items)
}

fn number_of_strict(v: &mlua::Value) -> Option<f64> {
    match v {
        mlua::Value::Number(n) => Some(*n),
        mlua::Value::Integer(n) => Some(*n as f64),
        _ => None,
    }
}

/// `luaArgsToRedisArgv`: strings as they are, numbers as `%.17g`.
fn call_args(args: &MultiValue) -> Result<Vec<Vec<u8>>, &'static str> {
    if args.is_empty() {
        return Err("Please specify at least one argument for this redis lib call");
    }
    args.iter()
        .map(|a| match a {
            mlua::Value::String(s) => Ok(s.as_bytes().to_vec()),
            // mlua hands whole numbers over as integers; Lua has doubles only.
            mlua::Value::Number(n) => Ok(format_g(*n, 17).into_bytes()),
            mlua::Value::Integer(n) => Ok(format_g(*n as f64, 17).into_bytes()),
            _ => Err("Lua redis lib command arguments must be strings or integers"),
        })
        .collect()
}

/// Compiles `code` as the user's chunk (and keeps it for its runs): `Err`
/// carries Lua's message (`user_script:1: '=' expected near 'x'`).
pub fn compile(code: &[u8]) -> Result<(), String> {
    sandbox::with(|s| Ok(s.chunk(code, false).map(|_| ())))
        .map_err(|e| e.to_string())?
        .map_err(|e| syntax_message(&e))
}

fn syntax_message(e: &mlua::Error) -> String {
    match e {
        mlua::Error::SyntaxError { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// How a run ended, before the reply is built.
pub enum Ended {
    /// The script's value or error, as the reply.
    Reply(Value),
    /// The script ran past its time and was stopped (see the module doc).
    TimedOut,
}

/// Runs EVAL's body or a library's function against `host`.
pub fn run(script: &Script, host: &mut dyn Host) -> Ended {
    match run_inner(script, host) {
        Ok(ended) => ended,
        Err(e) => Ended::Reply(Value::err(format!(
            "ERR Error running script {}, {}",
            script.name,
            e.to_string().chars().take(100).collect::<String>()
        ))),
    }
}

fn run_inner(script: &Script, host: &mut dyn Host) -> mlua::Result<Ended> {
    let mut kept = host.persisted();
    let function = script.function.is_some();
    let cjson = match function {
        true => kept.function_cjson.clone(),
        false => kept.eval_cjson.clone(),
    };
    let random = kept.random;
    let ended = sandbox::with(|sandbox| {
        // What Redis's long-lived Lua state keeps between scripts (cjson's
        // settings, `math.random`), handed in and taken back.
        super::libs::begin_run(&sandbox.lua, cjson, random);
        let ended = run_in(sandbox, script, host);
        let (cjson, random) = super::libs::end_run(&sandbox.lua);
        match function {
            true => kept.function_cjson = cjson,
            false => kept.eval_cjson = cjson,
        }
        kept.random = random;
        ended
    });
    host.set_persisted(kept);
    ended
}

/// One run in the reused sandbox, from [`Sandbox::reset`]'s state.
fn run_in(sandbox: &mut Sandbox, script: &Script, host: &mut dyn Host) -> mlua::Result<Ended> {
    let globals = match script.function {
        None => Some((
            strings(&sandbox.lua, script.keys)?,
            strings(&sandbox.lua, script.args)?,
        )),
        Some(_) => None,
    };
    let budget = script.limit_ms.saturating_mul(INSTRUCTIONS_PER_MS);
    sandbox.reset(globals, budget)?;
    let body = match sandbox.chunk(script.code, script.function.is_some()) {
        Ok(f) => f,
        Err(e) => {
            return Ok(Ended::Reply(Value::err(format!(
                "ERR Error compiling script (new function): {}",
                syntax_message(&e)
            ))))
        }
    };
    // The Lua debugger's calls exist in EVAL's state only (eval.c).
    sandbox.show_debugger(script.function.is_none())?;
    let Sandbox {
        lua,
        redis,
        xpcall,
        handler,
        state,
        names,
        locked,
        host: reach_slot,
        ..
    } = &*sandbox;
    let host = std::cell::RefCell::new(host);
    let call_host = |lua: &Lua, args: MultiValue| -> mlua::Result<(mlua::Value, bool)> {
        let argv = match call_args(&args) {
            Ok(argv) => argv,
            Err(msg) => {
                let t = lua.create_table()?;
                t.set("err", format!("ERR {msg}"))?;
                return Ok((mlua::Value::Table(t), true));
            }
        };
        let resp3 = state.resp3.get();
        // `redis.set_repl`: REPL_REPLICA (2) is the bit replicas read.
        let reply = host
            .borrow_mut()
            .call(argv, resp3, state.repl.get() & 2 != 0);
        let failed = reply.is_error();
        Ok((reply_to_lua(lua, &reply, resp3)?, failed))
    };
    // The host is reached through one function that lives for this run
    // only (it borrows the node), behind `redis.call`, `redis.pcall` and
    // `redis.acl_check_cmd` ([`sandbox::Op`]).
    let ended = lua.scope(|scope| {
        let reach = scope.create_function_mut(|lua, mut args: MultiValue| {
            match sandbox::Op::from_lua(args.pop_front().as_ref()) {
                sandbox::Op::Call => {
                    let (value, failed) = call_host(lua, args)?;
                    if failed {
                        let text = match &value {
                            mlua::Value::Table(t) => t.raw_get::<String>("err").unwrap_or_default(),
                            _ => String::new(),
                        };
                        return Err(mlua::Error::external(ScriptError(text)));
                    }
                    Ok(value)
                }
                sandbox::Op::Pcall => Ok(call_host(lua, args)?.0),
                // Whether the caller's user may run the command
                // (`ACLCheckAllUserCommandPerm`), without running it.
                sandbox::Op::AclCheck => {
                    let argv = call_args(&args).map_err(|m| raise(lua, m))?;
                    host.borrow_mut()
                        .acl_allows(&argv)
                        .map(mlua::Value::Boolean)
                        .ok_or_else(|| {
                            raise(lua, "Invalid command passed to redis.acl_check_cmd()")
                        })
                }
            }
        })?;
        *reach_slot.borrow_mut() = Some(reach);
        let target = match script.function {
            None => body,
            Some(name) => {
                let functions = lua.create_table()?;
                install_register(lua, redis, &names.register_function, &functions)?;
                body.call::<()>(())?;
                match functions.raw_get::<mlua::Function>(name) {
                    Ok(f) => {
                        let keys = strings(lua, script.keys)?;
                        let args = strings(lua, script.args)?;
                        locked.fcall.call((f, keys, args))?
                    }
                    Err(_) => return Ok(Ended::Reply(Value::err("ERR Function not found"))),
                }
            }
        };
        let out: MultiValue = xpcall.call((target, handler))?;
        let resp3 = state.resp3.get();
        let mut out = out.into_iter();
        let ok = matches!(out.next(), Some(mlua::Value::Boolean(true)));
        let value = out.next().unwrap_or(mlua::Value::Nil);
        if state.killed.get() {
            return Ok(Ended::TimedOut);
        }
        if ok {
            return Ok(Ended::Reply(lua_to_reply(&value, resp3, 0)));
        }
        Ok(Ended::Reply(failure(&value, script.name)))
    });
    *reach_slot.borrow_mut() = None;
    ended
}

/// `luaCallFunction`'s error reply: the table's message, then where it
/// happened (` script: <name>, on @user_script:1.`).
fn failure(err: &mlua::Value, name: &str) -> Value {
    let mlua::Value::Table(t) = err else {
        return Value::err(format!(
            "ERR Error running script {name}, execution failure"
        ));
    };
    let msg: String = t
        .raw_get::<mlua::Value>("err")
        .ok()
        .and_then(|v| match v {
            mlua::Value::String(s) => Some(s.to_string_lossy().to_string()),
            _ => None,
        })
        .unwrap_or_default();
    let source: Option<String> = t.raw_get("source").ok();
    let line: Option<i64> = t.raw_get("line").ok();
    match (source, line) {
        (Some(source), Some(line)) => {
            Value::err(format!("{msg} script: {name}, on {source}:{line}."))
        }
        _ => Value::err(msg),
    }
}

/// `__redis__err__handler`: turns what was raised into `{err=…}` and adds
/// the source and line of the user's code that raised it.
pub(super) fn error_handler(lua: &Lua) -> mlua::Result<mlua::Function> {
    lua.create_function(|lua, err: mlua::Value| {
        let t = match err {
            mlua::Value::Table(t) => t,
            other => {
                let t = lua.create_table()?;
                let text = match &other {
                    mlua::Value::String(s) => format!("ERR {}", s.to_string_lossy()),
                    mlua::Value::Error(e) => coded_message(e),
                    v => format!("ERR {v:?}"),
                };
                t.set("err", text)?;
                t
            }
        };
        for level in 1..32 {
            let found = lua.inspect_stack(level, |d| {
                let src = d.source();
                let what = src.what;
                let name = src.source.map(|s| s.to_string());
                (what, name, d.current_line())
            });
            let Some((what, source, line)) = found else {
                break;
            };
            if what == "C" || source.as_deref() == Some(sandbox::GLUE_CHUNK) {
                continue;
            }
            if let (Some(source), Some(line)) = (source, line) {
                t.set("source", source)?;
                t.set("line", line)?;
            }
            break;
        }
        Ok(t)
    })
}

/// An error reply raised by `redis.call` (or a Rust helper): mlua's
/// callbacks raise userdata, not tables, so the text travels in this and
/// the error handler builds Redis's `{err=…}` table from it.
#[derive(Debug)]
struct ScriptError(String);

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScriptError {}

/// The message of an error raised by a Rust callback (mlua wraps it),
/// without mlua's traceback.
fn callback_message(e: &mlua::Error) -> String {
    match e {
        mlua::Error::CallbackError { cause, .. } => callback_message(cause),
        mlua::Error::ExternalError(inner) => match inner.downcast_ref::<ScriptError>() {
            Some(ScriptError(text)) => text.clone(),
            None => inner.to_string(),
        },
        mlua::Error::RuntimeError(msg) => msg
            .split("\nstack traceback:")
            .next()
            .unwrap_or(msg)
            .to_string(),
        other => other.to_string(),
    }
}

/// An error's reply text: a [`ScriptError`] carries its code already,
/// anything else gets `ERR` (as `__redis__err__handler` adds it).
pub(super) fn coded_message(e: &mlua::Error) -> String {
    fn script_error(e: &mlua::Error) -> bool {
        match e {
            mlua::Error::CallbackError { cause, .. } => script_error(cause),
            mlua::Error::ExternalError(inner) => inner.downcast_ref::<ScriptError>().is_some(),
            _ => false,
        }
    }
    if script_error(e) {
        callback_message(e)
    } else {
        format!("ERR {}", callback_message(e))
    }
}

fn strings(lua: &Lua, items: &[Vec<u8>]) -> mlua::Result<Table> {
    let t = lua.create_table_with_capacity(items.len(), 0)?;
    for (i, item) in items.iter().enumerate() {
        t.raw_set(i + 1, lua.create_string(item)?)?;
    }
    Ok(t)
}

/// `redis.register_function` for a library being loaded: functions go to
/// `functions` by name (flags checked by [`load_library`]).
fn install_register(
    lua: &Lua,
    redis: &Table,
    name: &mlua::LuaString,
    functions: &Table,
) -> mlua::Result<()> {
    let functions = functions.clone();
    let register = lua.create_function(move |_, args: MultiValue| {
        let (name, callback) = match (args.front(), args.get(1)) {
            (Some(mlua::Value::String(n)), Some(mlua::Value::Function(f))) if args.len() == 2 => {
                (n.to_string_lossy().to_string(), f.clone())
            }
            (Some(mlua::Value::Table(t)), None) => {
                let name: Option<String> = t.raw_get("function_name").ok();
                let callback: Option<mlua::Function> = t.raw_get("callback").ok();
                match (name, callback) {
                    (Some(n), Some(f)) => (n, f),
                    _ => {
                        return Err(mlua::Error::runtime(
                            "ERR wrong arguments to redis.register_function",
                        ))
                    }
                }
            }
            _ => {
                return Err(mlua::Error::runtime(
                    "ERR wrong number of arguments to redis.register_function",
                ))
            }
        };
        functions.raw_set(name, callback)?;
        Ok(())
    })?;
    redis.raw_set(name, register)
}

/// FUNCTION LOAD: runs the library's body with only
/// `redis.register_function` (and logging) usable, and returns what it
/// registered. `Err` is the reply's message.
pub fn load_library(code: &[u8]) -> Result<Vec<Registered>, String> {
    let lua = sandbox::new_state().map_err(|e| e.to_string())?;
    let found = Rc::new(std::cell::RefCell::new(Vec::<Registered>::new()));
    let result = (|| -> mlua::Result<Result<(), String>> {
        lua.set_hook(HookTriggers::new().every_nth_instruction(HOOK_EVERY), {
            let used = Cell::new(0u64);
            move |_, _| {
                used.set(used.get() + u64::from(HOOK_EVERY));
                if used.get() > 500 * INSTRUCTIONS_PER_MS {
                    return Err(mlua::Error::runtime("FUNCTION LOAD timeout"));
                }
                Ok(VmState::Continue)
            }
        })?;
        let redis = library_api(&lua)?;
        let sink = found.clone();
        let register = lua.create_function(move |_, args: MultiValue| {
            let reg = registration(&args)
                .map_err(|m| mlua::Error::external(ScriptError(format!("ERR {m}"))))?;
            let mut list = sink.borrow_mut();
            if list.iter().any(|r| r.name == reg.name) {
                return Err(mlua::Error::external(ScriptError(
                    "ERR Function already exists in the library".into(),
                )));
            }
            list.push(reg);
            Ok(())
        })?;
        redis.raw_set("register_function", register)?;
        lua.globals().raw_set("redis", redis)?;
        let locked = sandbox::lock(&lua, true, lua.create_function(|_, ()| Ok(false))?)?;
        let mut chunk = lua.load(code).set_name(LIBRARY_CHUNK);
        if let Some(env) = locked.load_env {
            chunk = chunk.set_environment(env);
        }
        let body = match chunk.into_function() {
            Ok(f) => f,
            Err(e) => {
                return Ok(Err(format!(
                    "Error compiling function: {}",
                    syntax_message(&e)
                )))
            }
        };
        match body.call::<()>(()) {
            Ok(()) => Ok(Ok(())),
            Err(e) => Ok(Err(format!(
                "Error registering functions: {}",
                coded_message(&e)
            ))),
        }
    })();
    match result {
        Ok(Ok(())) => Ok(found.take()),
        Ok(Err(msg)) => Err(msg),
        Err(e) => Err(e.to_string()),
    }
}

/// The `redis` a library's top level sees during FUNCTION LOAD (function_lua.c
/// `luaEngineInitEngine`'s library API): `register_function` (added by the
/// caller), `log` and its levels, and the version; nothing else.
fn library_api(lua: &Lua) -> mlua::Result<Table> {
    let full = redis_table(lua, &Rc::new(RunState::default()))?;
    let api = lua.create_table()?;
    for name in [
        "log",
        "LOG_DEBUG",
        "LOG_VERBOSE",
        "LOG_NOTICE",
        "LOG_WARNING",
        "REDIS_VERSION",
        "REDIS_VERSION_NUM",
    ] {
        api.raw_set(name, full.raw_get::<mlua::Value>(name)?)?;
    }
    Ok(api)
}

/// `luaRegisterFunctionReadNamedArgs` / positional form: name, callback,
/// flags, description.
fn registration(args: &MultiValue) -> Result<Registered, String> {
    let fail = |m: &str| Err(m.to_string());
    match (args.front(), args.get(1)) {
        (Some(mlua::Value::String(n)), Some(mlua::Value::Function(_))) if args.len() == 2 => {
            Ok(Registered {
                name: checked_name(&n.to_string_lossy())?,
                flags: Vec::new(),
                description: None,
            })
        }
        (Some(mlua::Value::Table(t)), None) => {
            let mut reg = Registered {
                name: String::new(),
                flags: Vec::new(),
                description: None,
            };
            let mut has_callback = false;
            for pair in t.pairs::<mlua::Value, mlua::Value>() {
                let (k, v) = pair.map_err(|e| e.to_string())?;
                let key =
                    match &k {
                        mlua::Value::String(s) => s.to_string_lossy().to_string(),
                        _ => return fail(
                            "named argument key given to redis.register_function is not a string",
                        ),
                    };
                match (key.as_str(), v) {
                    ("function_name", mlua::Value::String(s)) => {
                        reg.name = checked_name(&s.to_string_lossy())?
                    }
                    ("function_name", _) => return fail("function_name argument given to redis.register_function must be a string"),
                    ("description", mlua::Value::String(s)) => {
                        reg.description = Some(s.to_string_lossy().to_string())
                    }
                    ("description", _) => return fail("description argument given to redis.register_function must be a string"),
                    ("callback", mlua::Value::Function(_)) => has_callback = true,
                    ("callback", _) => return fail("callback argument given to redis.register_function must be a function"),
                    ("flags", mlua::Value::Table(f)) => {
                        for flag in f.sequence_values::<mlua::Value>() {
                            match flag {
                                Ok(mlua::Value::String(s)) => {
                                    let s = s.to_string_lossy().to_string();
                                    if !super::shebang::FLAGS.contains(&s.as_str()) {
                                        return fail("unknown flag given");
                                    }
                                    reg.flags.push(s)
                                }
                                _ => return fail("unknown flag given"),
                            }
                        }
                    }
                    ("flags", _) => return fail("flags argument to redis.register_function must be a table representing function flags"),
                    _ => return fail("unknown argument given to redis.register_function"),
                }
            }
            if reg.name.is_empty() {
                return fail("redis.register_function must get a function name argument");
            }
            if !has_callback {
                return fail("redis.register_function must get a callback argument");
            }
            Ok(reg)
        }
        _ => fail("wrong number of arguments to redis.register_function"),
    }
}

/// `functionsVerifyName`: letters, digits and underscores.
fn checked_name(name: &str) -> Result<String, String> {
    // 7.0.15 words a bad function name as a bad library name.
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long".into());
    }
    Ok(name.to_string())
}
