//! Redis 7.0 cluster bus wire format (placeholder until the codec lands).

use super::{Body, Message};

impl Message {
    /// Size of the frame on the wire.
    pub fn encoded_len(&self) -> usize {
        2256 + match &self.body {
            Body::Ping(g) | Body::Pong(g) | Body::Meet(g) => 104 * g.entries.len(),
            Body::Fail(_) => 40,
            Body::Update { .. } => 2096,
            _ => 0,
        }
    }
}
