//! The memory floor under any faithful simulation of a large cluster's gossip.
//!
//! Redis's rules make a 1000-node cluster (500 masters + 500 replicas) send
//! about 29 000 PINGs and PONGs per second — the `simulate` bench counts
//! 1.74 M in its 60 s run — each with a gossip section of `N/10` = 100
//! entries (`clusterSendPing`). Building an entry reads what the sender
//! knows about a random node; reading one looks up and updates what the
//! receiver knows about it (`clusterProcessGossipSection`). That is 348 M
//! accesses at random into a thousand tables of a thousand records.
//!
//! This bench does only that — no rules, no messages, no event queue — with
//! records of 8 to 64 bytes, and prints how long the 60 s run would take if
//! it did nothing else: the best speed-up any simulation that runs every
//! gossip entry could reach on this machine, one thread.
//!
//! ```text
//! cargo bench -p clusterlab-core --bench gossip_floor
//! GOSSIP_FLOOR_NODES=300 GOSSIP_FLOOR_MSGS=407000 cargo bench -p clusterlab-core --bench gossip_floor
//! ```

use std::time::Instant;

/// Simulated seconds the message count covers.
const RUN_SECS: f64 = 60.0;

fn main() {
    let nodes = env("GOSSIP_FLOOR_NODES", 1000);
    let msgs = env("GOSSIP_FLOOR_MSGS", 1_740_000);
    let entries = (nodes / 10).max(3);
    println!(
        "gossip memory floor: {nodes} nodes, {msgs} messages of {entries} entries \
         ({RUN_SECS} simulated s), one thread"
    );
    println!();
    println!(
        "| record | table, all nodes | ns per entry access | 60 s run at best | speed-up at best |"
    );
    println!("|---:|---:|---:|---:|---:|");
    run::<1>(nodes, msgs, entries);
    run::<2>(nodes, msgs, entries);
    run::<4>(nodes, msgs, entries);
    run::<8>(nodes, msgs, entries);
    println!();
    println!(
        "record: bytes each node keeps per known node and touches per entry (the \
         simulator's node table keeps what gossip reads in one 64-byte line)."
    );
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One node's record of another: `W` words, the first a pong time.
#[derive(Clone, Copy)]
struct Record<const W: usize>([u64; W]);

fn run<const W: usize>(nodes: usize, msgs: usize, entries: usize) {
    let mut tables: Vec<Vec<Record<W>>> = (0..nodes).map(|_| vec![Record([0; W]); nodes]).collect();
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut section: Vec<(u32, u64)> = Vec::with_capacity(entries);
    let start = Instant::now();
    for m in 0..msgs {
        let sender = rng.below(nodes);
        let receiver = rng.below(nodes);
        let now = m as u64;
        section.clear();
        let table = &tables[sender];
        for _ in 0..entries {
            let about = rng.below(nodes);
            section.push((about as u32, table[about].0[0]));
        }
        let table = &mut tables[receiver];
        for &(about, pong) in &section {
            let record = &mut table[about as usize].0[0];
            *record = (*record).max(pong).max(now);
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let accesses = (msgs * entries * 2) as f64;
    let checksum: u64 = tables.iter().flatten().map(|r| r.0[0]).sum();
    std::hint::black_box(checksum);
    println!(
        "| {} B | {:.0} MB | {:.1} | {:.2} s | {:.0}× |",
        W * 8,
        (nodes * nodes * W * 8) as f64 / 1e6,
        elapsed * 1e9 / accesses,
        elapsed,
        RUN_SECS / elapsed
    );
}

/// A tiny generator: the floor must not be the random numbers' cost.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (((self.0 >> 32) * n as u64) >> 32) as usize
    }
}
