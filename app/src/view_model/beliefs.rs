//! What one node believes about the others (its `CLUSTER NODES` view) and where the others
//! disagree, its failure-report ledger and its election.

use clusterlab_core::flags::NodeFlags;
use clusterlab_core::id::NodeId;
use clusterlab_core::sim::{Names, Sim, Status};
use clusterlab_core::Time;

use super::cluster_view::{ranges_text, Picture};
use crate::i18n::{fill, Lang, Msg};

/// One row of a node's own view of the cluster, and where it differs from the truth.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BeliefRow {
    pub name: String,
    pub flags: String,
    pub master: String,
    /// ms since the PING it is still waiting a PONG for.
    pub ping_wait: Option<u64>,
    /// ms since the last PONG (None: never).
    pub pong_age: Option<u64>,
    pub epoch: u64,
    pub link: bool,
    pub slots: String,
    /// Where this belief differs from the truth, in words.
    pub differs: Vec<String>,
}

/// A failure report ledger row: what one node knows about another that it suspects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerRow {
    pub about: String,
    /// `fail?` or `fail` or `-`, as this node flags it.
    pub flag: String,
    /// The ledger in one sentence: what this node concludes, or what it still waits for.
    pub verdict: String,
    /// Reporter, report age and time left before it expires (ms).
    pub reports: Vec<(String, u64, u64)>,
    /// Masters counted for FAIL: live reports, plus this node itself when it is a master
    /// that flags the node PFAIL.
    pub count: u32,
    pub needed: u32,
}

/// A replica's election as words and numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElectionInfo {
    pub rank: u32,
    /// ms until the vote request goes out (0 once sent).
    pub starts_in: u64,
    pub sent: bool,
    pub epoch: u64,
    pub votes: u32,
    pub needed: u32,
    pub manual: bool,
}

/// What the selected node believes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Beliefs {
    pub name: String,
    pub current_epoch: u64,
    pub my_epoch: u64,
    pub last_vote_epoch: u64,
    pub state_ok: bool,
    pub rows: Vec<BeliefRow>,
    pub cluster_nodes: String,
    pub ledger: Vec<LedgerRow>,
    pub election: Option<ElectionInfo>,
    /// Masters this node voted for a replica of, and how long ago.
    pub votes: Vec<(String, u64)>,
    pub node_timeout: u64,
}

pub fn beliefs(sim: &Sim, idx: usize, picture: &Picture, lang: Lang) -> Option<Beliefs> {
    let n = sim.nodes().get(idx)?;
    let view = n.node.view();
    let now = sim.now();
    let name_of = |id: NodeId| sim.id_name(id);
    let me_master = n.node.is_master();
    let needed = n.node.size() / 2 + 1;
    let validity = n.node.config().fail_report_validity();
    let mut rows = Vec::new();
    let mut ledger = Vec::new();
    for p in &view.nodes {
        let truth = sim.index_of_id(p.id).and_then(|j| picture.nodes.get(j));
        let mut differs = Vec::new();
        if let Some(t) = truth {
            if p.id != view.id {
                if t.is_master != p.flags.is_master() {
                    let msg = if t.is_master {
                        Msg::DiffReallyMaster
                    } else {
                        Msg::DiffReallyReplica
                    };
                    differs.push(fill(lang.t(msg), &[&t.name]));
                }
                if t.status != Status::Up && !p.flags.is_failing() {
                    let msg = if t.status == Status::Crashed {
                        Msg::DiffCrashedUnflagged
                    } else {
                        Msg::DiffPausedUnflagged
                    };
                    differs.push(fill(lang.t(msg), &[&t.name]));
                }
                if t.status == Status::Up && p.flags.is_failing() {
                    differs.push(fill(lang.t(Msg::DiffRunning), &[&t.name]));
                }
                if t.is_master && p.flags.is_master() && t.config_epoch != p.config_epoch {
                    let epoch = t.config_epoch.to_string();
                    differs.push(fill(lang.t(Msg::DiffEpoch), &[&epoch]));
                }
            }
        }
        let slots = p.slots.ranges();
        if let Some(t) = truth {
            if p.id != view.id && t.is_master && p.flags.is_master() && t.slots != slots {
                let serves = ranges_text(&t.slots, 3);
                differs.push(fill(lang.t(Msg::DiffSlots), &[&t.name, &serves]));
            }
        }
        rows.push(BeliefRow {
            name: name_of(p.id),
            flags: p.flags.to_string(),
            master: p.master.map(name_of).unwrap_or_else(|| "-".into()),
            ping_wait: p.ping_sent.map(|t| now.since(t)),
            pong_age: (p.pong_received != Time::ZERO).then(|| now.since(p.pong_received)),
            epoch: p.config_epoch,
            link: p.link_connected || p.id == view.id,
            slots: ranges_text(&slots, 3),
            differs,
        });
        let live: Vec<(String, u64, u64)> = p
            .fail_reports
            .iter()
            .filter(|(_, t)| now.since(*t) <= validity)
            .map(|(who, t)| (name_of(*who), now.since(*t), validity - now.since(*t)))
            .collect();
        if p.id != view.id && (p.flags.is_failing() || !live.is_empty()) {
            let me_counts = me_master && p.flags.is_failing();
            let count = live.len() as u32 + u32::from(me_counts);
            let about = name_of(p.id);
            let verdict = if p.flags.has(NodeFlags::FAIL) {
                fill(lang.t(Msg::VerdictFail), &[&about, &n.name])
            } else if !p.flags.has(NodeFlags::PFAIL) {
                fill(lang.t(Msg::VerdictNoPfail), &[&n.name, &about])
            } else if count >= needed {
                fill(lang.t(Msg::VerdictMajority), &[&n.name, &about])
            } else if needed - count == 1 {
                lang.t(Msg::VerdictOneMore).to_string()
            } else {
                fill(lang.t(Msg::VerdictMore), &[&(needed - count).to_string()])
            };
            ledger.push(LedgerRow {
                about,
                flag: if p.flags.has(NodeFlags::FAIL) {
                    "fail".into()
                } else if p.flags.has(NodeFlags::PFAIL) {
                    "fail?".into()
                } else {
                    "-".into()
                },
                verdict,
                count,
                reports: live,
                needed,
            });
        }
    }
    let election = view.election.as_ref().map(|e| ElectionInfo {
        rank: e.rank,
        starts_in: e.auth_time.since(now),
        sent: e.sent,
        epoch: e.epoch,
        votes: e.votes,
        needed: e.needed,
        manual: e.manual,
    });
    Some(Beliefs {
        name: n.name.clone(),
        current_epoch: view.current_epoch,
        my_epoch: view.my_epoch,
        last_vote_epoch: view.last_vote_epoch,
        state_ok: view.state_ok,
        rows,
        cluster_nodes: view.cluster_nodes(0),
        ledger,
        election,
        votes: view
            .voted_time
            .iter()
            .map(|(id, t)| (name_of(*id), now.since(*t)))
            .collect(),
        node_timeout: n.node.config().node_timeout,
    })
}

