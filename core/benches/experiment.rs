//! The course's plots, computed natively: prints each standard plan's table
//! (min / median / max per point) and how long it took, i.e. about what the
//! page spends computing it (the browser's wasm is slower by a small factor).
//!
//! ```text
//! cargo bench -p clusterlab-core --bench experiment            # every plot, 5 seeds
//! EXPERIMENT_SEEDS=10 cargo bench -p clusterlab-core --bench experiment -- convergence
//! EXPERIMENT_SEEDS=3 cargo bench -p clusterlab-core --bench experiment -- bus
//! ```
//!
//! The bus-cost plot goes to 1000 nodes here (the page stops at 500): a 1000-node
//! sample is about a minute of CPU and 3.5 GB at its start's burst. Its report
//! ends with what Redis's rules give at each size, to read beside the measurement.

use clusterlab_core::experiment::{BusRules, PlotKind, Run, BUS_COST_SIZES, BUS_COST_TIMEOUT_MS};
use std::time::Instant;

fn main() {
    let seeds = std::env::var("EXPERIMENT_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for kind in PlotKind::ALL {
        let name = format!("{kind:?}").to_lowercase();
        if !only.is_empty() && !only.iter().any(|o| name.starts_with(o.as_str())) {
            continue;
        }
        let mut run = Run::new(kind, seeds);
        let start = Instant::now();
        let mut slowest = 0.0f64;
        loop {
            let t = Instant::now();
            if !run.step() {
                break;
            }
            slowest = slowest.max(t.elapsed().as_secs_f64() * 1000.0);
        }
        let took = start.elapsed();
        println!("\n## {} ({seeds} seeds)", kind.title());
        println!(
            "{} samples in {:.2} s (slowest step {slowest:.0} ms)",
            run.total(),
            took.as_secs_f64()
        );
        for series in run.series() {
            println!("\n{} ({})", series.name, series.unit.label());
            println!(
                "{:>10} {:>8} {:>8} {:>8}",
                kind.x_label(),
                "min",
                "median",
                "max"
            );
            for p in &series.points {
                if let Some(s) = p.summary() {
                    println!(
                        "{:>10} {:>8.2} {:>8.2} {:>8.2}",
                        p.x, s.min, s.median, s.max
                    );
                }
            }
        }
        for e in run.errors() {
            println!("error: {e}");
        }
        if kind == PlotKind::BusCost {
            print_rules();
        }
    }
}

/// Redis's rules at each bus-cost size: message bytes, and the floor and
/// ceiling of PINGs + PONGs and bytes sent per node per second.
fn print_rules() {
    println!("\nRedis's rules (T = {} s)", BUS_COST_TIMEOUT_MS / 1000);
    println!(
        "{:>10} {:>9} {:>10} {:>10} {:>12} {:>12}",
        "nodes", "msg B", "msgs floor", "msgs ceil", "kB/s floor", "kB/s ceil"
    );
    for &n in BUS_COST_SIZES {
        let r = BusRules::new(n, BUS_COST_TIMEOUT_MS);
        println!(
            "{:>10} {:>9.0} {:>10.2} {:>10.2} {:>12.2} {:>12.2}",
            n,
            r.message_bytes,
            2.0 * r.pings_floor_s,
            2.0 * r.pings_ceiling_s,
            r.bytes_per_node_s(r.pings_floor_s) / 1e3,
            r.bytes_per_node_s(r.pings_ceiling_s) / 1e3
        );
    }
}
