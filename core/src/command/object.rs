//! OBJECT ENCODING / REFCOUNT / IDLETIME / FREQ / HELP (object.c), DEBUG
//! OBJECT (debug.c), and the encodings Redis 7.0 would pick for a value,
//! which HSCAN and SSCAN also follow (a compact encoding is scanned whole).
//!
//! Hashes and sorted sets are stored in Redis's encodings
//! ([`crate::keyspace::Hash`], [`crate::keyspace::ZSet`]). For the other
//! values the encoding reported is the one redis-server picks for the
//! same contents under the same `*-max-*` settings, except that a string a
//! command wrote into in place (APPEND, SETRANGE, the bit and HyperLogLog
//! commands) or BITOP created stays `raw` whatever its length, as there
//! ([`Keyspace::make_raw`](crate::keyspace::Keyspace::make_raw)). One case
//! differs from a real server, whose conversions are one-way: a set that
//! grew past a limit and then shrank stays `hashtable` there.

use super::quicklist::pack;
use super::Call;
use crate::config::{params, Config};
use crate::keyspace::aging::LRU_CLOCK_MAX;
use crate::keyspace::{Data, PackLimits, Policy};
use crate::resp::{parse_i64, Value};

/// `OBJ_SHARED_REFCOUNT`: the refcount of Redis's shared integers.
const SHARED_REFCOUNT: i64 = i32::MAX as i64;
/// `OBJ_ENCODING_EMBSTR_SIZE_LIMIT`.
const EMBSTR_SIZE_LIMIT: usize = 44;

/// The encoding thresholds, read from the settings once per command.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    set_intset_entries: u64,
    /// `zset-max-listpack-*`, which ZADD and the stores obey.
    pub(super) zset: PackLimits,
    list_fill: i64,
    list_compress: i64,
}

impl Limits {
    /// The current `set-max-intset-entries`, `zset-max-listpack-*` and
    /// `list-*` values.
    pub fn of(cfg: &Config) -> Limits {
        let signed = |name: &str| {
            params::find(name.as_bytes())
                .map(|p| cfg.param_value(p))
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
        };
        let get = |name: &str| signed(name).max(0) as u64;
        Limits {
            // `setTypeAdd` caps the setting at 1G entries.
            set_intset_entries: get("set-max-intset-entries").min(1 << 30),
            zset: cfg.zset_listpack,
            list_fill: signed("list-max-listpack-size"),
            list_compress: signed("list-compress-depth"),
        }
    }

    /// `list-max-listpack-size`: a quicklist node's fill
    /// ([`super::quicklist::pack`]).
    pub fn list_fill(&self) -> i64 {
        self.list_fill
    }

    /// Whether `list-compress-depth` compresses a quicklist's inner nodes.
    pub fn list_compressed(&self) -> bool {
        self.list_compress != 0
    }

    /// Whether `n` integers fit an intset (`set-max-intset-entries`).
    pub fn intset_fits(&self, n: usize) -> bool {
        n as u64 <= self.set_intset_entries
    }

    /// Whether Redis would keep `d` in a compact encoding (listpack,
    /// intset), which SCAN returns whole.
    pub fn compact(&self, d: &Data) -> bool {
        matches!(self.encoding(d), "listpack" | "intset")
    }

    /// [`encoding`](Self::encoding) of a stored value: a string Redis made
    /// raw ([`Keyspace::make_raw`](crate::keyspace::Keyspace::make_raw)) is
    /// raw whatever its length.
    pub fn stored_encoding(&self, d: &Data, raw: bool) -> &'static str {
        match d {
            Data::Str(_) if raw => "raw",
            _ => self.encoding(d),
        }
    }

    /// `strEncoding(o->encoding)` for `d`. Lists are always quicklists in
    /// 7.0; integer sets are intsets; hashes and sorted sets are stored in
    /// their encodings.
    pub fn encoding(&self, d: &Data) -> &'static str {
        match d {
            Data::Str(s) if s.len() <= 20 && parse_i64(s).is_some() => "int",
            Data::Str(s) if s.len() <= EMBSTR_SIZE_LIMIT => "embstr",
            Data::Str(_) => "raw",
            Data::List(_) => "quicklist",
            Data::Set(s)
                if s.len() as u64 <= self.set_intset_entries
                    && s.iter().all(|m| parse_i64(m).is_some()) =>
            {
                "intset"
            }
            Data::Set(_) => "hashtable",
            Data::Hash(h) if h.is_packed() => "listpack",
            Data::Hash(_) => "hashtable",
            Data::ZSet(z) if z.is_packed() => "listpack",
            Data::ZSet(_) => "skiplist",
            Data::Stream(_) => "stream",
        }
    }
}

