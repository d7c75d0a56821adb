//! The simulated network: what is on the wire and when it arrives.
//!
//! It owns everything between two nodes: the messages in flight, the TCP
//! connects under way, each link's clock (links are FIFO, as TCP is), the
//! partitions, and the random stream that decides loss, duplication and
//! jitter. The scheduler ([`Sim`](super::Sim)) asks it for the next arrival
//! and hands what arrives to the nodes; what a node does with it (and whether
//! a crashed or stopped process can take it) is the scheduler's business.

mod config;
mod partitions;
mod wire;

pub use config::{NetConfig, PPM};
pub use partitions::Partitions;
pub use wire::{InFlight, Payload};

use crate::time::Time;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// When an in-flight message or a connect completes: (time, sequence).
pub(super) type Arrival = (Time, u64);

/// The network between the simulated nodes (indexes into the simulator's
/// node list).
#[derive(Clone)]
pub(super) struct Network {
    config: NetConfig,
    /// Which node listens at each bus address.
    listeners: BTreeMap<SocketAddr, usize>,
    /// In-flight messages by (delivery time, sequence).
    queue: BTreeMap<Arrival, InFlight>,
    /// TCP connects under way, by (completion time, sequence): which node
    /// connects to which bus address.
    connects: BTreeMap<Arrival, (usize, SocketAddr)>,
    /// Last delivery time per directed pair, to keep links FIFO:
    /// `link_clock[from][to]`, dense (in a formed cluster every pair talks,
    /// and a map of a million pairs was slower and larger).
    link_clock: Vec<Vec<Time>>,
    /// Numbers messages and connects: ties at one instant go in sending order.
    seq: u64,
    /// Loss, duplication and jitter draws, seeded from the run's seed.
    rng: ChaCha8Rng,
    partitions: Partitions,
    /// Stream segments (everything but bus messages) a cut stopped, in
    /// sending order: TCP keeps retransmitting them, so they arrive once
    /// the network heals, unless an end dies first.
    held: Vec<InFlight>,
}

/// Linux's minimum retransmission timeout (`TCP_RTO_MIN`, 200 ms): a lost
/// stream segment arrives this much later, doubling per further loss.
const TCP_RTO_MIN_MS: u64 = 200;
/// Linux's `TCP_RTO_MAX` (120 s), the longest wait between retransmissions.
const TCP_RTO_MAX_MS: u64 = 120_000;
/// Linux's `tcp_retries2` default: past 15 retransmissions the segment is
/// delivered anyway (the model keeps streams whole rather than reset them).
const TCP_RETRIES: u32 = 15;

