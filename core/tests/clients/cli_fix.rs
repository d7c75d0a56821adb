//! `redis-cli --cluster fix` (redis-cli.c 7.0: clusterManagerFixOpenSlot,
//! clusterManagerFixSlotsCoverage) against the simulated cluster: the lines
//! it prints, and the state it leaves.

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::sim::{CliReport, Sim};
use common::{cluster, idx, run_for};

const T: u64 = 2000;

fn send(sim: &mut Sim, n: usize, args: &[&str]) -> String {
    let args = args.iter().map(|a| a.as_bytes().to_vec()).collect();
    match sim.command(n, ClientId(1), args) {
        Some(v) => v.to_cli_text(),
        None => String::new(),
    }
}

fn id(sim: &Sim, name: &str) -> String {
    sim.node(idx(sim, name)).id().to_string()
}

/// `CLUSTER COUNTKEYSINSLOT 1649` on node `n`.
fn count(sim: &mut Sim, n: usize) -> String {
    send(sim, n, &["CLUSTER", "COUNTKEYSINSLOT", "1649"])
}

/// Runs until a reply to ClientId(1) comes back (MIGRATE).
fn await_reply(sim: &mut Sim) {
    for _ in 0..1000 {
        if !sim.take_replies().is_empty() {
            return;
        }
        let t = sim.now() + 1;
        sim.run_until(t);
    }
    panic!("no reply");
}

/// The state a reshard of slot 1649 from A to B leaves when redis-cli dies
/// after opening the slot on both sides and moving `moved` of its three
/// keys: A MIGRATING, B IMPORTING.
fn interrupted_reshard(seed: u64, moved: usize) -> Sim {
    let mut sim = cluster(3, 1, T, seed);
    let (a, b) = (idx(&sim, "A"), idx(&sim, "B"));
    let (ida, idb) = (id(&sim, "A"), id(&sim, "B"));
    send(&mut sim, a, &["SET", "{user:1000}:cart", "3"]);
    send(&mut sim, a, &["SET", "{user:1000}:orders", "12"]);
    send(&mut sim, a, &["SET", "{user:1000}:wishlist", "1"]);
    send(
        &mut sim,
        b,
        &["CLUSTER", "SETSLOT", "1649", "IMPORTING", &ida],
    );
    send(
        &mut sim,
        a,
        &["CLUSTER", "SETSLOT", "1649", "MIGRATING", &idb],
    );
    for key in ["{user:1000}:cart", "{user:1000}:orders"]
        .iter()
        .take(moved)
    {
        send(
            &mut sim,
            a,
            &["MIGRATE", "127.0.0.1", "7001", key, "0", "5000"],
        );
        await_reply(&mut sim);
    }
    sim
}

/// Every node's view has no slot MIGRATING or IMPORTING.
fn nothing_open(sim: &Sim) {
    for n in ["A", "B", "C", "A1", "B1", "C1"] {
        let v = sim.node(idx(sim, n)).view();
        assert!(v.migrating.is_empty() && v.importing.is_empty(), "{n}");
    }
}

/// Case 1 of clusterManagerFixOpenSlot: MIGRATING on one master, IMPORTING
/// on another: fix finishes the move (the remaining key goes, then SETSLOT
/// NODE on the target, the source and the other masters).
#[test]
fn fix_finishes_an_interrupted_reshard_case_1() {
    let mut sim = interrupted_reshard(21, 0);
    let (a, b, c) = (idx(&sim, "A"), idx(&sim, "B"), idx(&sim, "C"));
    let out = sim.cluster_fix(c, false);
    let expected = "[WARNING] The following slots are open: 1649.\n\
        >>> Fixing open slot 1649\n\
        Set as migrating in: 127.0.0.1:7000\n\
        Set as importing in: 127.0.0.1:7001\n\
        >>> Case 1: Moving slot 1649 from 127.0.0.1:7000 to 127.0.0.1:7001\n\
        Moving slot 1649 from 127.0.0.1:7000 to 127.0.0.1:7001: ...\n\
        >>> Check slots coverage...\n\
        [OK] All 16384 slots covered.\n";
    assert!(out.ends_with(expected), "{out}");
    assert!(out.contains(">>> Performing Cluster Check (using node 127.0.0.1:7002)\n"));
    assert_eq!(count(&mut sim, b), "(integer) 3");
    assert_eq!(count(&mut sim, a), "(integer) 0");
    assert_eq!(send(&mut sim, b, &["GET", "{user:1000}:orders"]), "\"12\"");
    run_for(&mut sim, 2 * T);
    let check = sim.cluster_report(a, CliReport::Check);
    assert!(!check.contains("[WARNING]"), "{check}");
    assert!(
        check.contains("[OK] All nodes agree about slots configuration.\n"),
        "{check}"
    );
    nothing_open(&sim);
}

