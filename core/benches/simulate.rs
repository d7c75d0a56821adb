//! Simulation benchmark: how fast the deterministic simulator runs a cluster.
//!
//! For each size it forms the cluster (timed separately), then kills master
//! `A` and simulates 60 more seconds (the timed part), and prints one table
//! row: wall times, the simulated/real speed-up, traffic, and memory per
//! node. Clusters up to `MEET_UP_TO` (100) nodes form the way
//! `redis-cli --cluster create` does (MEET), larger ones start formed, as
//! after a restart from their nodes.conf files (`Formation::BySize`);
//! `SIM_BENCH_FORMATION=meet|formed|by-size` chooses.
//!
//! Criterion's repeated sampling would take hours at 1000 nodes, so this is a
//! plain `harness = false` binary that runs each scenario once (the small
//! cluster a few times, keeping the fastest run).
//!
//! ```text
//! cargo bench -p clusterlab-core --bench simulate            # 6 and 1000 nodes
//! cargo bench -p clusterlab-core --bench simulate -- small   # 6 nodes only
//! SIM_BENCH_NODES=6,100 cargo bench -p clusterlab-core --bench simulate
//! ```
//!
//! Forming 1000 nodes by MEET (`SIM_BENCH_FORMATION=meet`) takes minutes
//! of CPU: every node's cron fires on the same millisecond and greets the
//! hundreds of nodes it just learned of, a million PINGs of a hundred
//! gossip entries in flight at one simulated instant. The formed start
//! loads them in a fraction of a second (`benches/formed_start.rs`).
//!
//! Sizes are `masters × 2` nodes (one replica each). `SIM_BENCH_NODES` (or the
//! arguments, `small` meaning 6) picks them; `SIM_BENCH_REPEAT` sets how many
//! runs to keep the fastest of. The `fingerprint` column hashes
//! the trace, the traffic counters and every node's final state: an
//! optimization that keeps the behaviour identical keeps it unchanged.
//!
//! `SIM_BENCH_WARMUP=S` runs S simulated seconds between formation and the
//! kill, untimed: the measured minute is then the steady state (a formed
//! start's first minute holds its reconnection burst).
//!
//! `SIM_BENCH_THREADS` lists the modes to run each size in: `1` is the
//! sequential event loop, `2` (the default) lets busy time windows run their
//! nodes on two threads (`Sim::set_parallel`); `SIM_BENCH_THREADS=1,2` runs
//! both and checks that their fingerprints are equal. With two threads the
//! thread's CPU time leaves out the helper's, so the `process cpu` column
//! counts every thread of the process. `SIM_BENCH_MIN_EVENTS` sets the
//! smallest window that runs on two threads (`Sim::set_parallel`). Runs
//! with two threads limit glibc's malloc to one arena (`MALLOC_ARENA_MAX=1`,
//! unless set otherwise): see `rerun_with_one_arena`.

use clusterlab_core::event::Event;
use clusterlab_core::sim::{Formation, Scenario, Sim};
use clusterlab_core::slot::SlotSet;
use clusterlab_core::time::Time;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// Simulated time after the kill.
const RUN_MS: u64 = 60_000;

fn main() {
    if threads_modes().contains(&2) && std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        return rerun_with_one_arena();
    }
    let sizes = sizes();
    println!("clusterlab simulation benchmark: form, kill master A, simulate 60 s");
    println!(
        "(Scenario defaults: node_timeout 15 s, 1 ms + U[0,2] ms latency, client writes every 100 ms)"
    );
    println!();
    let mut rows: Vec<Row> = Vec::new();
    for &nodes in &sizes {
        for &threads in &threads_modes() {
            // Small clusters run in milliseconds: repeat and keep the fastest,
            // like a benchmark harness would, to cut scheduler noise.
            let repeats = std::env::var("SIM_BENCH_REPEAT")
                .ok()
                .and_then(|r| r.parse().ok())
                .unwrap_or(if nodes <= 20 { 20 } else { 1 });
            let mut best: Option<Row> = None;
            for _ in 0..repeats {
                let row = run(nodes, threads);
                if let Some(b) = &best {
                    assert_eq!(
                        b.fingerprint, row.fingerprint,
                        "the simulation is not deterministic"
                    );
                }
                if best.as_ref().is_none_or(|b| row.run_wall < b.run_wall) {
                    best = Some(row);
                }
            }
            let row = best.expect("at least one run");
            if let Some(other) = rows.iter().find(|r| r.nodes == nodes) {
                assert_eq!(
                    other.fingerprint, row.fingerprint,
                    "{nodes} nodes: {threads} thread(s) gave another run than {}",
                    other.threads
                );
            }
            eprintln!("done: {nodes} nodes, {threads} thread(s)");
            rows.push(row);
        }
    }
    print_table(&rows);
}

