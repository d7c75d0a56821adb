//! Scripting (eval.c, functions.c): EVAL, FCALL and their `_RO` forms,
//! SCRIPT and FUNCTION with their subcommands.
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation. A script's writes are streamed as
//! the commands it ran (hence `Itself` for EVAL and FCALL: `may_replicate`,
//! so `CLIENT PAUSE WRITE` and a manual failover's pause hold them).

use super::flags::*;
use super::Run::*;
use super::{command, subcommand, CommandSpec};
use crate::command::scripting::{self, eval_keys};

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("eval", -3, NOSCRIPT | SKIP_MONITOR | MAY_REPLICATE | STALE | NO_MANDATORY_KEYS | MOVABLEKEYS, (0, 0, 0, eval_keys), ["@slow", "@scripting"], Reply(scripting::eval), Itself),
    command!("eval_ro", -3, NOSCRIPT | SKIP_MONITOR | STALE | NO_MANDATORY_KEYS | READONLY | MOVABLEKEYS, (0, 0, 0, eval_keys), ["@slow", "@scripting"], Reply(scripting::eval_ro), No),
    command!("evalsha", -3, NOSCRIPT | SKIP_MONITOR | MAY_REPLICATE | STALE | NO_MANDATORY_KEYS | MOVABLEKEYS, (0, 0, 0, eval_keys), ["@slow", "@scripting"], Reply(scripting::evalsha), Itself),
    command!("evalsha_ro", -3, NOSCRIPT | SKIP_MONITOR | STALE | NO_MANDATORY_KEYS | READONLY | MOVABLEKEYS, (0, 0, 0, eval_keys), ["@slow", "@scripting"], Reply(scripting::evalsha_ro), No),
    command!("fcall", -3, NOSCRIPT | SKIP_MONITOR | MAY_REPLICATE | STALE | NO_MANDATORY_KEYS | MOVABLEKEYS, (0, 0, 0, eval_keys), ["@slow", "@scripting"], Reply(scripting::fcall), Itself),
    command!("fcall_ro", -3, NOSCRIPT | SKIP_MONITOR | STALE | NO_MANDATORY_KEYS | READONLY | MOVABLEKEYS, (0, 0, 0, eval_keys), ["@slow", "@scripting"], Reply(scripting::fcall_ro), No),
    command!("function", -2, NOSCRIPT, (0, 0, 0), ["@slow"], Container, No, FUNCTION_SUBCOMMANDS),
    command!("script", -2, NOSCRIPT, (0, 0, 0), ["@slow"], Container, No, SCRIPT_SUBCOMMANDS),
];

/// FUNCTION's subcommands, sorted by name (LOAD, DELETE, FLUSH and RESTORE stream
/// themselves to replicas).
#[rustfmt::skip]
const FUNCTION_SUBCOMMANDS: &[CommandSpec] = &[
    subcommand!("delete", 3, Reply(scripting::function_delete)),
    subcommand!("dump", 2, Reply(scripting::function_dump)),
    subcommand!("flush", -2, Reply(scripting::function_flush)),
    subcommand!("help", 2, Reply(scripting::function_help)),
    subcommand!("kill", 2, Reply(scripting::function_kill)),
    subcommand!("list", -2, Reply(scripting::function_list)),
    subcommand!("load", -3, Reply(scripting::function_load)),
    subcommand!("restore", -3, Reply(scripting::function_restore)),
    subcommand!("stats", 2, Reply(scripting::function_stats)),
];

/// SCRIPT's subcommands, sorted by name.
#[rustfmt::skip]
const SCRIPT_SUBCOMMANDS: &[CommandSpec] = &[
    subcommand!("exists", -3, Reply(scripting::script_exists)),
    subcommand!("flush", -2, Reply(scripting::script_flush)),
    subcommand!("help", 2, Reply(scripting::script_help)),
    subcommand!("kill", 2, Reply(scripting::script_kill)),
    subcommand!("load", 3, Reply(scripting::script_load)),
];
