//! A lesson's sequence diagram: drawn from the messages its simulator recorded
//! (`Sim::sent_messages`, the player advances by whole steps and never sees the queue), and
//! stepped through one event at a time so that a learner can follow who told whom what.

use clusterlab_core::event::Event;
use clusterlab_core::sim::{Names, Sent, SentKind, Sim};
use clusterlab_core::sorted;
use clusterlab_core::Time;

use super::{format_time, msg_style, narrate, sequence, Sequence};
use super::{Flight, Traffic};
use crate::i18n::{fill, Lang, Msg};

/// How much of the past a lesson's diagram shows: a failure detection and election fit in it
/// at the lessons' timeouts, and it stays within what the session keeps
/// (`clusterlab_core::lesson::WIRE_KEPT_MS`).
pub fn lesson_window(nodes: usize) -> u64 {
    if nodes > 12 {
        5_000
    } else {
        20_000
    }
}

fn traffic(kind: SentKind) -> Traffic {
    match kind {
        SentKind::Bus(t) => Traffic::Bus(t),
        SentKind::Replication => Traffic::Replication,
        SentKind::Migration => Traffic::Migration,
    }
}

fn flight(s: &Sent) -> Flight {
    Flight {
        id: s.id,
        from: s.from,
        to: s.to,
        kind: traffic(s.kind),
        sent_at: s.sent_at,
        deliver_at: s.deliver_at,
        bytes: s.bytes,
    }
}

/// The diagram of the last `window` ms of a lesson's simulator.
pub fn lesson_sequence(sim: &Sim, window: u64) -> Sequence {
    let flights: Vec<Flight> = sim.sent_messages().map(flight).collect();
    sequence(sim, flights.iter(), window, sim.nodes().len() <= 12)
}

/// What the learner can step to in the diagram, named so that it stays selected while the
/// window slides: a state change (by its trace index) or a message (by its id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeqPick {
    Event(usize),
    Message(u64),
}

/// One stop of the stepper: what it is, when, and a sentence about it.
#[derive(Clone, Debug, PartialEq)]
pub struct SeqStop {
    pub pick: SeqPick,
    pub t: Time,
    pub text: String,
}

/// The stops of `seq`, oldest first: every state change marked on a lane, and the messages
/// that carry a decision (MEET, FAIL, UPDATE, the votes, MIGRATE), not the routine PING/PONG
/// and replication stream that would bury them.
pub fn seq_stops(seq: &Sequence, sim: &Sim, lang: Lang) -> Vec<SeqStop> {
    let trace = sim.trace();
    let mut stops: Vec<SeqStop> = seq
        .marks
        .iter()
        .filter_map(|m| trace.get(m.event).map(|e| (m.event, e)))
        .map(|(i, e)| SeqStop {
            pick: SeqPick::Event(i),
            t: e.t,
            text: narrate(e, sim, lang)
                .unwrap_or_else(|| event_text(&e.event, e.t, e.node, sim, lang)),
        })
        .collect();
    stops.extend(
        seq.arrows
            .iter()
            .filter(|a| msg_style(a.kind).loud)
            .map(|a| SeqStop {
                pick: SeqPick::Message(a.id),
                t: a.sent_at,
                text: message_text(
                    a.kind,
                    a.from,
                    a.to,
                    a.sent_at,
                    a.deliver_at,
                    seq.end,
                    sim,
                    lang,
                ),
            }),
    );
    // Stable: at one instant a state change comes before the messages it sends.
    sorted::sort_by_key(&mut stops, |s| (s.t, matches!(s.pick, SeqPick::Message(_))));
    stops
}

/// A marked event that [`narrate`] leaves out: a FAIL learned from another node's message.
fn event_text(event: &Event, t: Time, node: usize, sim: &Sim, lang: Lang) -> String {
    let who = sim.node_name(node);
    let text = match event {
        Event::Fail {
            about,
            from: Some(from),
            ..
        } => fill(
            lang.t(Msg::NarrateFailHeard),
            &[&who, &sim.id_name(*about), &sim.id_name(*from)],
        ),
        Event::Fail { about, .. } => {
            fill(lang.t(Msg::NarrateFailFlag), &[&who, &sim.id_name(*about)])
        }
        other => format!("{who} {}", other.name()),
    };
    fill(lang.t(Msg::AtTime), &[&format_time(t, lang), &text])
}

