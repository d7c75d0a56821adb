//! What a command asks of the node beyond the server part it is given:
//! a change to the cluster part (cluster.c's, as `clusterCommand` makes
//! them) or to the settings both parts read (config.c's apply callbacks).
//!
//! Command handlers hold a [`ServerCtx`](super::ServerCtx), which cannot
//! reach the cluster part mutably; they describe such an effect as a typed
//! [`Request`], and the node applies it (`command::Call::request`). The
//! trait is sealed: every request is defined beside the rule it runs
//! (`cluster/admin.rs`, `cluster/links.rs`, `cluster/publish.rs`,
//! `config_set.rs`…), so what a command may change outside the server part
//! is this list of types.

use super::Node;
use crate::time::Time;

/// A command's effect the node applies (see the module's doc).
pub trait Request: sealed::Sealed {
    /// What the command learns of the outcome.
    type Answer;

    /// Applies it on `node` at `now`.
    fn apply(self, node: &mut Node, now: Time) -> Self::Answer;
}

/// Keeps [`Request`]'s implementations inside `node/`.
pub(in crate::node) mod sealed {
    /// Implemented only by the node's request types.
    pub trait Sealed {}
}
