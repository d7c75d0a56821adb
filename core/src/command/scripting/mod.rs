//! Scripting (eval.c, functions.c, script.c): EVAL and its variants, SCRIPT,
//! FUNCTION and FCALL. Scripts run in real Lua 5.1 ([`engine`], with the
//! `lua` feature); without it (the browser page) these commands answer that
//! scripting is not available there.
//!
//! Cluster rules as 7.0 has them: EVAL routes on its declared keys; inside,
//! each `redis.call` must find its keys on this node ("non local key"), and
//! a script with a shebang, or a function, must keep to one slot unless it
//! says `allow-cross-slot-keys`. A script's writes reach replicas as the
//! commands it ran, wrapped in MULTI/EXEC when there are several.

#[cfg(feature = "lua")]
mod engine;
mod function_dump;
mod functions;
#[cfg(feature = "lua")]
mod host;
#[cfg(feature = "lua")]
mod libs;
mod run;
#[cfg(feature = "lua")]
mod sandbox;
mod shebang;
mod store;

#[cfg(feature = "lua")]
pub use host::NodeHost;
pub use store::Store;

use super::Call;
use crate::node::ServerCtx;
use crate::resp::Value;

/// Whether a script command writes as its declared flags say
/// (`getCommandFlags`: `evalGetCommandFlags`, `fcallGetCommandFlags`), for
/// cluster routing: `Some(write)` for a script with a shebang (cached, or
/// the EVAL body's own) or a function; `None` — the command's own flags
/// decide — for a compat-mode script or one not found.
pub fn declared_write(node: &mut ServerCtx, name: &str, args: &[Vec<u8>]) -> Option<bool> {
    let first = args.get(1)?;
    let flags = match name {
        "eval" | "eval_ro" => match node.scripts_mut().scripts.get(&sha1_hex(first)) {
            Some(cached) => cached.flags.clone(),
            None => shebang::parse(first).ok()?.0,
        },
        "evalsha" | "evalsha_ro" if first.len() == 40 => {
            let sha = String::from_utf8_lossy(first).to_ascii_lowercase();
            node.scripts_mut().scripts.get(&sha)?.flags.clone()
        }
        "fcall" | "fcall_ro" => {
            let function = String::from_utf8_lossy(first);
            node.scripts_mut().function(&function)?.1.flags.clone()
        }
        _ => return None,
    };
    (!flags.compat).then_some(!flags.no_writes)
}

/// SHA1 of a script body, lowercase hex (`sha1hex`).
pub fn sha1_hex(bytes: &[u8]) -> String {
    sha1_smol::Sha1::from(bytes).digest().to_string()
}

/// Where EVAL/FCALL's keys are: `numkeys` at 2, then that many keys; a
/// count that is not a number or does not fit means none (the command then
/// fails itself, as `evalGetKeys` leaves it to).
pub fn eval_keys(args: &[Vec<u8>]) -> Vec<usize> {
    let Some(n) = args.get(2).and_then(|a| crate::resp::parse_i64(a)) else {
        return Vec::new();
    };
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    if n > args.len().saturating_sub(3) {
        return Vec::new();
    }
    (3..3 + n).collect()
}

/// EVAL script numkeys key… arg…
pub fn eval(c: &mut Call) -> Value {
    run::eval_generic(c, false, false)
}

/// EVALSHA sha1 numkeys key… arg…
pub fn evalsha(c: &mut Call) -> Value {
    run::eval_generic(c, true, false)
}

/// EVAL_RO: a script refused any write.
pub fn eval_ro(c: &mut Call) -> Value {
    run::eval_generic(c, false, true)
}

/// EVALSHA_RO.
pub fn evalsha_ro(c: &mut Call) -> Value {
    run::eval_generic(c, true, true)
}

/// SCRIPT LOAD script: compiles and caches it, answers its SHA1.
pub fn script_load(c: &mut Call) -> Value {
    let args = c.args;
    match run::cache(&mut c.server(), &args[2]) {
        Ok(sha) => Value::bulk(sha),
        Err(e) => e,
    }
}

/// SCRIPT EXISTS sha1…: 1 or 0 for each.
pub fn script_exists(c: &mut Call) -> Value {
    let args = c.args;
    let mut node = c.server();
    let store = node.scripts_mut();
    Value::Array(
        args[2..]
            .iter()
            .map(|sha| {
                let sha = String::from_utf8_lossy(sha).to_ascii_lowercase();
                Value::Integer(i64::from(store.scripts.contains_key(&sha)))
            })
            .collect(),
    )
}

/// SCRIPT FLUSH [ASYNC|SYNC].
pub fn script_flush(c: &mut Call) -> Value {
    match c.args.get(2) {
        None => {}
        Some(a)
            if c.args.len() == 3
                && (a.eq_ignore_ascii_case(b"sync") || a.eq_ignore_ascii_case(b"async")) => {}
        Some(_) => return Value::err("ERR SCRIPT FLUSH only support SYNC|ASYNC option"),
    }
    let mut server = c.server();
    let store = server.scripts_mut();
    store.scripts.clear();
    // A new Lua state (`scriptingReset`): cjson's settings start over.
    #[cfg(feature = "lua")]
    {
        store.lua.eval_cjson = Default::default();
    }
    Value::ok()
}

/// SCRIPT KILL: a script here runs to its end (or its time limit) within
/// the one command that started it, so none is ever running when another
/// command arrives.
pub fn script_kill(_c: &mut Call) -> Value {
    Value::err("NOTBUSY No scripts in execution right now.")
}

/// SCRIPT HELP.
pub fn script_help(_c: &mut Call) -> Value {
    help(
        "SCRIPT",
        &[
            "DEBUG (YES|SYNC|NO)",
            "    Set the debug mode for subsequent scripts executed.",
            "EXISTS <sha1> [<sha1> ...]",
            "    Return information about the existence of the scripts in the script cache.",
            "FLUSH [ASYNC|SYNC]",
            "    Flush the Lua scripts cache. Very dangerous on replicas.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the scripts cache.",
            "    * SYNC: Synchronously flush the scripts cache.",
            "KILL",
            "    Kill the currently executing Lua script.",
            "LOAD <script>",
            "    Load a script into the scripts cache without executing it.",
        ],
    )
}

/// `addReplyHelp`: the header line, the lines, and HELP's own.
pub(crate) fn help(name: &str, lines: &[&str]) -> Value {
    let mut out = vec![Value::Simple(format!(
        "{name} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    ))];
    out.extend(lines.iter().map(|l| Value::Simple((*l).to_string())));
    out.push(Value::Simple("HELP".into()));
    out.push(Value::Simple("    Prints this help.".into()));
    Value::Array(out)
}

pub use function_dump::{function_dump, function_restore};
pub use functions::{
    fcall, fcall_ro, function_delete, function_flush, function_help, function_kill, function_list,
    function_load, function_stats,
};
