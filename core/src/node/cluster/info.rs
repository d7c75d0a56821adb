//! `CLUSTER INFO` (the "info" branch of `clusterCommand`, cluster.c): the
//! cluster state, slot health, epochs and bus message counters as one text.

use crate::flags::NodeFlags;
use crate::msg::MsgType;
use crate::node::Routing;

impl Routing<'_> {
    /// `CLUSTER INFO` text.
    pub fn cluster_info(&self) -> String {
        use std::fmt::Write;
        let mut ok = 0u32;
        let (mut pfail, mut fail) = (0u32, 0u32);
        for &owner in self.cluster.slots.iter() {
            let Some(p) = self
                .cluster
                .peers
                .get(owner as usize)
                .and_then(|p| p.as_ref())
            else {
                continue;
            };
            if p.failed() {
                fail += 1;
            } else if p.has(NodeFlags::PFAIL) {
                pfail += 1;
            } else {
                ok += 1;
            }
        }
        let mut s = String::new();
        let _ = write!(
            s,
            "cluster_state:{}\r\ncluster_slots_assigned:{}\r\ncluster_slots_ok:{ok}\r\ncluster_slots_pfail:{pfail}\r\ncluster_slots_fail:{fail}\r\ncluster_known_nodes:{}\r\ncluster_size:{}\r\ncluster_current_epoch:{}\r\ncluster_my_epoch:{}\r\n",
            if self.cluster.state_ok { "ok" } else { "fail" },
            self.cluster.assigned,
            self.known_nodes(),
            self.cluster.size,
            self.cluster.current_epoch,
            self.my_epoch()
        );
        for (dir, stats) in [
            ("sent", &self.cluster.stats_sent),
            ("received", &self.cluster.stats_received),
        ] {
            for t in MsgType::ALL {
                let n = stats[t as usize];
                if n > 0 {
                    let _ = write!(s, "cluster_stats_messages_{}_{dir}:{n}\r\n", t.stats_name());
                }
            }
            let _ = write!(
                s,
                "cluster_stats_messages_{dir}:{}\r\n",
                stats.iter().sum::<u64>()
            );
        }
        let _ = write!(
            s,
            "total_cluster_links_buffer_limit_exceeded:{}\r\n",
            self.cluster.stats_links_buffer_limit_exceeded
        );
        s
    }
}
