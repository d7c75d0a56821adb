//! A replica loading the RDB of a full resync, slowly (`rdbLoad`'s loop,
//! rdb.c). Redis blocks in the load: it waits `key-load-delay` µs after
//! each key (`debugDelay`, a negative value sleeping 1 µs once in that
//! many keys), and each time the bytes read pass a multiple of
//! `loading-process-events-interval-bytes` it serves the event loop once
//! (`rdbLoadProgressCallback` → `processEventsWhileBlocked`): bus messages
//! are read and answered, clients get `-LOADING` unless their command has
//! the `loading` flag, and no cron runs. The master's link is not read
//! (`readSyncBulkPayload` removed its handler) until the load ends.
//! Meanwhile the replica announces offset 0 (`replicationGetSlaveOffset`:
//! no master client, and the full resync discarded the cached one), which
//! is how its master learns that it is loading (`isReplicaAvailable`,
//! CLUSTER SHARDS' `health:loading`).
//!
//! A sans-IO node cannot block, so a load with a delay is a state: keys
//! count as loaded as time passes, at the delay read at that moment (a
//! `CONFIG SET key-load-delay` served during the load changes the pace,
//! as in Redis); inputs wait for the next event window; the dataset goes
//! in when the last key is loaded. Without a delay the load takes no time
//! here, as the node models no CPU time.

use super::repl::replica::MasterLink;
use crate::keyspace::Keyspace;
use crate::node::ServerCtx;
use crate::node::{Input, Node};
use crate::time::Time;

/// A load in progress.
#[derive(Clone, Debug)]
pub struct Loading {
    /// The dataset, installed when the last key is loaded.
    data: Box<Keyspace>,
    /// The master's offset the full resync brings the replica to.
    offset: u64,
    /// Keys in the RDB.
    keys: u64,
    /// The RDB's size (`loading_total_bytes`).
    bytes: u64,
    /// Keys loaded so far.
    done: u64,
    /// Nanoseconds spent towards the next key.
    carry_ns: u64,
    /// The time `done` and `carry_ns` are counted up to.
    at: Time,
    /// When the load started (`loading_start_time`).
    started: Time,
    /// The last event window served (bytes read / the interval).
    window: u64,
    /// Inputs waiting for the next event window, in arrival order.
    held: Vec<Input>,
    /// Inputs waiting for the end of the load (the master's link).
    after: Vec<Input>,
}

/// `debugDelay`'s average cost of one key, in nanoseconds (also the RDB
/// child's `rdb-key-save-delay`).
pub(in crate::node) fn debug_delay_ns(delay: i64) -> u64 {
    match delay {
        d if d > 0 => d as u64 * 1000,
        d if d < 0 => 1000 / d.unsigned_abs(),
        _ => 0,
    }
}

impl Loading {
    /// Bytes read once `keys` keys are loaded (keys are taken as equal in size).
    fn bytes_at(&self, keys: u64) -> u64 {
        (keys as u128 * self.bytes as u128 / self.keys.max(1) as u128) as u64
    }

    /// Keys to load before `bytes` bytes are read.
    fn keys_at(&self, bytes: u64) -> u64 {
        let k = (bytes as u128 * self.keys as u128).div_ceil(self.bytes.max(1) as u128);
        (k as u64).min(self.keys)
    }
}

impl Node {
    fn key_load_delay(&self) -> i64 {
        self.cfg.param_str("key-load-delay").parse().unwrap_or(0)
    }

    fn events_interval(&self) -> u64 {
        self.cfg
            .param_str("loading-process-events-interval-bytes")
            .parse()
            .unwrap_or(2 * 1024 * 1024)
    }

    /// The RDB of a full resync arrived (`data`; `bytes` measures it on
    /// the wire, asked only for a slowed load): load it, slowly if `key-load-delay` says so. Returns the
    /// dataset back when the load takes no time, to install at once.
    pub(in crate::node) fn start_loading(
        &mut self,
        now: Time,
        data: Box<Keyspace>,
        offset: u64,
        bytes: impl FnOnce(&Keyspace) -> u64,
    ) -> Option<Box<Keyspace>> {
        let keys = data.len() as u64;
        if keys == 0 || debug_delay_ns(self.key_load_delay()) == 0 {
            return Some(data);
        }
        let bytes = bytes(&data).max(1);
        self.server.loading = Some(Box::new(Loading {
            data,
            offset,
            keys,
            bytes,
            done: 0,
            carry_ns: 0,
            at: now,
            started: now,
            window: 0,
            held: Vec::new(),
            after: Vec::new(),
        }));
        None
    }

