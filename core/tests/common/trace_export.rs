//! A simulated run written as JSON lines, the way an export writes it, for the tests that read
//! traces back: `core/tests/sim/trace_json.rs` (the core's `Recorded`) and the app's
//! `app/src/view_model/source/tests.rs` (an imported file explained as the live run), which
//! includes this file by path so both build their fixtures with the same code.
//! Depends on `clusterlab_core` and `serde_json` only.

use clusterlab_core::sim::Sim;

/// The fields events gained for `why` (docs/architecture.md "Trace format"): a trace written
/// before them has none, and must still read.
pub const WHY_FIELDS: [&str; 11] = [
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

/// The run's faults and events as JSON lines in time order (a fault before the events of the
/// same instant, which it causes), each line without the fields in `without` (`&[]` for a
/// current export, [`WHY_FIELDS`] for an older one).
pub fn export(sim: &Sim, without: &[&str]) -> String {
    let line = |mut v: serde_json::Value| {
        if let Some(m) = v.as_object_mut() {
            for f in without {
                m.remove(*f);
            }
        }
        v.to_string()
    };
    let mut lines: Vec<(u64, u8, usize, String)> = sim
        .faults()
        .iter()
        .enumerate()
        .map(|(i, f)| (f.t.ms(), 0, i, line(f.to_json(sim))))
        .collect();
    lines.extend(
        sim.trace()
            .iter()
            .enumerate()
            .map(|(i, e)| (e.t.ms(), 1, i, line(e.to_json(sim)))),
    );
    lines.sort();
    lines.into_iter().map(|l| l.3 + "\n").collect()
}
