//! Pub/sub commands (pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE,
//! PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB,
//! with the confirmation pushes and counts Redis 7.0 sends. In a cluster,
//! PUBLISH also goes to every other node over the bus and SPUBLISH to the
//! channel's shard (`node/cluster/publish.rs`); both reply with the number of
//! receivers on *this* node.

use super::{Call, Outcome};
use crate::node::Publish;
use crate::node::SubKind;
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

pub fn subscribe(c: &mut Call) -> Outcome {
    subscribe_to(c, SubKind::Channel, "subscribe")
}

pub fn psubscribe(c: &mut Call) -> Outcome {
    subscribe_to(c, SubKind::Pattern, "psubscribe")
}

pub fn ssubscribe(c: &mut Call) -> Outcome {
    subscribe_to(c, SubKind::Shard, "ssubscribe")
}

pub fn unsubscribe(c: &mut Call) -> Outcome {
    unsubscribe_from(c, SubKind::Channel, "unsubscribe")
}

pub fn punsubscribe(c: &mut Call) -> Outcome {
    unsubscribe_from(c, SubKind::Pattern, "punsubscribe")
}

pub fn sunsubscribe(c: &mut Call) -> Outcome {
    unsubscribe_from(c, SubKind::Shard, "sunsubscribe")
}

pub fn publish(c: &mut Call) -> Outcome {
    publish_to(c, false)
}

pub fn spublish(c: &mut Call) -> Outcome {
    publish_to(c, true)
}

fn publish_to(c: &mut Call, sharded: bool) -> Outcome {
    let args = c.args;
    let receivers = c.server().publish_local(&args[1], &args[2], sharded);
    c.request(Publish {
        channel: &args[1],
        message: &args[2],
        sharded,
    });
    Outcome::Reply(Value::Integer(receivers as i64))
}

/// One confirmation per channel, each with the count after it.
fn subscribe_to(c: &mut Call, kind: SubKind, what: &str) -> Outcome {
    let mut replies = Vec::new();
    for channel in &c.args[1..] {
        if c.client.subscriptions.of(kind).insert(channel.clone()) {
            let id = c.id;
            c.server().subscribe(id, kind, channel);
        }
        let count = c.client.subscriptions.count(kind);
        replies.push(confirmation(what, Some(channel), count));
    }
    Outcome::Many(replies)
}

/// Without arguments: every subscription of that kind, or a nil channel.
fn unsubscribe_from(c: &mut Call, kind: SubKind, what: &str) -> Outcome {
    let mut replies = Vec::new();
    let channels: Vec<Vec<u8>> = if c.args.len() > 1 {
        c.args[1..].to_vec()
    } else {
        c.client.subscriptions.of(kind).iter().cloned().collect()
    };
    for channel in &channels {
        if c.client.subscriptions.of(kind).remove(channel) {
            {
                let id = c.id;
                c.server().unsubscribe(id, kind, channel);
            }
        }
        let count = c.client.subscriptions.count(kind);
        replies.push(confirmation(what, Some(channel), count));
    }
    if channels.is_empty() {
        let count = c.client.subscriptions.count(kind);
        replies.push(confirmation(what, None, count));
    }
    Outcome::Many(replies)
}

/// `PUBSUB CHANNELS [pattern]` (`pubsubCommand` checks the pattern count
/// itself, with its own text).
pub fn channels(c: &mut Call) -> Outcome {
    channels_of(c, SubKind::Channel)
}

pub fn shardchannels(c: &mut Call) -> Outcome {
    channels_of(c, SubKind::Shard)
}

fn channels_of(c: &mut Call, kind: SubKind) -> Outcome {
    let args = c.args;
    if args.len() > 3 {
        return Outcome::Reply(Value::err(format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try PUBSUB HELP.",
            String::from_utf8_lossy(&args[1])
        )));
    }
    Outcome::Reply(Value::Array(
        c.server()
            .active_channels(kind)
            .filter(|ch| args.get(2).is_none_or(|p| super::glob_match(p, ch)))
            .map(Value::bulk)
            .collect(),
    ))
}

/// `PUBSUB NUMSUB [channel…]`.
pub fn numsub(c: &mut Call) -> Outcome {
    numsub_of(c, SubKind::Channel)
}

pub fn shardnumsub(c: &mut Call) -> Outcome {
    numsub_of(c, SubKind::Shard)
}

fn numsub_of(c: &mut Call, kind: SubKind) -> Outcome {
    Outcome::Reply(Value::Array(
        c.args[2..]
            .iter()
            .flat_map(|ch| {
                let n = c.server().subscribers(kind, ch) as i64;
                [Value::bulk(ch), Value::Integer(n)]
            })
            .collect(),
    ))
}

pub fn numpat(c: &mut Call) -> Outcome {
    Outcome::Reply(Value::Integer(
        c.server().active_channels(SubKind::Pattern).count() as i64,
    ))
}

pub fn help(_: &mut Call) -> Outcome {
    Outcome::Reply(Value::Array(
        HELP.iter()
            .map(|l| Value::Simple((*l).to_string()))
            .collect(),
    ))
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
