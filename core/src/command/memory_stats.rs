//! MEMORY STATS / DOCTOR / MALLOC-STATS / PURGE (object.c `memoryCommand`,
//! `getMemoryOverheadData`, `getMemoryDoctorReport`) over the node's memory
//! estimate, which INFO's memory section reports too.
//!
//! What is computed: the dataset (each key as MEMORY USAGE estimates it, a
//! TTL's entry in `expires`), the main and expires hash tables' entries and
//! bucket arrays and cluster mode's slot-to-keys metadata as Redis sizes
//! them, the clients, and the EVAL script cache (`evalScriptsMemory`).
//! What is not, and reads as Redis reads it when nothing is there: the
//! replication backlog and replica buffers (the node streams to replicas
//! through its own path and keeps no backlog buffer), cluster links' and
//! the AOF's buffers, the functions' engine overhead (the node has no Lua
//! engine to measure, so `functions.caches` is 0), the allocator's own
//! figures (the node allocates through Rust, so RSS, active and resident
//! equal what it allocated, and every fragmentation ratio is 1). The
//! allocator is reported as `libc`, as INFO's `mem_allocator` says: jemalloc's
//! MALLOC-STATS and PURGE answer as Redis built without jemalloc answers.

use super::memory::{key_usage, size_class};
use super::object::Limits;
use super::Call;
use crate::node::ServerCtx;
use crate::resp::Value;

/// `used_memory_startup` of a 7.0.15 cluster node with nothing in it,
/// measured: the estimate adds the data and the clients to it.
pub const STARTUP_MEMORY: u64 = 1_600_248;

/// What one idle client costs Redis (`mem_clients_normal` per client).
pub const CLIENT_MEMORY: u64 = 17_160;

/// `sizeof(dictEntry)`, `sizeof(robj)`, a bucket pointer, and cluster
/// mode's per-key slot-to-keys metadata (`dictMetadataSize`).
const DICT_ENTRY: u64 = 24;
const ROBJ: u64 = 16;
const BUCKET: u64 = 8;
const SLOT_TO_KEYS: u64 = 16;
/// `sizeof(luaScript)`: its flags and body pointer.
const LUA_SCRIPT: u64 = 16;

/// A dict's bucket count after `n` adds: none before the first, then
/// `DICT_HT_INITIAL_SIZE` (4), doubled whenever it is full (`_dictExpandIfNeeded`).
fn dict_slots(n: usize) -> u64 {
    if n == 0 {
        0
    } else {
        n.next_power_of_two().max(4) as u64
    }
}

/// `struct redisMemOverhead`, as the node estimates it.
#[derive(Clone, Debug, PartialEq)]
pub struct Overhead {
    /// `total.allocated` (INFO's `used_memory`).
    pub total: u64,
    /// `startup.allocated`.
    pub startup: u64,
    /// `clients.normal`.
    pub clients_normal: u64,
    /// `lua.caches`: the EVAL script cache.
    pub lua_caches: u64,
    /// `db.0`'s `overhead.hashtable.main`, `.expires`, `.slot-to-keys`
    /// (no entry for an empty db, as Redis skips it).
    pub db0: Option<[u64; 3]>,
    /// `overhead.total`.
    pub overhead_total: u64,
    /// `keys.count`.
    pub keys: u64,
    /// `dataset.bytes`.
    pub dataset: u64,
}

impl Overhead {
    /// `getMemoryOverheadData` over the node's estimate: every stored key
    /// counts, those past their TTL not yet deleted too (`dictSize`).
    pub fn of(node: &ServerCtx) -> Overhead {
        let limits = Limits::of(node.config());
        let ks = node.keyspace();
        let mut data = 0u64;
        for (k, d, _) in ks.stored() {
            data += key_usage(&limits, k, d, ks.is_raw(k)) as u64;
        }
        let keys = ks.len();
        let expiring = ks.expiring();
        let main = keys as u64 * (DICT_ENTRY + ROBJ) + dict_slots(keys) * BUCKET;
        let expires = expiring as u64 * DICT_ENTRY + dict_slots(expiring) * BUCKET;
        let slot_to_keys = keys as u64 * SLOT_TO_KEYS;
        let clients_normal = node.client_count() as u64 * CLIENT_MEMORY;
        let lua_caches = lua_caches(node);
        // What the keys cost beyond the tables' entries and robjs, counted above.
        let values = data.saturating_sub(keys as u64 * (DICT_ENTRY + SLOT_TO_KEYS + ROBJ));
        let total =
            STARTUP_MEMORY + clients_normal + lua_caches + main + expires + slot_to_keys + values;
        let db0 = (keys > 0).then_some([main, expires, slot_to_keys]);
        let overhead_total =
            STARTUP_MEMORY + clients_normal + lua_caches + db0.map_or(0, |d| d.iter().sum::<u64>());
        Overhead {
            total,
            startup: STARTUP_MEMORY,
            clients_normal,
            lua_caches,
            db0,
            overhead_total,
            keys: keys as u64,
            dataset: total - overhead_total,
        }
    }

    /// Memory above the startup footprint (at least 1, as Redis divides by it).
    fn net(&self) -> u64 {
        if self.total > self.startup {
            self.total - self.startup
        } else {
            1
        }
    }

    /// `dataset.percentage` (a C `float`).
    pub fn dataset_perc(&self) -> f32 {
        self.dataset as f32 * 100.0 / self.net() as f32
    }

    /// `keys.bytes-per-key`.
    pub fn bytes_per_key(&self) -> u64 {
        self.net().checked_div(self.keys).unwrap_or(0)
    }
}