#[allow(clippy::too_many_arguments)]
fn message_text(
    kind: Traffic,
    from: usize,
    to: usize,
    sent: Time,
    delivered: Time,
    now: Time,
    sim: &Sim,
    lang: Lang,
) -> String {
    let (label, from, to) = (
        msg_style(kind).label,
        sim.node_name(from),
        sim.node_name(to),
    );
    let sent = format_time(sent, lang);
    if delivered <= now {
        fill(
            lang.t(Msg::SeqMessage),
            &[label, &from, &to, &sent, &format_time(delivered, lang)],
        )
    } else {
        fill(lang.t(Msg::SeqMessageFlying), &[label, &from, &to, &sent])
    }
}

/// The stop after (`forward`) or before the selected one; with nothing selected (or the
/// selection slid out of the window), the first stop going forward and the last going back.
pub fn step_to(stops: &[SeqStop], selected: Option<SeqPick>, forward: bool) -> Option<SeqPick> {
    let here = selected.and_then(|p| stops.iter().position(|s| s.pick == p));
    let next = match (here, forward) {
        (None, true) => 0,
        (None, false) => stops.len().checked_sub(1)?,
        (Some(i), true) => (i + 1).min(stops.len() - 1),
        (Some(i), false) => i.saturating_sub(1),
    };
    stops.get(next).map(|s| s.pick)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clusterlab_core::lesson::{parse, Session, Step};
    use clusterlab_core::msg::MsgType;

    const LESSON: &str = "---\nid: t\ntitle: T\norder: 1\nseed: 11\nconfig: node-timeout=2000\n---\n\n## One\n\nText.\n";

    fn session() -> Session {
        Session::start(&parse("t.md", LESSON).expect("parses")).expect("starts")
    }

    /// The lesson's diagram is drawn from what its simulator recorded: a formed cluster's
    /// PING/PONG heartbeat within the window, and nothing older than the window.
    #[test]
    fn a_lesson_diagram_shows_the_recorded_heartbeat() {
        let mut s = session();
        s.advance(5_000);
        let seq = lesson_sequence(s.sim(), 3_000);
        assert_eq!(seq.end, s.sim().now());
        assert!(seq
            .arrows
            .iter()
            .any(|a| a.kind == Traffic::Bus(MsgType::Ping)));
        assert!(seq
            .arrows
            .iter()
            .any(|a| a.kind == Traffic::Bus(MsgType::Pong)));
        assert!(seq.arrows.iter().all(|a| a.deliver_at >= seq.start));
    }

    /// Killing master A makes the others flag it PFAIL, then FAIL by quorum (a FAIL message
    /// broadcast), then A1 asks for votes: the stepper walks those in time order, and the
    /// sentences name the nodes.
    #[test]
    fn the_stepper_walks_a_failover_in_order() {
        let mut s = session();
        s.play(&Step::from_line("kill A").expect("step"))
            .expect("kill");
        s.advance(12_000);
        let seq = lesson_sequence(s.sim(), 12_000);
        let stops = seq_stops(&seq, s.sim(), Lang::En);
        assert!(
            stops.windows(2).all(|w| w[0].t <= w[1].t),
            "not in time order"
        );
        let pfail = stops.iter().position(|s| s.text.contains("PFAIL"));
        let fail_msg = stops.iter().position(|s| s.text.starts_with("FAIL from"));
        let vote = stops
            .iter()
            .position(|s| s.text.contains("asks the masters for votes"));
        assert!(
            pfail < fail_msg && fail_msg < vote && pfail.is_some(),
            "{:#?}",
            stops.iter().map(|s| &s.text).collect::<Vec<_>>()
        );
        // Stepping: forward from nothing is the first stop, back from the first stays there.
        let first = step_to(&stops, None, true);
        assert_eq!(first, Some(stops[0].pick));
        assert_eq!(step_to(&stops, first, false), first);
        assert_eq!(step_to(&stops, first, true), Some(stops[1].pick));
        assert_eq!(step_to(&stops, None, false), stops.last().map(|s| s.pick));
        assert_eq!(step_to(&[], None, true), None);
        // French sentences for the same stops.
        let fr = seq_stops(&seq, s.sim(), Lang::Fr);
        assert!(fr.iter().any(|s| s.text.contains("demande leurs votes")));
    }
}
