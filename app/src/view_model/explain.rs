//! The "why?" panel in words: the core's explanation of one trace entry (`Sim::why`, or
//! `Recorded::why` for an imported trace: any [`EventSource`]) — its cluster.c rule, deciding
//! numbers and causes — rendered in the learner's language, with each cause a link to the
//! earlier entry (or the fault) it points at, in the same run.

use clusterlab_core::id::NodeId;
use clusterlab_core::sim::{Action, Cause, Fact, Sim, TraceEvent};
use clusterlab_core::Time;

use super::event_line::event_sentence;
use super::source::EventSource;
use super::{is_routine, log_line, LogLine};
use crate::i18n::{fill, Lang, Msg};

/// Which trace entry the learner asked about. The time and node guard against a stale
/// index: after a jump back or a lesson's Back, the trace may hold another entry there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventRef {
    pub index: usize,
    pub t: Time,
    pub node: usize,
}

impl EventRef {
    pub fn of(index: usize, e: &TraceEvent) -> EventRef {
        EventRef {
            index,
            t: e.t,
            node: e.node,
        }
    }

    /// The entry it names, if `sim`'s trace still holds it.
    pub fn resolve<'a, S: EventSource + ?Sized>(&self, sim: &'a S) -> Option<&'a TraceEvent> {
        sim.trace()
            .get(self.index)
            .filter(|e| e.t == self.t && e.node == self.node)
    }
}

/// One cause as a link: the entry it selects (`None` for a fault, which is not an event).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CauseLink {
    pub target: Option<EventRef>,
    pub text: String,
}

/// The explanation panel's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub event: EventRef,
    /// The event itself, as a sentence when it has one.
    pub title: String,
    /// The cluster.c function that applies the rule (`None`: no single rule).
    pub rule: Option<&'static str>,
    pub facts: Vec<String>,
    pub causes: Vec<CauseLink>,
}

/// The explanation of `at` in `lang`, or `None` when the trace no longer holds it.
pub fn explanation<S: EventSource + ?Sized>(
    sim: &S,
    at: EventRef,
    lang: Lang,
) -> Option<Explanation> {
    let e = at.resolve(sim)?;
    let why = sim.why(at.index);
    let facts = why
        .as_ref()
        .map(|w| w.facts.iter().map(|f| fact_text(f, e, sim, lang)).collect())
        .unwrap_or_default();
    let causes = why
        .as_ref()
        .map(|w| {
            w.causes
                .iter()
                .filter_map(|c| cause_link(*c, sim, lang))
                .collect()
        })
        .unwrap_or_default();
    Some(Explanation {
        event: at,
        title: event_text(e, sim, lang),
        rule: why.map(|w| w.rule),
        facts,
        causes,
    })
}

/// The newest `max` non-routine entries of one node, oldest first: its recent decisions, for
/// the node view (in `lang`).
pub fn node_events(sim: &Sim, node: usize, max: usize, lang: Lang) -> Vec<LogLine> {
    let trace = sim.trace();
    let mut lines: Vec<LogLine> = trace
        .iter()
        .enumerate()
        .rev()
        .take(super::LOG_SCAN)
        .filter(|(_, e)| e.node == node && !is_routine(e.event.name()))
        .take(max)
        .map(|(i, e)| log_line(i, e, sim, lang))
        .collect();
    lines.reverse();
    lines
}

/// The event as a sentence in `lang`.
fn event_text<S: EventSource + ?Sized>(e: &TraceEvent, sim: &S, lang: Lang) -> String {
    event_sentence(e, sim, lang)
}

