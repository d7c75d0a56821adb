//! The sequence diagram: the recent messages between nodes as arrows in time.

use clusterlab_core::event::Event;
use clusterlab_core::sim::Sim;
use clusterlab_core::Time;

use super::message_layer::{Flight, Traffic};

/// A message in the sequence diagram: x positions are fractions of the window (0 = its start,
/// 1 = now); `to_x` is `None` while the message is still on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct SeqArrow {
    /// The message's id in the simulator.
    pub id: u64,
    pub from: usize,
    pub to: usize,
    pub from_x: f64,
    pub to_x: Option<f64>,
    pub kind: Traffic,
    pub sent_at: Time,
    pub deliver_at: Time,
}

/// An event on a node's lane.
#[derive(Clone, Debug, PartialEq)]
pub struct SeqMark {
    /// The trace entry it marks, to explain it.
    pub index: usize,
    pub t: Time,
    pub node: usize,
    pub x: f64,
    /// Its event's index in the simulator's trace.
    pub event: usize,
    /// `fail?`, `FAIL`, `vote`, `master`…
    pub label: &'static str,
    pub colour: &'static str,
}

/// The sequence (Lamport) diagram of the last `window` ms: one lane per node, time to the
/// right, one arrow per message and a mark per state change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sequence {
    pub lanes: Vec<String>,
    pub start: Time,
    pub end: Time,
    pub arrows: Vec<SeqArrow>,
    pub marks: Vec<SeqMark>,
}

/// Most arrows drawn (the newest), so a big cluster stays quick to draw.
const MAX_ARROWS: usize = 1500;

/// How much simulated time the sequence diagram shows at `speed` for `nodes` nodes: more when
/// playing fast, less for big clusters (their gossip would be a solid block).
pub fn sequence_window(speed: f64, nodes: usize) -> u64 {
    let ms = (3000.0 * speed.max(0.01).sqrt()).clamp(1000.0, 30_000.0);
    let ms = if nodes > 12 {
        (ms / 3.0).max(500.0)
    } else {
        ms
    };
    ms as u64
}

pub fn sequence<'a>(
    sim: &Sim,
    history: impl DoubleEndedIterator<Item = &'a Flight>,
    window: u64,
    replication: bool,
) -> Sequence {
    let end = sim.now();
    let start = end - window;
    let span = window.max(1) as f64;
    let x = |t: Time| (t.since(start) as f64 / span).clamp(0.0, 1.0);
    let mut arrows: Vec<SeqArrow> = history
        .rev()
        .take_while(|f| f.sent_at >= start || f.deliver_at >= start)
        .filter(|f| replication || f.kind != Traffic::Replication)
        .take(MAX_ARROWS)
        .map(|f| SeqArrow {
            id: f.id,
            from: f.from,
            to: f.to,
            from_x: x(f.sent_at),
            to_x: (f.deliver_at <= end).then(|| x(f.deliver_at)),
            kind: f.kind,
            sent_at: f.sent_at,
            deliver_at: f.deliver_at,
        })
        .collect();
    arrows.reverse();
    let trace = sim.trace();
    let first = trace.partition_point(|e| e.t < start);
    let marks = trace[first..]
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let (label, colour) = match &e.event {
                Event::Pfail { .. } => ("fail?", "#EE7733"),
                Event::Fail { .. } => ("FAIL", "#CC3311"),
                Event::FailCleared { .. } => ("ok", "#117733"),
                Event::VoteRequested { .. } => ("vote?", "#EE3377"),
                Event::VoteGranted { .. } => ("vote", "#117733"),
                Event::Promoted { .. } => ("master", "#0077BB"),
                Event::Role { master: Some(_) } => ("replica", "#555555"),
                _ => return None,
            };
            Some(SeqMark {
                index: first + i,
                t: e.t,
                node: e.node,
                x: x(e.t),
                event: first + i,
                label,
                colour,
            })
        })
        .collect();
    Sequence {
        lanes: sim.nodes().iter().map(|n| n.name.clone()).collect(),
        start,
        end,
        arrows,
        marks,
    }
}
