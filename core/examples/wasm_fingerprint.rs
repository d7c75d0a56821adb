//! The determinism probe as a wasm32 module: exports `fingerprint(seed)` so
//! `tests/wasm_determinism.rs` can run it under Node.js and compare with the
//! native result.

/// Exported to JavaScript (`BigInt` in, `BigInt` out).
// A C ABI export needs `no_mangle`, which the unsafe_code lint flags.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn fingerprint(seed: u64) -> u64 {
    clusterlab_core::sim::determinism_probe(seed)
}

/// [`clusterlab_core::sim::formed_probe`] for JavaScript: 300 nodes started
/// formed, the same run natively and in wasm32.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn fingerprint_formed(seed: u64) -> u64 {
    clusterlab_core::sim::formed_probe(seed)
}
