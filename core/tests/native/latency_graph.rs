//! LATENCY GRAPH (latency.c `latencyCommandGenSparkeline`, sparkline.c)
//! compared live with redis-server 7.0.15, in RESP2 and RESP3: the error
//! for an event without samples (names match exactly, so `COMMAND` is not
//! `command`), the arity errors, and a graph of two `command` samples
//! taken by DEBUG SLEEP 20 ms and 200 ms in different seconds. The
//! latencies and the labels (seconds ago) are each server's timings, so
//! digits are masked; the header, the rule, the 4 rows of columns (the
//! smaller sample at the bottom step, the larger at the top) and the
//! label rows are compared character for character. HISTORY, LATEST and
//! DOCTOR with those samples are compared the same way.

use crate::common::native;
use native::compare::{assert_no_differences, pair, Both};
use std::time::Duration;

/// A reply with every digit masked.
fn masked(_: &[&[u8]], o: String, r: String) -> (String, String) {
    let mask = |s: String| s.replace(|c: char| c.is_ascii_digit(), "#");
    (mask(o), mask(r))
}

#[test]
fn latency_graph_matches_redis() {
    let (ours, redis) = pair(15000, &["--enable-debug-command", "yes"]);
    let mut diffs = Vec::new();
    let mut setup = Both::connect(ours.port, redis.port, false);
    setup.lines(
        &[
            "LATENCY RESET",
            "LATENCY GRAPH command",
            "LATENCY GRAPH",
            "LATENCY GRAPH command extra",
            "CONFIG SET latency-monitor-threshold 10",
            "DEBUG SLEEP 0.02",
        ],
        &mut diffs,
    );
    std::thread::sleep(Duration::from_millis(1100));
    setup.setup("DEBUG SLEEP 0.2");
    for resp3 in [false, true] {
        let mut b = Both::connect(ours.port, redis.port, resp3).normalised(masked);
        b.lines(
            &[
                "LATENCY GRAPH command",
                "LATENCY GRAPH COMMAND",
                "LATENCY GRAPH fast-command",
                "LATENCY HISTORY command",
                "LATENCY LATEST",
                "LATENCY DOCTOR",
                "LATENCY HELP",
            ],
            &mut diffs,
        );
    }
    setup.lines(
        &[
            "LATENCY RESET command",
            "LATENCY GRAPH command",
            "CONFIG SET latency-monitor-threshold 0",
        ],
        &mut diffs,
    );
    assert_no_differences(&diffs);
}
