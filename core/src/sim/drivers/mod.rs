//! What drives the simulated cluster from outside, as people and programs
//! drive a real one: the simulator's write load, applications using the
//! cluster-client model (`clients`), redis-cli-like jobs that reshard,
//! rebalance or add a node (`reshard`), and the ledger of acknowledged
//! writes that failovers lose (`lost`). The scheduler ([`Sim`](super::Sim))
//! asks them when they are next due and runs them then; their commands reach
//! the nodes' client ports at once (clients are outside the bus network).

mod clients;
mod lost;
pub mod reshard;
mod write_load;

pub use clients::{Workload, WorkloadStats};
pub(super) use lost::Ledger;
pub use lost::LostWrite;
pub(super) use write_load::WRITE_LOAD_CLIENT;

use crate::node::ClientId;
use crate::resp::Value;
use reshard::Job;
use std::collections::{BTreeMap, VecDeque};

/// The drivers' state, part of every snapshot.
#[derive(Clone, Debug, Default)]
pub(super) struct Drivers {
    pub load: write_load::WriteLoad,
    /// Simulated applications using the cluster-client model.
    pub clients: Vec<clients::SimClient>,
    /// Replies to the clients above, handed over by `pump_clients`.
    pub client_inbox: VecDeque<(ClientId, Value)>,
    /// Commands waiting for a paused node (its socket buffers).
    pub held: Vec<(usize, ClientId, Vec<Vec<u8>>)>,
    /// redis-cli-like operations (reshard, rebalance, add-node).
    pub jobs: Vec<Option<Job>>,
    pub job_replies: BTreeMap<ClientId, VecDeque<Value>>,
    /// Acknowledged writes, checked after each failover.
    pub ledger: Ledger,
}
