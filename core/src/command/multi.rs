//! Transactions (multi.c): MULTI, EXEC, DISCARD, WATCH, UNWATCH. In a
//! cluster every queued key command was routed when queued, so a transaction
//! only ever touches this node's slots (CROSSSLOT otherwise).

use super::{Call, ClientState, Outcome};
use crate::node::{ClientId, Node};
use crate::resp::Value;
use crate::time::Time;
use std::collections::VecDeque;

pub fn multi(c: &mut Call) -> Outcome {
    if c.client.in_multi() {
        return Outcome::Reply(Value::err("ERR MULTI calls can not be nested"));
    }
    c.client.start_multi();
    Outcome::Reply(Value::ok())
}

pub fn discard(c: &mut Call) -> Outcome {
    if !c.client.in_multi() {
        return Outcome::Reply(Value::err("ERR DISCARD without MULTI"));
    }
    c.client.discard_transaction();
    Outcome::Reply(Value::ok())
}

pub fn watch(c: &mut Call) -> Outcome {
    if c.client.in_multi() {
        return Outcome::Reply(Value::err("ERR WATCH inside MULTI is not allowed"));
    }
    let args = c.args;
    for key in &args[1..] {
        if !c.client.watched.iter().any(|(k, _)| k == key) {
            let version = c.server().watch_version(key);
            c.client.watched.push((key.clone(), version));
        }
    }
    Outcome::Reply(Value::ok())
}

pub fn unwatch(c: &mut Call) -> Outcome {
    c.client.watched.clear();
    Outcome::Reply(Value::ok())
}

pub fn exec(c: &mut Call) -> Outcome {
    let client = &mut *c.client;
    if !client.in_multi() {
        return Outcome::Reply(Value::err("ERR EXEC without MULTI"));
    }
    let (queue, failed) = client.take_queue();
    let watched = std::mem::take(&mut client.watched);
    if failed {
        return Outcome::Reply(Value::err(
            "EXECABORT Transaction discarded because of previous errors.",
        ));
    }
    let touched = watched
        .iter()
        .any(|(k, v)| c.server().watch_version(k) != *v);
    if touched {
        return Outcome::Reply(Value::NullArray);
    }
    let pending = PendingExec {
        replies: Vec::with_capacity(queue.len()),
        rest: queue.into(),
    };
    c.exec_queue(pending)
}

/// A transaction paused on a MIGRATE, which waits for its target: Redis
/// blocks the whole server meanwhile, so EXEC's reply waits too.
#[derive(Clone, Debug, Default)]
pub struct PendingExec {
    replies: Vec<Value>,
    rest: VecDeque<Vec<Vec<u8>>>,
}

/// Runs the queued commands in order; a MIGRATE pauses the transaction
/// until its reply arrives ([`resume_exec`]).
pub(super) fn continue_exec(
    node: &mut Node,
    now: Time,
    id: ClientId,
    client: &mut ClientState,
    mut pending: PendingExec,
) -> Outcome {
    while let Some(args) = pending.rest.pop_front() {
        let Some(spec) = super::table::lookup(&args[0]) else {
            continue;
        };
        if spec.name == "wait" {
            // WAIT inside MULTI answers at once with the current count.
            pending
                .replies
                .push(super::server::wait_in_multi(&node.serving(), &args));
            continue;
        }
        // `execCommand`: the rules may have changed since it was queued.
        if let Some(denial) = spec
            .resolve(&args)
            .ok()
            .and_then(|entry| super::acl::check(&node.serving(), client, entry, &args).err())
        {
            let context = crate::acl::log::Context::Multi;
            let logged = (denial.0, denial.1, context);
            super::acl::log_denial(&mut node.serving(), now, id, client, &args, logged, None);
            pending.replies.push(super::acl::exec_noperm(denial.0));
            continue;
        }
        client.in_exec = true;
        let outcome = super::run(node, now, id, client, spec, &args);
        client.in_exec = false;
        match outcome {
            Outcome::Reply(v) => pending.replies.push(v),
            Outcome::Many(vs) => pending.replies.extend(vs),
            Outcome::Blocked => {
                node.hold_exec(id, pending);
                return Outcome::Blocked;
            }
        }
    }
    Outcome::Reply(Value::Array(pending.replies))
}

/// The reply a paused transaction waited for has come: carry on with it.
pub fn resume_exec(
    node: &mut Node,
    now: Time,
    id: ClientId,
    mut pending: PendingExec,
    value: Value,
) {
    pending.replies.push(value);
    let mut client = node.take_client(id);
    let outcome = continue_exec(node, now, id, &mut client, pending);
    node.put_client(id, client);
    if let Outcome::Reply(value) = outcome {
        node.serving().reply(id, value);
    }
}
