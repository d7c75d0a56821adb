//! Pub/sub commands (pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE,
//! PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB,
//! with the confirmation pushes and counts Redis 7.0 sends. In a cluster,
//! PUBLISH also goes to every other node over the bus and SPUBLISH to the
//! channel's shard (`node/pubsub.rs`); both reply with the number of
//! receivers on *this* node.

use super::{arity_error, ClientState, Outcome};
use crate::node::{ClientId, Node, SubKind};
use crate::resp::Value;
use std::collections::BTreeSet;

/// A client's subscriptions (`c->pubsub_channels`, `pubsub_patterns`,
/// `pubsubshard_channels`).
#[derive(Clone, Debug, Default)]
pub struct Subscriptions {
    pub channels: BTreeSet<Vec<u8>>,
    pub patterns: BTreeSet<Vec<u8>>,
    pub shard: BTreeSet<Vec<u8>>,
}

impl Subscriptions {
    fn of(&mut self, kind: SubKind) -> &mut BTreeSet<Vec<u8>> {
        match kind {
            SubKind::Channel => &mut self.channels,
            SubKind::Pattern => &mut self.patterns,
            SubKind::Shard => &mut self.shard,
        }
    }

    /// The count in a (un)subscribe confirmation: channels + patterns, or
    /// shard channels alone (`clientSubscriptionsCount` /
    /// `clientShardSubscriptionsCount`).
    fn count(&self, kind: SubKind) -> usize {
        match kind {
            SubKind::Shard => self.shard.len(),
            _ => self.channels.len() + self.patterns.len(),
        }
    }

    /// In "pub/sub mode" (`CLIENT_PUBSUB`): RESP2 clients may then only
    /// (un)subscribe, PING, QUIT or RESET.
    pub fn active(&self) -> bool {
        !(self.channels.is_empty() && self.patterns.is_empty() && self.shard.is_empty())
    }
}

fn confirmation(what: &str, channel: Option<&[u8]>, count: usize) -> Value {
    Value::Push(vec![
        Value::bulk(what),
        channel.map_or(Value::Null, Value::bulk),
        Value::Integer(count as i64),
    ])
}

pub fn run(
    node: &mut Node,
    id: ClientId,
    client: &mut ClientState,
    name: &str,
    args: &[Vec<u8>],
) -> Option<Outcome> {
    let (kind, subscribe) = match name {
        "subscribe" => (SubKind::Channel, true),
        "psubscribe" => (SubKind::Pattern, true),
        "ssubscribe" => (SubKind::Shard, true),
        "unsubscribe" => (SubKind::Channel, false),
        "punsubscribe" => (SubKind::Pattern, false),
        "sunsubscribe" => (SubKind::Shard, false),
        "publish" | "spublish" => {
            let sharded = name == "spublish";
            let receivers = node.publish_local(&args[1], &args[2], sharded);
            node.propagate_publish(&args[1], &args[2], sharded);
            return Some(Outcome::Reply(Value::Integer(receivers as i64)));
        }
        "pubsub" => return Some(Outcome::Reply(pubsub(node, args))),
        _ => return None,
    };
    let what = name;
    let mut replies = Vec::new();
    if subscribe {
        for channel in &args[1..] {
            if client.subscriptions.of(kind).insert(channel.clone()) {
                node.subscribe(id, kind, channel);
            }
            let count = client.subscriptions.count(kind);
            replies.push(confirmation(what, Some(channel), count));
        }
        return Some(Outcome::Many(replies));
    }
    // Without arguments: every subscription of that kind, or a nil channel.
    let channels: Vec<Vec<u8>> = if args.len() > 1 {
        args[1..].to_vec()
    } else {
        client.subscriptions.of(kind).iter().cloned().collect()
    };
    for channel in &channels {
        if client.subscriptions.of(kind).remove(channel) {
            node.unsubscribe(id, kind, channel);
        }
        let count = client.subscriptions.count(kind);
        replies.push(confirmation(what, Some(channel), count));
    }
    if channels.is_empty() {
        let count = client.subscriptions.count(kind);
        replies.push(confirmation(what, None, count));
    }
    Some(Outcome::Many(replies))
}

/// `PUBSUB CHANNELS|NUMSUB|NUMPAT|SHARDCHANNELS|SHARDNUMSUB|HELP`.
fn pubsub(node: &Node, args: &[Vec<u8>]) -> Value {
    let sub = String::from_utf8_lossy(&args[1]).to_lowercase();
    let argc = args.len();
    match sub.as_str() {
        "channels" | "shardchannels" if argc > 3 => {
            return Value::err(format!(
                "ERR unknown subcommand or wrong number of arguments for '{}'. Try PUBSUB HELP.",
                String::from_utf8_lossy(&args[1])
            ))
        }
        "numpat" | "help" if argc != 2 => return arity_error(&format!("pubsub|{sub}")),
        "channels" | "shardchannels" | "numsub" | "shardnumsub" | "numpat" | "help" => {}
        _ => {
            return Value::err(format!(
                "ERR unknown subcommand '{}'. Try PUBSUB HELP.",
                String::from_utf8_lossy(&args[1])
            ))
        }
    }
    let kind = if sub.starts_with("shard") {
        SubKind::Shard
    } else {
        SubKind::Channel
    };
    match sub.as_str() {
        "channels" | "shardchannels" => Value::Array(
            node.active_channels(kind)
                .filter(|c| args.get(2).is_none_or(|p| super::glob_match(p, c)))
                .map(Value::bulk)
                .collect(),
        ),
        "numsub" | "shardnumsub" => Value::Array(
            args[2..]
                .iter()
                .flat_map(|c| {
                    let n = node.subscribers(kind, c) as i64;
                    [Value::bulk(c), Value::Integer(n)]
                })
                .collect(),
        ),
        "numpat" => Value::Integer(node.active_channels(SubKind::Pattern).count() as i64),
        _ => Value::Array(
            HELP.iter()
                .map(|l| Value::Simple((*l).to_string()))
                .collect(),
        ),
    }
}

const HELP: &[&str] = &[
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
    "HELP",
    "    Prints this help.",
];
