//! A JSON trace read back (`trace_file::Recorded`) explains every event as the live run did
//! (`Sim::why`): the export carries what the explanations need (PFAIL's ping and silence, the
//! quorum's reporters with their times, the election delay's random part, `cluster_state`'s
//! counts…), and a trace written before those fields still reads. docs/architecture.md
//! "Trace format".

use crate::common;

use clusterlab_core::event::Event;
use clusterlab_core::sim::{Names, Sim, Why};
use clusterlab_core::trace_file::{parse_trace, Recorded};
use common::{cluster, idx, run_for};

const T: u64 = 2000;

/// The fields events gained for `why`: an older trace has none of them.
const WHY_FIELDS: [&str; 11] = [
    "ping_sent_ms",
    "silent_ms",
    "timeout_ms",
    "reporters",
    "random_ms",
    "master",
    "reachable",
    "masters",
    "unassigned",
    "failed_owner",
    "collided",
];

/// The run's JSON lines as an export writes them: its faults and its events, in time order
/// (a fault before the events of the same instant, which it causes).
fn export(sim: &Sim) -> String {
    let mut lines: Vec<(u64, u8, usize, String)> = sim
        .faults()
        .iter()
        .enumerate()
        .map(|(i, f)| (f.t.ms(), 0, i, f.to_json(sim).to_string()))
        .collect();
    lines.extend(
        sim.trace()
            .iter()
            .enumerate()
            .map(|(i, e)| (e.t.ms(), 1, i, e.to_json(sim).to_string())),
    );
    lines.sort();
    lines.into_iter().map(|l| l.3 + "\n").collect()
}

/// An explanation with its node IDs written as names, to compare runs whose IDs differ.
fn named(why: Option<Why>, ids: &[(String, String)]) -> String {
    let mut text = format!("{why:?}");
    for (id, name) in ids {
        text = text.replace(id, &format!("Node({name})"));
    }
    text
}

/// A 3×1 cluster where C is cut from B1 one way, then A is killed and fails over; B is paused
/// for a while at the end, so PFAILs, FAIL by quorum and by message, votes, a promotion and
/// `cluster_state` changes are all in the trace.
fn run(seed: u64) -> Sim {
    let mut sim = cluster(3, 1, T, seed);
    let (a, b, c, b1) = (
        idx(&sim, "A"),
        idx(&sim, "B"),
        idx(&sim, "C"),
        idx(&sim, "B1"),
    );
    sim.partition_one_way(c, b1);
    run_for(&mut sim, 2 * T);
    sim.crash(a);
    run_for(&mut sim, 15 * T);
    sim.heal();
    sim.pause(b);
    run_for(&mut sim, 10 * T);
    sim.resume(b);
    run_for(&mut sim, 5 * T);
    sim
}

#[test]
fn an_exported_run_explains_every_event_as_the_live_run() {
    for seed in 1..=3 {
        let sim = run(seed);
        let text = export(&sim);
        let lines = parse_trace(&text).expect("the export parses");
        let rec = Recorded::read(&lines).expect("the export reads back");
        assert_eq!(rec.events.len(), sim.trace().len(), "seed {seed}");
        assert_eq!(
            rec.faults,
            sim.faults(),
            "seed {seed}: the faults read back"
        );
        let live_ids: Vec<(String, String)> = sim
            .nodes()
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("{:?}", sim.node(i).id()), n.name.clone()))
            .collect();
        let read_ids: Vec<(String, String)> = rec
            .names
            .iter()
            .map(|n| (format!("{:?}", rec.id_of(n).expect("an ID")), n.clone()))
            .collect();
        let mut with_facts = 0;
        for (i, live) in sim.trace().iter().enumerate() {
            // Every field reads back: the event writes the same line again.
            assert_eq!(
                rec.events[i].to_json(&rec),
                live.to_json(&sim),
                "seed {seed}: event {i}"
            );
            let why = sim.why(i);
            with_facts += why.as_ref().is_some_and(|w| !w.facts.is_empty()) as usize;
            assert_eq!(
                named(rec.why(i), &read_ids),
                named(why, &live_ids),
                "seed {seed}: why of event {i} ({})",
                live.to_text(&sim)
            );
        }
        // PFAILs, the quorum's FAIL, the election delay and cluster_state all have numbers.
        assert!(
            with_facts >= 10,
            "seed {seed}: only {with_facts} events with facts"
        );
    }
}

/// A trace written before the `why` fields still reads: each event keeps its rule, events that
/// never needed the fields are explained whole, and the others without the numbers they lack.
#[test]
fn an_older_trace_without_the_why_fields_still_reads() {
    let seed = 2;
    let sim = run(seed);
    let old: String = export(&sim)
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            let m = v.as_object_mut().expect("an object");
            for f in WHY_FIELDS {
                m.remove(f);
            }
            v.to_string() + "\n"
        })
        .collect();
    let rec = Recorded::read(&parse_trace(&old).expect("parses")).expect("reads back");
    assert_eq!(rec.events.len(), sim.trace().len());
    let mut whole = 0;
    for (i, e) in sim.trace().iter().enumerate() {
        let (live, read) = (sim.why(i), rec.why(i));
        assert_eq!(
            live.as_ref().map(|w| w.rule),
            read.as_ref().map(|w| w.rule),
            "seed {seed}: rule of event {i}"
        );
        let needed_fields = matches!(
            e.event,
            Event::Pfail { .. }
                | Event::Fail {
                    by_quorum: true,
                    ..
                }
                | Event::FailoverStart { .. }
                | Event::VoteGranted { .. }
                | Event::ClusterState { .. }
                | Event::EpochCollision { .. }
        );
        if needed_fields {
            assert!(
                read.as_ref().is_none_or(|w| w.facts.is_empty()),
                "seed {seed}: event {i} states numbers it did not record: {read:?}"
            );
        } else if let (Some(live), Some(read)) = (live, read) {
            assert_eq!(live.facts.len(), read.facts.len(), "seed {seed}: event {i}");
            assert_eq!(live.causes, read.causes, "seed {seed}: event {i}");
            whole += 1;
        }
    }
    assert!(whole > 10, "only {whole} events compared whole");
    // A native node's trace of a real failover (short IDs for names) reads too.
    let native = include_str!("../fixtures/native-failover.jsonl");
    let rec = Recorded::read(&parse_trace(native).expect("parses")).expect("reads");
    let pfail = rec
        .events
        .iter()
        .position(|e| matches!(e.event, Event::Pfail { .. }))
        .expect("the recorded failover has a PFAIL");
    assert_eq!(rec.why(pfail).map(|w| w.rule), Some("clusterCron"));
    assert!(rec.node_name(rec.events[pfail].node).len() == 8);
}