#[cfg(test)]
mod tests {
    //! What one node believes about the others, where that differs from the truth, its failure
    //! reports and its election, from the default cluster while A fails.

    use super::*;
    use crate::view_model::cluster_view::picture;
    use crate::view_model::test_support::{cluster, SIX};

    #[test]
    fn beliefs_of_a_node_and_where_they_differ() {
        let mut sim = cluster();
        let p = picture(&sim, SIX);
        let b = beliefs(&sim, 1, &p, Lang::En).expect("B exists");
        assert_eq!(b.name, "B");
        assert_eq!(b.rows.len(), 6);
        assert!(b.rows.iter().all(|r| r.differs.is_empty()));
        assert!(b.ledger.is_empty());
        assert!(b.election.is_none());
        assert_eq!(b.cluster_nodes.lines().count(), 6);
        assert!(b.cluster_nodes.contains("myself,master"));

        sim.crash(0);
        let p = picture(&sim, SIX);
        let b = beliefs(&sim, 1, &p, Lang::En).unwrap();
        let a = b.rows.iter().find(|r| r.name == "A").unwrap();
        assert_eq!(a.differs, ["A is crashed but not flagged yet"]);
        // No English on a French screen: the same difference, said in French.
        let fr = beliefs(&sim, 1, &p, Lang::Fr).unwrap();
        let a = fr.rows.iter().find(|r| r.name == "A").unwrap();
        assert_eq!(a.differs, ["A est arrêté mais pas encore marqué"]);

        // Later: B has a ledger about A, and A1 runs an election.
        let t = sim.now();
        let mut saw_election = false;
        let mut saw_ledger = false;
        while sim.now() < t + 40_000 {
            sim.run_until(sim.now() + 50);
            let p = picture(&sim, SIX);
            let b = beliefs(&sim, 1, &p, Lang::En).unwrap();
            if let Some(l) = b.ledger.iter().find(|l| l.about == "A") {
                assert_eq!(l.needed, 2);
                saw_ledger = true;
                let fr = beliefs(&sim, 1, &p, Lang::Fr).unwrap();
                let v = &fr.ledger.iter().find(|l| l.about == "A").unwrap().verdict;
                assert!(
                    !v.contains("master") && !v.contains(" for "),
                    "English verdict: {v}"
                );
            }
            if let Some(e) = beliefs(&sim, 3, &p, Lang::En).unwrap().election {
                assert_eq!(e.needed, 2);
                saw_election = true;
            }
        }
        assert!(saw_ledger && saw_election);
        assert!(beliefs(&sim, 99, &picture(&sim, SIX), Lang::En).is_none());
    }
}
