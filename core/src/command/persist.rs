//! Persistence commands (`rdb.c saveCommand`, `bgsaveCommand`,
//! `db.c lastsaveCommand`, `shutdownCommand`, `aof.c
//! bgrewriteaofCommand`): argument checks and replies; what is written
//! and when is the node's (`node/server/persist.rs`).

use super::{syntax_error, Call, Outcome};
use crate::node::ShutdownFlags;
use crate::resp::Value;

/// `SAVE`: the reply comes when the blocking save is written.
pub fn save(c: &mut Call) -> Outcome {
    let (now, id) = (c.now, c.id);
    match c.server().save_command(now, id) {
        Some(refused) => Outcome::Reply(refused),
        None => Outcome::Blocked,
    }
}

/// `BGSAVE [SCHEDULE]`.
pub fn bgsave(c: &mut Call) -> Value {
    let schedule = match c.args.len() {
        1 => false,
        2 if c.args[1].eq_ignore_ascii_case(b"schedule") => true,
        _ => return syntax_error(),
    };
    let (now, in_exec) = (c.now, c.client.in_exec);
    c.server().bgsave_command(now, schedule, in_exec)
}

/// `BGREWRITEAOF`.
pub fn bgrewriteaof(c: &mut Call) -> Value {
    let (now, in_exec) = (c.now, c.client.in_exec);
    c.server().bgrewriteaof_command(now, in_exec)
}

/// `LASTSAVE`: unix time of the last successful save.
pub fn lastsave(c: &mut Call) -> Value {
    Value::Integer(c.server().lastsave() as i64)
}

/// `SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]`. The node never waits
/// for lagging replicas (as with NOW), so no shutdown is ever in progress
/// for ABORT to cancel.
pub fn shutdown(c: &mut Call) -> Outcome {
    let mut flags = ShutdownFlags::default();
    let (mut now_flag, mut abort) = (false, false);
    for a in &c.args[1..] {
        match a.to_ascii_lowercase().as_slice() {
            b"nosave" => flags.nosave = true,
            b"save" => flags.save = true,
            b"now" => now_flag = true,
            b"force" => flags.force = true,
            b"abort" => abort = true,
            _ => return Outcome::Reply(syntax_error()),
        }
    }
    let any = flags.nosave || flags.save || now_flag || flags.force;
    if (abort && any) || (flags.nosave && flags.save) {
        return Outcome::Reply(syntax_error());
    }
    if abort {
        return Outcome::Reply(Value::err("ERR No shutdown in progress."));
    }
    let (now, id) = (c.now, c.id);
    c.server().shutdown(now, Some(id), flags);
    Outcome::Blocked
}
