//! The worker's loop, natively, with a counting clock: what the page is told when it starts
//! a cluster, kills a master and restarts it, and how the loop refuses bad requests. Each
//! check names the Redis behaviour the digest must show.

use clusterlab_worker::driver::Driver;
use clusterlab_worker::protocol::{Digest, Milestone, Moment, Process, Request, Update};

const SEED: u64 = 7;

/// A clock that moves 1 ms each time it is read: slices end, digests fall due.
fn clock() -> impl FnMut() -> f64 {
    let mut t = 0.0;
    move || {
        t += 1.0;
        t
    }
}

/// Runs slices until `done` holds for a digest (or fails, naming the seed), returning every
/// milestone seen on the way and the last digest.
fn run_until(
    driver: &mut Driver,
    clock: &mut dyn FnMut() -> f64,
    what: &str,
    done: impl Fn(&Digest) -> bool,
) -> (Vec<Milestone>, Digest) {
    let mut seen = Vec::new();
    for _ in 0..20_000 {
        if let Some(Update::Digest(d)) = driver.slice(clock) {
            seen.extend(d.milestones.clone());
            if done(&d) {
                return (seen, *d);
            }
        }
    }
    panic!("seed {SEED}: never saw {what}; milestones: {seen:?}");
}

fn started(masters: usize, replicas: usize) -> (Driver, impl FnMut() -> f64) {
    let mut driver = Driver::default();
    let mut clock = clock();
    let updates = driver.handle(
        Request::Start {
            masters,
            replicas,
            seed: SEED,
        },
        clock(),
    );
    let [Update::Starting { names }] = updates.as_slice() else {
        panic!("seed {SEED}: a start answers Starting, not {updates:?}");
    };
    assert_eq!(names.len(), masters * (1 + replicas));
    assert_eq!(names[0], "A");
    assert!(replicas == 0 || names[masters] == "A1", "{names:?}");
    (driver, clock)
}

/// A cluster started from its nodes.conf files is ready once every node says
/// `cluster_state:ok` (masters after CLUSTER_WRITABLE_DELAY), reported once, then runs at the
/// asked speed.
#[test]
fn a_formed_start_becomes_ready_then_runs() {
    let (mut driver, mut clock) = started(3, 1);
    let (moments, d) = run_until(&mut driver, &mut clock, "ready", |d| {
        d.ready_after_ms.is_some()
    });
    assert!(
        moments.iter().any(|m| m.what == Moment::Ready),
        "{moments:?}"
    );
    assert_eq!(d.cells.len(), 6);
    assert!(d
        .cells
        .iter()
        .all(|c| c.status == Process::Up && c.pfail == 0 && c.fail == 0));
    assert_eq!(d.cells.iter().filter(|c| c.master).count(), 3);
    // Paused, the simulated clock stands still however much real time passes.
    driver.handle(Request::Pause, clock());
    let (_, first) = run_until(&mut driver, &mut clock, "a paused digest", |d| !d.playing);
    let (_, later) = run_until(&mut driver, &mut clock, "another digest", |_| true);
    assert_eq!(first.t_ms, later.t_ms);
    // At 1×, simulated time follows the (counting) real clock.
    driver.handle(Request::Play { speed: Some(1.0) }, clock());
    let (_, a) = run_until(&mut driver, &mut clock, "a playing digest", |d| d.playing);
    let (_, b) = run_until(&mut driver, &mut clock, "a later digest", |d| {
        d.t_ms > a.t_ms + 500
    });
    assert!(
        b.sim_per_real > 0.5 && b.sim_per_real < 1.5,
        "{}",
        b.sim_per_real
    );
}

