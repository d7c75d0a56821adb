//! How fast a large cluster is ready with the formed start
//! ([`Formation::Formed`]): every node loads the nodes.conf a
//! `redis-cli --cluster create` formation ends with, then the cluster runs
//! Redis's rules as after a restart until every node reports
//! `cluster_state:ok` (masters wait `CLUSTER_WRITABLE_DELAY`, 2 s, after
//! starting; meanwhile every node connects to every other and PINGs it at
//! its first cron tick, the processes having started at their own offsets
//! within the first 100 ms).
//!
//! The target (issue 15): 1000 nodes ready in at most 3 s wall on the
//! 2-core dev machine. A speed target lives here, never in a timed test.
//! Plain `harness = false` binary: each size runs once.
//!
//! ```text
//! cargo bench -p clusterlab-core --bench formed_start             # 300 and 1000 nodes
//! FORMED_BENCH_NODES=100,2000 cargo bench -p clusterlab-core --bench formed_start
//! FORMED_BENCH_THREADS=1 cargo bench -p clusterlab-core --bench formed_start
//! ```
//!
//! Sizes are `masters × 2` (one replica each). `load` is building the
//! simulator with every node loaded and started (within the first
//! simulated 100 ms, before any cron tick); `ready` adds the run until
//! every node is ok.

use clusterlab_core::sim::{Formation, Scenario};
use std::time::Instant;

fn main() {
    let sizes: Vec<usize> = std::env::var("FORMED_BENCH_NODES")
        .unwrap_or_else(|_| "300,1000".into())
        .split(',')
        .filter_map(|w| w.trim().parse().ok())
        .collect();
    let threads: usize = std::env::var("FORMED_BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(2);
    assert!(matches!(threads, 1 | 2), "FORMED_BENCH_THREADS: 1 or 2");
    println!("formed start: load every nodes.conf, run until cluster_state:ok everywhere ({threads} thread(s))");
    println!();
    println!("| nodes | load wall (cpu) | ready wall (cpu) | ready simulated | msgs delivered | peak RSS |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for nodes in sizes {
        assert!(
            nodes >= 2 && nodes % 2 == 0,
            "sizes are masters × 2: {nodes}"
        );
        let scenario = Scenario {
            masters: nodes / 2,
            replicas: 1,
            formation: Formation::Formed,
            ..Scenario::default()
        };
        let setup = |sim: &mut clusterlab_core::sim::Sim| {
            if threads == 1 {
                sim.set_parallel(None);
            }
        };
        let (start, cpu) = (Instant::now(), process_cpu_s());
        let loaded = scenario.start_with(setup).expect("every node loads");
        let (load, load_cpu) = (start.elapsed(), process_cpu_s() - cpu);
        drop(loaded);
        let (start, cpu) = (Instant::now(), process_cpu_s());
        let sim = scenario.build_with(setup).expect("the cluster is ok");
        let (ready, ready_cpu) = (start.elapsed(), process_cpu_s() - cpu);
        println!(
            "| {nodes} | {:.3} s ({load_cpu:.2} s) | {:.3} s ({ready_cpu:.2} s) | {:.1} s | {} | {} |",
            load.as_secs_f64(),
            ready.as_secs_f64(),
            sim.now().ms() as f64 / 1000.0,
            sim.stats().delivered,
            peak_rss_mb().map_or("n/a".into(), |mb| format!("{mb} MB")),
        );
    }
}

/// CPU seconds every thread of the process has run so far (utime + stime
/// of /proc/self/stat): a busy machine stretches wall time, not this.
fn process_cpu_s() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // The command name (field 2) may hold spaces: count from its ')'.
    let after = stat.rfind(')').map_or("", |i| &stat[i + 1..]);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(u), Some(s)) => (u + s) as f64 / 100.0,
        _ => f64::NAN,
    }
}

/// The process's peak resident set so far (/proc/self/status VmHWM), in MB.
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line["VmHWM:".len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024)
}
