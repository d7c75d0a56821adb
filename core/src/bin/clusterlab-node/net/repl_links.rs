//! The replica's links to its master's client port, in Redis's protocol,
//! so real redis-server nodes and clusterlab nodes replicate each other.
//!
//! The handshake and its rules are the core's (the node asks for a link,
//! writes its commands on it and reads what comes back); this only opens
//! the connection and turns the master's bytes into replies and frames
//! with the core's sans-IO decoder ([`clusterlab_core::repl_wire`]). The
//! master's side needs nothing here: PSYNC, SYNC and REPLCONF are ordinary
//! commands, and the frames the node writes to a replica's client are
//! encoded by the owner.

use super::{links, Arrival, Write, Writer};
use clusterlab_core::node::{ConnId, Input};
use clusterlab_core::repl_wire::{LinkItem, ReplicaDecoder};
use std::collections::HashMap;
use std::net::SocketAddr;
use tokio::sync::mpsc::UnboundedSender;

struct Link {
    generation: u64,
    writer: Writer,
    decoder: ReplicaDecoder,
}

/// The open replication links, by the node's connection number.
#[derive(Default)]
pub struct ReplLinks {
    links: HashMap<ConnId, Link>,
}

impl ReplLinks {
    /// `Output::ReplConnect`.
    pub fn open(
        &mut self,
        conn: ConnId,
        to: SocketAddr,
        generation: u64,
        inbox: UnboundedSender<Arrival>,
    ) {
        let writer = links::open_repl_link(to, generation, inbox);
        let link = Link {
            generation,
            writer,
            decoder: ReplicaDecoder::default(),
        };
        if let Some(old) = self.links.insert(conn, link) {
            let _ = old.writer.send(Write::Close);
        }
    }

    /// A command the node writes on link `conn`.
    pub fn write(&mut self, conn: ConnId, bytes: Vec<u8>) {
        if let Some(l) = self.links.get(&conn) {
            let _ = l.writer.send(Write::Bytes(bytes));
        }
    }

    /// `Output::Hangup` of a link.
    pub fn close(&mut self, conn: ConnId) {
        if let Some(l) = self.links.remove(&conn) {
            let _ = l.writer.send(Write::Close);
        }
    }

    fn by_generation(&self, generation: u64) -> Option<ConnId> {
        self.links
            .iter()
            .find(|(_, l)| l.generation == generation)
            .map(|(c, _)| *c)
    }

    /// The link connected.
    pub fn up(&self, generation: u64) -> Option<Input> {
        let conn = self.by_generation(generation)?;
        Some(Input::ReplLinkUp { conn })
    }

    /// Bytes from a master: the inputs they make, in order. Bytes that do
    /// not decode end the link (the node then retries).
    pub fn bytes(&mut self, generation: u64, bytes: &[u8]) -> Vec<Input> {
        let Some(conn) = self.by_generation(generation) else {
            return Vec::new();
        };
        let Some(link) = self.links.get_mut(&conn) else {
            return Vec::new();
        };
        match link.decoder.feed(bytes) {
            Ok(items) => items
                .into_iter()
                .map(|item| match item {
                    LinkItem::Reply(value) => Input::Response { conn, value },
                    LinkItem::Frame(frame) => Input::Repl { conn, frame },
                })
                .collect(),
            Err(e) => {
                super::log::log!("clusterlab-node: replication: {e}");
                self.close(conn);
                vec![Input::ConnClosed {
                    conn,
                    connected: true,
                }]
            }
        }
    }

    /// A link closed, or its connect failed.
    pub fn closed(&mut self, generation: u64, connected: bool) -> Option<Input> {
        let conn = self.by_generation(generation)?;
        self.links.remove(&conn);
        Some(Input::ConnClosed { conn, connected })
    }
}