/// Killing a master: a node flags it PFAIL after the node timeout, one flags it FAIL once a
/// majority of masters reported it (markNodeAsFailingIfNeeded) and broadcasts FAIL, until
/// every running node agrees; its replica wins the election and becomes master
/// (clusterFailoverReplaceYourMaster). Restarted, it comes back as a replica and the FAIL
/// flags are cleared.
#[test]
fn a_killed_master_fails_everywhere_and_its_replica_takes_over() {
    let (mut driver, mut clock) = started(3, 1);
    run_until(&mut driver, &mut clock, "ready", |d| {
        d.ready_after_ms.is_some()
    });
    driver.handle(Request::Play { speed: None }, clock());
    driver.handle(Request::Crash { node: 0 }, clock());
    driver.handle(Request::Select { node: Some(4) }, clock());
    let (moments, d) = run_until(
        &mut driver,
        &mut clock,
        "A1 promoted, FAIL everywhere",
        |d| d.cells[3].master && usize::from(d.cells[0].fail) == 5,
    );
    let when = |f: &dyn Fn(&Moment) -> bool| moments.iter().find(|m| f(&m.what)).map(|m| m.t_ms);
    let crashed = when(&|m| *m == Moment::Crashed { node: 0 }).expect("the kill is reported");
    let pfail = when(&|m| matches!(m, Moment::FirstPfail { about: 0, .. })).expect("a PFAIL");
    let declared = moments
        .iter()
        .find_map(|m| match m.what {
            Moment::Declared {
                about: 0,
                reports,
                needed,
                ..
            } => Some((m.t_ms, reports, needed)),
            _ => None,
        })
        .expect("a FAIL declaration");
    let promoted = when(&|m| matches!(m, Moment::Promoted { node: 3, .. })).expect("A1 promoted");
    assert!(
        crashed < pfail && pfail <= declared.0 && declared.0 < promoted,
        "{moments:?}"
    );
    // The default node timeout is 15 s: no PFAIL before it.
    assert!(pfail - crashed >= 15_000, "{moments:?}");
    // 3 masters: a majority is 2, and the declaring node counts itself.
    assert_eq!(declared.2, 2);
    assert!(declared.1 >= 2, "{moments:?}");
    assert_eq!(d.cells[0].status, Process::Crashed);
    let beliefs = d.beliefs.expect("B1's beliefs");
    assert_eq!((beliefs.node, beliefs.known, beliefs.master), (4, 6, false));
    assert_eq!((beliefs.fail.clone(), beliefs.fail_count), (vec![0], 1));
    assert_eq!(beliefs.connected, 4, "B1 has links to every running node");

    driver.handle(Request::Restart { node: 0 }, clock());
    let (moments, d) = run_until(&mut driver, &mut clock, "A back as a replica", |d| {
        d.cells[0].status == Process::Up && !d.cells[0].master && d.cells[0].fail == 0
    });
    assert!(moments
        .iter()
        .any(|m| m.what == Moment::Restarted { node: 0 }));
    assert!(
        moments
            .iter()
            .any(|m| matches!(m.what, Moment::Cleared { about: 0, .. })),
        "{moments:?}"
    );
    assert!(d.cells[3].master);
}

/// Bad requests get a sentence, and the running cluster is left alone.
#[test]
fn bad_requests_are_refused_in_words() {
    let mut driver = Driver::default();
    let failed = |u: Vec<Update>| match u.as_slice() {
        [Update::Failed { message }] => message.clone(),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert!(failed(driver.handle(Request::Crash { node: 0 }, 0.0)).contains("no cluster"));
    let start = |m, r| Request::Start {
        masters: m,
        replicas: r,
        seed: 1,
    };
    assert!(failed(driver.handle(start(0, 1), 0.0)).contains("1 to 1000"));
    assert!(failed(driver.handle(start(501, 1), 0.0)).contains("1 to 1000"));
    assert!(failed(driver.handle(start(usize::MAX, usize::MAX), 0.0)).contains("1 to 1000"));
    let (mut driver, mut clock) = started(3, 0);
    assert!(failed(driver.handle(Request::Crash { node: 3 }, clock())).contains("no node 3"));
    let speed = Request::Play {
        speed: Some(f64::NAN),
    };
    assert!(failed(driver.handle(speed, clock())).contains("positive"));
    let (_, d) = run_until(&mut driver, &mut clock, "ready", |d| {
        d.ready_after_ms.is_some()
    });
    assert_eq!(d.cells.len(), 3);
}

/// The protocol's JSON is what the page parses: a request and a digest survive the trip.
#[test]
fn messages_cross_as_json() {
    let request = Request::Select { node: Some(12) };
    let text = serde_json::to_string(&request).unwrap();
    assert_eq!(text, r#"{"select":{"node":12}}"#);
    assert_eq!(serde_json::from_str::<Request>(&text).unwrap(), request);
    let (mut driver, mut clock) = started(3, 1);
    let (_, d) = run_until(&mut driver, &mut clock, "ready", |d| {
        d.ready_after_ms.is_some()
    });
    let update = Update::Digest(Box::new(d));
    let back: Update = serde_json::from_str(&serde_json::to_string(&update).unwrap()).unwrap();
    assert_eq!(back, update);
}
