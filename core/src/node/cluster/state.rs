//! `clusterUpdateState`: is the cluster `ok` from this node's point of view?

use crate::config::consts;
use crate::event::Event;
use crate::node::Node;
use crate::slot::SLOTS;
use crate::time::Time;

impl Node {
    /// Recomputes `size` and `cluster_state`. FAIL when a slot is unassigned or
    /// served by a FAIL master (with full coverage required), or when fewer
    /// than a majority of slot-serving masters are reachable — which is how a
    /// master cut off in a minority stops taking writes after node_timeout.
    pub(in crate::node) fn update_state(&mut self, now: Time) {
        // CLUSTER_WRITABLE_DELAY: a master that just started waits before
        // declaring itself ok, to learn the config first.
        if self.is_master()
            && !self.cluster.state_ok
            && now.since(self.cluster.started) < consts::WRITABLE_DELAY
        {
            return;
        }
        let mut ok = true;
        let (mut unassigned, mut failed_owner) = (0, None);
        if self.cfg.require_full_coverage {
            failed_owner = self
                .peers()
                .find(|p| p.numslots > 0 && p.failed())
                .map(|p| p.id);
            unassigned = (SLOTS as u32).saturating_sub(self.cluster.assigned) as u16;
            if unassigned > 0 || failed_owner.is_some() {
                ok = false;
            }
        }
        let mut size = 0u32;
        let mut reachable = 0u32;
        for p in self.peers() {
            if p.is_master() && p.numslots > 0 {
                size += 1;
                if !p.failing() {
                    reachable += 1;
                }
            }
        }
        self.cluster.size = size;
        if reachable < size / 2 + 1 {
            ok = false;
            self.cluster.among_minority_time = Some(now);
        }
        if ok != self.cluster.state_ok {
            // Rejoining the majority: wait a bit before taking writes again.
            let rejoin = self.cfg.rejoin_delay();
            if ok
                && self.is_master()
                && self
                    .cluster
                    .among_minority_time
                    .is_some_and(|t| now.since(t) < rejoin)
            {
                return;
            }
            self.cluster.state_ok = ok;
            self.emit(Event::ClusterState {
                ok,
                reachable,
                masters: size,
                unassigned,
                failed_owner,
            });
        }
    }
}
