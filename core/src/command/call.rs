//! What a command handler gets: Redis's `client *c` for one command — the
//! node it runs on, the clock, the calling client and its arguments.

use super::ClientState;
use crate::node::{ClientId, Node};
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
