//! How the simulated network behaves: latency, jitter, loss and duplication.
//!
//! Loss and duplication are integer ratios (parts per million), so a run's
//! random draws compare integers: no float rounding decides whether a
//! message is lost, on any platform.

/// The denominator of loss and duplication ratios: parts per million.
pub const PPM: u32 = 1_000_000;

/// How the network behaves. Latency is `min_latency_ms + U[0, jitter_ms]` per
/// message, never reordering messages on one link (TCP keeps order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetConfig {
    /// Smallest one-way latency, ms (also the parallel windows' width).
    pub min_latency_ms: u64,
    /// Extra latency drawn uniformly in `0..=jitter_ms`.
    pub jitter_ms: u64,
    /// Messages lost, per million ([`PPM`]: all; 10 000: 1 %).
    pub loss_ppm: u32,
    /// Messages delivered twice, per million.
    pub duplication_ppm: u32,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            min_latency_ms: 1,
            jitter_ms: 2,
            loss_ppm: 0,
            duplication_ppm: 0,
        }
    }
}
