//! `evalGenericCommand` and `fcallCommandGeneric` up to the engine:
//! arguments, the script cache, `scriptPrepareForRun`'s refusals, then the
//! run itself (or, without the `lua` feature, the page's plain refusal).

use super::shebang::{self, ScriptFlags};
use super::store::Cached;
use crate::command::{int_arg, Call};
use crate::node::ServerCtx;
use crate::resp::Value;

/// What the page answers: its build has no Lua engine (Lua 5.1 is C and
/// does not build for wasm32-unknown-unknown).
#[cfg(not(feature = "lua"))]
pub const NOT_AVAILABLE: &str =
    "ERR scripting is not available in this page: its build has no Lua engine (run clusterlab-node for EVAL and FUNCTION)";

/// Compiles and caches a script (EVAL, SCRIPT LOAD): its SHA1, or the
/// error reply.
pub fn cache(node: &mut ServerCtx, body: &[u8]) -> Result<String, Value> {
    let sha = super::sha1_hex(body);
    if node.scripts_mut().scripts.contains_key(&sha) {
        return Ok(sha);
    }
    let (flags, code) = shebang::parse(body).map_err(|m| Value::err(format!("ERR {m}")))?;
    compile(&code)?;
    node.scripts_mut()
        .scripts
        .insert(sha.clone(), Cached { flags, code });
    Ok(sha)
}

#[cfg(feature = "lua")]
fn compile(code: &[u8]) -> Result<(), Value> {
    super::engine::compile(code)
        .map_err(|m| Value::err(format!("ERR Error compiling script (new function): {m}")))
}

#[cfg(not(feature = "lua"))]
fn compile(_code: &[u8]) -> Result<(), Value> {
    Err(Value::err(NOT_AVAILABLE))
}

/// `numkeys`'s checks (`evalGenericCommand`, `fcallCommandGeneric`).
pub fn numkeys(args: &[Vec<u8>]) -> Result<usize, Value> {
    let n = int_arg(&args[2])?;
    if n > (args.len() - 3) as i64 {
        return Err(Value::err(
            "ERR Number of keys can't be greater than number of args",
        ));
    }
    if n < 0 {
        return Err(Value::err("ERR Number of keys can't be negative"));
    }
    Ok(n as usize)
}

/// EVAL, EVALSHA and their `_RO` forms.
pub fn eval_generic(c: &mut Call, by_sha: bool, ro: bool) -> Value {
    crate::command::monitor_feed::feed_script_call(c);
    let n = match numkeys(c.args) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let sha = if by_sha {
        String::from_utf8_lossy(&c.args[1]).to_ascii_lowercase()
    } else {
        let args = c.args;
        match cache(&mut c.server(), &args[1]) {
            Ok(sha) => sha,
            Err(e) => return e,
        }
    };
    let Some(script) = c.server().scripts_mut().scripts.get(&sha).cloned() else {
        return Value::err("NOSCRIPT No matching script. Please use EVAL.");
    };
    let keys = &c.args[3..3 + n];
    let args = &c.args[3 + n..];
    start(c, &script.flags, ro, &script.code, None, keys, args, &sha)
}

/// `scriptPrepareForRun`'s refusals, then the run.
#[allow(clippy::too_many_arguments)]
pub fn start(
    c: &mut Call,
    flags: &ScriptFlags,
    ro: bool,
    code: &[u8],
    function: Option<&str>,
    keys: &[Vec<u8>],
    args: &[Vec<u8>],
    name: &str,
) -> Value {
    if !flags.compat {
        if flags.no_cluster {
            return Value::err("ERR Can not run script on cluster, 'no-cluster' flag is set.");
        }
        if !flags.no_writes {
            if c.server().is_replica() && !c.client.from_master {
                return Value::err(
                    "READONLY Can not run script with write flag on readonly replica",
                );
            }
            if ro {
                return Value::err(
                    "ERR Can not execute a script with write flag using *_ro command.",
                );
            }
        }
    }
    execute(c, flags, ro, code, function, keys, args, name)
}

#[cfg(feature = "lua")]
#[allow(clippy::too_many_arguments)]
fn execute(
    c: &mut Call,
    flags: &ScriptFlags,
    ro: bool,
    code: &[u8],
    function: Option<&str>,
    keys: &[Vec<u8>],
    args: &[Vec<u8>],
    name: &str,
) -> Value {
    use super::engine::{self, Ended, Script};
    let limit_ms = c.server().config().busy_reply_threshold_ms();
    let mut host = c.script_host(
        ro || (!flags.compat && flags.no_writes),
        flags.compat || flags.allow_cross_slot,
        keys,
    );
    let script = Script {
        code,
        function,
        keys,
        args,
        name,
        limit_ms,
    };
    match engine::run(&script, &mut host) {
        Ended::Reply(v) => v,
        // No client can send SCRIPT KILL while a command runs in a
        // sans-IO node, so the limit acts as the kill (module doc).
        Ended::TimedOut => Value::err(format!(
            "ERR Script killed by user with SCRIPT KILL... script: {name}, busy for more than {limit_ms} ms of script time"
        )),
    }
}

#[cfg(not(feature = "lua"))]
#[allow(clippy::too_many_arguments)]
fn execute(
    _c: &mut Call,
    _flags: &ScriptFlags,
    _ro: bool,
    _code: &[u8],
    _function: Option<&str>,
    _keys: &[Vec<u8>],
    _args: &[Vec<u8>],
    _name: &str,
) -> Value {
    Value::err(NOT_AVAILABLE)
}
