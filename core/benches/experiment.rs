//! The course's plots, computed natively: prints each standard plan's table
//! (min / median / max per point) and how long it took, i.e. about what the
//! page spends computing it (the browser's wasm is slower by a small factor).
//!
//! ```text
//! cargo bench -p clusterlab-core --bench experiment            # both plots, 5 seeds
//! EXPERIMENT_SEEDS=10 cargo bench -p clusterlab-core --bench experiment -- convergence
//! ```

use clusterlab_core::experiment::{PlotKind, Run};
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
            "{} samples in {:.2} s (slowest sample {slowest:.0} ms)",
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
    }
}
