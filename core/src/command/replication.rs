//! PSYNC, SYNC and REPLCONF (`replication.c` `syncCommand`,
//! `replconfCommand`): the master's side of the handshake, which the node
//! runs ([`crate::node`]'s replication).

use super::{Call, Outcome};

/// `SYNC` and `PSYNC replid offset`: no reply until the resync starts.
pub fn sync(c: &mut Call) -> Outcome {
    let (now, id, args) = (c.now, c.id, c.args);
    let (mut node, client) = c.split();
    match node.sync_command(now, id, client, args) {
        Some(reply) => Outcome::Reply(reply),
        None => Outcome::Many(Vec::new()),
    }
}

/// `REPLCONF option value …`; ACK and GETACK are never answered.
pub fn replconf(c: &mut Call) -> Outcome {
    let (now, id, args) = (c.now, c.id, c.args);
    let (mut node, client) = c.split();
    match node.replconf(now, id, client, args) {
        Some(reply) => Outcome::Reply(reply),
        None => Outcome::Many(Vec::new()),
    }
}