/// Runs this benchmark again with glibc's malloc limited to one arena.
///
/// Messages built on one thread are freed on the other, and glibc's
/// per-thread arenas then each keep their own high-water mark: with two
/// threads the peak RSS grew by three quarters at 600 nodes (2.7 GB instead
/// of 1.5 GB; with one arena, 1.47 GB, at the same CPU time), which at 1000
/// nodes would not fit in the machine's memory.
fn rerun_with_one_arena() {
    eprintln!("(running again with MALLOC_ARENA_MAX=1: see rerun_with_one_arena)");
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let status = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("MALLOC_ARENA_MAX", "1")
        .status()
        .expect("the benchmark runs again");
    std::process::exit(status.code().unwrap_or(1));
}

/// `SIM_BENCH_MIN_EVENTS`: the smallest window run on two threads
/// (default: the simulator's).
fn min_events() -> Option<usize> {
    std::env::var("SIM_BENCH_MIN_EVENTS").ok()?.parse().ok()
}

/// `SIM_BENCH_WARMUP`: simulated seconds run after formation and before
/// the kill, untimed (default 0). A formed start begins with every link
/// connecting at once; a warm-up lets the measured minute be the steady
/// state, to compare with a MEET-formed cluster's.
fn warmup_ms() -> u64 {
    std::env::var("SIM_BENCH_WARMUP").map_or(0, |s| {
        let secs: u64 = s
            .parse()
            .unwrap_or_else(|_| panic!("SIM_BENCH_WARMUP takes seconds: {s}"));
        secs * 1000
    })
}

/// `SIM_BENCH_FORMATION`: how each cluster forms (default: by size).
fn formation() -> Formation {
    std::env::var("SIM_BENCH_FORMATION").map_or(Formation::BySize, |w| {
        Formation::parse(&w).unwrap_or_else(|| {
            panic!(
                "SIM_BENCH_FORMATION takes {}: {w}",
                Formation::NAMES.join(", ")
            )
        })
    })
}

/// The modes from `SIM_BENCH_THREADS`: 1 (sequential) and/or 2.
fn threads_modes() -> Vec<usize> {
    let modes: Vec<usize> = std::env::var("SIM_BENCH_THREADS")
        .unwrap_or_default()
        .split(',')
        .filter_map(|w| w.trim().parse().ok())
        .collect();
    for m in &modes {
        assert!(matches!(m, 1 | 2), "SIM_BENCH_THREADS takes 1 and 2: {m}");
    }
    if modes.is_empty() {
        vec![2]
    } else {
        modes
    }
}

/// Node counts from `SIM_BENCH_NODES`, the command line, or the default.
fn sizes() -> Vec<usize> {
    let mut words: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if let Ok(env) = std::env::var("SIM_BENCH_NODES") {
        words.extend(env.split(',').map(|s| s.trim().to_string()));
    }
    let mut sizes: Vec<usize> = words
        .iter()
        .filter_map(|w| match w.as_str() {
            "small" => Some(6),
            "large" => Some(1000),
            n => n.parse().ok(),
        })
        .collect();
    if sizes.is_empty() {
        sizes = vec![6, 1000];
    }
    for n in &sizes {
        assert!(
            *n >= 2 && n % 2 == 0,
            "sizes are masters × 2 (one replica each): {n}"
        );
    }
    sizes
}