fn cause_link<S: EventSource + ?Sized>(cause: Cause, sim: &S, lang: Lang) -> Option<CauseLink> {
    match cause {
        Cause::Event(i) => {
            let e = sim.trace().get(i)?;
            Some(CauseLink {
                target: Some(EventRef::of(i, e)),
                text: event_text(e, sim, lang),
            })
        }
        Cause::Fault(i) => {
            let f = sim.faults().get(i)?;
            let names = |group: &[usize]| {
                group
                    .iter()
                    .map(|&n| sim.node_name(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let at = time(sim.shown(f.t), lang);
            let text = match &f.action {
                Action::Kill(n) => fill(lang.t(Msg::WhyFaultKill), &[&at, &sim.node_name(*n)]),
                Action::Pause(n) => fill(lang.t(Msg::WhyFaultPause), &[&at, &sim.node_name(*n)]),
                Action::Partition(groups) => {
                    let sides: Vec<String> = groups.iter().map(|g| names(g)).collect();
                    fill(lang.t(Msg::WhyFaultPartition), &[&at, &sides.join(" | ")])
                }
                Action::Cut { from, to } => fill(
                    lang.t(Msg::WhyFaultCut),
                    &[&at, &sim.node_name(*from), &sim.node_name(*to)],
                ),
                Action::Loss(p) => fill(lang.t(Msg::WhyFaultLoss), &[&at, &percent(*p, lang)]),
                other => other.name().to_string(),
            };
            Some(CauseLink { target: None, text })
        }
    }
}

fn fact_text<S: EventSource + ?Sized>(fact: &Fact, e: &TraceEvent, sim: &S, lang: Lang) -> String {
    let who = sim.node_name(e.node);
    let name = |id: NodeId| sim.id_name(id);
    let about = e.event.about().map(name).unwrap_or_default();
    let say = |msg: Msg, values: &[&str]| fill(lang.t(msg), values);
    let n = |v: u64| v.to_string();
    match fact {
        Fact::PingUnanswered {
            ping_sent,
            silent_ms,
            timeout_ms,
        } => say(
            Msg::WhyPingUnanswered,
            &[
                &who,
                &time(sim.shown(*ping_sent), lang),
                &about,
                &ms(*silent_ms as u64, lang),
                &ms(*timeout_ms as u64, lang),
            ],
        ),
        Fact::OwnPfail { since } => say(
            Msg::WhyOwnPfail,
            &[&who, &about, &time(sim.shown(*since), lang)],
        ),
        Fact::Report { reporter, at } => say(
            Msg::WhyReport,
            &[&name(*reporter), &time(sim.shown(*at), lang)],
        ),
        Fact::Quorum {
            count,
            needed,
            myself,
        } => say(
            if *myself {
                Msg::WhyQuorumWithMe
            } else {
                Msg::WhyQuorum
            },
            &[&n(*count as u64), &n(*needed as u64), &who],
        ),
        Fact::FailMessage { from } => say(Msg::WhyFailMessage, &[&name(*from)]),
        Fact::Gossiped { reporter } => say(Msg::WhyGossiped, &[&name(*reporter), &about]),
        Fact::ElectionDelay {
            delay_ms,
            fixed_ms,
            random_ms,
            rank,
            per_rank_ms,
            offset,
        } => say(
            Msg::WhyElectionDelay,
            &[
                &who,
                &ms(*delay_ms, lang),
                &n(*fixed_ms),
                &n(*random_ms as u64),
                &n(*rank as u64),
                &n(*per_rank_ms),
                &n(*rank as u64),
                &n(*offset),
            ],
        ),
        Fact::ManualStart => lang.t(Msg::WhyManualStart).to_string(),
        Fact::Epoch { epoch } => say(Msg::WhyEpoch, &[&n(*epoch)]),
        Fact::MasterFailing { master } => say(Msg::WhyMasterFailing, &[&name(*master), &who]),
        Fact::Votes { votes, needed } => {
            say(Msg::WhyVotes, &[&n(*votes as u64), &n(*needed as u64)])
        }
        Fact::Reason(reason) => say(Msg::WhyRedisSays, &[reason]),
        Fact::ClusterCounts {
            ok,
            reachable,
            masters,
            unassigned,
            failed_owner,
        } => {
            let mut parts = vec![say(
                Msg::WhyReachable,
                &[
                    &n(*reachable as u64),
                    &n(*masters as u64),
                    &n((*masters / 2 + 1) as u64),
                ],
            )];
            if *unassigned > 0 {
                parts.push(say(Msg::WhyUnassigned, &[&n(*unassigned as u64)]));
            }
            if let Some(owner) = failed_owner {
                parts.push(say(Msg::WhyFailedOwner, &[&name(*owner)]));
            }
            parts.push(
                lang.t(if *ok {
                    Msg::WhyStateOk
                } else {
                    Msg::WhyStateFail
                })
                .to_string(),
            );
            parts.join(" ")
        }
        Fact::Collision {
            with,
            collided,
            new_epoch,
        } => say(
            Msg::WhyCollision,
            &[&who, &name(*with), &n(*collided), &who, &n(*new_epoch)],
        ),
    }
}

/// Simulated time as `12.345 s` (`12,345 s` in French, with a no-break space).
fn time(t: Time, lang: Lang) -> String {
    unit(
        &format!("{}.{:03}", t.ms() / 1000, t.ms() % 1000),
        "s",
        lang,
    )
}

/// A duration in ms as `5000 ms` (`5000 ms` with a no-break space in French).
fn ms(v: u64, lang: Lang) -> String {
    unit(&v.to_string(), "ms", lang)
}

fn percent(p: f64, lang: Lang) -> String {
    unit(&format!("{:.0}", p * 100.0), "%", lang)
}

fn unit(number: &str, unit: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{number} {unit}"),
        Lang::Fr => format!("{}\u{a0}{unit}", number.replace('.', ",")),
    }
}

#[cfg(test)]
mod tests;
