//! What the client model takes and gives: its settings, requests, the
//! commands it wants sent, its events and counters.

use super::Redirect;
use crate::resp::Value;
use std::net::SocketAddr;

/// redis-py's knobs, with its defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    /// Reload the whole slot map every this many MOVEDs (0: never).
    pub reinitialize_steps: u32,
    /// `RedisClusterRequestTTL`: attempts per command.
    pub request_ttl: u32,
    /// `cluster_error_retry_attempts`: retries after CLUSTERDOWN or an
    /// unreachable node.
    pub error_retry_attempts: u32,
    /// Sleep before retrying after `-TRYAGAIN` (redis-py: 50 ms).
    pub tryagain_delay_ms: u64,
    /// Sleep before reloading the slot map after `-CLUSTERDOWN` (redis-py: 250 ms).
    pub clusterdown_delay_ms: u64,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            reinitialize_steps: 5,
            request_ttl: 16,
            error_retry_attempts: 3,
            tryagain_delay_ms: 50,
            clusterdown_delay_ms: 250,
        }
    }
}

/// One command given to the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

/// "Write these arguments on your connection to `to`." The reply must come back through
/// [`ClusterClient::handle_reply`](super::ClusterClient::handle_reply) with the same `token`.
#[derive(Clone, Debug, PartialEq)]
pub struct Transmit {
    /// Echoed back with the reply, to match it to the request.
    pub token: u64,
    /// The client address of the node to send it to.
    pub to: SocketAddr,
    /// The command's arguments, name first.
    pub args: Vec<Vec<u8>>,
}

/// Failures that are the client's own (server errors are reply values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientError {
    /// Redirected or retried `request_ttl` times (`TTL exhausted.`).
    TtlExhausted,
    /// The slot has no known owner even after a reload.
    SlotNotCovered(u16),
    /// Keys in different slots (redis-py refuses before sending).
    CrossSlot,
    /// The node could not be reached, after the retries.
    Unreachable(SocketAddr),
    /// No startup node answered `CLUSTER SLOTS`.
    NoReachableNode,
}

/// The client's own words for a failure, as a cluster client library reports it (redis-py
/// raises `ClusterError("TTL exhausted.")`, `SlotNotCoveredError`, …): the lesson console
/// prints them after `(client error)`, and the app words them in the learner's language.
impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::TtlExhausted => {
                write!(f, "TTL exhausted: redirected or retried too many times")
            }
            ClientError::SlotNotCovered(slot) => {
                write!(f, "slot {slot} is not covered by the cluster")
            }
            ClientError::CrossSlot => write!(f, "keys in request don't hash to the same slot"),
            ClientError::Unreachable(addr) => write!(f, "could not connect to {addr}"),
            ClientError::NoReachableNode => write!(f, "no startup node answered CLUSTER SLOTS"),
        }
    }
}

/// What happened, for the host (and the app's animation).
#[derive(Clone, Debug, PartialEq)]
pub enum ClientEvent {
    /// A server redirected request `id`.
    Redirected {
        /// The request.
        id: RequestId,
        /// Where the server sent it.
        redirect: Redirect,
    },
    /// Request `id` is over. `redirects` counts its MOVED and ASK replies.
    Done {
        /// The request.
        id: RequestId,
        /// Its final reply (a server error is a reply), or the client's own failure.
        reply: Result<Value, ClientError>,
        /// How many MOVED and ASK replies it followed.
        redirects: u32,
    },
}

/// Counters over the client's life.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientStats {
    /// `-MOVED` replies followed.
    pub moved: u64,
    /// `-ASK` replies followed.
    pub ask: u64,
    /// `-TRYAGAIN` replies (each one a back-off).
    pub tryagain: u64,
    /// `-CLUSTERDOWN` replies (each one a back-off and a reload).
    pub clusterdown: u64,
    /// Connections that could not be made.
    pub unreachable: u64,
    /// `CLUSTER SLOTS` reloads.
    pub refreshes: u64,
    /// Requests finished (with a reply or an error).
    pub completed: u64,
}
