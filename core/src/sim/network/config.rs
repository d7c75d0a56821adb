//! How the simulated network behaves: latency, jitter, loss and duplication.

/// How the network behaves. Latency is `min_latency_ms + U[0, jitter_ms]` per
/// message, never reordering messages on one link (TCP keeps order).
#[derive(Clone, Debug, PartialEq)]
pub struct NetConfig {
    pub min_latency_ms: u64,
    pub jitter_ms: u64,
    /// Probability that a message is lost (0.0 ..= 1.0).
    pub loss: f64,
    /// Probability that a message is delivered twice.
    pub duplication: f64,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            min_latency_ms: 1,
            jitter_ms: 2,
            loss: 0.0,
            duplication: 0.0,
        }
    }
}
