//! Myself's entry kept in step with settings CONFIG SET can change at runtime
//! (Redis's `clusterUpdateMyselfFlags` and `clusterUpdateMyselfHostname`):
//! peers learn them only from what myself's entry says in each header.

use super::{todo, Node};
use crate::flags::NodeFlags;

impl Node {
    /// `clusterUpdateMyselfFlags`: the `nofailover` flag follows
    /// `cluster-replica-no-failover`. Redis runs it at start (`clusterInit`,
    /// after nodes.conf is read, so the setting wins over the file) and as
    /// the setting's CONFIG SET apply callback (`updateClusterFlags`); the
    /// next header carries the flag, which is how peers see it. A change
    /// saves nodes.conf (the native host saves on any change) and updates
    /// the cluster state, as `CLUSTER_TODO_SAVE_CONFIG|UPDATE_STATE` asks.
    pub(crate) fn update_myself_flags(&mut self) {
        let want = self.cfg.replica_no_failover;
        let me = self.me_mut();
        if me.has(NodeFlags::NOFAILOVER) == want {
            return;
        }
        if want {
            me.flags.set(NodeFlags::NOFAILOVER);
        } else {
            me.flags.clear(NodeFlags::NOFAILOVER);
        }
        self.todo |= todo::UPDATE_STATE;
    }
}
