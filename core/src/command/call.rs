//! What a command handler gets: Redis's `client *c` for one command — the
//! node it runs on, the clock, the calling client and its arguments.

use super::ClientState;
use crate::node::{ClientId, Node, ServerCtx};
use crate::time::Time;

/// One command being run. Handlers take `&mut Call` (one signature for
/// every command, so the table can hold them as plain `fn` pointers).
pub struct Call<'a> {
    /// The node the command runs on.
    pub node: &'a mut Node,
    /// The time it runs at.
    pub now: Time,
    /// The calling client.
    pub id: ClientId,
    /// That client's connection state (MULTI, READONLY, subscriptions…).
    pub client: &'a mut ClientState,
    /// The whole command, its name first.
    pub args: &'a [Vec<u8>],
}

impl Call<'_> {
    /// The server part to change and the cluster part to read: all a data
    /// command touches. The families moved to it never name `node` (a test
    /// in `command/mod.rs` keeps them so).
    pub fn server(&mut self) -> ServerCtx<'_> {
        self.node.serving()
    }

    /// The server part and the calling client's state together (FLUSHALL
    /// tells tracking clients, this one among them).
    pub fn split(&mut self) -> (ServerCtx<'_>, &mut ClientState) {
        (self.node.serving(), self.client)
    }
}
