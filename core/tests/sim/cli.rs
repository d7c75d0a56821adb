//! `clusterlab-node simulate`: output, errors and exit codes, and that it
//! replays exactly what the library runs (so a seed-sweep failure printed as
//! a command line reproduces).
#![cfg(feature = "net")]

use crate::common;
use clusterlab_core::node::FailoverMode;
use clusterlab_core::sim::{Action, TimedAction};
use common::run_actions;
use serde_json::Value;
use std::process::{Command, Output};

fn simulate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clusterlab-node"))
        .arg("simulate")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 errors")
}

#[test]
fn help_describes_the_flags_and_the_clock() {
    let o = simulate(&["--help"]);
    assert!(o.status.success());
    let text = stdout(&o);
    for flag in [
        "--masters",
        "--replicas",
        "--node-timeout",
        "--seed",
        "--duration",
        "--kill",
        "--pause",
        "--resume",
        "--restart",
        "--partition",
        "--cut",
        "--heal",
        "--loss",
        "--json",
    ] {
        assert!(text.contains(flag), "--help lacks {flag}");
    }
    assert!(
        text.contains("starts at 0 when"),
        "--help explains the clock"
    );
    let top = Command::new(env!("CARGO_BIN_EXE_clusterlab-node"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(top.status.success() && stdout(&top).contains("simulate"));
}

/// Bad arguments: exit code 2, a message naming the argument and value, and
/// never a panic.
#[test]
fn bad_arguments_are_named_with_exit_code_2() {
    for (args, expected) in [
        (vec!["--kill", "Q@9000"], "--kill Q@9000: no node named 'Q'"),
        (
            vec!["--kill", "A@soon"],
            "--kill A@soon: 'soon' is not a time",
        ),
        (vec!["--kill", "A"], "--kill A: expected NODE@TIME"),
        (vec!["--masters", "0"], "--masters must be at least 1"),
        (
            vec!["--masters", "-3"],
            "--masters: '-3' is not a non-negative whole number",
        ),
        (vec!["--replicas", "x"], "--replicas: 'x' is not"),
        (vec!["--bogus"], "unknown option '--bogus'"),
        (vec!["--partition", "A,B/B@9000"], "B is listed twice"),
        (vec!["--partition", "A/Z1@9000"], "no node named 'Z1'"),
        (vec!["--loss", "1.5"], "not a probability"),
        (vec!["--resume", "A@9000"], "A is running at 9000 ms"),
        (
            vec!["--kill", "A@100"],
            "--kill A@100 is before the cluster finished forming at",
        ),
        (
            vec!["--duration", "100"],
            "--duration 100 is before the cluster finished forming",
        ),
    ] {
        let o = simulate(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    let o = Command::new(env!("CARGO_BIN_EXE_clusterlab-node"))
        .arg("frobnicate")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown command 'frobnicate'"));
}

/// `--json`: one JSON object per line, time never going back: the formation
/// line, node events, the injected faults, and a final summary of every
/// node's own view.
#[test]
fn json_lines_show_events_faults_and_a_summary() {
    let o = simulate(&[
        "--node-timeout",
        "2000",
        "--seed",
        "3",
        "--duration",
        "25000",
        // After A1's first sync: a master starts it repl-diskless-sync-delay (5 s)
        // after the replica's PSYNC, and a replica that never synced refuses to fail over.
        "--kill",
        "A@10000",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert_eq!(lines[0]["event"], "formed");
    let times: Vec<u64> = lines.iter().map(|l| l["t_ms"].as_u64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "time goes forward");
    assert!(lines
        .iter()
        .any(|l| l["event"] == "kill" && l["node"] == "A" && l["t_ms"] == 10000));
    assert!(lines
        .iter()
        .any(|l| l["event"] == "promoted" && l["node"] == "A1" && l["about"] == "A"));
    let summary = lines.last().unwrap();
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["t_ms"], 25000);
    let nodes = summary["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 6);
    let a1 = nodes.iter().find(|n| n["node"] == "A1").unwrap();
    assert_eq!(a1["role"], "master");
    assert_eq!(a1["slots"], "0-5460");
    assert_eq!(a1["cluster_state"], "ok");
    let a = nodes.iter().find(|n| n["node"] == "A").unwrap();
    assert_eq!(a["status"], "crashed");
}

/// CLUSTER FAILOVER from the command line: accepted on a replica (the
/// replica is promoted), refused on a master with Redis's error text on the
/// action's line.
#[test]
fn failover_actions_print_refusals() {
    let o = simulate(&[
        "--node-timeout",
        "2000",
        "--duration",
        "12000",
        "--failover",
        "B1@6000",
        "--failover",
        "C:force@7000",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let line = |node: &str| {
        lines
            .iter()
            .find(|l| l["event"] == "failover" && l["node"] == node)
            .unwrap()
    };
    assert_eq!(line("B1")["mode"], "default");
    assert!(line("B1").get("error").is_none());
    assert_eq!(line("C")["mode"], "force");
    assert_eq!(
        line("C")["error"],
        "ERR You should send CLUSTER FAILOVER to a replica"
    );
    assert!(lines
        .iter()
        .any(|l| l["event"] == "promoted" && l["node"] == "B1"));
}

#[test]
fn text_output_is_one_line_per_event_and_a_summary_table() {
    let o = simulate(&[
        "--node-timeout",
        "2000",
        "--duration",
        "15000",
        "--partition",
        "A,A1@6000",
        "--heal",
        "@12000",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.lines().next().unwrap().contains("formed"));
    assert!(text.contains("partition        A,A1"));
    assert!(text.contains("heal"));
    assert!(text.contains("summary at 15.000s"));
    assert!(text
        .lines()
        .any(|l| l.trim_start().starts_with("C1 ") && l.contains("replica")));
}

/// The CLI and the library run the same thing: the command line a failing
/// sweep seed prints ([`TimedAction::flag`]) makes the CLI print exactly the
/// library's trace.
#[test]
fn the_cli_replays_the_library_run_from_printed_flags() {
    // As the CLI starts: right after formation, before the first sync.
    let mut sim = common::cluster_as_created(3, 1, 1500, 9);
    let t0 = sim.now();
    let at = |ms: u64, action: Action| TimedAction { t: t0 + ms, action };
    let actions = [
        at(1000, Action::Loss(0.05)),
        at(2000, Action::Partition(vec![vec![0, 3], vec![1]])),
        at(3000, Action::Cut { from: 2, to: 5 }),
        at(4000, Action::Pause(4)),
        at(5000, Action::Kill(1)),
        at(9000, Action::Heal),
        at(9000, Action::Loss(0.0)),
        at(9500, Action::Resume(4)),
        at(10_000, Action::Restart(1)),
        at(
            16_000,
            Action::Failover {
                node: 5,
                mode: FailoverMode::Default,
            },
        ),
    ];
    let end = t0 + 25_000;
    let mut args: Vec<String> = [
        "--node-timeout",
        "1500",
        "--seed",
        "9",
        "--json",
        "--duration",
    ]
    .map(String::from)
    .to_vec();
    args.push(end.ms().to_string());
    for a in &actions {
        let flag = a.flag(&sim);
        let (name, value) = flag.split_once(' ').unwrap();
        args.push(name.into());
        args.push(value.into());
    }
    let from = sim.trace().len();
    run_actions(&mut sim, &actions, end);
    let expected: Vec<String> = sim.trace()[from..]
        .iter()
        .map(|e| e.to_json(&sim).to_string())
        .collect();

    let o = simulate(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", stderr(&o));
    let printed: Vec<String> = stdout(&o)
        .lines()
        .filter(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let event = v["event"].as_str().unwrap();
            !Action::NAMES.contains(&event) && event != "formed" && event != "summary"
        })
        .map(String::from)
        .collect();
    assert!(expected.len() > 50);
    assert_eq!(printed, expected);
}
