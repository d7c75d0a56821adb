use super::*;

/// The native failover the app's browser test imports, recorded by
/// `scripts/record-native-trace.sh` (6 real clusterlab-node processes, node timeout 2 s).
const NATIVE: &str = include_str!("../../tests/fixtures/native-failover.jsonl");

#[test]
fn a_native_trace_parses_whole() {
    let lines = parse_trace(NATIVE).expect("the recorded trace parses");
    assert_eq!(lines.len(), NATIVE.lines().count());
    assert_eq!(lines.iter().filter(|l| l.event == "start").count(), 6);
    let kill = lines
        .iter()
        .find(|l| l.event == "kill")
        .expect("a kill line");
    assert_eq!(
        kill.node.len(),
        8,
        "native nodes are named by their short IDs"
    );
    assert!(lines.iter().all(|l| l.line >= 1));
}

#[test]
fn bad_lines_are_reported_with_their_numbers() {
    let text = "\
{\"t_ms\":1,\"node\":\"A\",\"event\":\"pfail\",\"about\":\"B\"}

not json
[1,2]
{\"node\":\"A\",\"event\":\"pfail\"}
{\"t_ms\":-5,\"node\":\"A\",\"event\":\"pfail\"}
{\"t_ms\":2,\"node\":\"\",\"event\":\"pfail\"}
{\"t_ms\":2,\"node\":\"A\",\"event\":\"explode\"}
{\"t_ms\":2,\"node\":\"A\",\"event\":\"fail\",\"about\":7}
";
    let errors = parse_trace(text).expect_err("the file has bad lines");
    let got: Vec<(usize, &str)> = errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(got.len(), 7, "{got:?}");
    assert_eq!(got[0].0, 3);
    assert!(got[0].1.starts_with("not JSON"), "{got:?}");
    assert!(got[1].1.starts_with("expected a JSON object"), "{got:?}");
    assert_eq!(got[2], (5, "missing `t_ms`"));
    assert_eq!(
        got[3],
        (6, "`t_ms` must be a non-negative integer, found -5")
    );
    assert_eq!(got[4], (7, "`node` must be a non-empty string, found \"\""));
    assert_eq!(got[5], (8, "unknown event `explode`"));
    assert_eq!(got[6], (9, "`about` must be a non-empty string, found 7"));
    assert_eq!(
        errors[0].to_string(),
        format!("line 3: {}", errors[0].message)
    );
}

#[test]
fn an_empty_or_garbage_file_is_an_error_not_a_panic() {
    assert_eq!(
        parse_trace("\n\n").unwrap_err()[0].message,
        "the file holds no trace lines"
    );
    let binary: String = (0u8..=255).map(char::from).collect::<String>().repeat(40);
    let errors = parse_trace(&binary).unwrap_err();
    assert!(errors.len() <= MAX_ERRORS);
}

/// The cluster is read back from the trace: ports order the masters like `redis-cli
/// --cluster create` (A on the first port), the `role` lines give each master its replica, the
/// `start` lines the node timeout, and the `kill` line the fault.
#[test]
fn the_native_cluster_shape_is_read_from_the_trace() {
    let lines = parse_trace(NATIVE).unwrap();
    let t = topology(&lines).unwrap();
    assert_eq!((t.masters, t.replicas, t.node_timeout), (3, 1, 2000));
    assert_eq!(t.names[&t.killed], "A");
    assert!(!t.fault_estimated);
    let mut friendly: Vec<&str> = t.names.values().map(String::as_str).collect();
    friendly.sort();
    assert_eq!(friendly, ["A", "A1", "B", "B1", "C", "C1"]);
}

/// Redis flags a node PFAIL only after node_timeout without a pong, so in both runs the first
/// PFAIL comes at least node_timeout after the kill, and the replica is promoted after FAIL.
#[test]
fn a_recorded_failover_lines_up_with_a_simulated_one() {
    let lines = parse_trace(NATIVE).unwrap();
    for seed in 1..=3 {
        let c = compare(&lines, seed).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        for (side, times) in [("recorded", &c.recorded), ("simulated", &c.simulated)] {
            let at = |k: &str| {
                *times
                    .at
                    .get(k)
                    .unwrap_or_else(|| panic!("seed {seed}: {side} run has no {k}: {times:?}"))
            };
            assert!(at("pfail") >= 2000, "seed {seed} {side}: {times:?}");
            assert!(at("pfail") <= at("fail") && at("fail") <= at("fail_all"));
            assert!(at("fail") <= at("failover_start") && at("vote_requested") <= at("promoted"));
        }
        let rows = c.rows();
        assert_eq!(rows.len(), KEY_MOMENTS.len());
        assert!(
            rows.iter().all(|(_, r, s)| r.is_some() && s.is_some()),
            "{rows:?}"
        );
        assert_eq!(c.simulated_events[0].event, "kill");
        assert!(c
            .recorded_events
            .iter()
            .any(|m| m.event == "promoted" && m.node == "A1"));
    }
}

/// Without the operator's `kill` line, the fault is placed node_timeout before the first PFAIL
/// about the node that was failed, and said to be an estimate.
#[test]
fn without_a_kill_line_the_fault_time_is_estimated() {
    let text: String = NATIVE
        .lines()
        .filter(|l| !l.contains("\"kill\""))
        .map(|l| format!("{l}\n"))
        .collect();
    let lines = parse_trace(&text).unwrap();
    let t = topology(&lines).unwrap();
    assert!(t.fault_estimated);
    assert_eq!(t.names[&t.killed], "A");
    let first_pfail = lines.iter().find(|l| l.event == "pfail").unwrap().t_ms;
    assert_eq!(t.fault_ms, first_pfail - 2000);
}

/// `clusterlab-node simulate --json` traces carry a `formed` header instead of `start` lines,
/// and the simulator's own names.
#[test]
fn a_simulated_trace_imports_too() {
    let text = "\
{\"t_ms\":9000,\"node\":\"-\",\"event\":\"formed\",\"masters\":3,\"replicas\":1,\"node_timeout\":1500,\"seed\":4}
{\"t_ms\":12000,\"node\":\"B\",\"event\":\"kill\"}
{\"t_ms\":13600,\"node\":\"A\",\"event\":\"pfail\",\"about\":\"B\"}
";
    let lines = parse_trace(text).unwrap();
    let t = topology(&lines).unwrap();
    assert_eq!(
        (t.masters, t.replicas, t.node_timeout, t.killed.as_str()),
        (3, 1, 1500, "B")
    );
    let c = compare(&lines, 4).unwrap();
    assert_eq!(c.recorded.at.get("pfail"), Some(&1600));
    assert!(c.simulated.at.contains_key("promoted"));
}

/// A native trace's nodes get the simulator's names for the learner (`short_names`): those of
/// the comparison when it can be made (A killed, B and C, replicas after their master), the
/// same rule (masters in port order, replicas by their role) for a trace without a failover or
/// with uneven shards, and none for a trace that already uses the simulator's names.
#[test]
fn native_traces_get_the_simulators_names() {
    let lines = parse_trace(NATIVE).unwrap();
    let names = short_names(&lines).expect("named");
    assert_eq!(names, topology(&lines).unwrap().names);
    let pairs: Vec<(&str, &str)> = names
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("0470063d", "A1"),
            ("175a653d", "B"),
            ("4559aecf", "A"),
            ("5bf98b05", "C"),
            ("70667847", "C1"),
            ("a0355ebf", "B1"),
        ]
    );
    // No failover to compare, and B's replica left out (uneven): named by the same rule.
    let text: String = NATIVE
        .lines()
        .filter(|l| !l.contains("\"kill\"") && !l.contains("\"fail\"") && !l.contains("a0355ebf"))
        .map(|l| format!("{l}\n"))
        .collect();
    let lines = parse_trace(&text).unwrap();
    assert!(topology(&lines).is_err());
    let names = short_names(&lines).expect("named");
    assert_eq!(names.len(), 5);
    assert_eq!(
        (names["4559aecf"].as_str(), names["0470063d"].as_str()),
        ("A", "A1")
    );
    assert_eq!(
        (names["175a653d"].as_str(), names["70667847"].as_str()),
        ("B", "C1")
    );
    // A simulated trace keeps its names; a file without `start` lines cannot be named.
    let sim = "{\"t_ms\":0,\"node\":\"-\",\"event\":\"formed\",\"masters\":3,\"replicas\":1,\"node_timeout\":1500}";
    assert_eq!(short_names(&parse_trace(sim).unwrap()), None);
    let bare = "{\"t_ms\":1,\"node\":\"ab\",\"event\":\"pfail\",\"about\":\"cd\"}";
    assert_eq!(short_names(&parse_trace(bare).unwrap()), None);
}

#[test]
fn a_trace_without_a_failover_says_so() {
    let lines = parse_trace(
        "{\"t_ms\":1,\"node\":\"ab\",\"event\":\"start\",\"port\":7000,\"node_timeout\":5000}",
    )
    .unwrap();
    let e = topology(&lines).unwrap_err();
    assert!(e.contains("no failover to compare"), "{e}");
}