/// `evalScriptsMemory`: each script's SHA sds and body, its dict entry and
/// `luaScript`, and the dict's buckets.
fn lua_caches(node: &ServerCtx) -> u64 {
    let scripts = &node.scripts().scripts;
    let bodies: u64 = scripts
        .values()
        .map(|s| {
            // The body is the command's argument: embstr up to 44 bytes
            // (`getStringObjectSdsUsedMemory`: its allocation less the
            // robj), else a raw sds.
            let len = s.code.len();
            let body = if len <= 44 {
                size_class(16 + 3 + len + 1) - 16
            } else {
                sds_alloc(len)
            };
            (sds_alloc(40) + body) as u64
        })
        .sum();
    bodies + scripts.len() as u64 * (DICT_ENTRY + LUA_SCRIPT) + dict_slots(scripts.len()) * BUCKET
}

/// `sdsZmallocSize` of an sds of `len` bytes made by `sdsnewlen`.
fn sds_alloc(len: usize) -> usize {
    let header = match len {
        0..=31 => 1,
        32..=255 => 3,
        256..=65_535 => 5,
        _ => 9,
    };
    size_class(header + len + 1)
}

/// `MEMORY STATS`: `addReplyMapLen(c, 27 + num_dbs)`, in Redis's order.
pub fn stats(c: &mut Call) -> Value {
    let m = Overhead::of(&c.server());
    let int = |n: u64| Value::Integer(n.min(i64::MAX as u64) as i64);
    let ratio = |f: f32| Value::Double(f64::from(f));
    let mut pairs: Vec<(&str, Value)> = vec![
        ("peak.allocated", int(m.total)),
        ("total.allocated", int(m.total)),
        ("startup.allocated", int(m.startup)),
        ("replication.backlog", int(0)),
        ("clients.slaves", int(0)),
        ("clients.normal", int(m.clients_normal)),
        ("cluster.links", int(0)),
        ("aof.buffer", int(0)),
        ("lua.caches", int(m.lua_caches)),
        ("functions.caches", int(0)),
    ];
    let mut out: Vec<(Value, Value)> = pairs.drain(..).map(|(k, v)| (Value::bulk(k), v)).collect();
    if let Some([main, expires, slot]) = m.db0 {
        out.push((
            Value::bulk("db.0"),
            Value::Map(vec![
                (Value::bulk("overhead.hashtable.main"), int(main)),
                (Value::bulk("overhead.hashtable.expires"), int(expires)),
                (Value::bulk("overhead.hashtable.slot-to-keys"), int(slot)),
            ]),
        ));
    }
    let rest: Vec<(&str, Value)> = vec![
        ("overhead.total", int(m.overhead_total)),
        ("keys.count", int(m.keys)),
        ("keys.bytes-per-key", int(m.bytes_per_key())),
        ("dataset.bytes", int(m.dataset)),
        ("dataset.percentage", ratio(m.dataset_perc())),
        // peak is the current total: the estimate keeps no history.
        ("peak.percentage", ratio(100.0)),
        ("allocator.allocated", int(m.total)),
        ("allocator.active", int(m.total)),
        ("allocator.resident", int(m.total)),
        ("allocator-fragmentation.ratio", ratio(1.0)),
        ("allocator-fragmentation.bytes", int(0)),
        ("allocator-rss.ratio", ratio(1.0)),
        ("allocator-rss.bytes", int(0)),
        ("rss-overhead.ratio", ratio(1.0)),
        ("rss-overhead.bytes", int(0)),
        ("fragmentation", ratio(1.0)),
        ("fragmentation.bytes", int(0)),
    ];
    out.extend(rest.into_iter().map(|(k, v)| (Value::bulk(k), v)));
    Value::Map(out)
}

/// `getMemoryDoctorReport`'s introduction when it finds nothing to check.
const EMPTY: &str = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
/// ... when it checked and found nothing.
const HEALTHY: &str = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
/// The `many_scripts` report.
const MANY_SCRIPTS: &str = " * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' caches may end up consuming most of your memory.\n\n";
/// The `big_client_buf` report.
const BIG_CLIENT_BUF: &str = " * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n";

/// `getMemoryDoctorReport` over the estimate: below 5 MB nothing is
/// checked; above, the checks whose inputs the node has (clients' memory
/// per client, the script cache's size). Peak, fragmentation and RSS are
/// the allocation itself here (ratio 1), so their reports never fire.
pub fn doctor_report(node: &ServerCtx) -> String {
    let m = Overhead::of(node);
    if m.total < 5 * 1024 * 1024 {
        return EMPTY.into();
    }
    let mut issues = Vec::new();
    let clients = node.client_count().max(1) as u64;
    if m.clients_normal / clients > 1024 * 200 {
        issues.push(BIG_CLIENT_BUF);
    }
    if node.scripts().scripts.len() > 1000 {
        issues.push(MANY_SCRIPTS);
    }
    if issues.is_empty() {
        return HEALTHY.into();
    }
    let mut s =
        String::from("Sam, I detected a few issues in this Redis instance memory implants:\n\n");
    for i in issues {
        s.push_str(i);
    }
    s.push_str("I'm here to keep you safe, Sam. I want to help you.\n");
    s
}

/// `MEMORY DOCTOR`: the report as a verbatim string.
pub fn doctor(c: &mut Call) -> Value {
    Value::Verbatim(doctor_report(&c.server()))
}

/// `MEMORY MALLOC-STATS` of a Redis built without jemalloc (the node's
/// `mem_allocator` is libc): a bulk string saying so.
pub fn malloc_stats(_: &mut Call) -> Value {
    Value::bulk("Stats not supported for the current allocator")
}

/// `MEMORY PURGE` of a Redis built without jemalloc: `jemalloc_purge`
/// has nothing to purge and succeeds.
pub fn purge(_: &mut Call) -> Value {
    Value::ok()
}
