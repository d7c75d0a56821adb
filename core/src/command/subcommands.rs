//! Container commands (CLUSTER, CLIENT, COMMAND, CONFIG): Redis 7 looks the
//! subcommand up and checks its arity in `processCommand`, before routing
//! and before MULTI queues it, so `MULTI` + `CLUSTER FOO` is a queueing error
//! (EXECABORT at EXEC), not an error inside EXEC's reply.

use super::cluster;
use crate::resp::Value;

/// Subcommands this node implements, with their arity (name included:
/// positive = exact, negative = at least).
const CLIENT: &[(&str, i32)] = &[("getname", 2), ("id", 2), ("setname", 3)];
const COMMAND: &[(&str, i32)] = &[("count", 2), ("docs", -2), ("getkeys", -4), ("info", -2)];
const CONFIG: &[(&str, i32)] = &[("get", -3), ("set", -4)];

/// Whether `sub` is a subcommand of container `name` this node implements
/// (`cluster failover`); `None` when `name` is not a container. Lessons ask it so that `allow: CLUSTER FOO` cannot offer a command that
/// only answers `ERR unknown subcommand`.
pub fn implements(name: &str, sub: &str) -> Option<bool> {
    let table = match name.to_ascii_lowercase().as_str() {
        "cluster" => cluster::ARITY,
        "client" => CLIENT,
        "command" => COMMAND,
        "config" => CONFIG,
        _ => return None,
    };
    let sub = sub.to_ascii_lowercase();
    Some(table.iter().any(|(n, _)| *n == sub))
}

/// `commandCheckExistence` + `commandCheckArity` for a container's
/// subcommand; `Ok` for commands that are not containers.
pub fn check(name: &str, args: &[Vec<u8>]) -> Result<(), Value> {
    let table = match name {
        "cluster" => cluster::ARITY,
        "client" => CLIENT,
        "command" => COMMAND,
        "config" => CONFIG,
        _ => return Ok(()),
    };
    // `COMMAND` alone is the whole table.
    let Some(sub) = args.get(1) else {
        return Ok(());
    };
    let lower = String::from_utf8_lossy(sub).to_lowercase();
    let Some(&(_, arity)) = table.iter().find(|(n, _)| *n == lower) else {
        return Err(Value::err(format!(
            "ERR unknown subcommand '{}'. Try {} HELP.",
            String::from_utf8_lossy(&sub[..sub.len().min(128)]),
            String::from_utf8_lossy(&args[0]).to_uppercase()
        )));
    };
    let argc = args.len() as i32;
    if (arity > 0 && argc != arity) || (arity < 0 && argc < -arity) {
        return Err(super::arity_error(&format!("{name}|{lower}")));
    }
    Ok(())
}
