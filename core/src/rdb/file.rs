//! A whole RDB file as Redis 7.0 writes it for a full resync (`rdbSaveRio`):
//! `REDIS0010`, the aux fields, `SELECTDB 0`, `RESIZEDB`, the keys (each
//! after `EXPIRETIME_MS` when it has a TTL), `EOF` and the CRC64 of
//! everything before it, little-endian.

use super::{put_len, put_string, read_object, Reader};
use crate::dump::{crc64, RDB_VERSION};
use crate::keyspace::{Clock, Data, Keyspace, Packing, Policy};
use crate::time::Time;

const OPCODE_FUNCTION2: u8 = 245;
const OPCODE_FUNCTION: u8 = 246;
const OPCODE_MODULE_AUX: u8 = 247;
const OPCODE_IDLE: u8 = 248;
const OPCODE_FREQ: u8 = 249;
const OPCODE_AUX: u8 = 250;
const OPCODE_RESIZEDB: u8 = 251;
const OPCODE_EXPIRETIME_MS: u8 = 252;
const OPCODE_EXPIRETIME: u8 = 253;
const OPCODE_SELECTDB: u8 = 254;
const OPCODE_EOF: u8 = 255;

/// The replication fields a master writes in the RDB it sends
/// (`rdbPopulateSaveInfo`): which stream, and at which offset, it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplInfo {
    /// The replication ID of the stream.
    pub replid: String,
    /// The stream offset the RDB corresponds to.
    pub offset: u64,
}

/// Why an RDB file could not be loaded (`rdbLoad` logs these and gives up).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RdbError(pub String);

impl std::fmt::Display for RdbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `rdbSaveRio` of db 0 with the aux fields of `rdbSaveInfoAuxFields`, as
/// a master writes it for a replica's full resync.
pub fn encode(keyspace: &Keyspace, now: Time, repl: &ReplInfo) -> Vec<u8> {
    encode_with(keyspace, now, Some(repl), false)
}