struct Row {
    nodes: usize,
    threads: usize,
    /// Started formed (not by MEET).
    formed: bool,
    form_wall: Duration,
    form_cpu: Option<Duration>,
    form_sim: Time,
    run_wall: Duration,
    /// CPU time of the same run, this thread only: less sensitive to a
    /// busy machine.
    run_cpu: Option<Duration>,
    /// CPU time of the same run, every thread of the process.
    run_process_cpu: Option<Duration>,
    /// Time windows that ran on two threads.
    parallel_windows: u64,
    delivered: u64,
    bytes: u64,
    /// Cluster state per node (each node's own estimate).
    node_bytes: u64,
    /// What the trace holds at the end.
    trace_bytes: u64,
    /// Peak resident set of the whole process, trace and in-flight included.
    peak_rss: Option<u64>,
    trace_len: usize,
    /// Simulated ms from the kill to the promotion of A's replica.
    failover_ms: Option<u64>,
    fingerprint: u64,
}

fn run(nodes: usize, threads: usize) -> Row {
    let scenario = Scenario {
        masters: nodes / 2,
        replicas: 1,
        formation: formation(),
        ..Scenario::default()
    };
    let cpu_start = cpu_time();
    let start = Instant::now();
    let mut sim = scenario
        .build_with(|sim| {
            if threads == 1 {
                sim.set_parallel(None);
            } else if let Some(min) = min_events() {
                sim.set_parallel(Some(min));
            }
        })
        .expect("the cluster forms");
    let form_wall = start.elapsed();
    let form_cpu = cpu_time().zip(cpu_start).map(|(end, start)| end - start);
    if nodes >= 200 {
        eprintln!(
            "  {nodes} nodes formed in {:.1} s ({} simulated)",
            form_wall.as_secs_f64(),
            sim.now()
        );
    }
    let form_sim = sim.now();
    if warmup_ms() > 0 {
        sim.run_until(form_sim + warmup_ms());
    }

    let before = sim.stats().clone();
    let trace_before = sim.trace().len();
    let killed = sim.index_of("A").expect("master A");
    let replica = sim.index_of("A1").expect("replica A1");
    let t0 = sim.now();
    let windows_before = sim.parallel_windows();
    let cpu_start = cpu_time();
    let process_cpu_start = process_cpu_time();
    let start = Instant::now();
    sim.crash(killed);
    // One simulated second at a time, so slow runs show their progress.
    for s in 1..=RUN_MS / 1000 {
        sim.run_until(t0 + s * 1000);
        if nodes >= 200 && s % 10 == 0 {
            eprintln!(
                "  {nodes} nodes: {s} s simulated in {:.1} s",
                start.elapsed().as_secs_f64()
            );
        }
    }
    let run_wall = start.elapsed();
    let run_cpu = cpu_time().zip(cpu_start).map(|(end, start)| end - start);
    let run_process_cpu = process_cpu_time()
        .zip(process_cpu_start)
        .map(|(end, start)| end - start);
    let parallel_windows = sim.parallel_windows() - windows_before;

    let failover_ms = sim.trace()[trace_before..]
        .iter()
        .find(|e| e.node == replica && matches!(e.event, Event::Promoted { .. }))
        .map(|e| e.t.since(t0));
    assert!(
        failover_ms.is_some(),
        "{nodes} nodes: A1 was not promoted within 60 s of A's crash"
    );
    let peak_rss = proc_status_kb("VmHWM:").map(|kb| kb * 1024);
    let node_bytes = node_memory(&sim);
    let trace_bytes = trace_memory(&sim);
    let after = sim.stats();
    Row {
        nodes,
        threads,
        formed: scenario.resolved_formation() == Formation::Formed,
        form_wall,
        form_cpu,
        form_sim,
        run_wall,
        run_cpu,
        run_process_cpu,
        parallel_windows,
        delivered: after.delivered - before.delivered,
        bytes: after.bytes - before.bytes,
        node_bytes,
        trace_bytes,
        peak_rss,
        trace_len: sim.trace().len(),
        failover_ms,
        fingerprint: fingerprint(&sim),
    }
}

/// Memory per node: the average of each node's own estimate of its cluster
/// state (node table, index, slot table).
fn node_memory(sim: &Sim) -> u64 {
    let total: usize = sim.nodes().iter().map(|n| n.node.state_bytes()).sum();
    (total / sim.nodes().len()) as u64
}

/// Bytes the trace holds (a slot-ownership event points to a 2 KB bitmap,
/// often shared with other events).
fn trace_memory(sim: &Sim) -> u64 {
    let bitmaps: std::collections::HashSet<*const SlotSet> = sim
        .trace()
        .iter()
        .filter_map(|e| match &e.event {
            Event::SlotOwner { slots, .. } => Some(std::sync::Arc::as_ptr(slots)),
            _ => None,
        })
        .collect();
    (std::mem::size_of_val(sim.trace()) + bitmaps.len() * std::mem::size_of::<SlotSet>()) as u64
}

