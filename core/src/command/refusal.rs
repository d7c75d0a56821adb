//! Why `getNodeByQuery` will not serve a command here: typed, so the
//! pipeline (and anything driving a node in-process) can act on the slot and
//! address without reading them back out of an error string. The text is
//! built only when the refusal is encoded as a reply, and is 7.0.15's.

use crate::node::RouteAddr;
use crate::resp::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
/// A refusal to serve a command on this node, typed until it is encoded.
pub enum Refusal {
    /// `-MOVED slot ip:port`: the slot is served elsewhere.
    Moved {
        /// The hash slot.
        slot: u16,
        /// The address of the node that serves it.
        to: RouteAddr,
    },
    /// `-ASK slot ip:port`: this command's keys already left for the
    /// importing node.
    Ask {
        /// The hash slot.
        slot: u16,
        /// The importing node.
        to: RouteAddr,
    },
    /// Some keys of a multi-key command moved during a migration.
    TryAgain,
    /// The keys hash to different slots.
    CrossSlot,
    /// Nobody serves the slot.
    Unbound,
    /// The cluster is down (`cluster_state:fail`).
    Down,
    /// The cluster is down and `cluster-allow-reads-when-down` lets reads
    /// through, but this is a write.
    DownReadOnly,
}

impl Refusal {
    /// The error reply, with Redis's text.
    pub fn reply(self) -> Value {
        Value::Error(match self {
            Refusal::Moved { slot, to } => format!("MOVED {slot} {to}"),
            Refusal::Ask { slot, to } => format!("ASK {slot} {to}"),
            Refusal::TryAgain => "TRYAGAIN Multiple keys request during rehashing of slot".into(),
            Refusal::CrossSlot => "CROSSSLOT Keys in request don't hash to the same slot".into(),
            Refusal::Unbound => "CLUSTERDOWN Hash slot not served".into(),
            Refusal::Down => "CLUSTERDOWN The cluster is down".into(),
            Refusal::DownReadOnly => {
                "CLUSTERDOWN The cluster is down and only accepts read commands".into()
            }
        })
    }
}
