//! Redis's RDB serialization (`rdb.c`), shared by `DUMP`/`RESTORE` payloads
//! ([`crate::dump`]) and the RDB file a master sends on a full resync
//! ([`mod@file`]).
//!
//! Writing uses the plain encodings (string, list, set, hash, zset with
//! binary scores: types 0, 1, 2, 4, 5) which Redis 7.0 still loads; strings
//! are saved as `rdbSaveRawString` saves them: integer-encoded when they
//! are integers, LZF-compressed ([`lzf`]) above 20 bytes when that saves
//! at least 4 when `rdbcompression` is yes (the default; see
//! [`with_compression`]), so a string's DUMP is redis-server's byte for byte.
//! Reading also accepts what 7.0 itself writes for small or compressed
//! values: LZF strings, intsets, listpacks (hash, zset) and quicklist 2
//! (list), see [`compact`]. Streams are read and written as 7.0 does
//! ([`mod@stream`]).

pub mod compact;
pub mod file;
pub mod lzf;
pub mod stream;

use crate::keyspace::{Data, Hash, PackLimits, Packing, ZSet};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A string.
pub const TYPE_STRING: u8 = 0;
/// A plain linked list (pre-3.2 encoding, still loaded).
pub const TYPE_LIST: u8 = 1;
/// A plain set.
pub const TYPE_SET: u8 = 2;
/// A sorted set with text scores.
pub const TYPE_ZSET: u8 = 3;
/// A plain hash.
pub const TYPE_HASH: u8 = 4;
/// A sorted set with binary scores.
pub const TYPE_ZSET_2: u8 = 5;
/// A set of integers (intset).
pub const TYPE_SET_INTSET: u8 = 11;
/// A small hash as a listpack.
pub const TYPE_HASH_LISTPACK: u8 = 16;
/// A small sorted set as a listpack.
pub const TYPE_ZSET_LISTPACK: u8 = 17;
/// A list as a quicklist of listpacks (7.0).
pub const TYPE_LIST_QUICKLIST_2: u8 = 18;

/// `rdbLoadObject` refused the bytes (`Bad data format` on RESTORE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadFormat;

/// `rdbSaveObjectType` + `rdbSaveObject` in the plain encodings.
pub fn write_object(out: &mut Vec<u8>, data: &Data) {
    match data {
        Data::Str(s) => {
            out.push(TYPE_STRING);
            put_string(out, s);
        }
        Data::List(items) => {
            out.push(TYPE_LIST);
            put_len(out, items.len() as u64);
            items.iter().for_each(|i| put_string(out, i));
        }
        Data::Set(members) => {
            out.push(TYPE_SET);
            put_len(out, members.len() as u64);
            members.iter().for_each(|m| put_string(out, m));
        }
        Data::Hash(fields) => {
            out.push(TYPE_HASH);
            put_len(out, fields.len() as u64);
            for (f, v) in fields.iter() {
                put_string(out, f);
                put_string(out, v);
            }
        }
        Data::Stream(s) => stream::write(out, s),
        Data::ZSet(members) => {
            out.push(TYPE_ZSET_2);
            put_len(out, members.len() as u64);
            // By member, the order this writer has always used, so a
            // payload does not depend on the set's encoding.
            let mut by_member: Vec<(&[u8], f64)> = members.iter().collect();
            crate::sorted::sort_by(&mut by_member, |a, b| a.0.cmp(b.0));
            for (m, score) in by_member {
                put_string(out, m);
                out.extend_from_slice(&score.to_le_bytes());
            }
        }
    }
}

