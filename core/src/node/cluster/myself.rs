//! Myself's entry kept in step with settings CONFIG SET can change at runtime
//! (Redis's `clusterUpdateMyselfFlags` and `clusterUpdateMyselfHostname`):
//! peers learn them only from what myself's entry says in each header.

use super::todo;

use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::msg::{Gossip, PingExt};
use crate::node::Node;

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
        self.cluster.todo |= todo::UPDATE_STATE;
    }

    /// `clusterUpdateMyselfHostname`: myself's hostname follows
    /// `cluster-announce-hostname`. Redis calls it as the setting's CONFIG
    /// SET apply callback (`updateClusterHostname`), in `clusterInit`, and
    /// first thing in every `clusterCron`; the next PING carries it.
    pub(crate) fn update_myself_hostname(&mut self) {
        if self.me().hostname != self.cfg.announce_hostname {
            let name = self.cfg.announce_hostname.clone();
            self.me_mut().hostname = name;
        }
    }

    /// The ping extensions myself adds after a gossip section
    /// (`clusterSendPing`): 7.0 has only the hostname, sent when set.
    pub(in crate::node) fn my_ping_extensions(&self) -> Vec<PingExt> {
        let name = &self.me().hostname;
        if name.is_empty() {
            Vec::new()
        } else {
            vec![PingExt::Hostname(name.clone())]
        }
    }

    /// `clusterProcessPingExtensions`: the sender's hostname is the last
    /// hostname extension; none means it announces none, so a name it
    /// dropped is forgotten. 7.0 ignores the other types (7.2's).
    pub(in crate::node) fn process_ping_extensions(&mut self, sender: NodeId, gossip: &Gossip) {
        let name = gossip
            .extensions
            .iter()
            .filter_map(|e| match e {
                PingExt::Hostname(h) => Some(h.as_str()),
                _ => None,
            })
            .next_back()
            .unwrap_or("");
        if let Some(p) = self.peer_mut(sender) {
            if p.hostname != name {
                p.hostname = name.to_string();
            }
        }
    }
}