/// `rdbSaveRio` for every use: `repl` is `rdbPopulateSaveInfo`'s answer
/// (`None`: a master outside any replication chain writes no replication
/// fields), `aof_base` marks an AOF's RDB preamble (`aof-base 1`). Every
/// stored key is written, those whose TTL passed but that nothing deleted
/// yet included, as `rdbSaveDb` walks the whole dict (a master skips them
/// when it loads the file, a replica keeps them). `used-mem` is 0: this node
/// does not measure its memory.
pub fn encode_with(
    keyspace: &Keyspace,
    now: Time,
    repl: Option<&ReplInfo>,
    aof_base: bool,
) -> Vec<u8> {
    let mut out = format!("REDIS{RDB_VERSION:04}").into_bytes();
    let aux = |out: &mut Vec<u8>, key: &str, value: &str| {
        out.push(OPCODE_AUX);
        put_string(out, key.as_bytes());
        put_string(out, value.as_bytes());
    };
    aux(&mut out, "redis-ver", crate::command::REDIS_VERSION);
    aux(&mut out, "redis-bits", "64");
    aux(&mut out, "ctime", &(now.ms() / 1000).to_string());
    aux(&mut out, "used-mem", "0");
    if let Some(repl) = repl {
        aux(&mut out, "repl-stream-db", "0");
        aux(&mut out, "repl-id", &repl.replid);
        aux(&mut out, "repl-offset", &repl.offset.to_string());
    }
    aux(&mut out, "aof-base", if aof_base { "1" } else { "0" });
    let entries: Vec<(&[u8], &Data, Option<Time>, u32)> = keyspace.stored_stamped().collect();
    let clock = keyspace.clock().at_time(now);
    if !entries.is_empty() {
        out.push(OPCODE_SELECTDB);
        put_len(&mut out, 0);
        out.push(OPCODE_RESIZEDB);
        put_len(&mut out, entries.len() as u64);
        put_len(
            &mut out,
            entries.iter().filter(|e| e.2.is_some()).count() as u64,
        );
        for (key, data, expire, stamp) in entries {
            if let Some(at) = expire {
                out.push(OPCODE_EXPIRETIME_MS);
                out.extend_from_slice(&at.ms().to_le_bytes());
            }
            // `rdbSaveKeyValuePair`: the idle seconds under an LRU policy,
            // the decayed counter under an LFU one.
            match clock.policy {
                Policy::Lru => {
                    out.push(OPCODE_IDLE);
                    put_len(&mut out, clock.idle_ms(stamp) / 1000);
                }
                Policy::Lfu => {
                    out.push(OPCODE_FREQ);
                    out.push(clock.freq(stamp) as u8);
                }
                Policy::Other => {}
            }
            // rdbSaveKeyValuePair: type, key, value.
            let mut value = Vec::new();
            super::write_object(&mut value, data);
            out.push(value[0]);
            put_string(&mut out, key);
            out.extend_from_slice(&value[1..]);
        }
    }
    out.push(OPCODE_EOF);
    let crc = crc64(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// A loaded RDB: the keys of db 0 and the replication aux fields, if any.
#[derive(Debug)]
pub struct Loaded {
    /// The keys of database 0.
    pub keyspace: Keyspace,
    /// The replication aux fields, when the RDB has them.
    pub repl: Option<ReplInfo>,
}

/// `rdbLoadRio`: checks the magic, the version and the CRC64 (a zero CRC
/// means the writer ran with `rdbchecksum no`), then loads every key. Keys
/// outside db 0 are refused (cluster mode has only db 0); module data and
/// functions cannot be represented here and are refused with their name.
pub fn decode(bytes: &[u8], packing: Packing) -> Result<Loaded, RdbError> {
    decode_at(bytes, None, packing)
}

/// [`decode`] by a node whose commands stamp values with `clock`: each key's
/// `IDLE` or `FREQ` opcode sets its stamp (`objectSetLRUOrLFU` with the
/// LRU clock as loading starts). Without a clock they are read and skipped.
/// Hashes and sorted sets are encoded as `packing` says.
pub fn decode_at(bytes: &[u8], clock: Option<Clock>, packing: Packing) -> Result<Loaded, RdbError> {
    let bad = |what: &str| RdbError(format!("Bad RDB format: {what}"));
    let magic = bytes.get(..9).ok_or_else(|| bad("too short"))?;
    if &magic[..5] != b"REDIS" {
        return Err(RdbError(
            "Wrong signature trying to load DB from file".into(),
        ));
    }
    let version: u16 = std::str::from_utf8(&magic[5..])
        .ok()
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| bad("version"))?;
    if !(1..=RDB_VERSION).contains(&version) {
        return Err(RdbError(format!(
            "Can't handle RDB format version {version}"
        )));
    }
    let mut r = Reader(&bytes[9..]);
    let mut keyspace = Keyspace::new();
    if let Some(clock) = clock {
        keyspace.set_clock(clock);
    }
    let (mut idle, mut freq): (Option<u64>, Option<u8>) = (None, None);
    let (mut replid, mut offset) = (None, None);
    let mut expire: Option<Time> = None;
    let truncated = |_| bad("unexpected end or bad encoding");
    loop {
        let op = r.byte().map_err(truncated)?;
        match op {
            OPCODE_EOF => break,
            OPCODE_AUX => {
                let key = r.string().map_err(truncated)?;
                let value = r.string().map_err(truncated)?;
                let text = String::from_utf8_lossy(&value).into_owned();
                match key.as_slice() {
                    b"repl-id" => replid = Some(text),
                    b"repl-offset" => offset = text.parse::<u64>().ok(),
                    _ => {}
                }
            }
            OPCODE_SELECTDB => {
                let db = r.count().map_err(truncated)?;
                if db != 0 {
                    return Err(RdbError(format!(
                        "DB {db} in the RDB: cluster mode has only DB 0"
                    )));
                }
            }
            OPCODE_RESIZEDB => {
                r.count().map_err(truncated)?;
                r.count().map_err(truncated)?;
            }
            OPCODE_EXPIRETIME_MS => {
                let b: [u8; 8] = r.take(8).map_err(truncated)?.try_into().expect("8");
                expire = Some(Time(u64::from_le_bytes(b)));
            }
            OPCODE_EXPIRETIME => {
                let b: [u8; 4] = r.take(4).map_err(truncated)?.try_into().expect("4");
                expire = Some(Time(u64::from(u32::from_le_bytes(b)) * 1000));
            }
            // The next key's LRU idle time (seconds) or LFU counter.
            OPCODE_IDLE => {
                idle = Some(r.length().map_err(truncated)?);
            }
            OPCODE_FREQ => {
                freq = Some(r.byte().map_err(truncated)?);
            }
            OPCODE_MODULE_AUX => {
                return Err(RdbError(
                    "the RDB holds module data, which this node cannot load".into(),
                ))
            }
            OPCODE_FUNCTION | OPCODE_FUNCTION2 => {
                return Err(RdbError(
                    "the RDB holds functions, which this node cannot load".into(),
                ))
            }
            kind => {
                let key = r.string().map_err(truncated)?;
                let data = read_object(kind, &mut r, packing).map_err(|_| {
                    RdbError(format!(
                        "cannot load key '{}' of RDB type {kind} (an unknown type or a module value)",
                        String::from_utf8_lossy(&key)
                    ))
                })?;
                keyspace.insert(&key, data, expire.take());
                let (freq, idle) = (freq.take(), idle.take());
                if clock.is_some() {
                    keyspace.restore_stamp(&key, freq, idle);
                }
            }
        }
    }
    let body = bytes.len() - r.0.len();
    let crc: [u8; 8] = r.take(8).map_err(truncated)?.try_into().expect("8");
    let crc = u64::from_le_bytes(crc);
    if crc != 0 && crc != crc64(&bytes[..body]) {
        return Err(RdbError("Wrong RDB checksum".into()));
    }
    let repl = match (replid, offset) {
        (Some(replid), Some(offset)) => Some(ReplInfo { replid, offset }),
        _ => None,
    };
    Ok(Loaded { keyspace, repl })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyspace_round_trips_with_ttls_and_repl_info() {
        let mut ks = Keyspace::new();
        ks.insert(b"k", Data::Str(b"v".to_vec().into()), Some(Time(5_000)));
        ks.insert(b"n", Data::Str(b"12345".to_vec().into()), None);
        ks.insert(
            b"l",
            Data::List([b"a".to_vec()].into_iter().collect()),
            None,
        );
        let repl = ReplInfo {
            replid: "a".repeat(40),
            offset: 77,
        };
        let bytes = encode(&ks, Time(1_000), &repl);
        assert!(bytes.starts_with(b"REDIS0010\xfa\x09redis-ver"));
        let loaded = decode(&bytes, Packing::default()).unwrap();
        assert_eq!(loaded.keyspace, ks);
        assert_eq!(loaded.repl, Some(repl));
        let mut flipped = bytes.clone();
        let at = flipped.len() - 12;
        flipped[at] ^= 1;
        assert!(
            decode(&flipped, Packing::default()).is_err(),
            "a flipped bit fails the CRC or the format"
        );
        assert!(
            decode(&bytes[..bytes.len() - 3], Packing::default()).is_err(),
            "truncated"
        );
        assert_eq!(
            decode(b"REDIS0011\xff", Packing::default()).unwrap_err().0,
            "Can't handle RDB format version 11"
        );
    }

    /// An RDB that redis-server 7.0.15 sent a replica (`redis-cli --rdb`):
    /// compact encodings, an LZF string, a TTL, the replication aux fields.
    #[test]
    fn a_real_redis_rdb_loads() {
        let loaded = decode(
            include_bytes!("redis-7.0.15-sample.rdb"),
            Packing::default(),
        )
        .unwrap();
        let mut ks = loaded.keyspace;
        let now = Time(0);
        let get = |ks: &mut Keyspace, k: &str| ks.get(now, k.as_bytes()).cloned();
        assert_eq!(get(&mut ks, "long"), Some(Data::Str(vec![b'a'; 40].into())));
        assert_eq!(get(&mut ks, "n"), Some(Data::Str(b"12345".to_vec().into())));
        assert_eq!(
            ks.expire_at(now, b"ttl"),
            Some(Some(Time(4_102_444_800_000)))
        );
        let list = ["a", "bb", "12", "-5000"].map(|s| s.as_bytes().to_vec());
        assert_eq!(
            get(&mut ks, "l"),
            Some(Data::List(list.into_iter().collect()))
        );
        for (key, kind) in [("h", "hash"), ("z", "zset"), ("si", "set"), ("ss", "set")] {
            assert_eq!(
                get(&mut ks, key).map(|d| d.type_name()),
                Some(kind),
                "{key}"
            );
        }
        assert_eq!(ks.len(), 8);
        let repl = loaded.repl.unwrap();
        assert_eq!(
            (repl.replid.as_str(), repl.offset),
            ("b85d5623b98c34fd6adbc05c96ab55668cc1496e", 14)
        );
    }

    /// An empty database: just the aux fields and EOF.
    /// `rdbSaveKeyValuePair` writes FREQ under an LFU policy and IDLE under
    /// an LRU one; `rdbLoadRio` with a clock sets the stamps back
    /// (`objectSetLRUOrLFU`), without one skips them.
    #[test]
    fn idle_and_freq_opcodes_round_trip() {
        use crate::keyspace::Policy;
        let now = Time(3_600_000);
        for (policy, opcode) in [(Policy::Lfu, OPCODE_FREQ), (Policy::Lru, OPCODE_IDLE)] {
            let clock = Clock::at(now, policy, 10, 1);
            let mut ks = Keyspace::new();
            ks.set_clock(clock);
            ks.insert(b"k", Data::Str(b"v".to_vec().into()), None);
            ks.restore_stamp(b"k", Some(42), Some(300));
            let bytes = encode_with(&ks, now, None, false);
            assert!(bytes.windows(2).any(|w| w[0] == opcode), "{policy:?}");
            let loaded = decode_at(&bytes, Some(clock), Packing::default())
                .unwrap()
                .keyspace;
            let (_, _, _, stamp) = loaded.stored_stamped().next().unwrap();
            match policy {
                Policy::Lfu => assert_eq!(clock.freq(stamp), 42),
                _ => assert_eq!(clock.idle_ms(stamp), 300_000),
            }
            let plain = decode(&bytes, Packing::default()).unwrap().keyspace;
            assert_eq!(plain.stored_stamped().next().unwrap().3, 0);
        }
    }

    #[test]
    fn an_empty_keyspace_has_no_selectdb() {
        let repl = ReplInfo {
            replid: "b".repeat(40),
            offset: 0,
        };
        let bytes = encode(&Keyspace::new(), Time(0), &repl);
        // ... aux "aof-base" = "0" (integer-encoded: c0 00), then EOF and the CRC.
        assert_eq!(
            bytes[bytes.len() - 11..bytes.len() - 8],
            [0xc0, 0x00, OPCODE_EOF]
        );
        assert!(decode(&bytes, Packing::default())
            .unwrap()
            .keyspace
            .is_empty());
    }
}