/// `rdbLoadObject` for the value of type `kind` at the reader's position;
/// hashes are encoded as `packing` says, whatever their type on the wire.
pub fn read_object(kind: u8, r: &mut Reader, packing: Packing) -> Result<Data, BadFormat> {
    Ok(match kind {
        TYPE_STRING => Data::Str(r.string()?.into()),
        TYPE_LIST => {
            let n = r.count()?;
            Data::List(
                (0..n)
                    .map(|_| r.string())
                    .collect::<Result<VecDeque<_>, _>>()?,
            )
        }
        TYPE_SET => {
            let n = r.count()?;
            let mut set = BTreeSet::new();
            for _ in 0..n {
                // "Duplicate set members detected"
                if !set.insert(r.string()?) {
                    return Err(BadFormat);
                }
            }
            Data::Set(set)
        }
        TYPE_HASH => {
            // Redis 7.0 loads a repeated field into a small hash's listpack
            // as is (a corrupt hash); here the last value wins.
            let n = r.count()?;
            let pairs = (0..n)
                .map(|_| Ok((r.string()?, r.string()?)))
                .collect::<Result<Vec<_>, _>>()?;
            Data::Hash(Hash::loaded(pairs, packing.hash))
        }
        TYPE_ZSET | TYPE_ZSET_2 => {
            let n = r.count()?;
            let mut z = BTreeMap::new();
            for _ in 0..n {
                let m = r.string()?;
                let score = if kind == TYPE_ZSET_2 {
                    let bytes: [u8; 8] = r.take(8)?.try_into().map_err(|_| BadFormat)?;
                    f64::from_le_bytes(bytes)
                } else {
                    r.old_double()?
                };
                // "Zset with NAN score detected", "Duplicate zset fields detected"
                if score.is_nan() || z.insert(m, score).is_some() {
                    return Err(BadFormat);
                }
            }
            Data::ZSet(ZSet::loaded(z, packing.zset))
        }
        TYPE_SET_INTSET => Data::Set(crate::sorted::set(compact::intset(&r.string()?)?)),
        TYPE_HASH_LISTPACK => {
            let items = compact::listpack(&r.string()?)?;
            if items.len() % 2 != 0 {
                return Err(BadFormat);
            }
            let mut items = items.into_iter();
            let pairs: Vec<_> =
                std::iter::from_fn(|| Some((items.next()?, items.next()?))).collect();
            Data::Hash(Hash::loaded(pairs, packing.hash))
        }
        TYPE_ZSET_LISTPACK => {
            let items = compact::listpack(&r.string()?)?;
            if items.len() % 2 != 0 {
                return Err(BadFormat);
            }
            let mut z = BTreeMap::new();
            for pair in items.chunks(2) {
                z.insert(pair[0].clone(), parse_score(&pair[1])?);
            }
            // A listpack stays one however long its members: 7.0 checks
            // only `zset-max-listpack-entries` here.
            let limits = PackLimits {
                value: u64::MAX,
                ..packing.zset
            };
            Data::ZSet(ZSet::loaded(z, limits))
        }
        TYPE_LIST_QUICKLIST_2 => {
            let nodes = r.count()?;
            let mut list = VecDeque::new();
            for _ in 0..nodes {
                // QUICKLIST_NODE_CONTAINER_PLAIN = 1, PACKED = 2.
                match r.count()? {
                    1 => list.push_back(r.string()?),
                    2 => list.extend(compact::listpack(&r.string()?)?),
                    _ => return Err(BadFormat),
                }
            }
            Data::List(list)
        }
        stream::TYPE_STREAM_LISTPACKS_2 => Data::Stream(Box::new(stream::read(r)?)),
        _ => return Err(BadFormat),
    })
}

/// A zset score kept in a listpack as text (`zzlGetScore`: `strtod`).
fn parse_score(text: &[u8]) -> Result<f64, BadFormat> {
    let s = std::str::from_utf8(text).map_err(|_| BadFormat)?;
    match s.to_ascii_lowercase().as_str() {
        "inf" | "+inf" => Ok(f64::INFINITY),
        "-inf" => Ok(f64::NEG_INFINITY),
        _ => s.parse().map_err(|_| BadFormat),
    }
}

