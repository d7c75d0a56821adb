//! The event log in words, from a real failover of the default playground cluster.

use super::*;
use crate::view_model::test_support::failed_over;
use clusterlab_core::sim::{Names, Sim};

fn first(sim: &Sim, name: &str) -> TraceEvent {
    sim.trace()
        .iter()
        .find(|e| e.event.name() == name)
        .unwrap_or_else(|| panic!("a {name} event is in the trace"))
        .clone()
}

/// Every line starts with its time and names its node, in both languages, and the French
/// one writes the time with a decimal comma and a narrow no-break space before the colon.
#[test]
fn every_line_has_time_and_node() {
    let sim = failed_over();
    for e in sim.trace() {
        let who = sim.node_name(e.node);
        let en = event_sentence(e, &sim, Lang::En);
        let fr = event_sentence(e, &sim, Lang::Fr);
        assert!(
            en.starts_with(&format!("{}: ", format_time(e.t, Lang::En))),
            "{en}"
        );
        assert!(
            fr.starts_with(&format!("{}\u{202f}: ", format_time(e.t, Lang::Fr))),
            "{fr}"
        );
        assert!(en.contains(&who) && fr.contains(&who), "{en} / {fr}");
    }
}

/// No line of the French log is the core's English log format, and none carries English
/// words or the core's snake_case event names (Redis's own quoted log texts aside).
#[test]
fn french_lines_have_no_english() {
    let sim = failed_over();
    let english = [" the ", " of ", " to ", " and ", " as ", " sends ", " now "];
    for e in sim.trace() {
        let fr = event_sentence(e, &sim, Lang::Fr);
        if fr.contains('«') {
            continue;
        }
        assert_ne!(fr, e.to_text(&sim));
        // `cluster_state:ok` is what CLUSTER INFO prints, so that name may appear.
        let name = e.event.name();
        if name.contains('_') && name != "cluster_state" {
            assert!(!fr.contains(name), "{fr}");
        }
        for word in english {
            assert!(!fr.contains(word), "{word:?} in {fr}");
        }
    }
}

/// A failure report (clusterNodeAddFailureReport): who heard it from whom, about whom.
#[test]
fn failure_report_in_both_languages() {
    let sim = failed_over();
    let e = first(&sim, "fail_report");
    let Event::FailReport { about, reporter } = e.event else {
        unreachable!("a fail_report event")
    };
    let (who, about, reporter) = (
        sim.node_name(e.node),
        sim.id_name(about),
        sim.id_name(reporter),
    );
    assert!(event_sentence(&e, &sim, Lang::En).ends_with(&format!(
        "{who} notes that {reporter} reports {about} as failing."
    )));
    assert!(event_sentence(&e, &sim, Lang::Fr).ends_with(&format!(
        "{who} note que {reporter} signale {about} en panne."
    )));
}

/// A vote counted by the candidate (clusterHandleReplicaFailover counts
/// failover_auth_count against the majority of masters).
#[test]
fn vote_received_in_both_languages() {
    let sim = failed_over();
    let e = first(&sim, "vote_received");
    let Event::VoteReceived {
        from,
        votes,
        needed,
    } = e.event
    else {
        unreachable!("a vote_received event")
    };
    let (who, from) = (sim.node_name(e.node), sim.id_name(from));
    assert!(event_sentence(&e, &sim, Lang::En).ends_with(&format!(
        "{who} gets the vote of {from} ({votes} of {needed} needed)."
    )));
    assert!(event_sentence(&e, &sim, Lang::Fr).ends_with(&format!(
        "{who} reçoit le vote de {from} ({votes} sur {needed} nécessaires)."
    )));
}

/// Redis's own log text stays verbatim, in French quotes with narrow no-break spaces.
#[test]
fn redis_log_text_is_quoted_verbatim() {
    let e = TraceEvent {
        t: clusterlab_core::Time(12_400),
        node: 0,
        event: Event::ManualFailover {
            what: "Manual failover timed out.",
        },
    };
    let sim = failed_over();
    let who = sim.node_name(0);
    assert_eq!(
        event_sentence(&e, &sim, Lang::Fr),
        format!("12,400\u{a0}s\u{202f}: {who} (basculement manuel)\u{202f}: «\u{202f}Manual failover timed out.\u{202f}»")
    );
    assert_eq!(
        event_sentence(&e, &sim, Lang::En),
        format!("12.400\u{a0}s: {who} (manual failover): “Manual failover timed out.”")
    );
}
