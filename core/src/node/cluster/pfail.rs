//! PFAIL (`fail?` in CLUSTER NODES): this node alone suspects a peer is down,
//! because a PING to it has gone unanswered, and nothing else came from it,
//! for longer than `cluster-node-timeout`.
//!
//! The rule and its timing live here, once:
//! - [`timed_out`] is `clusterCron`'s "node timeout" check, which sets PFAIL
//!   (called from the per-node loop in `cron.rs`);
//! - [`deadline`] is when that check first holds, which cron's fast path
//!   (`cron_due.rs`) uses to skip a peer until then.
//!
//! Elsewhere, PFAIL only changes hands: the PONG that answers clears it
//! (`clusterProcessPacket`, in `packet.rs`), and a majority of masters
//! reporting it in gossip turns it into FAIL (`markNodeAsFailingIfNeeded`,
//! in `failure.rs`).

use super::peer::Peer;
use crate::time::Time;

/// When `clusterCron`'s node-timeout check marks `p` PFAIL, if its entry
/// does not change meanwhile; `None` if it cannot: no PING is outstanding
/// (Redis checks only "if we have an active ping"), or `p` is already PFAIL
/// or FAIL.
///
/// Redis compares `node_delay`, the smaller of the time since the PING was
/// sent and the time since any data came from the node (bus traffic proves
/// liveness under heavy load), with `cluster_node_timeout`: `node_delay >
/// node_timeout` first holds one millisecond after both are that old.
pub(in crate::node) fn deadline(p: &Peer, node_timeout: u64) -> Option<Time> {
    let ping_sent = p.ping_sent.get()?;
    if p.failing() {
        return None;
    }
    Some(ping_sent.max(p.data_received) + node_timeout + 1)
}

/// Whether `clusterCron`'s node-timeout check marks `p` PFAIL at `now`.
pub(in crate::node) fn timed_out(p: &Peer, now: Time, node_timeout: u64) -> bool {
    deadline(p, node_timeout).is_some_and(|at| now >= at)
}
