//! What travels on the simulated network: the payloads and the messages in
//! flight (which the app animates).

use crate::msg::{Message, MsgType};
use crate::node::{ClientId, ConnId, Input, Link, ReplFrame};
use crate::resp::Value;
use crate::time::Time;
use std::net::SocketAddr;

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
    /// A replication frame, from a master to the replica that opened the
    /// link `conn`.
    Repl {
        /// The replica's replication link.
        conn: ConnId,
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
    /// The receiving side closed the connection (CLIENT KILL) or its
    /// process died: the opener's connection ends.
    Closed {
        /// The opener's connection.
        conn: ConnId,
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

    /// Whether it travels on a TCP stream whose bytes must arrive whole
    /// (replication, client connections), rather than as a bus message.
    pub fn is_stream(&self) -> bool {
        !matches!(self, Payload::Bus { .. })
    }

    /// What the receiving node hears.
    pub(in crate::sim) fn into_input(self) -> Input {
        match self {
            Payload::Bus { from, link, msg } => Input::Bus { from, link, msg },
            Payload::Repl { conn, frame } => Input::Repl { conn, frame },
            Payload::Command { client, args } => Input::Command { client, args },
            Payload::Response { conn, value } => Input::Response { conn, value },
            Payload::Hangup { client } => Input::ClientClosed(client),
            Payload::Closed { conn } => Input::ConnClosed {
                conn,
                connected: true,
            },
        }
    }

    /// A short label for animations and logs.
    pub fn label(&self) -> &'static str {
        match self {
            Payload::Bus { msg, .. } => msg.kind().name(),
            Payload::Repl { frame, .. } => match frame {
                ReplFrame::Snapshot { .. } | ReplFrame::RdbPart { .. } => "RDB",
                _ => "REPL",
            },
            Payload::Command { args, .. } => {
                let name = args.first().map(|a| a.to_ascii_lowercase());
                match name.as_deref() {
                    Some(b"restore-asking") => "RESTORE-ASKING",
                    Some(b"select") => "SELECT",
                    Some(b"auth") => "AUTH",
                    Some(b"psync") => "PSYNC",
                    Some(b"sync") => "SYNC",
                    Some(b"replconf") => "REPLCONF",
                    _ => "COMMAND",
                }
            }
            Payload::Response { value, .. } => match value {
                Value::Simple(s) if s.starts_with("FULLRESYNC") => "FULLRESYNC",
                Value::Simple(s) if s.starts_with("CONTINUE") => "CONTINUE",
                _ => "REPLY",
            },
            Payload::Hangup { .. } | Payload::Closed { .. } => "CLOSE",
        }
    }
}

/// A message on its way, visible to the app for animation.
#[derive(Clone, Debug)]
pub struct InFlight {
    /// Unique per run, so one message can be dropped by hand.
    pub id: u64,
    /// The sending node's index.
    pub from: usize,
    /// The receiving node's index.
    pub to: usize,
    /// When it was sent.
    pub sent_at: Time,
    /// When it arrives.
    pub deliver_at: Time,
    /// Size in bytes on the wire (Redis's real frame size for bus messages).
    pub bytes: usize,
    /// What it carries.
    pub payload: Payload,
}
