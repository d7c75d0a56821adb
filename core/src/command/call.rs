//! What a command handler gets: Redis's `client *c` for one command — the
//! node it runs on, the clock, the calling client and its arguments.

use super::ClientState;
use crate::node::{ClientId, Node};
use crate::time::Time;

/// One command being run. Handlers take `&mut Call` (one signature for
/// every command, so the table can hold them as plain `fn` pointers).
pub struct Call<'a> {
    pub node: &'a mut Node,
    pub now: Time,
    pub id: ClientId,
    pub client: &'a mut ClientState,
    /// The whole command, its name first.
    pub args: &'a [Vec<u8>],
}