/// CPU time this thread has run so far (Linux's schedstat, in ns).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// CPU time every thread of the process has run so far, exited ones
/// included (utime + stime of /proc/self/stat, in clock ticks of 10 ms).
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces: count from its ')'.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// A field of /proc/self/status, in kB.
fn proc_status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// FNV-1a over the trace, the traffic counters and each node's final state.
fn fingerprint(sim: &Sim) -> u64 {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    for e in sim.trace() {
        let _ = write!(h, "{:?}|{}|{:?};", e.t, e.node, e.event);
    }
    let s = sim.stats();
    let _ = write!(h, "{}|{}|{}|{};", s.delivered, s.dropped, s.bytes, s.events);
    for n in sim.nodes() {
        let node = &n.node;
        let _ = write!(
            h,
            "{:?}|{}|{}|{}|{}|{};",
            node.id(),
            node.current_epoch(),
            node.my_epoch(),
            node.state_ok(),
            node.repl_offset(),
            node.known_nodes()
        );
        for f in node.known_flags() {
            let _ = write!(h, "{};", f.0);
        }
    }
    h.0
}

struct Fnv(u64);

impl std::fmt::Write for Fnv {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        for b in s.bytes() {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        Ok(())
    }
}

fn secs(d: Option<Duration>) -> String {
    d.map_or("n/a".into(), |d| format!("{:.3} s", d.as_secs_f64()))
}

fn print_table(rows: &[Row]) {
    println!(
        "| nodes | threads | formation | formation wall (cpu; sim) | 60 s run wall (cpu) | process cpu | speed-up wall (cpu) | 2-thread windows | msgs delivered | MB sent | state/node | peak RSS | trace events (MB) | failover | fingerprint |"
    );
    println!("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for r in rows {
        let simulated = RUN_MS as f64 / 1000.0;
        let speedup = simulated / r.run_wall.as_secs_f64();
        // Once a window ran on two threads the run went on on the pool's
        // threads: only the process's CPU time counts it.
        let cpu = if r.parallel_windows == 0 {
            r.run_cpu
        } else {
            r.run_process_cpu
        };
        let cpu_speedup = cpu.map_or("n/a".into(), |c| {
            format!("{:.1}×", simulated / c.as_secs_f64())
        });
        println!(
            "| {} | {} | {} | {:.3} s ({}; {:.1} s) | {:.3} s ({}) | {} | {:.1}× ({}) | {} | {} | {:.1} | {:.1} KB | {} | {} ({:.0}) | {} | {:016x} |",
            r.nodes,
            r.threads,
            if r.formed { "formed" } else { "meet" },
            r.form_wall.as_secs_f64(),
            secs(r.form_cpu),
            r.form_sim.ms() as f64 / 1000.0,
            r.run_wall.as_secs_f64(),
            secs(cpu),
            secs(r.run_process_cpu),
            speedup,
            cpu_speedup,
            r.parallel_windows,
            r.delivered,
            r.bytes as f64 / 1e6,
            r.node_bytes as f64 / 1024.0,
            r.peak_rss.map_or("n/a".into(), |b| format!("{:.0} MB", b as f64 / 1048576.0)),
            r.trace_len,
            r.trace_bytes as f64 / 1048576.0,
            r.failover_ms.map_or("none".into(), |ms| format!("{:.1} s", ms as f64 / 1000.0)),
            r.fingerprint,
        );
    }
    println!();
    println!(
        "speed-up: 60 simulated seconds over the run's wall time (over the main thread's CPU \
         time in parentheses, which a busy machine disturbs less; once windows ran on two \
         threads, the process's, every thread's: a wall time below it means the two \
         threads overlapped). 2-thread windows: time windows of \
         the 60 s run whose nodes ran on two threads. msgs/MB: bus and replication \
         traffic of those 60 s (a refused connect sends nothing). state/node: each node's \
         own estimate of its cluster state. peak RSS: the whole process, formation included. \
         failover: from the kill to A1's promotion."
    );
}
