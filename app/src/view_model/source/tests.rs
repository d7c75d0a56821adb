//! An imported trace explained as the playground explains its live run: the same sentences,
//! rules, numbers and cause links (EN and FR) from a `Recorded` as from the `Sim`; an older
//! trace without the `why` fields explained without numbers, never with wrong ones.

use super::*;
use crate::i18n::Lang;
use crate::view_model::explain::{explanation, EventRef};
use crate::view_model::log_lines;
use crate::view_model::test_support::failed_over;
use clusterlab_core::event::Event;
use clusterlab_core::trace_file::parse_trace;

/// The export the core's trace tests use (one builder for both: WHY_FIELDS, `export`).
#[path = "../../../../core/tests/common/trace_export.rs"]
mod trace_export;

/// The run as the app exports it: a line at time 0 (the run's start, which an imported file
/// counts its times from), then its faults and events without the `without` fields.
fn export(sim: &Sim, without: &[&str]) -> String {
    let start = "{\"t_ms\":0,\"node\":\"A\",\"event\":\"formed\"}\n";
    format!("{start}{}", trace_export::export(sim, without))
}

fn imported(text: &str) -> ImportedRun {
    ImportedRun::read(&parse_trace(text).expect("parses")).expect("reads back")
}

fn first(run: &impl EventSource, pred: impl Fn(&Event) -> bool) -> EventRef {
    let (i, e) = run
        .trace()
        .iter()
        .enumerate()
        .find(|(_, e)| pred(&e.event))
        .expect("the event is in the trace");
    EventRef::of(i, e)
}

fn by_quorum(e: &Event) -> bool {
    matches!(
        e,
        Event::Fail {
            by_quorum: true,
            ..
        }
    )
}

/// A full export explains every event exactly as the live run does, in both languages:
/// titles, rules, numbers and causes (the file holds the events in the same order).
#[test]
fn an_exported_run_is_explained_as_the_live_one() {
    let sim = failed_over();
    let run = imported(&export(&sim, &[]));
    assert_eq!(run.trace().len(), Sim::trace(&sim).len());
    for lang in [Lang::En, Lang::Fr] {
        assert_eq!(
            log_lines(&run, 500, false, lang),
            log_lines(&sim, 500, false, lang),
            "the log's sentences in {lang:?}"
        );
        for (i, e) in Sim::trace(&sim).iter().enumerate() {
            let at = EventRef::of(i, e);
            assert_eq!(
                explanation(&run, at, lang),
                explanation(&sim, at, lang),
                "event {i} in {lang:?}"
            );
        }
    }
    // The FAIL's explanation has its quorum and links back to an earlier event of the file.
    let fail = first(&run, by_quorum);
    let x = explanation(&run, fail, Lang::En).expect("explained");
    assert_eq!(x.rule, Some("markNodeAsFailingIfNeeded"));
    assert!(x.facts.iter().any(|f| f.contains("needed")), "{x:?}");
    let cause = x.causes[0].target.expect("an event, not a fault");
    assert!(cause.index < fail.index);
    let y = explanation(&run, cause, Lang::En).expect("the cause resolves in the file");
    assert_eq!(y.rule, Some("clusterCron"));
    assert!(y.causes[0].text.contains("A was killed"), "{y:?}");
}

/// A trace written before the `why` fields: the same sentences and rules, the causes the file
/// still shows, and no numbers it did not record (none of them read as 0).
#[test]
fn an_older_trace_is_explained_without_numbers() {
    let sim = failed_over();
    let run = imported(&export(&sim, &trace_export::WHY_FIELDS));
    for lang in [Lang::En, Lang::Fr] {
        assert_eq!(
            log_lines(&run, 500, false, lang),
            log_lines(&sim, 500, false, lang),
            "the log's sentences in {lang:?}"
        );
        let pfail = first(&run, |e| matches!(e, Event::Pfail { .. }));
        let x = explanation(&run, pfail, lang).expect("explained");
        let live = explanation(&sim, pfail, lang).expect("explained live");
        assert_eq!((x.rule, &x.title), (Some("clusterCron"), &live.title));
        assert!(!live.facts.is_empty());
        assert!(x.facts.is_empty(), "numbers not in the file: {x:?}");
        assert_eq!(x.causes, live.causes, "the kill is still its root");
        let fail = first(&run, by_quorum);
        let x = explanation(&run, fail, lang).expect("explained");
        assert_eq!(x.rule, Some("markNodeAsFailingIfNeeded"));
        assert!(x.facts.is_empty(), "numbers not in the file: {x:?}");
    }
}

/// The native fixture (wall-clock times, short IDs as names, no `why` fields): times count
/// from the file's first line, the PFAIL is explained by clusterCron with the kill as its root,
/// and the nodes are named as the simulator names them (A, B, C by port, replicas A1… after
/// their master) in the list, the explanation and its causes alike: no short ID is left.
#[test]
fn a_native_trace_counts_time_from_its_first_line() {
    let run = imported(include_str!(
        "../../../../core/tests/fixtures/native-failover.jsonl"
    ));
    assert_eq!(
        run.renamed(),
        [
            ("A", "4559aecf"),
            ("B", "175a653d"),
            ("C", "5bf98b05"),
            ("A1", "0470063d"),
            ("B1", "a0355ebf"),
            ("C1", "70667847"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let ids = [
        "4559aecf", "175a653d", "5bf98b05", "0470063d", "a0355ebf", "70667847",
    ];
    for lang in [Lang::En, Lang::Fr] {
        for line in log_lines(&run, 500, true, lang) {
            assert!(
                !ids.iter().any(|id| line.text.contains(id)),
                "{}",
                line.text
            );
            let at = EventRef::of(line.index, &run.trace()[line.index]);
            let x = explanation(&run, at, lang).expect("explained");
            let text = format!("{} {:?} {:?}", x.title, x.facts, x.causes);
            assert!(!ids.iter().any(|id| text.contains(id)), "{text}");
        }
    }
    let pfail = first(&run, |e| matches!(e, Event::Pfail { .. }));
    // 1795688051429 − 1795688044122 (the first `start` line).
    for (lang, title, kill) in [
        (
            Lang::En,
            "7.307\u{a0}s: B flags A as PFAIL",
            "5.171 s: A was killed",
        ),
        (
            Lang::Fr,
            "7,307\u{a0}s\u{202f}: B marque A PFAIL",
            "5,171\u{a0}s\u{202f}: A a été tué",
        ),
    ] {
        let x = explanation(&run, pfail, lang).expect("explained");
        assert!(x.title.starts_with(title), "{lang:?}: {}", x.title);
        assert_eq!(x.rule, Some("clusterCron"));
        assert!(x.facts.is_empty(), "{x:?}");
        assert!(x.causes[0].text.starts_with(kill), "{lang:?}: {x:?}");
    }
}
