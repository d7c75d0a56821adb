//! Writes during a manual failover (docs/redis-behaviour.md §6.6): the
//! master pauses every command that may stream a change
//! (`is_may_replicate_command`: writes, EVAL/FCALL, PUBLISH, EXEC of a
//! queued write) until the failover ends, so its offset stays the one it
//! showed the replica (`mf_master_offset`) and no write it acknowledges can
//! miss the promoted replica. What it held is then redirected to the new
//! master. Redis's own `tests/cluster/tests/10-manual-failover.tcl` checks
//! the same with RPUSH and EVAL under load.

use crate::common::{cluster, idx, run_for};
use clusterlab_core::client::{ClientConfig, ClientEvent};
use clusterlab_core::node::{Admin, ClientId, FailoverMode};
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;

const T: u64 = 5000;
/// `redis.call` of an RPUSH, as the Tcl test runs half its writes.
const RPUSH_SCRIPT: &str = "redis.call('rpush',KEYS[1],ARGV[1])";

fn args(words: &[&str]) -> Vec<Vec<u8>> {
    words.iter().map(|a| a.as_bytes().to_vec()).collect()
}

/// Runs until `a` paused its writes for its replica's CLUSTER FAILOVER.
fn start_failover(sim: &mut Sim, a: usize, a1: usize) {
    sim.admin(a1, Admin::Failover(FailoverMode::Default))
        .expect("A1 accepts CLUSTER FAILOVER");
    let limit = sim.now() + T;
    assert!(sim.run_until_pred(limit, |s| s.node(a).writes_paused(s.now())));
}

/// Runs until `a1` is a master and `a` follows it.
fn finish_failover(sim: &mut Sim, a: usize, a1: usize) {
    let id = sim.node(a1).id();
    let limit = sim.now() + 2 * T;
    assert!(
        sim.run_until_pred(limit, |s| s.node(a).master() == Some(id)),
        "A follows A1 after the manual failover"
    );
}

/// While A is paused for A1, EVAL, PUBLISH and a write queued in MULTI get
/// no reply and A's offset does not move (Redis 7.0.15 `processCommand`
/// blocks them with `BLOCKED_POSTPONE`); once A follows A1 the script is
/// processed again and redirected, never run on the demoted master.
#[test]
fn a_paused_master_runs_no_script_publish_or_queued_write() {
    let seed = 61;
    println!("seed {seed}");
    let mut sim = cluster(3, 1, T, seed);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    start_failover(&mut sim, a, a1);
    let offset = sim.node(a).repl_offset();

    let eval = args(&["EVAL", RPUSH_SCRIPT, "1", "user:1000", "x"]);
    assert_eq!(sim.command(a, ClientId(7), eval), None, "EVAL is held");
    let publish = args(&["PUBLISH", "news", "hello"]);
    assert_eq!(
        sim.command(a, ClientId(8), publish),
        None,
        "PUBLISH is held"
    );
    assert_eq!(
        sim.command(a, ClientId(9), args(&["MULTI"])),
        Some(Value::ok())
    );
    let queued = args(&["RPUSH", "user:1000", "y"]);
    assert_eq!(
        sim.command(a, ClientId(9), queued),
        None,
        "held, not queued"
    );
    assert_eq!(sim.node(a).repl_offset(), offset, "A streamed nothing");

    finish_failover(&mut sim, a, a1);
    // The held commands run again at A's next cron.
    run_for(&mut sim, 200);
    let replies = sim.take_replies();
    let eval_reply = replies
        .iter()
        .find(|(_, c, _)| *c == ClientId(7))
        .map(|(_, _, v)| v.clone());
    let moved = match eval_reply {
        Some(Value::Error(e)) => e,
        other => panic!("EVAL answered {other:?}"),
    };
    assert!(moved.starts_with("MOVED 1649 "), "{moved}");
    for node in [a, a1] {
        let mut ks = sim.node(node).keyspace().clone();
        assert!(ks.get(sim.now(), b"user:1000").is_none(), "no write ran");
    }
}

/// 10-manual-failover.tcl in the simulator: a cluster client writes
/// RPUSH and EVAL-driven RPUSH to lists of A's slot (or EVAL only, which
/// a master that let scripts through its pause kept running after A1's
/// promotion), CLUSTER FAILOVER goes to A1 halfway through, and afterwards
/// every list holds exactly what was acknowledged, in order.
#[test]
fn manual_failover_under_write_load_loses_no_acknowledged_write() {
    for (seed, scripts_only) in [(62, false), (63, false), (64, true), (65, true)] {
        println!("seed {seed}, scripts only: {scripts_only}");
        let mut sim = cluster(3, 1, T, seed);
        let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
        let app = sim.add_client(&[a], ClientConfig::default());
        let ops = 400;
        let lists = 20;
        let mut content: Vec<Vec<String>> = vec![Vec::new(); lists];
        for j in 0..ops {
            let list = (j * 7) % lists;
            let key = format!("{{user:1000}}:{list}");
            let ele = format!("e{j}");
            let line = if list % 2 == 1 && !scripts_only {
                args(&["RPUSH", &key, &ele])
            } else {
                args(&["EVAL", RPUSH_SCRIPT, "1", &key, &ele])
            };
            let limit = sim.now() + 3 * T;
            match sim.client_run(app, line, limit) {
                Some(ClientEvent::Done { reply: Ok(v), .. }) if !v.is_error() => {}
                other => panic!("seed {seed} write {j}: {other:?}"),
            }
            content[list].push(ele);
            if j == ops / 2 {
                sim.admin(a1, Admin::Failover(FailoverMode::Default))
                    .expect("A1 accepts CLUSTER FAILOVER");
            }
        }
        finish_failover(&mut sim, a, a1);
        assert!(sim.node(a1).is_master(), "seed {seed}: A1 was promoted");
        for (list, want) in content.iter().enumerate() {
            let key = format!("{{user:1000}}:{list}");
            let limit = sim.now() + T;
            let got = match sim.client_run(app, args(&["LRANGE", &key, "0", "-1"]), limit) {
                Some(ClientEvent::Done {
                    reply: Ok(Value::Array(v)),
                    ..
                }) => v,
                other => panic!("seed {seed} LRANGE {key}: {other:?}"),
            };
            let got: Vec<String> = got
                .iter()
                .map(|v| match v {
                    Value::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
                    other => format!("{other:?}"),
                })
                .collect();
            assert_eq!(&got, want, "seed {seed}: {key} differs");
        }
    }
}
