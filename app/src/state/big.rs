//! A big cluster (above [`NODE_BY_NODE`] nodes): the simulation runs in a Web Worker
//! (`clusterlab-worker`), and the page keeps only what the worker last said of it.
//!
//! The model holds the learner's choices (playing, speed, the picked node) and the worker's
//! latest digest; the worker hook (`hooks/sim_worker.rs`) sends those choices to the worker
//! whenever they change and turns its answers into [`BigAction::Update`]s.

use std::rc::Rc;

use clusterlab_worker::protocol::{Digest, Milestone, Request, Update};

use super::share::Preset;

/// The most nodes the page draws one by one, with the simulator on the page's own thread;
/// bigger clusters run in the worker and are drawn aggregated.
pub const NODE_BY_NODE: usize = 200;
/// Lines of the "what happened" log kept.
const LOG_LINES: usize = 60;

/// Where the worker stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Its code is loading.
    Loading,
    /// Its code runs; it is starting the nodes.
    Loaded,
    /// The nodes started; waiting for every node to say `cluster_state:ok`.
    Starting,
    Running,
    Failed(String),
}

/// The big cluster as the page knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct BigCluster {
    pub preset: Preset,
    pub seed: u64,
    /// Counts the starts in this page (a reset of the same cluster starts a new worker).
    pub run: u64,
    pub phase: Phase,
    /// Node names, in index order (the worker's, from its scenario).
    pub names: Rc<Vec<String>>,
    pub digest: Option<Rc<Digest>>,
    /// What happened, newest last.
    pub log: Rc<Vec<Milestone>>,
    pub selected: Option<usize>,
    pub playing: bool,
    /// Speed as log10 of simulated per real time; `None`: as fast as the worker can.
    pub speed_log: Option<f64>,
}

/// What the learner and the worker change.
#[derive(Clone, Debug, PartialEq)]
pub enum BigAction {
    /// The worker said something.
    Update(Update),
    Select(Option<usize>),
    SetPlaying(bool),
    SetSpeed(Option<f64>),
}

impl BigCluster {
    pub fn new(preset: Preset, seed: u64, playing: bool, speed_log: f64) -> BigCluster {
        BigCluster {
            preset,
            seed,
            run: 0,
            phase: Phase::Loading,
            names: Rc::default(),
            digest: None,
            log: Rc::default(),
            selected: None,
            playing,
            speed_log: Some(speed_log),
        }
    }

    /// Whether `preset` is a big cluster.
    pub fn is_big(preset: &Preset) -> bool {
        preset.nodes() > NODE_BY_NODE
    }

    /// The request that starts this cluster.
    pub fn start_request(&self) -> Request {
        Request::Start {
            masters: self.preset.masters,
            replicas: self.preset.replicas,
            seed: self.seed,
        }
    }

    /// The request that sets the worker's clock as the learner wants it.
    pub fn clock_request(&self) -> Request {
        match (self.playing, self.speed_log) {
            (false, _) => Request::Pause,
            (true, speed_log) => Request::Play {
                speed: speed_log.map(|l| 10f64.powf(l)),
            },
        }
    }

    pub fn apply(&mut self, action: BigAction) {
        match action {
            BigAction::Update(Update::Loaded) => self.phase = Phase::Loaded,
            BigAction::Update(Update::Starting { names }) => {
                self.names = Rc::new(names);
                self.phase = Phase::Starting;
            }
            BigAction::Update(Update::Digest(digest)) => {
                if digest.ready_after_ms.is_some() {
                    self.phase = Phase::Running;
                }
                if !digest.milestones.is_empty() {
                    let log = Rc::make_mut(&mut self.log);
                    log.extend(digest.milestones.iter().cloned());
                    let extra = log.len().saturating_sub(LOG_LINES);
                    log.drain(..extra);
                }
                self.digest = Some(Rc::from(digest));
            }
            BigAction::Update(Update::Failed { message }) => self.phase = Phase::Failed(message),
            BigAction::Select(node) => {
                self.selected = node.filter(|&i| i < self.preset.nodes());
            }
            BigAction::SetPlaying(playing) => self.playing = playing,
            BigAction::SetSpeed(speed_log) => self.speed_log = speed_log,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_worker::protocol::{Moment, Update};

    fn big() -> BigCluster {
        BigCluster::new(
            Preset {
                masters: 500,
                replicas: 1,
            },
            3,
            true,
            0.0,
        )
    }

    #[test]
    fn the_phase_follows_the_worker() {
        let mut b = big();
        assert!(BigCluster::is_big(&b.preset));
        assert_eq!(b.phase, Phase::Loading);
        b.apply(BigAction::Update(Update::Loaded));
        assert_eq!(b.phase, Phase::Loaded);
        b.apply(BigAction::Update(Update::Starting {
            names: vec!["A".into()],
        }));
        assert_eq!(b.phase, Phase::Starting);
        let digest = |ready: Option<f64>| {
            BigAction::Update(Update::Digest(Box::new(Digest {
                ready_after_ms: ready,
                milestones: vec![Milestone {
                    t_ms: 5,
                    what: Moment::Ready,
                }],
                ..Digest::default()
            })))
        };
        b.apply(digest(None));
        assert_eq!(b.phase, Phase::Starting);
        b.apply(digest(Some(900.0)));
        assert_eq!(b.phase, Phase::Running);
        assert_eq!(b.log.len(), 2);
        b.apply(BigAction::Update(Update::Failed {
            message: "no".into(),
        }));
        assert_eq!(b.phase, Phase::Failed("no".into()));
    }

    #[test]
    fn the_clock_request_says_what_the_learner_chose() {
        let mut b = big();
        assert_eq!(b.clock_request(), Request::Play { speed: Some(1.0) });
        b.apply(BigAction::SetSpeed(None));
        assert_eq!(b.clock_request(), Request::Play { speed: None });
        b.apply(BigAction::SetPlaying(false));
        assert_eq!(b.clock_request(), Request::Pause);
        b.apply(BigAction::Select(Some(5000)));
        assert_eq!(b.selected, None, "no such node");
        b.apply(BigAction::Select(Some(999)));
        assert_eq!(b.selected, Some(999));
    }

    #[test]
    fn the_log_keeps_the_newest_lines() {
        let mut b = big();
        for t in 0..100 {
            b.apply(BigAction::Update(Update::Digest(Box::new(Digest {
                milestones: vec![Milestone {
                    t_ms: t,
                    what: Moment::Ready,
                }],
                ..Digest::default()
            }))));
        }
        assert_eq!(b.log.len(), LOG_LINES);
        assert_eq!(b.log.last().map(|m| m.t_ms), Some(99));
    }
}
