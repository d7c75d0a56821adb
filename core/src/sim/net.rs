//! The simulated network: latency, jitter, loss, duplication, partitions, and
//! the messages in flight.

use crate::id::NodeId;
use crate::msg::{Message, MsgType};
use crate::node::{ClientId, ConnId, Input, Link, ReplFrame};
use crate::resp::Value;
use crate::time::Time;
use std::collections::BTreeSet;
use std::net::SocketAddr;

/// How the network behaves. Latency is `min_latency_ms + U[0, jitter_ms]` per
/// message, never reordering messages on one link (TCP keeps order).
#[derive(Clone, Debug, PartialEq)]
pub struct NetConfig {
    /// Smallest one-way latency, ms (also the parallel windows' width).
    pub min_latency_ms: u64,
    /// Extra latency drawn uniformly in `0..=jitter_ms`.
    pub jitter_ms: u64,
    /// Probability that a message is lost (0.0 ..= 1.0).
    pub loss: f64,
    /// Probability that a message is delivered twice.
    pub duplication: f64,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            min_latency_ms: 1,
            jitter_ms: 2,
            loss: 0.0,
            duplication: 0.0,
        }
    }
}

/// What travels: a cluster bus message, a replication frame, or traffic on
/// a client connection one node opened to another (MIGRATE's socket).
#[derive(Clone, Debug)]
pub enum Payload {
    /// A cluster bus message.
    Bus {
        /// The sender's bus address.
        from: SocketAddr,
        /// The link it travels on.
        link: Link,
        /// The message.
        msg: Box<Message>,
    },
    /// A replication frame.
    Repl {
        /// The sending node.
        from: NodeId,
        /// The frame.
        frame: ReplFrame,
    },
    /// A command written on that connection; the receiver sees a client.
    Command {
        /// The receiver's client for that connection.
        client: ClientId,
        /// The command's arguments, name first.
        args: Vec<Vec<u8>>,
    },
    /// Its reply, read back by the node that opened the connection.
    Response {
        /// The opener's connection.
        conn: ConnId,
        /// The reply.
        value: Value,
    },
    /// The opener closed the connection.
    Hangup {
        /// The receiver's client for that connection.
        client: ClientId,
    },
}

impl Payload {
    /// The bus message type, `None` for other traffic.
    pub fn kind(&self) -> Option<MsgType> {
        match self {
            Payload::Bus { msg, .. } => Some(msg.kind()),
            _ => None,
        }
    }

    /// What the receiving node hears.
    pub(super) fn into_input(self) -> Input {
        match self {
            Payload::Bus { from, link, msg } => Input::Bus { from, link, msg },
            Payload::Repl { from, frame } => Input::Repl { from, frame },
            Payload::Command { client, args } => Input::Command { client, args },
            Payload::Response { conn, value } => Input::Response { conn, value },
            Payload::Hangup { client } => Input::ClientClosed(client),
        }
    }

    /// A short label for animations and logs.
    pub fn label(&self) -> &'static str {
        match self {
            Payload::Bus { msg, .. } => msg.kind().name(),
            Payload::Repl { .. } => "REPL",
            Payload::Command { args, .. } => {
                let name = args.first().map(|a| a.to_ascii_lowercase());
                match name.as_deref() {
                    Some(b"restore-asking") => "RESTORE-ASKING",
                    Some(b"select") => "SELECT",
                    Some(b"auth") => "AUTH",
                    _ => "COMMAND",
                }
            }
            Payload::Response { .. } => "REPLY",
            Payload::Hangup { .. } => "CLOSE",
        }
    }
}

/// A message on its way, visible to the app for animation.
#[derive(Clone, Debug)]
pub struct InFlight {
    /// Unique per run, so one message can be dropped by hand.
    pub id: u64,
    /// Sending node (sim index).
    pub from: usize,
    /// Receiving node (sim index).
    pub to: usize,
    /// When it left.
    pub sent_at: Time,
    /// When it arrives.
    pub deliver_at: Time,
    /// Size in bytes on the wire (Redis's real frame size for bus messages).
    pub bytes: usize,
    /// What it carries.
    pub payload: Payload,
}

/// Which directed pairs cannot talk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Partitions {
    blocked: BTreeSet<(usize, usize)>,
}

impl Partitions {
    /// Whether `from → to` is cut.
    pub fn blocks(&self, from: usize, to: usize) -> bool {
        self.blocked.contains(&(from, to))
    }

    /// Cuts `from → to` only (a one-way partition).
    pub fn cut_one_way(&mut self, from: usize, to: usize) {
        if from != to {
            self.blocked.insert((from, to));
        }
    }

    /// Cuts both directions between every node of `a` and every node of `b`.
    pub fn cut_between(&mut self, a: &[usize], b: &[usize]) {
        for &x in a {
            for &y in b {
                self.cut_one_way(x, y);
                self.cut_one_way(y, x);
            }
        }
    }

    /// Removes every cut.
    pub fn heal(&mut self) {
        self.blocked.clear();
    }

    /// Whether nothing is cut.
    pub fn is_empty(&self) -> bool {
        self.blocked.is_empty()
    }

    /// The cut directed pairs.
    pub fn pairs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.blocked.iter().copied()
    }
}
