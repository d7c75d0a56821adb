//! One trace entry as a sentence in the learner's language, built from the event's data. The
//! core's `TraceEvent::to_text` is a log format for the CLI and trace files (English field
//! names); the app's log, node view and "why?" panel use this instead so that no English is
//! left on a French screen. Redis's own log texts (reasons) stay verbatim, quoted.

use clusterlab_core::event::Event;
use clusterlab_core::id::NodeId;
use clusterlab_core::sim::TraceEvent;

use super::source::EventSource;

use super::{format_time, narrate};
use crate::i18n::{fill, Lang, Msg};

/// `12.345 s: B flags A as PFAIL…` (`12,345 s : …` in French).
pub fn event_sentence<S: EventSource + ?Sized>(e: &TraceEvent, sim: &S, lang: Lang) -> String {
    if let Some(sentence) = narrate(e, sim, lang) {
        return sentence;
    }
    let who = sim.node_name(e.node);
    let who = who.as_str();
    let name = |id: NodeId| sim.id_name(id);
    let say = |msg: Msg, values: &[&str]| fill(lang.t(msg), values);
    let text = match &e.event {
        Event::Meet { about } => say(Msg::LogMeet, &[who, &name(*about)]),
        Event::NodeAdded { about } => say(Msg::LogNodeAdded, &[who, &name(*about)]),
        Event::NodeRemoved { about } => say(Msg::LogNodeRemoved, &[who, &name(*about)]),
        Event::PfailCleared { about } => say(Msg::LogPfailCleared, &[who, &name(*about)]),
        Event::Fail {
            about,
            from: Some(from),
            ..
        } => say(Msg::NarrateFailHeard, &[who, &name(*about), &name(*from)]),
        Event::Fail { about, .. } => say(Msg::NarrateFailFlag, &[who, &name(*about)]),
        Event::FailReport { about, reporter } => {
            say(Msg::LogFailReport, &[who, &name(*reporter), &name(*about)])
        }
        Event::VoteDenied { about, reason } => {
            say(Msg::LogVoteDenied, &[who, &name(*about), reason])
        }
        Event::VoteReceived {
            from,
            votes,
            needed,
        } => say(
            Msg::LogVoteReceived,
            &[who, &name(*from), &votes.to_string(), &needed.to_string()],
        ),
        Event::Epoch { current, config } => say(
            Msg::LogEpoch,
            &[who, &current.to_string(), &config.to_string()],
        ),
        Event::SlotOwner { slots, owner } => {
            say(Msg::LogSlotOwner, &[who, &name(*owner), &slots.to_string()])
        }
        Event::Role { master: None } => say(Msg::LogRoleMaster, &[who]),
        Event::UpdateSent { to, about } => {
            say(Msg::LogUpdateSent, &[who, &name(*about), &name(*to)])
        }
        Event::ManualFailover { what } => say(Msg::LogManualFailover, &[who, what]),
        // Everything else has a narration above; an event added to the core later still
        // gets its time and node, with its (English) name as a last resort.
        other => format!("{who} {}", other.name()),
    };
    fill(
        lang.t(Msg::AtTime),
        &[&format_time(sim.shown(e.t), lang), &text],
    )
}

#[cfg(test)]
mod tests;