/// Keys already moved: B holds keys of a slot it does not own, so redis-cli
/// counts two claimants, picks the one with most keys (B: 2 against 1), makes
/// it the owner (MULTI, ADDSLOTS, BUMPEPOCH, EXEC), sets A importing from it,
/// and falls into case 2: A's last key moves to B.
#[test]
fn fix_after_some_keys_moved_picks_an_owner_then_case_2() {
    let mut sim = interrupted_reshard(25, 2);
    let (a, b, c) = (idx(&sim, "A"), idx(&sim, "B"), idx(&sim, "C"));
    let out = sim.cluster_fix(c, false);
    let expected = ">>> Fixing open slot 1649\n\
        *** Found keys about slot 1649 in non-owner node 127.0.0.1:7001!\n\
        Set as migrating in: 127.0.0.1:7000\n\
        Set as importing in: 127.0.0.1:7001\n\
        >>> No single clear owner for the slot, selecting an owner by # of keys...\n\
        *** Configuring 127.0.0.1:7001 as the slot owner\n\
        >>> Case 2: Moving all the 1649 slot keys to its owner 127.0.0.1:7001\n\
        Moving slot 1649 from 127.0.0.1:7000 to 127.0.0.1:7001: .\n\
        >>> Setting 1649 as STABLE in 127.0.0.1:7000\n\
        >>> Check slots coverage...\n\
        [OK] All 16384 slots covered.\n";
    assert!(out.ends_with(expected), "{out}");
    assert_eq!(count(&mut sim, b), "(integer) 3");
    assert_eq!(count(&mut sim, a), "(integer) 0");
    run_for(&mut sim, 2 * T);
    let check = sim.cluster_report(a, CliReport::Check);
    assert!(
        check.contains("[OK] All nodes agree about slots configuration.\n"),
        "{check}"
    );
    assert!(check.contains("127.0.0.1:7001 ("), "{check}");
    nothing_open(&sim);
}

/// Case 2: only IMPORTING (the reshard died after its first SETSLOT): the
/// keys of the slot go back to the owner (none here), the importing node is
/// set STABLE and every other master is told the owner.
#[test]
fn fix_closes_a_lone_importing_slot_case_2() {
    let mut sim = cluster(3, 1, T, 22);
    let (b, c) = (idx(&sim, "B"), idx(&sim, "C"));
    let ida = id(&sim, "A");
    send(
        &mut sim,
        b,
        &["CLUSTER", "SETSLOT", "1649", "IMPORTING", &ida],
    );
    let out = sim.cluster_fix(c, false);
    let expected = ">>> Fixing open slot 1649\n\
        Set as importing in: 127.0.0.1:7001\n\
        >>> Case 2: Moving all the 1649 slot keys to its owner 127.0.0.1:7000\n\
        Moving slot 1649 from 127.0.0.1:7001 to 127.0.0.1:7000: \n\
        >>> Setting 1649 as STABLE in 127.0.0.1:7001\n\
        >>> Check slots coverage...\n";
    assert!(out.contains(expected), "{out}");
    assert!(sim.node(b).view().importing.is_empty());
}

