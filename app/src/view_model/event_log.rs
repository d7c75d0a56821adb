//! The event log: the trace as lines in words (without the routine events unless asked) and
//! the narration of the state changes worth announcing.

use clusterlab_core::event::Event;
use clusterlab_core::id::NodeId;
use clusterlab_core::sim::{Sim, TraceEvent};
use clusterlab_core::Time;

use super::event_line;
use super::format::format_time;
use super::source;
use crate::i18n::{fill, Lang, Msg};

/// One line of the event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// The entry's index in the trace, to explain it ([`explain::EventRef`]).
    pub index: usize,
    pub t: Time,
    pub node: usize,
    pub event: &'static str,
    pub text: String,
}

/// Events that happen all the time and would drown the rest of the log.
pub const ROUTINE: [&str; 4] = ["fail_report", "node_added", "meet", "slot_owner"];

pub fn is_routine(event: &str) -> bool {
    ROUTINE.contains(&event)
}

/// How far back [`log_lines`] looks for non-routine events.
pub(super) const LOG_SCAN: usize = 100_000;

pub(super) fn log_line<S: source::EventSource + ?Sized>(
    index: usize,
    e: &TraceEvent,
    sim: &S,
    lang: Lang,
) -> LogLine {
    LogLine {
        index,
        t: e.t,
        node: e.node,
        event: e.event.name(),
        text: event_line::event_sentence(e, sim, lang),
    }
}

/// The last `max` trace events as text lines (oldest first); without the routine ones unless
/// `routine`; in `lang`. Of the playground's run or of an imported trace.
pub fn log_lines<S: source::EventSource + ?Sized>(
    sim: &S,
    max: usize,
    routine: bool,
    lang: Lang,
) -> Vec<LogLine> {
    let mut lines: Vec<LogLine> = sim
        .trace()
        .iter()
        .enumerate()
        .rev()
        .take(LOG_SCAN)
        .filter(|(_, e)| routine || !is_routine(e.event.name()))
        .take(max)
        .map(|(i, e)| log_line(i, e, sim, lang))
        .collect();
    lines.reverse();
    lines
}

/// Appends `events` (the newest part of the trace) to `lines`, keeping the last `max`.
pub fn extend_log(
    lines: &mut Vec<LogLine>,
    events: &[TraceEvent],
    sim: &Sim,
    max: usize,
    routine: bool,
    lang: Lang,
) {
    // `events` ends the trace, so its first entry's index follows from the lengths.
    let base = sim.trace().len().saturating_sub(events.len());
    let fresh: Vec<(usize, &TraceEvent)> = events
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, e)| routine || !is_routine(e.event.name()))
        .take(max)
        .collect();
    lines.extend(
        fresh
            .into_iter()
            .rev()
            .map(|(i, e)| log_line(base + i, e, sim, lang)),
    );
    if lines.len() > max {
        let extra = lines.len() - max;
        lines.drain(..extra);
    }
}

/// A sentence for the state changes worth announcing (not every PING): the live region and
/// the caption under the cluster view.
pub fn narrate<S: source::EventSource + ?Sized>(
    e: &TraceEvent,
    sim: &S,
    lang: Lang,
) -> Option<String> {
    let who = sim.node_name(e.node);
    let who = who.as_str();
    let name = |id: NodeId| sim.id_name(id);
    let t = format_time(sim.shown(e.t), lang);
    let say = |msg: Msg, values: &[&str]| fill(lang.t(msg), values);
    let text = match &e.event {
        Event::Pfail { about, .. } => say(Msg::NarratePfail, &[who, &name(*about)]),
        Event::Fail {
            about,
            by_quorum: true,
            reports,
            needed,
            ..
        } => say(
            Msg::NarrateFail,
            &[
                who,
                &name(*about),
                &reports.to_string(),
                &needed.to_string(),
            ],
        ),
        Event::FailCleared { about, reason } => {
            say(Msg::NarrateFailCleared, &[who, &name(*about), reason])
        }
        Event::FailoverStart { delay_ms, rank, .. } => say(
            Msg::NarrateFailoverStart,
            &[who, &delay_ms.to_string(), &rank.to_string()],
        ),
        Event::FailoverBlocked { reason } => say(Msg::NarrateFailoverBlocked, &[who, reason]),
        Event::VoteRequested { epoch } => {
            say(Msg::NarrateVoteRequested, &[who, &epoch.to_string()])
        }
        Event::VoteGranted { about, epoch, .. } => say(
            Msg::NarrateVoteGranted,
            &[who, &name(*about), &epoch.to_string()],
        ),
        Event::Promoted { epoch, old_master } => say(
            Msg::NarratePromoted,
            &[who, &name(*old_master), &epoch.to_string()],
        ),
        Event::Role {
            master: Some(master),
        } => say(Msg::NarrateRole, &[who, &name(*master)]),
        Event::ClusterState { ok, .. } => say(
            Msg::NarrateClusterState,
            &[who, if *ok { "ok" } else { "fail" }],
        ),
        Event::ElectionExpired { epoch } => {
            say(Msg::NarrateElectionExpired, &[who, &epoch.to_string()])
        }
        Event::EpochCollision {
            with, new_epoch, ..
        } => say(
            Msg::NarrateEpochCollision,
            &[who, &name(*with), who, &new_epoch.to_string()],
        ),
        Event::ReplicaMigrated { to } => say(Msg::NarrateReplicaMigrated, &[who, &name(*to)]),
        _ => return None,
    };
    Some(fill(lang.t(Msg::AtTime), &[&t, &text]))
}

#[cfg(test)]
mod tests {
    //! The event log: the state changes narrated, routine events quiet, extended incrementally.

    use super::*;
    use crate::view_model::test_support::failed_over;

    #[test]
    fn narration_picks_the_state_changes() {
        let sim = failed_over();
        let lines: Vec<String> = sim
            .trace()
            .iter()
            .filter_map(|e| narrate(e, &sim, Lang::En))
            .collect();
        assert!(lines.iter().any(|l| l.contains("flags A as PFAIL")));
        assert!(lines.iter().any(|l| l.contains("marks A as FAIL")));
        assert!(lines.iter().any(|l| l.contains("A1 wins the election")));
        // Routine events stay quiet.
        let noisy = sim
            .trace()
            .iter()
            .filter(|e| e.event.name() == "fail_report")
            .filter_map(|e| narrate(e, &sim, Lang::En))
            .count();
        assert_eq!(noisy, 0);
        let log = log_lines(&sim, 5, true, Lang::En);
        assert_eq!(log.len(), 5);
        assert_eq!(log.last().unwrap().t, sim.trace().last().unwrap().t);
        let key = log_lines(&sim, 1000, false, Lang::En);
        assert!(key.iter().all(|l| !is_routine(l.event)));
        assert!(key.iter().any(|l| l.event == "promoted"));
        // Extending a log by the newest events matches building it at once.
        let trace = sim.trace();
        let cut = trace.len() - 40;
        let mut grown: Vec<LogLine> = trace[..cut]
            .iter()
            .enumerate()
            .filter(|(_, e)| !is_routine(e.event.name()))
            .map(|(index, e)| LogLine {
                index,
                t: e.t,
                node: e.node,
                event: e.event.name(),
                text: event_line::event_sentence(e, &sim, Lang::Fr),
            })
            .collect();
        extend_log(&mut grown, &trace[cut..], &sim, 30, false, Lang::Fr);
        assert_eq!(grown, log_lines(&sim, 30, false, Lang::Fr));
    }
}