impl Network {
    pub fn new(seed: u64, config: NetConfig) -> Network {
        Network {
            config,
            listeners: BTreeMap::new(),
            queue: BTreeMap::new(),
            connects: BTreeMap::new(),
            link_clock: Vec::new(),
            seq: 0,
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x6e65_7477_6f72_6b21),
            partitions: Partitions::default(),
            held: Vec::new(),
        }
    }

    /// Node `idx` (the next index) listens on the bus at `bus_addr`.
    pub fn attach(&mut self, idx: usize, bus_addr: SocketAddr) {
        debug_assert_eq!(idx, self.link_clock.len(), "nodes attach in index order");
        self.listeners.insert(bus_addr, idx);
        self.link_clock.push(Vec::new());
    }

    /// The node listening on the bus at `addr`.
    pub fn listener(&self, addr: SocketAddr) -> Option<usize> {
        self.listeners.get(&addr).copied()
    }

    /// (Read by `parallel` only, which wasm32 builds lack, as are the
    /// window methods below.)
    #[cfg(not(target_arch = "wasm32"))]
    pub fn config(&self) -> &NetConfig {
        &self.config
    }

    /// From now on, the network behaves as `config` (messages in flight
    /// keep their delivery times); ratios above one million are all.
    pub fn set_config(&mut self, config: NetConfig) {
        self.config = config;
        self.config.loss_ppm = self.config.loss_ppm.min(PPM);
        self.config.duplication_ppm = self.config.duplication_ppm.min(PPM);
    }

    /// From now on, loses each message with probability `p` (clamped to
    /// 0..=1, NaN as 0), kept in parts per million.
    pub fn set_loss(&mut self, p: f64) {
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        self.config.loss_ppm = (p * f64::from(PPM)).round() as u32;
    }

    pub fn partitions(&self) -> &Partitions {
        &self.partitions
    }

    pub fn partitions_mut(&mut self) -> &mut Partitions {
        &mut self.partitions
    }

    /// Whether a cut stops traffic from `from` to `to`.
    pub fn blocks(&self, from: usize, to: usize) -> bool {
        self.partitions.blocks(from, to)
    }

    /// Messages on the wire, earliest delivery first.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.queue.values()
    }

    /// The next message to arrive.
    pub fn next_message(&self) -> Option<Arrival> {
        self.queue.keys().next().copied()
    }

    /// The next connect to complete.
    pub fn next_connect(&self) -> Option<Arrival> {
        self.connects.keys().next().copied()
    }

    /// Takes the message arriving at `key` off the wire.
    pub fn take_message(&mut self, key: Arrival) -> Option<InFlight> {
        self.queue.remove(&key)
    }

    /// Takes the next message off the wire if it arrives before `end`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn take_message_before(&mut self, end: Time) -> Option<(Arrival, InFlight)> {
        let entry = self.queue.first_entry()?;
        (entry.key().0 < end).then(|| entry.remove_entry())
    }

    /// Takes the connect completing at `key`: (connecting node, address).
    pub fn take_connect(&mut self, key: Arrival) -> Option<(usize, SocketAddr)> {
        self.connects.remove(&key)
    }

    /// Takes the next connect if it completes before `end`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn take_connect_before(&mut self, end: Time) -> Option<(Arrival, (usize, SocketAddr))> {
        let entry = self.connects.first_entry()?;
        (entry.key().0 < end).then(|| entry.remove_entry())
    }

    /// Messages and connects arriving before `end`, each counted up to `cap`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn arrivals_before(&self, end: Time, cap: usize) -> usize {
        let msgs = self.queue.range(..(end, 0)).take(cap).count();
        let connects = self.connects.range(..(end, 0)).take(cap).count();
        msgs + connects
    }

    /// A stream segment reached a cut on its way: kept until the heal.
    pub fn hold(&mut self, m: InFlight) {
        self.held.push(m);
    }

    /// The network healed: the held stream segments go out again, in their
    /// sending order, after the minimum latency (TCP's next retransmission).
    pub fn release_held(&mut self, now: Time) {
        let mut held = std::mem::take(&mut self.held);
        crate::sorted::sort_by_key(&mut held, |m| m.id);
        let nodes = self.link_clock.len();
        for mut m in held {
            let clocks = &mut self.link_clock[m.from];
            if clocks.len() <= m.to {
                clocks.resize(nodes, Time::ZERO);
            }
            m.deliver_at = (now + self.config.min_latency_ms).max(clocks[m.to]);
            clocks[m.to] = m.deliver_at;
            self.queue.insert((m.deliver_at, m.id), m);
        }
    }

    /// Node `idx` died: the held segments of its connections are gone
    /// with them.
    pub fn forget_held_of(&mut self, idx: usize) {
        self.held.retain(|m| m.from != idx && m.to != idx);
    }

    /// Removes one in-flight message by its id; returns whether it existed.
    pub fn drop_message(&mut self, id: u64) -> bool {
        let key = self.queue.iter().find(|(_, m)| m.id == id).map(|(k, _)| *k);
        key.and_then(|k| self.queue.remove(&k)).is_some()
    }

    /// Puts `payload` (`bytes` long) from node `from` on the wire to the bus
    /// address `to_addr`, sent at `now`. Returns how many copies travel: 0
    /// when nobody listens there, a cut stops it or it is lost, 2 when it is
    /// duplicated. Each copy arrives after the minimum latency plus a jitter
    /// draw, never before an earlier message on the same link; `sent` sees
    /// each copy as it is queued (the views' wire log).
    pub fn transmit(
        &mut self,
        now: Time,
        from: usize,
        to_addr: SocketAddr,
        bytes: usize,
        payload: Payload,
        mut sent: impl FnMut(&InFlight),
    ) -> u64 {
        let Some(to) = self.listener(to_addr) else {
            return 0;
        };
        // Bus messages are lost or duplicated as the configuration says: the
        // cluster bus's rules cope with that. A stream (replication, client
        // connections) is TCP's: a lost segment is sent again, later, and
        // never twice, so its bytes arrive whole and in order.
        let stream = payload.is_stream();
        if self.partitions.blocks(from, to) {
            if !stream {
                return 0;
            }
            self.seq += 1;
            self.held.push(InFlight {
                id: self.seq,
                from,
                to,
                sent_at: now,
                deliver_at: now,
                bytes,
                payload,
            });
            return 1;
        }
        let mut retransmit = 0;
        if stream {
            let mut rto = TCP_RTO_MIN_MS;
            for _ in 0..TCP_RETRIES {
                if !self.chance(self.config.loss_ppm) {
                    break;
                }
                retransmit += rto;
                rto = (rto * 2).min(TCP_RTO_MAX_MS);
            }
        } else if self.chance(self.config.loss_ppm) {
            return 0;
        }
        let copies = if !stream && self.chance(self.config.duplication_ppm) {
            2
        } else {
            1
        };
        // The last copy takes the payload itself: cloning a gossip message
        // means a hundred entries and their strings.
        let mut payload = Some(payload);
        for copy in 1..=copies {
            let jitter = if self.config.jitter_ms > 0 {
                self.rng.random_range(0..=self.config.jitter_ms)
            } else {
                0
            };
            let earliest = now + self.config.min_latency_ms + jitter + retransmit;
            let nodes = self.link_clock.len();
            let clocks = &mut self.link_clock[from];
            if clocks.len() <= to {
                clocks.resize(nodes, Time::ZERO);
            }
            let deliver_at = earliest.max(clocks[to]);
            clocks[to] = deliver_at;
            self.seq += 1;
            let m = InFlight {
                id: self.seq,
                from,
                to,
                sent_at: now,
                deliver_at,
                bytes,
                payload: if copy == copies {
                    payload.take().expect("moved once, on the last copy")
                } else {
                    payload.clone().expect("not moved yet")
                },
            };
            sent(&m);
            self.queue.insert((deliver_at, self.seq), m);
        }
        copies
    }

    /// Node `from` connects to the bus address `to` at `now`: the answer
    /// (SYN-ACK, or RST when nobody listens) is back after a round trip of
    /// the minimum latency. The handshake carries no message and is not
    /// counted as one.
    pub fn start_connect(&mut self, now: Time, from: usize, to: SocketAddr) {
        self.seq += 1;
        let done = now + 2 * self.config.min_latency_ms;
        self.connects.insert((done, self.seq), (from, to));
    }

    /// Forgets the connects node `idx` has under way (its process died or
    /// restarted: nobody waits for their answer).
    pub fn forget_connects_of(&mut self, idx: usize) {
        self.connects.retain(|_, (from, _)| *from != idx);
    }

    /// A biased coin from the network's own stream: true `ppm` times in a
    /// million (no draw when `ppm` is 0).
    fn chance(&mut self, ppm: u32) -> bool {
        ppm > 0 && self.rng.random_range(0..PPM) < ppm
    }
}