    /// Whether a full resync's RDB is being loaded behind `loading:1`:
    /// slowly after its transfer, or from the socket as it arrives.
    pub fn loading_rdb(&self) -> bool {
        self.server.loading.is_some() || self.master_link().loading_from_socket()
    }

    /// `async_loading`: the RDB loads while the old keyspace is served.
    pub fn async_loading(&self) -> bool {
        self.master_link().async_loading()
    }

    /// Counts the keys loaded up to `now` at the current delay; true when
    /// an event window passed meanwhile.
    fn advance_load(&mut self, now: Time) -> bool {
        let per_key = debug_delay_ns(self.key_load_delay());
        let interval = self.events_interval().max(1);
        let Some(l) = self.server.loading.as_mut() else {
            return false;
        };
        if per_key == 0 {
            l.done = l.keys;
        } else {
            let ns = now.since(l.at) as u128 * 1_000_000 + l.carry_ns as u128;
            let n = ns / per_key as u128;
            l.done = (l.done as u128 + n).min(l.keys as u128) as u64;
            l.carry_ns = (ns % per_key as u128) as u64;
        }
        l.at = now;
        let window = l.bytes_at(l.done) / interval;
        let passed = window > l.window;
        l.window = window;
        passed
    }

    /// When the load next needs the node: its next event window or its end.
    pub(in crate::node) fn loading_deadline(&self) -> Option<Time> {
        let l = self.server.loading.as_ref()?;
        let per_key = debug_delay_ns(self.key_load_delay());
        let interval = self.events_interval().max(1);
        let next = l.keys_at((l.window + 1) * interval).max(l.done + 1);
        let ns = ((next - l.done) as u128 * per_key as u128).saturating_sub(l.carry_ns as u128);
        Some(l.at + ns.div_ceil(1_000_000) as u64)
    }

    /// While loading: holds `input` (served at the next event window, or
    /// after the load for the master's link and cron) and answers true.
    /// When the load is over: installs the dataset, runs what waited, and
    /// answers false so `input` runs as usual.
    pub(in crate::node) fn loading_input(&mut self, now: Time, input: &Input) -> bool {
        let passed = self.advance_load(now);
        if self
            .server
            .loading
            .as_ref()
            .is_some_and(|l| l.done >= l.keys)
        {
            let Some(l) = self.server.loading.take() else {
                return false;
            };
            self.full_sync_loaded(now, l.data, l.offset);
            for held in l.held.into_iter().chain(l.after) {
                self.handle(now, held);
            }
            return false;
        }
        if passed {
            self.serve_events_while_loading(now);
        }
        if let Some(l) = self.server.loading.as_mut() {
            match input {
                Input::Timeout => {}
                Input::Repl { .. } | Input::ReplLinkUp { .. } => l.after.push(input.clone()),
                Input::ConnClosed { conn, .. } if MasterLink::is_repl_conn(*conn) => {
                    l.after.push(input.clone())
                }
                _ => l.held.push(input.clone()),
            }
        }
        true
    }

    /// `processEventsWhileBlocked`: the inputs that waited are served —
    /// bus messages answered, commands run or refused with `-LOADING` —
    /// without a cron or `clusterBeforeSleep`.
    fn serve_events_while_loading(&mut self, now: Time) {
        let held = self
            .server
            .loading
            .as_mut()
            .map(|l| std::mem::take(&mut l.held))
            .unwrap_or_default();
        for input in held {
            self.dispatch(now, input);
            self.end_of_input(now);
        }
    }
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    /// INFO's `loading_*` fields while loading (`genRedisInfoString`).
    /// `loading_rdb_used_mem` is the RDB's `used-mem` field, which this
    /// node's RDBs write as 0.
    pub(crate) fn loading_info(&self, now: Time) -> Option<String> {
        let l = self.server.loading.as_ref()?;
        let loaded = l.bytes_at(l.done);
        let perc = loaded as f64 / l.bytes as f64 * 100.0;
        let remaining = l.bytes - loaded;
        let elapsed = now.ms() / 1000 - l.started.ms() / 1000;
        let eta = if elapsed == 0 {
            1
        } else {
            elapsed * remaining / (loaded + 1)
        };
        Some(format!(
            "loading_start_time:{}\r\nloading_total_bytes:{}\r\nloading_rdb_used_mem:0\r\nloading_loaded_bytes:{loaded}\r\nloading_loaded_perc:{perc:.2}\r\nloading_eta_seconds:{eta}\r\n",
            l.started.ms() / 1000,
            l.bytes,
        ))
    }
}
