//! A bus link's send buffer as the node sees it (Redis's `link->sndbuf`):
//! bytes queued for the link's writer task plus the write in progress,
//! measured here and reported to the core, which applies
//! `cluster-link-sendbuf-limit` and lists them in CLUSTER LINKS.

use clusterlab_core::node::SendBuffer;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use tokio::sync::watch;

/// Shared between the owner (which queues bytes) and the link's tasks.
pub struct Gauge {
    /// Queued in the writer's channel, not yet taken.
    queued: AtomicU64,
    /// Taken into the write buffer and not yet written.
    pending: AtomicU64,
    /// Capacity of the write buffer while a write is in progress.
    capacity: AtomicU64,
    /// Set when the node frees the link: its tasks stop, closing the socket
    /// even while a write is blocked on a peer that reads nothing.
    killed: watch::Sender<bool>,
}

impl Gauge {
    /// A link with nothing queued.
    pub fn new() -> Gauge {
        Gauge {
            queued: AtomicU64::new(0),
            pending: AtomicU64::new(0),
            capacity: AtomicU64::new(0),
            killed: watch::channel(false).0,
        }
    }

    /// The owner queued `n` bytes on the link.
    pub fn queue(&self, n: usize) {
        self.queued.fetch_add(n as u64, Relaxed);
    }

    /// The writer took `n` queued bytes into its buffer.
    pub fn take(&self, n: usize) {
        self.queued.fetch_sub(n as u64, Relaxed);
    }

    /// The writer's buffer before (`len` bytes) or after (0) a write.
    pub fn writing(&self, len: usize, capacity: usize) {
        self.pending.store(len as u64, Relaxed);
        // An idle buffer counts as freed, as Redis's cron shrinks a
        // buffer that wastes most of its room (`resizeClusterLinkBuffer`).
        let held = if len == 0 { 0 } else { capacity };
        self.capacity.store(held as u64, Relaxed);
    }

    /// What CLUSTER LINKS shows and the limit is checked against.
    pub fn read(&self) -> SendBuffer {
        let queued = self.queued.load(Relaxed);
        SendBuffer {
            allocated: queued + self.capacity.load(Relaxed),
            used: queued + self.pending.load(Relaxed),
        }
    }

    /// Frees the link (`freeClusterLink`).
    pub fn kill(&self) {
        self.killed.send_replace(true);
    }

    /// Resolves once the link is freed.
    pub async fn killed(&self) {
        let mut rx = self.killed.subscribe();
        let _ = rx.wait_for(|k| *k).await;
    }
}