/// `OBJECT ENCODING key`: nil for a missing key.
pub fn encoding(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let limits = Limits::of(node.config());
    let ks = node.keyspace_mut();
    let raw = ks.is_raw(&args[2]);
    match ks.peek(now, &args[2]) {
        None => Value::Null,
        Some((d, _)) => Value::bulk(limits.stored_encoding(d, raw)),
    }
}

/// `OBJECT REFCOUNT key`: a shared integer object's refcount is INT_MAX
/// (`OBJ_SHARED_REFCOUNT`); every other value has one reference.
pub fn refcount(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    if ks.peek(now, &args[2]).is_none() {
        return Value::Null;
    }
    Value::Integer(value_refcount(
        ks.debug_lookup(&args[2]).and_then(|(_, _, n)| n),
    ))
}

/// The refcount of a value that is shared integer `shared`'s object, or
/// one of its own.
fn value_refcount(shared: Option<u16>) -> i64 {
    if shared.is_some() {
        SHARED_REFCOUNT
    } else {
        1
    }
}

/// `DEBUG OBJECT key` (debug.c): the value's address, refcount, encoding,
/// `rdbSavedObjectLen`, raw `lru` field and idle seconds, and a list's
/// quicklist. The key is found as stored (`dictFind`: an expired key not
/// yet deleted still answers). The address is opaque: stable for a value
/// while it is stored, one per shared integer.
pub fn debug_object(c: &mut Call) -> Value {
    let args = c.args;
    let node = &mut c.server();
    let limits = Limits::of(node.config());
    let ks = node.keyspace_mut();
    let clock = ks.clock();
    let key = &args[2];
    let raw = ks.is_raw(key);
    let Some((data, stamp, shared)) = ks.debug_lookup(key) else {
        return Value::err("ERR no such key");
    };
    let mut saved = Vec::new();
    crate::rdb::write_object(&mut saved, data);
    let mut line = format!(
        "Value at:{} refcount:{} encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{}",
        address(key, shared),
        value_refcount(shared),
        limits.stored_encoding(data, raw),
        // The type byte is not the object's.
        saved.len() - 1,
        stamp & LRU_CLOCK_MAX,
        clock.idle_ms(stamp) / 1000
    );
    if let Data::List(items) = data {
        let nodes = pack(items.iter().map(Vec::as_slice), limits.list_fill());
        line.push_str(&format!(
            " ql_nodes:{} ql_avg_node:{:.2} ql_listpack_max:{} ql_compressed:{} ql_uncompressed_size:{}",
            nodes.len(),
            items.len() as f64 / nodes.len() as f64,
            limits.list_fill(),
            u8::from(limits.list_compressed()),
            nodes.iter().map(|n| n.bytes).sum::<usize>()
        ));
    }
    Value::Simple(line)
}

/// An opaque `%p` for a value: a shared integer's object has one address
/// for every key holding it; any other value one derived from its key
/// (FNV-1a), 16-byte aligned as an allocation is.
fn address(key: &[u8], shared: Option<u16>) -> String {
    const BASE: u64 = 0x7f00_0000_0000;
    let offset = match shared {
        Some(n) => u64::from(n) << 4,
        None => {
            let hash = key.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
            });
            // Above the shared objects' 160 KB, below 2^40.
            (1 << 20) + (hash & 0xff_ffff_fff0)
        }
    };
    format!("0x{:x}", BASE + offset)
}

/// `OBJECT IDLETIME key`: seconds since the value was last looked up
/// (`estimateObjectIdleTime`), refused under an LFU policy, whose stamps
/// are counters.
pub fn idletime(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let clock = ks.clock();
    match ks.peek(now, &args[2]) {
        None => Value::Null,
        Some(_) if clock.policy == Policy::Lfu => Value::err(
            "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
        ),
        Some((_, stamp)) => Value::Integer((clock.idle_ms(stamp) / 1000) as i64),
    }
}

/// `OBJECT FREQ key`: the value's LFU counter after decay
/// (`LFUDecrAndReturn`), only under an LFU policy.
pub fn freq(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let clock = ks.clock();
    match ks.peek(now, &args[2]) {
        None => Value::Null,
        Some(_) if clock.policy != Policy::Lfu => Value::err(
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
        ),
        Some((_, stamp)) => Value::Integer(i64::from(clock.freq(stamp))),
    }
}

/// `OBJECT HELP`, `addReplyHelp`'s layout and object.c's text.
pub fn help(_: &mut Call) -> Value {
    const LINES: &[&str] = &[
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    ];
    Value::Array(LINES.iter().map(|l| Value::Simple((*l).into())).collect())
}
