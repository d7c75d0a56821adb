//! From suspicion to agreement: failure reports, PFAIL → FAIL by a majority
//! of masters, FAIL broadcast, and clearing FAIL (`markNodeAsFailingIfNeeded`,
//! `clearNodeFailureIfNeeded`). PFAIL itself, the suspicion one node forms
//! alone, and when cron sets it, is in `pfail.rs`.

use super::todo;

use crate::config::consts;
use crate::event::Event;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::msg::Body;
use crate::node::request::{sealed, Request};
use crate::node::Node;
use crate::time::Time;
use std::sync::Arc;

impl Node {
    /// `clusterNodeAddFailureReport`: one report per reporting master, refreshed.
    pub(in crate::node) fn add_failure_report(
        &mut self,
        now: Time,
        about: NodeId,
        reporter: NodeId,
    ) {
        let Some(p) = self.peer_mut(about) else {
            return;
        };
        match p.fail_reports.find_mut(reporter) {
            Some(report) => report.1 = now,
            None => {
                p.fail_reports.push((reporter, now));
                self.emit(Event::FailReport { about, reporter });
            }
        }
    }

    /// `clusterNodeDelFailureReport`: the reporter sees the node healthy again.
    pub(in crate::node) fn del_failure_report(&mut self, about: NodeId, reporter: NodeId) {
        if let Some(p) = self.peer_mut(about) {
            p.fail_reports.retain(|(r, _)| *r != reporter);
        }
    }

    /// `clusterNodeFailureReportsCount`: reports younger than 2 × node_timeout
    /// (older ones are dropped first).
    pub(in crate::node) fn failure_reports_count(&mut self, now: Time, about: NodeId) -> u32 {
        let validity = self.cfg.fail_report_validity();
        let Some(p) = self.peer_mut(about) else {
            return 0;
        };
        p.fail_reports.retain(|(_, t)| now.since(*t) <= validity);
        p.fail_reports.len() as u32
    }

    /// `markNodeAsFailingIfNeeded`: PFAIL becomes FAIL once a majority of the
    /// slot-serving masters (counting myself if I am a master) agree.
    pub(in crate::node) fn mark_failing_if_needed(&mut self, now: Time, about: NodeId) {
        let needed = self.needed_quorum();
        let Some(p) = self.peer(about) else { return };
        if !p.has(NodeFlags::PFAIL) || p.failed() {
            return;
        }
        let mut failures = self.failure_reports_count(now, about);
        if self.is_master() {
            failures += 1;
        }
        if failures < needed {
            return;
        }
        let p = self.peer_mut(about).expect("present");
        p.flags.clear(NodeFlags::PFAIL);
        p.flags.set(NodeFlags::FAIL);
        p.fail_time = Some(now);
        let reporters = Arc::new(p.fail_reports.iter().copied().collect());
        self.emit(Event::Fail {
            about,
            by_quorum: true,
            reports: failures,
            needed,
            from: None,
            reporters: Some(reporters),
        });
        self.broadcast(Body::Fail(about));
        self.cluster.todo |= todo::UPDATE_STATE;
    }

    /// A FAIL message forces the flag, no quorum check (the sender counted).
    pub(in crate::node) fn receive_fail(&mut self, now: Time, sender: NodeId, about: NodeId) {
        let Some(p) = self.peer_mut(about) else {
            return;
        };
        if p.has(NodeFlags::FAIL | NodeFlags::MYSELF) {
            return;
        }
        p.flags.clear(NodeFlags::PFAIL);
        p.flags.set(NodeFlags::FAIL);
        p.fail_time = Some(now);
        self.emit(Event::Fail {
            about,
            by_quorum: false,
            reports: 0,
            needed: 0,
            from: Some(sender),
            reporters: None,
        });
        self.cluster.todo |= todo::UPDATE_STATE;
    }

    /// `clearNodeFailureIfNeeded`, on a PONG from a FAIL node: replicas and
    /// slotless masters are cleared at once; a master that still has slots only
    /// if nobody failed it over within 2 × node_timeout.
    pub(in crate::node) fn clear_failure_if_needed(&mut self, now: Time, about: NodeId) {
        let undo_after = self.cfg.node_timeout * consts::FAIL_UNDO_TIME_MULT;
        let Some(p) = self.peer(about) else { return };
        if !p.failed() {
            return;
        }
        let reason = if p.is_replica() {
            "replica is reachable again."
        } else if p.numslots == 0 {
            "master without slots is reachable again."
        } else if p.fail_time.is_none_or(|t| now.since(t) > undo_after) {
            "is reachable again and nobody is serving its slots after some time."
        } else {
            return;
        };
        self.peer_mut(about)
            .expect("present")
            .flags
            .clear(NodeFlags::FAIL);
        self.emit(Event::FailCleared { about, reason });
        self.cluster.todo |= todo::UPDATE_STATE;
    }

    /// Quorum of masters for FAIL and for elections: `size / 2 + 1`.
    pub(in crate::node) fn needed_quorum(&self) -> u32 {
        self.routing().needed_quorum()
    }
}

/// `CLUSTER COUNT-FAILURE-REPORTS <node-id>`: counting drops the expired
/// reports first, so it is the cluster part's to do.
pub struct CountFailureReports(pub NodeId);

impl sealed::Sealed for CountFailureReports {}

impl Request for CountFailureReports {
    /// `None` for an unknown node.
    type Answer = Option<u32>;

    fn apply(self, node: &mut Node, now: Time) -> Option<u32> {
        node.count_failure_reports(now, self.0)
    }
}