/// `rdbSaveLen`: 6-bit, 14-bit, 32-bit or 64-bit big-endian lengths.
pub fn put_len(out: &mut Vec<u8>, n: u64) {
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.extend_from_slice(&[0x40 | (n >> 8) as u8, n as u8]);
    } else if n <= u32::MAX as u64 {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// `rdbSaveRawString`: a string that is the canonical text of an integer
/// fitting 32 bits is stored in 1, 2 or 4 bytes (`rdbTryIntegerEncoding`),
/// one over 20 bytes that LZF shrinks by 4 or more as `RDB_ENC_LZF`
/// (`rdbSaveLzfStringObject`) unless `rdbcompression` is off, anything
/// else as length + bytes.
pub fn put_string(out: &mut Vec<u8>, s: &[u8]) {
    if s.len() <= 11 {
        let canonical = std::str::from_utf8(s)
            .ok()
            .and_then(|t| t.parse::<i64>().ok())
            .filter(|v| v.to_string().as_bytes() == s);
        if let Some(v) = canonical {
            if let Ok(b) = i8::try_from(v) {
                out.extend_from_slice(&[0xc0, b as u8]);
                return;
            }
            if let Ok(h) = i16::try_from(v) {
                out.push(0xc1);
                out.extend_from_slice(&h.to_le_bytes());
                return;
            }
            if let Ok(w) = i32::try_from(v) {
                out.push(0xc2);
                out.extend_from_slice(&w.to_le_bytes());
                return;
            }
        }
    }
    if s.len() > 20 && COMPRESS.with(std::cell::Cell::get) {
        if let Some(packed) = lzf::compress(s, s.len() - 4) {
            // (RDB_ENCVAL << 6) | RDB_ENC_LZF, then both lengths.
            out.push(0xc3);
            put_len(out, packed.len() as u64);
            put_len(out, s.len() as u64);
            out.extend_from_slice(&packed);
            return;
        }
    }
    put_len(out, s.len() as u64);
    out.extend_from_slice(s);
}

thread_local! {
    /// `server.rdb_compression` for what this thread encodes now: Redis
    /// reads its global in `rdbSaveRawString`, for RDB files, full
    /// resyncs and DUMP alike.
    static COMPRESS: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Runs `encode` with `rdbcompression` set to `on` (a node passes its
/// setting), then restores the previous one.
pub fn with_compression<T>(on: bool, encode: impl FnOnce() -> T) -> T {
    let before = COMPRESS.with(|c| c.replace(on));
    let out = encode();
    COMPRESS.with(|c| c.set(before));
    out
}

/// A cursor over RDB bytes.
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    /// The next `n` bytes, or `BadFormat` if there are fewer.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], BadFormat> {
        if self.0.len() < n {
            return Err(BadFormat);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    /// The next byte, or `BadFormat` at the end.
    pub fn byte(&mut self) -> Result<u8, BadFormat> {
        Ok(self.take(1)?[0])
    }

    /// A length, or `Err(encoding)` for the special string encodings (0xC0…).
    fn len_or_encoding(&mut self) -> Result<Result<u64, u8>, BadFormat> {
        let first = self.byte()?;
        Ok(match first >> 6 {
            0 => Ok((first & 0x3f) as u64),
            1 => Ok((((first & 0x3f) as u64) << 8) | self.byte()? as u64),
            2 if first == 0x80 => {
                let b: [u8; 4] = self.take(4)?.try_into().map_err(|_| BadFormat)?;
                Ok(u32::from_be_bytes(b) as u64)
            }
            2 if first == 0x81 => {
                let b: [u8; 8] = self.take(8)?.try_into().map_err(|_| BadFormat)?;
                Ok(u64::from_be_bytes(b))
            }
            2 => return Err(BadFormat),
            _ => Err(first & 0x3f),
        })
    }

    /// `rdbLoadLen`: a length or counter, any value.
    pub fn length(&mut self) -> Result<u64, BadFormat> {
        self.len_or_encoding()?.map_err(|_| BadFormat)
    }

    /// A count of elements; each takes at least one byte, so absurd counts
    /// are refused before anything is allocated.
    pub fn count(&mut self) -> Result<u64, BadFormat> {
        let n = self.len_or_encoding()?.map_err(|_| BadFormat)?;
        if n > self.0.len() as u64 {
            return Err(BadFormat);
        }
        Ok(n)
    }

    /// `rdbGenericLoadStringObject`: raw, an integer in 1, 2 or 4
    /// little-endian bytes, or LZF-compressed.
    pub fn string(&mut self) -> Result<Vec<u8>, BadFormat> {
        match self.len_or_encoding()? {
            Ok(n) => {
                let n = usize::try_from(n).map_err(|_| BadFormat)?;
                Ok(self.take(n)?.to_vec())
            }
            Err(enc @ 0..=2) => {
                let bytes = self.take(1 << enc)?;
                let v = match bytes.len() {
                    1 => bytes[0] as i8 as i64,
                    2 => i16::from_le_bytes([bytes[0], bytes[1]]) as i64,
                    _ => i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as i64,
                };
                Ok(v.to_string().into_bytes())
            }
            // RDB_ENC_LZF: compressed length, plain length, data.
            Err(3) => {
                let clen = self.count()? as usize;
                let len = self.len_or_encoding()?.map_err(|_| BadFormat)?;
                // LZF expands at most ~32x per back reference: bound the claim.
                if len > (clen as u64).saturating_mul(300).max(64) {
                    return Err(BadFormat);
                }
                compact::lzf_decompress(self.take(clen)?, len as usize)
            }
            Err(_) => Err(BadFormat),
        }
    }

    /// `rdbLoadDoubleValue` (RDB_TYPE_ZSET): a length byte then the text;
    /// 253, 254, 255 stand for NaN, +inf, -inf.
    fn old_double(&mut self) -> Result<f64, BadFormat> {
        match self.byte()? {
            253 => Ok(f64::NAN),
            254 => Ok(f64::INFINITY),
            255 => Ok(f64::NEG_INFINITY),
            n => parse_score(self.take(n as usize)?),
        }
    }
}
