//! The simulator itself: same seed ⇒ same run (sequential, on two threads,
//! on wasm32), snapshots, the seed sweep, `Sim::why` (live and on a JSON
//! trace read back), the course's plots,
//! and `clusterlab-node simulate`. One test binary for the area, so that
//! the core is linked once for all of it:
//! `cargo test -p clusterlab-core --test sim [MODULE::]`.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod determinism;
mod experiment;
mod parallel_sim;
mod seed_sweep;
mod snapshot;
mod trace_json;
mod wasm_determinism;
mod why;
