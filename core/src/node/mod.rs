//! One Redis Cluster node as a sans-IO state machine.

pub mod io;
pub mod view;

pub use io::{Admin, AdminError, FailoverMode, Input, Link, Output, ReplFrame};
pub use view::{ElectionView, NodeView, PeerView};
