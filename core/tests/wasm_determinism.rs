//! Same seed ⇒ same run, on native and on wasm32-unknown-unknown (the web
//! app's target). Builds the probe for wasm32, runs it under Node.js, and
//! compares its trace fingerprints with the native ones.
//!
//! Needs the wasm32 target and `node` (scripts/test.sh installs both).

use clusterlab_core::sim::determinism_probe;
use std::path::PathBuf;
use std::process::Command;

const SEEDS: [u64; 3] = [1, 7, 424242];

#[test]
fn wasm32_replays_the_same_trace_as_native() {
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
    let wasm = target_dir.join("wasm32-unknown-unknown/release/examples/wasm_fingerprint.wasm");
    let script = format!(
        "const fs=require('fs');\
         WebAssembly.instantiate(fs.readFileSync({wasm:?})).then(({{instance}})=>{{\
           for (const s of process.argv.slice(1)) \
             console.log(BigInt.asUintN(64, instance.exports.fingerprint(BigInt(s))).toString());\
         }}).catch(e=>{{console.error(e);process.exit(1);}});",
        wasm = wasm.display().to_string()
    );
    let mut cmd = Command::new("node");
    cmd.arg("-e").arg(&script);
    for s in SEEDS {
        cmd.arg(s.to_string());
    }
    let out = cmd.output().expect("node (Node.js) is installed");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wasm_prints: Vec<u64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().parse().expect("a fingerprint"))
        .collect();
    for (seed, wasm_fp) in SEEDS.iter().zip(&wasm_prints) {
        let native = determinism_probe(*seed);
        assert_ne!(native, 0, "seed {seed}: the cluster did not form");
        assert_eq!(
            native, *wasm_fp,
            "seed {seed}: native and wasm32 traces differ"
        );
    }
    assert_eq!(wasm_prints.len(), SEEDS.len());
}
