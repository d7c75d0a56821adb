//! Same seed ⇒ same run, on native and on wasm32-unknown-unknown (the web
//! app's target). Builds the probes for wasm32, runs them under Node.js, and
//! compares their fingerprints with the native ones.
//!
//! Needs the wasm32 target and `node` (scripts/test.sh installs both).

use clusterlab_core::sim::{determinism_probe, formed_probe};
use std::path::PathBuf;
use std::process::Command;

const SEEDS: [u64; 3] = [1, 7, 424242];

/// Builds the wasm32 probe module and returns its path.
fn build_probe() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    // A separate target dir: the outer `cargo test` may hold the main one.
    let target_dir = root.join("target").join("wasm-probe");
    let status = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "build",
            "--quiet",
            "--release",
            "-p",
            "clusterlab-core",
            "--no-default-features",
            "--example",
            "wasm_fingerprint",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .env("CARGO_TARGET_DIR", &target_dir)
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "building the probe for wasm32 failed (is the wasm32-unknown-unknown target installed?)"
    );
    target_dir.join("wasm32-unknown-unknown/release/examples/wasm_fingerprint.wasm")
}

/// Runs the module's `export(seed)` under Node.js for every seed.
fn wasm_prints(export: &str, seeds: &[u64]) -> Vec<u64> {
    let wasm = build_probe();
    let script = format!(
        "const fs=require('fs');\
         WebAssembly.instantiate(fs.readFileSync({wasm:?})).then(({{instance}})=>{{\
           for (const s of process.argv.slice(1)) \
             console.log(BigInt.asUintN(64, instance.exports.{export}(BigInt(s))).toString());\
         }}).catch(e=>{{console.error(e);process.exit(1);}});",
        wasm = wasm.display().to_string()
    );
    let mut cmd = Command::new("node");
    cmd.arg("-e").arg(&script);
    for s in seeds {
        cmd.arg(s.to_string());
    }
    let out = cmd.output().expect("node (Node.js) is installed");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let prints: Vec<u64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().parse().expect("a fingerprint"))
        .collect();
    assert_eq!(prints.len(), seeds.len());
    prints
}

#[test]
fn wasm32_replays_the_same_trace_as_native() {
    let wasm_prints = wasm_prints("fingerprint", &SEEDS);
    for (seed, wasm_fp) in SEEDS.iter().zip(&wasm_prints) {
        let native = determinism_probe(*seed);
        assert_ne!(native, 0, "seed {seed}: the cluster did not form");
        assert_eq!(
            native, *wasm_fp,
            "seed {seed}: native and wasm32 traces differ"
        );
    }
}

#[test]
fn wasm32_replays_a_formed_300_node_cluster_as_native() {
    // Issue 15 item 6: a formed start at 300 nodes (the restart burst, then
    // a failover), one seed: the run costs seconds, not minutes.
    let seed = 3;
    let wasm_fp = wasm_prints("fingerprint_formed", &[seed])[0];
    let native = formed_probe(seed);
    assert_ne!(native, 0, "seed {seed}: a node could not load");
    assert_eq!(
        native, wasm_fp,
        "seed {seed}: native and wasm32 runs of the formed 300-node cluster differ"
    );
}