/// Case 4: only MIGRATING, on the owner: the slot is just closed.
#[test]
fn fix_closes_a_lone_migrating_slot_case_4() {
    let mut sim = cluster(3, 1, T, 23);
    let (a, c) = (idx(&sim, "A"), idx(&sim, "C"));
    let idb = id(&sim, "B");
    send(&mut sim, a, &["SET", "{user:1000}:cart", "3"]);
    send(
        &mut sim,
        a,
        &["CLUSTER", "SETSLOT", "1649", "MIGRATING", &idb],
    );
    let out = sim.cluster_fix(c, false);
    assert!(
        out.contains(
            "Set as migrating in: 127.0.0.1:7000\n>>> Case 4: Closing slot 1649 on 127.0.0.1:7000\n"
        ),
        "{out}"
    );
    assert!(sim.node(a).view().migrating.is_empty());
    assert_eq!(send(&mut sim, a, &["GET", "{user:1000}:cart"]), "\"3\"");
}

/// A master and its replica dead: fix refuses to reassign their slots (an
/// unreachable master may still own them) unless told
/// `--cluster-fix-with-unreachable-masters`; then slots with no keys go to
/// a master, in a MULTI with BUMPEPOCH, and the cluster agrees again.
#[test]
fn fix_covers_a_lost_shard_only_when_told() {
    let mut sim = cluster(3, 1, T, 24);
    let (a, a1, b) = (idx(&sim, "A"), idx(&sim, "A1"), idx(&sim, "B"));
    sim.crash(a1);
    sim.crash(a);
    run_for(&mut sim, 6 * T);
    let out = sim.cluster_fix(b, false);
    assert!(out.ends_with(
        "[ERR] Not all 16384 slots are covered by nodes.\n\n\
         *** Fixing slots coverage with 1 unreachable masters is dangerous: redis-cli will assume that slots about masters that are not reachable are not covered, and will try to reassign them to the reachable nodes. This can cause data loss and is rarely what you want to do. If you really want to proceed use the --cluster-fix-with-unreachable-masters option.\n"
    ), "{out}");
    let out = sim.cluster_fix(b, true);
    assert!(
        out.contains(
            ">>> Fixing slots coverage...\n\
             The following uncovered slots have no keys across the cluster:\n\
             [0-5460]\n\
             Fix these slots by covering with a random node? (type 'yes' to accept): yes\n\
             >>> Covering slot 0 with 127.0.0.1:700"
        ),
        "{}",
        &out[..out.len().min(3000)]
    );
    assert_eq!(out.matches(">>> Covering slot").count(), 5461);
    run_for(&mut sim, 3 * T);
    let check = sim.cluster_report(b, CliReport::Check);
    assert!(check.contains("[OK] All 16384 slots covered.\n"), "{check}");
    assert!(
        check.contains("[OK] All nodes agree about slots configuration.\n"),
        "{check}"
    );
}

/// The lesson console runs `fix` to its end (time passes, as redis-cli holds
/// the terminal), and takes `--cluster-fix-with-unreachable-masters` for
/// `fix` only.
#[test]
fn the_lesson_console_runs_fix() {
    use clusterlab_core::lesson::{parse, Session};
    let lesson = parse("t.md", "---\nid: t\ntitle: T\norder: 1\nseed: 4\n---\n").unwrap();
    let mut s = Session::start(&lesson).unwrap();
    let args = |line: &str| line.split(' ').map(String::from).collect::<Vec<_>>();
    let ida = s.sim().node(idx(s.sim(), "A")).id().to_string();
    s.command("B", &args(&format!("CLUSTER SETSLOT 1649 IMPORTING {ida}")))
        .unwrap();
    let out = s.command("C", &args("redis-cli --cluster fix")).unwrap();
    assert!(
        out.contains(">>> Case 2: Moving all the 1649 slot keys to its owner 127.0.0.1:7000\n"),
        "{out}"
    );
    let out = s
        .command(
            "C",
            &args("redis-cli --cluster fix 127.0.0.1:7001 --cluster-fix-with-unreachable-masters"),
        )
        .unwrap();
    assert!(
        out.contains("(using node 127.0.0.1:7001)") && !out.contains("Fixing"),
        "{out}"
    );
    let err = s
        .command(
            "C",
            &args("redis-cli --cluster check --cluster-fix-with-unreachable-masters"),
        )
        .unwrap_err();
    assert!(err.0.contains("fix also takes"), "{err}");
}
