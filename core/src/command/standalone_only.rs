//! Commands of a standalone Redis that a cluster node refuses outright,
//! each with its own 7.0.15 text, checked first thing in its handler
//! (after routing: MOVE's key must still be served here): a cluster has
//! only database 0 and sets up replication itself.

use super::Call;
use crate::resp::Value;

/// `MOVE key db` (db.c `moveCommand`).
pub fn move_key(_: &mut Call) -> Value {
    Value::err("ERR MOVE is not allowed in cluster mode")
}

/// `SWAPDB index1 index2` (db.c `swapdbCommand`).
pub fn swapdb(_: &mut Call) -> Value {
    Value::err("ERR SWAPDB is not allowed in cluster mode")
}

/// `FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]`
/// (replication.c `failoverCommand`).
pub fn failover(_: &mut Call) -> Value {
    Value::err("ERR FAILOVER not allowed in cluster mode. Use CLUSTER FAILOVER command instead.")
}

/// `REPLICAOF host port` and `SLAVEOF` (replication.c `replicaofCommand`):
/// CLUSTER REPLICATE is the cluster's way.
pub fn replicaof(_: &mut Call) -> Value {
    Value::err("ERR REPLICAOF not allowed in cluster mode.")
}
