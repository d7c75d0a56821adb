//! The "why?" panel's words, from a real failover of the default playground cluster.

use super::*;
use crate::view_model::test_support::failed_over;
use clusterlab_core::event::Event;

fn at(sim: &Sim, pred: impl Fn(&Event) -> bool) -> EventRef {
    let (i, e) = sim
        .trace()
        .iter()
        .enumerate()
        .find(|(_, e)| pred(&e.event))
        .expect("the event is in the trace");
    EventRef::of(i, e)
}

/// The election delay reads as its parts (`… = 500 fixed + … random + 0 × 1000 for rank 0`)
/// and links back to the FAIL that started it.
#[test]
fn failover_start_shows_the_delay_parts_and_links_to_the_fail() {
    let sim = failed_over();
    let start = at(&sim, |e| matches!(e, Event::FailoverStart { .. }));
    let x = explanation(&sim, start, Lang::En).expect("explained");
    assert_eq!(x.rule, Some("clusterHandleSlaveFailover"));
    let Event::FailoverStart {
        delay_ms,
        random_ms,
        rank,
        ..
    } = sim.trace()[start.index].event
    else {
        unreachable!()
    };
    let parts = format!(
        "waited {delay_ms} ms = 500 fixed + {random_ms} random + {rank} × 1000 for rank {rank}"
    );
    assert!(
        x.facts.iter().any(|f| f.contains(&parts)),
        "{parts:?} not in {:?}",
        x.facts
    );
    let fail = x.causes[0].target.expect("the FAIL is a link");
    assert!(matches!(sim.trace()[fail.index].event, Event::Fail { .. }));
    // Following the link explains the FAIL: its quorum, then its own causes.
    let y = explanation(&sim, fail, Lang::En).expect("the cause is explained");
    assert!(y.rule.is_some() && !y.causes.is_empty(), "{y:?}");
}

/// A PFAIL's chain ends at the fault, which is named, not linked.
#[test]
fn pfail_names_the_kill_as_its_root() {
    let sim = failed_over();
    let pfail = at(&sim, |e| matches!(e, Event::Pfail { .. }));
    let x = explanation(&sim, pfail, Lang::En).expect("explained");
    assert_eq!(x.rule, Some("clusterCron"));
    assert!(
        x.facts[0].contains("more than node_timeout (15000 ms)"),
        "{:?}",
        x.facts
    );
    assert_eq!(x.causes.len(), 1);
    assert_eq!(x.causes[0].target, None);
    assert!(x.causes[0].text.contains("A was killed"), "{:?}", x.causes);
}

/// French: a decimal comma and a no-break space before units, a narrow no-break space
/// before the colon; no English sentence left.
#[test]
fn french_follows_french_typography() {
    let sim = failed_over();
    let pfail = at(&sim, |e| matches!(e, Event::Pfail { .. }));
    let x = explanation(&sim, pfail, Lang::Fr).expect("explained");
    let fact = &x.facts[0];
    assert!(fact.contains("15000\u{a0}ms"), "{fact:?}");
    assert!(fact.contains("\u{202f}:"), "{fact:?}");
    assert!(!fact.contains(" :") && !fact.contains(" ms"), "{fact:?}");
    assert!(x.causes[0].text.contains("a été tué"), "{:?}", x.causes);
}

/// Every event of a failover, as the log says it and as "Why?" explains it (its rule's facts
/// and its causes), reads in French: French typography and the glossary, and no sentence left
/// as the English says it (a name alone, `A1`, may read the same).
#[test]
fn every_event_and_explanation_reads_in_french() {
    use crate::i18n::french::faults;
    let sim = failed_over();
    let mut texts = Vec::new();
    for (i, e) in sim.trace().iter().enumerate() {
        let at = EventRef::of(i, e);
        let both = [Lang::Fr, Lang::En].map(|lang| {
            let mut t = vec![crate::view_model::event_line::event_sentence(e, &sim, lang)];
            if let Some(x) = explanation(&sim, at, lang) {
                t.push(x.title);
                t.extend(x.facts);
                t.extend(x.causes.into_iter().map(|c| c.text));
            }
            t
        });
        let [fr, en] = both;
        texts.extend(fr.into_iter().zip(en).map(|p| (e.event.name(), p)));
    }
    assert!(texts.len() > 50, "a failover explains many events");
    let bad: Vec<String> = texts
        .iter()
        .flat_map(|(event, (fr, en))| {
            let mut out: Vec<String> = faults(fr)
                .into_iter()
                .map(|f| format!("{event}: {f}: {fr:?}"))
                .collect();
            if fr == en && fr.split_whitespace().count() > 1 {
                out.push(format!("{event}: left in English: {fr:?}"));
            }
            out
        })
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

/// A reference whose entry is gone (after a jump back) explains nothing.
#[test]
fn a_stale_reference_is_dropped() {
    let sim = failed_over();
    let mut pfail = at(&sim, |e| matches!(e, Event::Pfail { .. }));
    pfail.t = pfail.t + 1;
    assert_eq!(explanation(&sim, pfail, Lang::En), None);
    let past_end = EventRef {
        index: sim.trace().len(),
        ..pfail
    };
    assert_eq!(explanation(&sim, past_end, Lang::En), None);
}

/// The node view lists the node's own latest decisions, oldest first, with their indices.
#[test]
fn node_events_are_the_nodes_own_latest() {
    let sim = failed_over();
    let b = sim.index_of("B").expect("B exists");
    let lines = node_events(&sim, b, 5, Lang::En);
    assert!(!lines.is_empty() && lines.len() <= 5);
    assert!(lines.windows(2).all(|w| w[0].index < w[1].index));
    for l in &lines {
        assert_eq!(sim.trace()[l.index].node, b);
        assert!(!is_routine(l.event));
    }
}
