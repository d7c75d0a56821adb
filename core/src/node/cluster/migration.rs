//! Replica migration (`clusterHandleSlaveMigration`): a master left without
//! working replicas borrows one from the master that has the most.

use crate::config::consts;
use crate::event::Event;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::node::Node;
use crate::time::Time;

impl Node {
    pub(in crate::node) fn handle_replica_migration(&mut self, now: Time, max_replicas: u32) {
        if !self.cluster.state_ok {
            return;
        }
        let Some(my_master) = self.master() else {
            return;
        };
        // My master must keep more than cluster-migration-barrier working
        // replicas (neither FAIL nor PFAIL) after I leave.
        let ok_replicas = self.peer(my_master).map_or(0, |m| {
            m.replicas
                .iter()
                .filter_map(|r| self.peer(*r))
                .filter(|r| !r.failing())
                .count() as u32
        });
        if ok_replicas <= self.cfg.migration_barrier {
            return;
        }

        // Only the replica with the smallest ID among the best-provided
        // masters' replicas moves, so exactly one does.
        let mut candidate = self.myself;
        let mut target: Option<NodeId> = None;
        for id in self.peer_ids() {
            let p = self.peer(id).expect("listed");
            let ok = if p.is_master() {
                self.non_failing_replicas(id)
            } else {
                0
            };
            let orphaned =
                !p.is_replica() && !p.failed() && p.has(NodeFlags::MIGRATE_TO) && ok == 0;
            let (numslots, replicas) = (p.numslots, p.replicas.clone());
            let p = self.peer_mut(id).expect("listed");
            if orphaned {
                if target.is_none() && numslots > 0 {
                    target = Some(id);
                }
                if p.orphaned_time.is_none() {
                    p.orphaned_time = Some(now);
                }
            } else {
                p.orphaned_time = None;
            }
            if ok == max_replicas {
                for r in replicas {
                    if r < candidate {
                        candidate = r;
                    }
                }
            }
        }
        let Some(target) = target else { return };
        let orphaned_since = self.peer(target).and_then(|p| p.orphaned_time);
        if candidate == self.myself
            && orphaned_since.is_some_and(|t| now.since(t) > consts::SLAVE_MIGRATION_DELAY)
            && self.cluster.manual.end.is_none()
        {
            self.set_my_master(now, target);
            self.emit(Event::ReplicaMigrated { to: target });
        }
    }
}
