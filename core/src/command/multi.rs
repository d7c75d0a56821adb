//! Transactions (multi.c): MULTI, EXEC, DISCARD, WATCH, UNWATCH. In a
//! cluster every queued key command was routed when queued, so a transaction
//! only ever touches this node's slots (CROSSSLOT otherwise).

use super::table::CommandSpec;
use super::{ClientState, Outcome};
use crate::node::{ClientId, Node};
use crate::resp::Value;
use crate::time::Time;

pub fn run(
    node: &mut Node,
    now: Time,
    id: ClientId,
    client: &mut ClientState,
    spec: &CommandSpec,
    args: &[Vec<u8>],
) -> Outcome {
    Outcome::Reply(match spec.name {
        "multi" => {
            if client.in_multi() {
                return Outcome::Reply(Value::err("ERR MULTI calls can not be nested"));
            }
            client.start_multi();
            Value::ok()
        }
        "discard" => {
            if !client.in_multi() {
                return Outcome::Reply(Value::err("ERR DISCARD without MULTI"));
            }
            client.discard_transaction();
            Value::ok()
        }
        "watch" => {
            if client.in_multi() {
                return Outcome::Reply(Value::err("ERR WATCH inside MULTI is not allowed"));
            }
            for key in &args[1..] {
                if !client.watched.iter().any(|(k, _)| k == key) {
                    let version = node.watch_version(key);
                    client.watched.push((key.clone(), version));
                }
            }
            Value::ok()
        }
        "unwatch" => {
            client.watched.clear();
            Value::ok()
        }
        _ => return exec(node, now, id, client),
    })
}

fn exec(node: &mut Node, now: Time, id: ClientId, client: &mut ClientState) -> Outcome {
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
    let touched = watched.iter().any(|(k, v)| node.watch_version(k) != *v);
    if touched {
        return Outcome::Reply(Value::NullArray);
    }
    let mut replies = Vec::with_capacity(queue.len());
    for args in queue {
        let Some(spec) = super::table::lookup(&args[0]) else {
            continue;
        };
        match super::run(node, now, id, client, spec, &args) {
            Outcome::Reply(v) => replies.push(v),
            Outcome::Many(vs) => replies.extend(vs),
            // WAIT inside MULTI does not block (Redis replies at once).
            Outcome::Blocked => replies.push(Value::Integer(0)),
        }
    }
    Outcome::Reply(Value::Array(replies))
}
